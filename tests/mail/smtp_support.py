"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1, a free port), and the portal pointed at
it through ``EMAIL_URL``'s parser, exactly as a deployment would be."""

import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from config.celery import app as celery_app
from mail.config import parse_email_url


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SmtpServer:
    """Collects what it accepts; answers ``refusal`` (by default 451, try again later) to the first
    ``refuse`` messages."""

    port: int = 0
    refuse: int = 0
    refusal: str = "451 4.3.0 Try again later"
    # Refuse after the message (DATA) or at each recipient (RCPT).
    refuse_at: str = "DATA"
    refused: int = 0
    logins: list[tuple[str, str]] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_at == "RCPT" and self.refused < self.refuse:
            self.refused += 1
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_at == "DATA" and self.refused < self.refuse:
            self.refused += 1
            return self.refusal
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        if isinstance(auth_data, LoginPassword):
            self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=True)

    def url(self, credentials: str = "") -> str:
        return f"smtp://{credentials}127.0.0.1:{self.port}?timeout=5"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def use_email_url(settings, url: str) -> None:
    for name, value in parse_email_url(url).items():
        setattr(settings, name, value)


@pytest.fixture
def eager_tasks(monkeypatch):
    """Celery tasks in-process whatever the broker (the embedded default does this anyway)."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)
    monkeypatch.setitem(celery_app.conf, "task_eager_propagates", True)


@pytest.fixture
def smtp_server(settings, eager_tasks):
    """A running SMTP server that accepts any login; the portal's EMAIL_URL points at it."""
    server = SmtpServer(port=free_port())
    controller = Controller(
        server,
        hostname="127.0.0.1",
        port=server.port,
        authenticator=server.authenticate,
        auth_require_tls=False,
    )
    controller.start()
    use_email_url(settings, server.url())
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def celery_worker(monkeypatch, settings):
    """A Celery worker in a thread, on the embedded default's in-memory broker."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    if not app.conf.broker_url.startswith("memory://"):
        pytest.skip("the in-process worker needs the in-memory broker (REDIS_URL unset)")
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    settings.MAIL_RETRY_BACKOFF = 0
    with start_worker(app, perform_ping_check=False, shutdown_timeout=5):
        yield


def wait_for(condition, seconds: float = 10) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False
