"""Reports on an S3-compatible storage: a real S3 server (moto's server mode, on a free port of
127.0.0.1) holds the PDFs; the build writes through Django's storage API, the download reads them
back through the authorised view, and an unreachable server fails the report with a translated
message that names no endpoint."""

import hashlib
import socket
import uuid
from datetime import date
from urllib.parse import urlencode

import boto3
import pytest
from django.core.files.storage import default_storage, storages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from moto.server import ThreadedMotoServer

from access.roles import Role
from config.settings import S3_BACKEND, parse_media_storage_url
from reports import services
from reports.models import MonitoringReport, ReportScope, ReportStatus
from reports.tasks import build_report
from tests.communities.factories import PartnerOrganisationFactory, PartnershipFactory, UserFactory
from tests.negotiators.factories import OutreachEventFactory

pytestmark = pytest.mark.django_db

REGION = "us-east-1"
ACCESS_KEY, SECRET = "zlagoda-test", "s3cr3t/with+signs"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def storage_url(bucket: str, endpoint: str) -> str:
    secret = SECRET.replace("/", "%2F").replace("+", "%2B")
    return f"s3://{ACCESS_KEY}:{secret}@{bucket}?" + urlencode({"endpoint_url": endpoint, "region": REGION})


def use_bucket(settings, bucket: str, endpoint: str, **options) -> None:
    """Point the default storage at ``bucket`` as MEDIA_STORAGE_URL would (the settings' change
    signal drops the storages Django had already built)."""
    storage = {"BACKEND": S3_BACKEND, "OPTIONS": parse_media_storage_url(storage_url(bucket, endpoint)) | options}
    settings.STORAGES = {**settings.STORAGES, "default": storage}


@pytest.fixture
def s3(settings, s3_endpoint, media_root):
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, region_name=REGION, aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET
    )
    bucket = f"zlagoda-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    use_bucket(settings, bucket, s3_endpoint)
    client.bucket = bucket
    return client


@pytest.fixture
def partner_report(partner, community, manager_user):
    PartnershipFactory(community=community, joined_on=date(2024, 1, 1))
    OutreachEventFactory(community=community, date=date(2025, 3, 14), participants_total=12, participants_women=7,
                         participants_men=5)  # fmt: skip
    return services.report_request(
        actor=manager_user,
        kind="semiannual",
        half=1,
        year=2025,
        scope=ReportScope.PARTNER,
        partner=partner,
        language="en",
        today=date(2026, 3, 1),
        enqueue=False,
    )


def closed_port_endpoint() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens there


def test_the_default_storage_follows_the_setting_to_s3(s3):
    assert type(storages["default"]).__name__ == "S3Storage"
    assert default_storage.bucket_name == s3.bucket


def test_a_report_is_built_into_the_bucket_and_downloaded_through_the_portal(
    s3, partner_report, partner_user, client, media_root
):
    report = services.report_build(report_id=partner_report.pk)
    assert report.status == ReportStatus.DONE, report.error
    stored = s3.get_object(Bucket=s3.bucket, Key=report.file.name)["Body"].read()
    assert stored.startswith(b"%PDF-")
    assert hashlib.sha256(stored).hexdigest() == report.checksum
    assert len(stored) == report.file_size
    assert not media_root.exists() or not any(media_root.rglob("*.pdf"))  # nothing on this machine

    client.force_login(partner_user)
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert response.content == stored


def test_the_pdf_in_the_bucket_is_private(s3, partner_report):
    report = services.report_build(report_id=partner_report.pk)
    grants = s3.get_object_acl(Bucket=s3.bucket, Key=report.file.name)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers, no AuthenticatedUsers
    # Were a URL ever asked for, it would be signed and short-lived, never a public one.
    url = default_storage.url(report.file.name)
    assert "X-Amz-Signature=" in url
    assert "X-Amz-Expires=300" in url


def test_another_partner_cannot_download_the_report(s3, partner_report, client):
    report = services.report_build(report_id=partner_report.pk)
    stranger = UserFactory(username="other-partner", role=Role.PARTNER)
    PartnerOrganisationFactory().members.add(stranger)
    client.force_login(stranger)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_a_file_changed_in_the_bucket_is_not_served(s3, partner_report, partner_user, client):
    report = services.report_build(report_id=partner_report.pk)
    s3.put_object(Bucket=s3.bucket, Key=report.file.name, Body=b"%PDF-1.7 tampered %%EOF")
    client.force_login(partner_user)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404
    s3.delete_object(Bucket=s3.bucket, Key=report.file.name)
    assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_an_unreachable_storage_fails_the_report_in_its_language_without_the_endpoint(
    settings, s3, partner_report, eager_tasks
):
    endpoint = closed_port_endpoint()
    # One attempt per call keeps the test fast; the retries under test are the build's own.
    use_bucket(settings, s3.bucket, endpoint, client_config=_one_attempt())
    assert build_report.apply(args=[partner_report.pk]).get() == "failed"
    partner_report.refresh_from_db()
    assert partner_report.status == ReportStatus.FAILED
    assert partner_report.progress == 0
    assert partner_report.attempts == build_report.max_retries + 1
    assert partner_report.error.startswith("Gave up after repeated temporary errors")
    assert "file storage is not available" in partner_report.error
    for leak in (endpoint, "127.0.0.1", endpoint.rsplit(":", 1)[1], "Endpoint", "http", s3.bucket, SECRET):
        assert leak not in partner_report.error


def test_a_refusing_storage_fails_the_report_like_an_outage(settings, s3_endpoint, partner_report, eager_tasks):
    partner_report.language = "uk"
    partner_report.save()
    use_bucket(settings, "no-such-bucket-here", s3_endpoint)  # ClientError: NoSuchBucket
    assert build_report.apply(args=[partner_report.pk]).get() == "failed"
    partner_report.refresh_from_db()
    assert partner_report.status == ReportStatus.FAILED
    with translation.override("uk"):
        expected = _("Gave up after repeated temporary errors: %(error)s") % {
            "error": str(services.ReportStorageError())
        }
    assert partner_report.error == expected
    assert not expected.startswith("Gave up")  # the Ukrainian catalogue has it
    assert "no-such-bucket-here" not in partner_report.error


def test_a_download_while_the_storage_is_away_answers_503(settings, s3, partner_report, partner_user, client):
    report = services.report_build(report_id=partner_report.pk)
    use_bucket(settings, s3.bucket, closed_port_endpoint(), client_config=_one_attempt())
    client.force_login(partner_user)
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 503
    assert response["Retry-After"]
    assert b"127.0.0.1" not in response.content


def test_the_health_check_writes_to_the_bucket(settings, s3, client):
    response = client.get("/healthz/")
    assert response.json()["checks"]["storage"] == "ok"
    assert s3.list_objects_v2(Bucket=s3.bucket).get("KeyCount", 0) == 0  # the probe cleaned up
    use_bucket(settings, s3.bucket, closed_port_endpoint(), client_config=_one_attempt())
    response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "unavailable"


def _one_attempt():
    from botocore.config import Config

    return Config(connect_timeout=2, read_timeout=5, retries={"total_max_attempts": 1}, s3={"addressing_style": "path"})


@pytest.mark.usefixtures("api_settings")
def test_the_api_serves_the_pdf_from_the_bucket_and_answers_503_while_it_is_away(settings, s3, partner_report, partner):
    from tests.communities.api_support import issue_key, key_client

    report = services.report_build(report_id=partner_report.pk)
    client = key_client(issue_key(partner))
    response = client.get(f"/api/v1/reports/{report.pk}/pdf/")
    assert response.status_code == 200
    assert response.content == s3.get_object(Bucket=s3.bucket, Key=report.file.name)["Body"].read()
    use_bucket(settings, s3.bucket, closed_port_endpoint(), client_config=_one_attempt())
    response = client.get(f"/api/v1/reports/{report.pk}/pdf/")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json()["error"]["code"] == "service_unavailable"
    assert "127.0.0.1" not in response.content.decode()


def test_generate_report_sync_names_the_object_in_the_bucket(s3, community):
    from io import StringIO

    from django.core.management import call_command

    PartnershipFactory(community=community, joined_on=date(2024, 1, 1))
    out = StringIO()
    call_command("generate_report", "--kind", "semiannual", "--half", "1", "--year", "2025", "--sync", stdout=out)
    report_id, name = out.getvalue().split()
    assert MonitoringReport.objects.get(pk=int(report_id)).file.name == name
    assert name.startswith("reports/2025/")
    assert s3.get_object(Bucket=s3.bucket, Key=name)["Body"].read().startswith(b"%PDF-")
