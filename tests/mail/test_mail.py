"""The portal's e-mail: EMAIL_URL, rendering in the reader's language, sending through Celery after
the transaction commits, retries, and the embedded default's .eml files. Messages go through a real
SMTP server started by the test (aiosmtpd)."""

from email import message_from_bytes, policy

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from mail.config import parse_email_url
from mail.sending import send
from mail.tasks import retry_countdown
from tests.mail.smtp_support import free_port, use_email_url, wait_for

TO = ["negotiator@example.org"]

# Sending waits for the transaction to commit (django_capture_on_commit_callbacks).
pytestmark = pytest.mark.django_db


# --- EMAIL_URL ------------------------------------------------------------------------------


def test_smtp_url_with_starttls_and_percent_encoded_credentials():
    found = parse_email_url("smtp://mail%40ngo.example:p%40ss%3Aw%2Frd@smtp.example.org:587?tls=true")
    assert found == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "mail@ngo.example",
        "EMAIL_HOST_PASSWORD": "p@ss:w/rd",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
        "EMAIL_FILE_PATH": None,
    }


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://relay.example.org", 25, False, False),
        ("smtp://relay.example.org?tls=true", 587, True, False),
        ("smtp://relay.example.org?ssl=true", 465, False, True),
        ("smtps://relay.example.org", 465, False, True),
        ("smtps://relay.example.org:2465", 2465, False, True),
        ("SMTP://relay.example.org:2525?tls=no", 2525, False, False),
    ],
)
def test_smtp_ports_and_encryption(url, port, tls, ssl):
    found = parse_email_url(url)
    assert (found["EMAIL_PORT"], found["EMAIL_USE_TLS"], found["EMAIL_USE_SSL"]) == (port, tls, ssl)
    assert found["EMAIL_HOST_USER"] == found["EMAIL_HOST_PASSWORD"] == ""


def test_timeout_is_read_in_seconds():
    assert parse_email_url("smtp://relay.example.org?timeout=2.5")["EMAIL_TIMEOUT"] == 2.5


def test_console_file_and_the_embedded_default():
    assert parse_email_url("console://")["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert parse_email_url("file:///srv/zlagoda/mail") == parse_email_url(None) | {
        "EMAIL_FILE_PATH": "/srv/zlagoda/mail"
    }
    for unset in (None, ""):
        found = parse_email_url(unset)
        assert (found["EMAIL_BACKEND"], found["EMAIL_FILE_PATH"]) == ("mail.backends.EmlFileBackend", None)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://user:hunter2secret@example.org", "must start with smtp://"),
        ("relay.example.org:25", "no scheme"),
        ("smtp://user:hunter2secret@", "needs a host"),
        ("smtp://user:hunter2secret@relay.example.org:99999", "port"),
        ("smtp://user:hunter2secret@relay.example.org/inbox", "no path"),
        ("smtp://user:hunter2secret@relay.example.org?starttls=1", "unknown option 'starttls'"),
        ("smtp://user:hunter2secret@relay.example.org?tls=true&ssl=true", "not both"),
        ("smtps://user:hunter2secret@relay.example.org?tls=true", "not both"),
        ("smtp://user:hunter2secret@relay.example.org?tls=maybe", "tls must be true or false"),
        ("smtp://user:hunter2secret@relay.example.org?timeout=0", "timeout"),
        ("smtp://user:hunter2secret@relay.example.org?timeout=soon", "timeout"),
        ("console://hunter2secret", "console://"),
        ("file://hunter2secret/mail", "absolute folder"),
    ],
)
def test_anything_else_is_refused_clearly_without_repeating_the_password(url, says):
    with pytest.raises(ImproperlyConfigured) as refused:
        parse_email_url(url)
    assert says in str(refused.value)
    assert "hunter2secret" not in str(refused.value)


# --- Sending through a real SMTP server -----------------------------------------------------


def test_a_message_has_a_text_and_an_html_part(smtp_server, settings, django_capture_on_commit_callbacks):
    settings.DEFAULT_FROM_EMAIL = "Zlagoda <portal@ngo.example>"
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en")

    [received] = smtp_server.received
    assert received.rcpt_tos == TO
    assert received.mail_from == "portal@ngo.example"
    message = received.message
    assert message["Subject"] == "Zlagoda: test message"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "This is a test message from the Zlagoda portal." in text
    assert "<html" not in text
    assert "<p>This is a test message from the Zlagoda portal.</p>" in html
    assert '<html lang="en">' in html


@pytest.mark.parametrize(
    ("language", "subject", "sentence"),
    [
        ("uk", "Злагода: тестовий лист", "Це тестовий лист від порталу «Злагода»."),
        ("cs", "Zlagoda: zkušební zpráva", "Toto je zkušební zpráva z portálu Zlagoda."),
        ("ru", "Злагода: тестовое письмо", "Это тестовое письмо от портала «Злагода»."),
    ],
)
def test_a_message_is_written_in_the_language_asked_for(
    smtp_server, django_capture_on_commit_callbacks, language, subject, sentence
):
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language=language)

    message = smtp_server.received[0].message
    # A long encoded subject is folded onto a second header line, which the parser keeps a space of.
    assert message["Subject"].strip() == subject
    assert sentence in message.get_body(("plain",)).get_content()
    assert sentence in message.get_body(("html",)).get_content()


def test_nothing_is_sent_before_the_transaction_commits(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        send("test", to=TO, context={}, language="en")
        assert smtp_server.received == []
    assert len(callbacks) == 1

    callbacks[0]()
    assert len(smtp_server.received) == 1


def test_a_server_that_says_try_again_later_gets_the_message_on_a_later_attempt(
    smtp_server, django_capture_on_commit_callbacks
):
    smtp_server.refuse = 2
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en")

    assert smtp_server.refused == 2
    assert len(smtp_server.received) == 1


def test_sending_gives_up_after_the_last_retry_without_failing_the_request(
    smtp_server, settings, django_capture_on_commit_callbacks, caplog
):
    settings.MAIL_MAX_RETRIES = 2
    smtp_server.refuse = 10
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en")

    assert smtp_server.refused == 3
    assert smtp_server.received == []
    assert "given up after 3 attempts" in caplog.text
    # The portal's and Celery's logs (not the test server's own, "mail.log") name no address.
    assert not [record for record in caplog.records if record.name != "mail.log" and TO[0] in record.getMessage()]


def test_a_refused_recipient_is_retried_and_never_named_in_the_logs(
    smtp_server, settings, django_capture_on_commit_callbacks, caplog
):
    settings.MAIL_MAX_RETRIES = 1
    smtp_server.refuse, smtp_server.refuse_at = 10, "RCPT"
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en")

    assert smtp_server.refused == 2
    assert "recipients refused (451)" in caplog.text
    assert not [record for record in caplog.records if record.name != "mail.log" and TO[0] in record.getMessage()]


def test_a_final_refusal_is_not_retried(smtp_server, django_capture_on_commit_callbacks):
    smtp_server.refuse, smtp_server.refusal = 10, "550 5.1.1 No such mailbox"
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en")

    assert smtp_server.refused == 1
    assert smtp_server.received == []


def test_an_unreachable_server_is_retried_then_given_up(
    settings, eager_tasks, django_capture_on_commit_callbacks, caplog
):
    use_email_url(settings, f"smtp://127.0.0.1:{free_port()}?timeout=2")
    settings.MAIL_MAX_RETRIES = 1
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en")

    assert "trying again" in caplog.text
    assert "given up after 2 attempts" in caplog.text


def test_the_login_uses_the_percent_decoded_credentials(smtp_server, settings, django_capture_on_commit_callbacks):
    use_email_url(settings, smtp_server.url("mail%40ngo.example:p%40ss%2Fw0rd@"))
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en")

    assert smtp_server.logins == [("mail@ngo.example", "p@ss/w0rd")]
    assert len(smtp_server.received) == 1


def test_retries_back_off_exponentially_up_to_a_ceiling(settings):
    settings.MAIL_RETRY_BACKOFF, settings.MAIL_RETRY_BACKOFF_MAX = 30, 3600
    assert [retry_countdown(n) for n in range(9)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


# --- The embedded default: .eml files under the media root ----------------------------------


def test_the_embedded_default_writes_eml_files_under_the_media_root(
    settings, media_root, eager_tasks, django_capture_on_commit_callbacks
):
    use_email_url(settings, "")
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en")
        send("test", to=["manager@example.org"], context={}, language="cs")

    files = sorted((media_root / "mail").glob("*.eml"))
    assert len(files) == 2
    messages = [message_from_bytes(path.read_bytes(), policy=policy.default) for path in files]
    assert sorted(message["To"] for message in messages) == ["manager@example.org", "negotiator@example.org"]
    for message in messages:
        assert message.get_body(("plain",)) is not None
        assert message.get_body(("html",)) is not None


def test_a_file_url_writes_into_its_folder(settings, tmp_path, eager_tasks, django_capture_on_commit_callbacks):
    use_email_url(settings, f"file://{tmp_path}/outgoing")
    with django_capture_on_commit_callbacks(execute=True):
        send("test", to=TO, context={}, language="en")

    assert len(list((tmp_path / "outgoing").glob("*.eml"))) == 1


def test_the_test_mail_command_sends_through_the_configured_server(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_test_mail", "it@ngo.example", "--language", "cs")

    [received] = smtp_server.received
    assert received.rcpt_tos == ["it@ngo.example"]
    assert received.message["Subject"] == "Zlagoda: zkušební zpráva"


# --- With a worker: queued, then sent and retried by Celery itself --------------------------


def test_a_worker_sends_the_queued_message_and_retries_it_itself(
    smtp_server, celery_worker, django_capture_on_commit_callbacks
):
    from celery.signals import task_received

    deliveries = []

    def received(request, **kwargs):
        deliveries.append(request.name)

    task_received.connect(received, weak=False)
    smtp_server.refuse = 1
    try:
        with django_capture_on_commit_callbacks(execute=True):
            send("test", to=TO, context={}, language="en")
        assert wait_for(lambda: len(smtp_server.received) == 1)
    finally:
        task_received.disconnect(received)

    assert smtp_server.refused == 1
    # Taken from the broker twice: the message, then its retry.
    assert deliveries == ["mail.send_message", "mail.send_message"]
