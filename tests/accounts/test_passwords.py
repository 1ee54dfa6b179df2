"""Changing one's own password (every role), resetting a forgotten one by e-mail through a real
SMTP server, and the password policy."""

import re
from email import message_from_bytes, policy

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.accounts.support import password_accepted, verified_login
from tests.communities.factories import UserFactory
from tests.mail.smtp_support import use_email_url

NEW_PASSWORD = "vyshyvanka on a windy hill"
ROLES = ["staff_user", "manager_user", "negotiator_user", "partner_user"]


# --- Changing one's own password ------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_changes_its_own_password(client, request, role):
    user = request.getfixturevalue(role)
    verified_login(client, user)
    assert client.get("/accounts/password/change/").status_code == 200

    response = client.post(
        "/accounts/password/change/",
        {"old_password": "secret-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/done/"
    assert client.get("/accounts/password/change/done/").status_code == 200
    client.logout()
    assert password_accepted(user.username, NEW_PASSWORD)
    assert not password_accepted(user.username, "secret-password")


def test_a_changed_password_ends_the_other_sessions(client, django_user_model, negotiator_user):
    from django.test import Client

    phone = Client()
    verified_login(phone, negotiator_user)
    verified_login(client, negotiator_user)
    client.post(
        "/accounts/password/change/",
        {"old_password": "secret-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )

    assert client.get("/field/").status_code == 200
    assert phone.get("/field/")["Location"].startswith("/field/login/")


def test_a_wrong_current_password_changes_nothing(client, negotiator_user):
    verified_login(client, negotiator_user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "not-my-password", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    negotiator_user.refresh_from_db()
    assert negotiator_user.check_password("secret-password")


def test_changing_a_password_needs_a_login(client, db):
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_change_page_is_linked_from_the_portal_and_the_field_app(client, staff_user, negotiator_user):
    verified_login(client, staff_user)
    assert 'href="/accounts/password/change/"' in client.get("/").content.decode()
    verified_login(client, negotiator_user)
    assert 'href="/accounts/password/change/"' in client.get("/field/").content.decode()


@pytest.mark.parametrize("login_page", ["/accounts/login/", "/field/login/", "/admin/login/"])
def test_the_login_pages_link_to_the_reset(client, db, login_page):
    assert 'href="/accounts/password/reset/"' in client.get(login_page).content.decode()


# --- Reset by e-mail ------------------------------------------------------------------------


@pytest.fixture
def negotiator_with_email(negotiator_user):
    negotiator_user.email = "olena@example.org"
    negotiator_user.save()
    return negotiator_user


def reset_link(message) -> str:
    text = message.get_body(("plain",)).get_content()
    found = re.search(r"https?://testserver(/accounts/password/reset/\S+/)", text)
    assert found, text
    return found.group(1)


def test_a_forgotten_password_is_reset_through_the_link_in_the_mail(
    client, smtp_server, negotiator_with_email, django_capture_on_commit_callbacks
):
    client.cookies["django_language"] = "cs"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "OLENA@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"

    [received] = smtp_server.received
    assert received.rcpt_tos == ["olena@example.org"]
    assert received.message["Subject"].strip() == "Zlagoda: zvolte nové heslo"
    assert "Vaše uživatelské jméno je negotiator-user." in received.message.get_body(("plain",)).get_content()
    assert reset_link(received.message) in received.message.get_body(("html",)).get_content()

    form_page = client.get(reset_link(received.message), follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == "/accounts/password/reset/complete/"

    assert password_accepted("negotiator-user", NEW_PASSWORD)
    assert not password_accepted("negotiator-user", "secret-password")
    client.logout()
    assert not client.get(reset_link(received.message), follow=True).context["validlink"]


def without_csrf(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(
    client, smtp_server, negotiator_with_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/accounts/password/reset/", {"email": "olena@example.org"}, follow=True)
        unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain == [("/accounts/password/reset/done/", 302)]
    # The same page but for the CSRF token of the language switch.
    assert without_csrf(known.content) == without_csrf(unknown.content)
    assert [received.rcpt_tos for received in smtp_server.received] == [["olena@example.org"]]


def test_one_address_gets_at_most_three_reset_mails_an_hour(
    client, smtp_server, negotiator_with_email, django_capture_on_commit_callbacks
):
    pages = []
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            pages.append(client.post("/accounts/password/reset/", {"email": "olena@example.org"}, follow=True))

    assert len(smtp_server.received) == 3
    assert len({without_csrf(page.content) for page in pages}) == 1


def test_an_inactive_account_gets_no_mail(
    client, smtp_server, negotiator_with_email, django_capture_on_commit_callbacks
):
    negotiator_with_email.is_active = False
    negotiator_with_email.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "olena@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert smtp_server.received == []


def test_the_reset_mail_is_in_the_language_of_the_request(
    client, smtp_server, negotiator_with_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "olena@example.org"})
    message = smtp_server.received[0].message
    assert message["Subject"].strip() == "Злагода: оберіть новий пароль"
    assert "Вітаємо, negotiator-user!" in message.get_body(("plain",)).get_content()


# --- The policy -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("short-pass", "password_too_short"),
        ("1234567890123", "password_too_common"),
        ("P@ssw0rd2024!", "password_common_word"),
        ("Kyiv-1991-2024", "password_common_word"),
        ("kohannia.2001.", "password_common_word"),
        ("passwordpassword", "password_common_word"),
        ("zlagoda-staff-2024", "password_portal_name"),
        ("my ЗЛАГОДА account", "password_portal_name"),
        ("qwerty-horse-battery", "password_sequence"),
        ("йцукен-кінь-батарея", "password_sequence"),
        ("battery98765horse", "password_sequence"),
        ("aaaa-bbbb-cccc", "password_repeats"),
        ("abababababab", "password_repeats"),
        ("19.08.1991 / 24.02", "password_date"),
    ],
)
def test_the_policy_rejects_weak_passwords(db, password, code):
    with pytest.raises(ValidationError) as rejected:
        validate_password(password, get_user_model()(username="olena"))
    assert code in [error.code for error in rejected.value.error_list]


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", "Вишиванка на свято 7", "sluníčko nad Brnem v zimě"]
)
def test_the_policy_accepts_long_unpatterned_passwords(db, password):
    validate_password(password, get_user_model()(username="olena"))


def test_the_policy_messages_are_translated(db):
    with translation.override("uk"), pytest.raises(ValidationError) as rejected:
        validate_password("zlagoda", get_user_model()(username="olena"))
    messages = rejected.value.messages
    assert "Цей пароль містить назву порталу." in messages
    assert any("12" in message and "короткий" in message for message in messages)


def test_the_change_page_shows_the_policy_in_the_users_language(client, partner_user):
    verified_login(client, partner_user)
    client.cookies["django_language"] = "ru"
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "secret-password", "new_password1": "qwerty-2024", "new_password2": "qwerty-2024"},
    )
    assert response.status_code == 200
    assert "Этот пароль содержит клавиатурный шаблон" in response.content.decode()


def test_factories_and_the_demo_still_set_passwords_the_policy_would_refuse(db):
    user = UserFactory(username="demo-like")
    assert user.check_password("secret-password")


def test_on_the_embedded_default_the_reset_mail_is_a_file_under_the_media_root(
    client, settings, media_root, eager_tasks, negotiator_with_email, django_capture_on_commit_callbacks
):
    use_email_url(settings, "")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "olena@example.org"})

    [eml] = (media_root / "mail").glob("*.eml")
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["To"] == "olena@example.org"
    assert client.get(reset_link(message), follow=True).context["validlink"]
