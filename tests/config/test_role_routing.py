"""Every role signs in at every login page and ends on a page it may use, or on a refusal that
links to its home: never a loop (issue 18, item 6)."""

from urllib.parse import parse_qs, urlsplit

import pytest

from access.roles import Role
from tests.communities.factories import UserFactory

LOGIN_PAGES = ["/accounts/login/", "/admin/login/", "/field/login/"]
ENROL = "/accounts/two-factor/enrol/"
MAX_HOPS = 8


@pytest.fixture
def dpo_user(db):
    return UserFactory(username="dpo-user", role=Role.DATA_PROTECTION)


def follow(client, response):
    """The chain of redirects after ``response``: the addresses visited and the last answer; a
    repeated address fails the test (a loop)."""
    seen: list[str] = []
    while response.status_code in (301, 302):
        location = response["Location"]
        assert location not in seen, f"redirect loop: {[*seen, location]}"
        seen.append(location)
        assert len(seen) <= MAX_HOPS, f"too many redirects: {seen}"
        response = client.get(location)
    return seen, response


def sign_in(client, user, page):
    form = {"username": user.username, "password": "secret-password"}
    if page == "/admin/login/":
        form["next"] = "/admin/"  # the admin's login form carries it in a hidden field
    client.get(page)
    response = client.post(page, form)
    assert response.status_code == 302, f"{page} refused {user.username}"
    return follow(client, response)


# Where each role ends after signing in with no page asked for. Roles that must give a second
# factor first end on its enrolment, which then sends them on (its ``next``).
EXPECTED = {
    ("partner_user", "/accounts/login/"): "/",
    ("partner_user", "/admin/login/"): "/",
    ("partner_user", "/field/login/"): "/",
    ("negotiator_user", "/accounts/login/"): "/field/",
    ("negotiator_user", "/admin/login/"): "/field/",
    ("negotiator_user", "/field/login/"): "/field/",
    ("staff_user", "/accounts/login/"): "/",
    ("staff_user", "/admin/login/"): "/admin/",
    ("staff_user", "/field/login/"): "/field/",
    ("manager_user", "/accounts/login/"): "/",
    ("manager_user", "/admin/login/"): "/admin/",
    ("manager_user", "/field/login/"): "/field/",
    ("dpo_user", "/accounts/login/"): "/",
    ("dpo_user", "/admin/login/"): "/admin/",
    ("dpo_user", "/field/login/"): "/",
}


@pytest.mark.django_db
@pytest.mark.parametrize(("fixture", "page"), list(EXPECTED))
def test_each_role_lands_on_its_home_from_each_login_page(client, request, fixture, page):
    user = request.getfixturevalue(fixture)
    seen, response = sign_in(client, user, page)
    assert response.status_code == 200, (seen, response.status_code)
    final = seen[-1]
    final = parse_qs(urlsplit(final).query)["next"][0] if final.startswith(ENROL) else urlsplit(final).path
    assert final == EXPECTED[(fixture, page)]


@pytest.mark.django_db
@pytest.mark.parametrize("page", LOGIN_PAGES)
def test_a_signed_in_partner_opening_a_login_page_again_is_not_looped(client, partner_user, page):
    client.force_login(partner_user)
    _seen, response = follow(client, client.get(page))
    assert response.status_code in (200, 403)
    if response.status_code == 403:
        assert 'href="/"' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/field/", "/field/incidents/", "/admin/", "/admin/incidents/incident/"])
def test_a_page_a_partner_may_not_use_links_to_their_home(client, partner_user, page):
    client.force_login(partner_user)
    _seen, response = follow(client, client.get(page, HTTP_ACCEPT_LANGUAGE="uk"))
    assert response.status_code == 403
    body = response.content.decode()
    assert 'href="/"' in body
    assert 'href="/field/"' not in body.split("<main", 1)[-1]


@pytest.mark.django_db
def test_the_refusal_is_translated(client, partner_user):
    client.force_login(partner_user)
    client.cookies["django_language"] = "uk"
    _seen, response = follow(client, client.get("/admin/", HTTP_ACCEPT_LANGUAGE="uk"))
    assert response.status_code == 403
    assert "Not for your role" not in response.content.decode()


@pytest.mark.django_db
def test_a_user_without_a_role_lands_on_the_home_page_from_every_login_page(client):
    user = UserFactory(username="nobody")
    for page in LOGIN_PAGES:
        client.logout()
        _seen, response = sign_in(client, user, page)
        assert response.status_code == 200
