from typing import Any

import pytest

from access.roles import Role
from tests.communities.factories import CommunityFactory, PartnerOrganisationFactory, UserFactory
from tests.negotiators.factories import NegotiatorFactory

# The API tests' clients, keys and records (tests/communities/api_support.py).
pytest_plugins = ["tests.communities.api_support", "tests.browser_support"]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """Every test hashes passwords with MD5: PBKDF2's deliberate slowness (~1.6 s a user on these
    machines) proves nothing here and made most of the suite's time."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


# Kept by a transactional test's flush: what migrate's post_migrate writes (content types,
# permissions and the role groups), the same after every flush.
KEPT_BY_FLUSH = frozenset({"django_content_type", "auth_permission", "auth_group", "auth_group_permissions"})


def _flush_filled_tables(self: Any) -> None:
    """A transactional test's teardown, emptying only the tables it filled.

    Django's flush truncates every table (some 300 here; a few seconds on PostgreSQL) and then
    re-runs post_migrate (content types, permissions, the role groups) for every app. Deleting the
    rows of the few tables that have any, in one transaction (the foreign keys are checked at
    commit, when everything is gone), leaves the same database in a fraction of the time."""
    from django.db import connections, transaction

    from access.roles import Role, sync_role_groups

    for alias in self._databases_names(include_mirrors=False):
        connection = connections[alias]
        quote = connection.ops.quote_name
        tables = sorted(set(connection.introspection.django_table_names(only_existing=True)) - KEPT_BY_FLUSH)
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            filled: list[str] = []
            for start in range(0, len(tables), 200):  # SQLite takes at most 500 terms in a UNION.
                chunk = tables[start : start + 200]
                cursor.execute(
                    " UNION ALL ".join(
                        f"SELECT {index} WHERE EXISTS (SELECT 1 FROM {quote(table)})"
                        for index, table in enumerate(chunk, start)
                    )
                )
                filled += [tables[row[0]] for row in cursor.fetchall()]
            for table in filled:
                cursor.execute(f"DELETE FROM {quote(table)}")
            # A group a test created goes; the roles' groups get exactly their permissions back.
            roles = ", ".join(f"'{role.value}'" for role in Role)
            cursor.execute(
                "DELETE FROM auth_group_permissions WHERE group_id IN "
                f"(SELECT id FROM auth_group WHERE name NOT IN ({roles}))"
            )
            cursor.execute(f"DELETE FROM auth_group WHERE name NOT IN ({roles})")
            sync_role_groups()


@pytest.fixture(autouse=True, scope="session")
def _fast_transactional_flush():
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = _flush_filled_tables
    yield
    TransactionTestCase._fixture_teardown = original


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the portal's language: a request handled by an earlier test leaves its
    language active in the thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def media_root(settings, tmp_path):
    """Files (report PDFs) go to a temporary folder (the storage follows the setting's change signal)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def community(db):
    return CommunityFactory()


@pytest.fixture
def other_community(db):
    return CommunityFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(username="staff-user", role=Role.STAFF)


@pytest.fixture
def manager_user(db):
    return UserFactory(username="manager-user", role=Role.PROGRAMME_MANAGER)


@pytest.fixture
def negotiator_user(db, community):
    user = UserFactory(username="negotiator-user", role=Role.NEGOTIATOR)
    NegotiatorFactory(community=community, user=user)
    return user


@pytest.fixture
def partner(db, community):
    return PartnerOrganisationFactory(communities=[community])


@pytest.fixture
def partner_user(db, partner):
    user = UserFactory(username="partner-user", role=Role.PARTNER)
    partner.members.add(user)
    return user


class _DemoDatabase:
    """The demo programme, seeded once for a run of consecutive tests that use it and rolled back
    after the last of them (seeding costs ~25 s; the suite has a dozen modules on it). The tests
    using it are moved next to each other at collection; each test still runs in its own
    transaction on top of it. Its files (the library's documents) go to a temporary folder."""

    def __init__(self) -> None:
        self.output: str | None = None
        self._atomic: Any = None
        self._media: Any = None
        self._blocker: Any = None

    def ensure(self, blocker: Any, media: Any) -> str:
        if self.output is None:
            from io import StringIO

            from django.core.management import call_command
            from django.db import transaction
            from django.test import override_settings

            self._blocker = blocker
            self._media = override_settings(MEDIA_ROOT=media)
            self._media.enable()
            with blocker.unblock():
                self._atomic = transaction.atomic()
                self._atomic.__enter__()
                out = StringIO()
                call_command("seed_demo", stdout=out)
            self.output = out.getvalue()
        return self.output

    def discard(self) -> None:
        if self.output is None:
            return
        from django.db import transaction

        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
        self._media.disable()
        self.output = self._atomic = self._media = self._blocker = None


_DEMO = _DemoDatabase()
DEMO_FIXTURE = "demo_programme"


def _uses_demo(item: Any) -> bool:
    return DEMO_FIXTURE in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Run the tests on the demo programme one after the other, where the first of them was (after
    pytest-django's ordering by database use), so that it is seeded once."""
    demo = [item for item in items if _uses_demo(item)]
    if not demo:
        return
    first = items.index(demo[0])
    rest = [item for item in items if not _uses_demo(item)]
    items[:] = rest[:first] + demo + rest[first:]


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    yield
    if _DEMO.output is not None and (nextitem is None or not _uses_demo(nextitem)):
        _DEMO.discard()


@pytest.fixture(scope="module")
def demo_programme(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo programme (what ``seed_demo`` printed), shared by consecutive tests (above)."""
    return _DEMO.ensure(django_db_blocker, tmp_path_factory.mktemp("demo-media"))
