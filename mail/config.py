"""``EMAIL_URL``: the portal's e-mail in one environment variable, read by ``config/settings.py``.

- unset: each message is written as an ``.eml`` file under ``MEDIA_ROOT/mail/`` (the embedded
  default; open them with any mail program or a text editor);
- ``smtp://user:password@host:587?tls=true`` (STARTTLS), ``?ssl=true`` (TLS from the start),
  ``&timeout=10`` (seconds, 10 unless given); ``smtps://user:password@host`` is ``ssl=true``;
  user and password are percent-decoded (``p%40ss`` is ``p@ss``);
- ``console://``: printed on the standard output;
- ``file:///srv/zlagoda/mail``: ``.eml`` files in that folder.

Anything else is refused at start-up with :class:`ImproperlyConfigured`, naming what is wrong but
never repeating the URL (it may hold a password).
"""

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

EML_BACKEND = "mail.backends.EmlFileBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_TIMEOUT_SECONDS = 10
SMTP_OPTIONS = {"tls", "ssl", "timeout"}
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def _settings(backend: str, **overrides: Any) -> dict[str, Any]:
    """Every e-mail setting, so that each URL replaces all of another's (tests switch between them)."""
    return {
        "EMAIL_BACKEND": backend,
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": DEFAULT_TIMEOUT_SECONDS,
        "EMAIL_FILE_PATH": None,
    } | overrides


def _bool(name: str, value: str) -> bool:
    if value.lower() in TRUE:
        return True
    if value.lower() in FALSE:
        return False
    raise ImproperlyConfigured(f"EMAIL_URL: {name} must be true or false, not {value!r}")


def _timeout(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0
    if not seconds > 0:
        raise ImproperlyConfigured(f"EMAIL_URL: timeout must be a number of seconds above 0, not {value!r}")
    return seconds


def _smtp(url: str, *, ssl: bool) -> dict[str, Any]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL: the port must be a number from 1 to 65535") from None
    if not parts.hostname:
        raise ImproperlyConfigured("EMAIL_URL: an SMTP URL needs a host, e.g. smtp://user:password@host:587?tls=true")
    if parts.path not in ("", "/"):
        raise ImproperlyConfigured("EMAIL_URL: an SMTP URL has no path")
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    unknown = sorted(set(options) - SMTP_OPTIONS)
    if unknown:
        raise ImproperlyConfigured(f"EMAIL_URL: unknown option {unknown[0]!r} (known: ssl, timeout, tls)")
    use_ssl = ssl or _bool("ssl", options.get("ssl", "false"))
    use_tls = _bool("tls", options.get("tls", "false"))
    if use_ssl and use_tls:
        raise ImproperlyConfigured("EMAIL_URL: choose tls (STARTTLS, port 587) or ssl (port 465), not both")
    return _settings(
        SMTP_BACKEND,
        EMAIL_HOST=parts.hostname,
        EMAIL_PORT=port or (465 if use_ssl else 587 if use_tls else 25),
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_TLS=use_tls,
        EMAIL_USE_SSL=use_ssl,
        EMAIL_TIMEOUT=_timeout(options["timeout"]) if "timeout" in options else DEFAULT_TIMEOUT_SECONDS,
    )


def parse_email_url(url: str | None) -> dict[str, Any]:
    """All of Django's e-mail settings (``EMAIL_BACKEND``, ``EMAIL_HOST``...) for ``url``; ``None``
    or an empty string is the embedded default (``.eml`` files under ``MEDIA_ROOT/mail/``)."""
    if not url:
        return _settings(EML_BACKEND)
    scheme = url.split(":", 1)[0].lower() if "://" in url else ""
    if scheme == "smtp":
        return _smtp(url, ssl=False)
    if scheme == "smtps":
        return _smtp(url, ssl=True)
    if scheme == "console":
        if url.lower() != "console://":
            raise ImproperlyConfigured("EMAIL_URL: console:// takes nothing after it")
        return _settings(CONSOLE_BACKEND)
    if scheme == "file":
        path = unquote(urlsplit(url).path)
        if urlsplit(url).netloc or not path.startswith("/"):
            raise ImproperlyConfigured("EMAIL_URL: a file URL names an absolute folder, e.g. file:///srv/zlagoda/mail")
        return _settings(EML_BACKEND, EMAIL_FILE_PATH=path)
    raise ImproperlyConfigured(
        "EMAIL_URL must start with smtp://, smtps://, console:// or file:// "
        f"(got {scheme + '://' if scheme else 'no scheme'})"
    )
