import pytest

from access.roles import Role
from tests.communities.factories import CommunityFactory, PartnerOrganisationFactory, UserFactory
from tests.negotiators.factories import NegotiatorFactory

# The API tests' clients, keys and records (tests/communities/api_support.py).
pytest_plugins = ["tests.communities.api_support"]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    """Every test hashes passwords with MD5: PBKDF2's deliberate slowness (~1.6 s a user on these
    machines) proves nothing here and made most of the suite's time."""
    from django.test.utils import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


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


@pytest.fixture(scope="module")
def demo_programme(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo programme, seeded once per test module and rolled back after it; each test still
    runs in its own transaction on top of it. Its files (the library's documents) go to a
    temporary folder."""
    from io import StringIO

    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("demo-media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        out = StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
