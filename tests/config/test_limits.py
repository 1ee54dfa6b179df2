"""Request bodies over the limit are refused with 413 before they are read: a 100 MB upload goes
through the real WSGI handler from a stream that counts what is taken from it."""

import json

import pytest
from django.core.handlers.wsgi import WSGIHandler

from api.limits import BoundedStream
from tests.config.test_settings import run

pytestmark = pytest.mark.django_db

HUNDRED_MB = 100 * 1024 * 1024
BOUNDARY = "zlagoda-boundary"


class UploadStream:
    """A client's body of ``size`` bytes, produced only as it is read (nothing held in memory),
    counting how many bytes the server took."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.read_bytes = 0
        self.head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()

    def _take(self, size: int) -> bytes:
        left = self.size - self.read_bytes
        size = left if size is None or size < 0 else min(size, left)
        start = self.read_bytes
        self.read_bytes += size
        prefix = self.head[start : start + size]
        return prefix + b"x" * (size - len(prefix))

    def read(self, size: int = -1) -> bytes:
        return self._take(size)

    def readline(self, size: int = -1) -> bytes:
        return self._take(size if size and size > 0 else 64 * 1024)


def send(path: str, stream: UploadStream, *, declared: bool = True, language: str = "en") -> tuple[int, dict, bytes]:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "testserver",
        "HTTP_ACCEPT_LANGUAGE": language,
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "wsgi.input": stream,
        "wsgi.url_scheme": "http",
        "wsgi.errors": None,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if declared:
        environ["CONTENT_LENGTH"] = str(stream.size)
    else:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    answer: dict = {}

    def start_response(status: str, headers: list, exc_info=None) -> None:
        answer["status"] = int(status.split()[0])
        answer["headers"] = dict(headers)

    response = WSGIHandler()(environ, start_response)  # type: ignore[arg-type]
    body = b"".join(response)
    response.close()
    return answer["status"], answer["headers"], body


@pytest.mark.parametrize("path", ["/accounts/login/", "/admin/login/", "/field/login/", "/reports/"])
def test_a_100_mb_upload_to_a_page_is_refused_unread(path):
    stream = UploadStream(HUNDRED_MB)
    status, headers, body = send(path, stream)
    assert status == 413
    assert stream.read_bytes == 0
    assert "at most 24 MB" in body.decode()
    assert "Content-Security-Policy" in headers


def test_a_100_mb_upload_to_the_api_is_refused_unread_in_the_apis_error_shape():
    stream = UploadStream(HUNDRED_MB)
    status, headers, body = send("/api/v1/events/", stream)
    assert status == 413
    assert stream.read_bytes == 0
    assert headers["Content-Type"] == "application/json"
    error = json.loads(body)["error"]
    assert error["code"] == "request_too_large"
    assert error["message"] == "The request is too large: at most 1 MB may be sent at once."


def test_the_refusal_is_in_the_callers_language():
    _status, _headers, body = send("/accounts/login/", UploadStream(HUNDRED_MB), language="uk")
    assert "не більше 24 МБ" in body.decode()


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/events/"])
def test_a_chunked_100_mb_body_without_content_length_is_not_read_past_the_limit(path, settings):
    stream = UploadStream(HUNDRED_MB)
    status, _headers, _body = send(path, stream, declared=False)
    assert status != 500
    assert stream.read_bytes <= settings.REQUEST_MAX_BODY_BYTES


def test_the_api_takes_smaller_bodies_than_the_pages(settings):
    just_over_the_api_limit = settings.API_MAX_BODY_BYTES + 1
    status, _headers, _body = send("/api/v1/events/", UploadStream(just_over_the_api_limit))
    assert status == 413
    status, _headers, _body = send("/accounts/login/", UploadStream(just_over_the_api_limit))
    # Past the size check: the login form refuses it for want of a CSRF token.
    assert status == 403


def test_the_limits_follow_the_settings(settings):
    settings.REQUEST_MAX_BODY_BYTES = 1000
    stream = UploadStream(1001)
    assert send("/accounts/login/", stream)[0] == 413
    assert stream.read_bytes == 0


def test_form_data_held_in_memory_cannot_exceed_the_body_limit():
    result = run(
        ["-c", "import django; django.setup()"],
        REQUEST_MAX_BODY_BYTES="1000000",
        DATA_UPLOAD_MAX_MEMORY_SIZE="2000000",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    assert result.returncode != 0
    assert "REQUEST_MAX_BODY_BYTES" in result.stderr


def test_the_stream_handed_to_django_gives_out_no_more_than_the_limit():
    """For a server whose input runs past what it declared: the middleware's bound holds alone."""
    client_body = UploadStream(HUNDRED_MB)
    bounded = BoundedStream(client_body, 1000)
    taken = bounded.read(600) + bounded.readline() + bounded.read()
    assert len(taken) == 1000
    assert bounded.read() == b""
    assert client_body.read_bytes == 1000


def test_a_library_document_of_the_largest_size_passes_the_body_limit(settings):
    """A 20 MB document with its form around it is not refused before the library can take it."""
    status, _headers, _body = send("/accounts/login/", UploadStream(settings.DOCUMENT_MAX_BYTES + 64 * 1024))
    assert status == 403  # past the size check: refused for want of a CSRF token


def test_a_document_limit_the_body_limit_cannot_carry_fails_at_start_up():
    result = run(
        ["-c", "import django; django.setup()"],
        REQUEST_MAX_BODY_BYTES="20000000",
        DOCUMENT_MAX_BYTES="20000000",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    assert result.returncode != 0
    assert "DOCUMENT_MAX_BYTES" in result.stderr


def test_an_import_limit_the_body_limit_cannot_carry_fails_at_start_up():
    result = run(
        ["-c", "import django; django.setup()"],
        IMPORT_MAX_BYTES="25165824",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    assert result.returncode != 0
    assert "IMPORT_MAX_BYTES" in result.stderr
