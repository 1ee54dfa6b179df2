"""The programmes' document library: files checked by their content, who sees which document, and
its file served only through the authorised routes."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.utils import translation

from access.viewer import Viewer
from programmes.documents import DOCX, ODS, ODT, XLSX, check_upload, sniff_content_type
from programmes.models import Document, DocumentAccess, DocumentKind, DocumentLanguage
from programmes.selectors import visible_documents
from programmes.services import document_save
from tests.accounts.support import verified_login
from tests.communities.api_support import issue_key, key_client
from tests.communities.factories import PartnerOrganisationFactory
from tests.programmes.factories import PDF_BYTES, ProgrammeFactory, document_in, programme_in
from tests.sync.support import follow, full_pull

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(17)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20) + b"\xff\xd9"


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX_BYTES = zipped({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX_BYTES = zipped({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT_BYTES = zipped({"mimetype": ODT.encode(), "content.xml": b"<office:document-content/>"})
ODS_BYTES = zipped({"mimetype": ODS.encode(), "content.xml": b"<office:document-content/>"})


def check(name: str, content: bytes) -> str:
    return check_upload(name, io.BytesIO(content), len(content))


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("handbook.pdf", PDF_BYTES, "application/pdf"),
        ("photo.png", PNG_BYTES, "image/png"),
        ("photo.jpg", JPEG_BYTES, "image/jpeg"),
        ("photo.JPEG", JPEG_BYTES, "image/jpeg"),
        ("agreement.docx", DOCX_BYTES, DOCX),
        ("budget.xlsx", XLSX_BYTES, XLSX),
        ("minutes.odt", ODT_BYTES, ODT),
        ("figures.ods", ODS_BYTES, ODS),
    ],
)
def test_an_allowed_file_is_known_by_its_content(name, content, content_type):
    assert check(name, content) == content_type


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", PNG_BYTES),
        ("agreement.docx", zipped({"readme.txt": b"hello"})),
        ("agreement.docx", XLSX_BYTES),
        ("figures.ods", zipped({"mimetype": b"application/zip", "content.xml": b""})),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(50)),
        ("random.pdf", bytes(range(256))),
        ("notes.txt", b"plain text"),
        ("handbook", PDF_BYTES),
        ("broken.docx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_a_forged_or_unknown_file_type_is_refused(name, content):
    with pytest.raises(ValidationError) as raised:
        check(name, content)
    assert "PDF, DOCX, XLSX, ODT, ODS, JPG, PNG" in raised.value.messages[0]


def test_sniffing_leaves_the_stream_at_its_start():
    stream = io.BytesIO(DOCX_BYTES)
    assert sniff_content_type(stream) == DOCX
    assert stream.tell() == 0


def test_a_file_larger_than_the_limit_is_refused(settings):
    settings.DOCUMENT_MAX_BYTES = 100
    assert check("small.pdf", PDF_BYTES) == "application/pdf"
    with pytest.raises(ValidationError) as raised:
        check("large.pdf", PDF_BYTES + bytes(100))
    assert raised.value.code == "file_size"


@pytest.fixture
def programme(db, community, partner):
    return programme_in(community, partner=partner, code="LIB")


def new_document(programme, **fields) -> Document:
    return Document(
        programme=programme,
        title="Handbook",
        kind=DocumentKind.PUBLICATION,
        language=DocumentLanguage.ENGLISH,
        **fields,
    )


def test_the_service_records_type_size_and_checksum_under_a_name_of_its_own(programme, media_root, staff_user):
    document = document_save(
        document=new_document(programme, file=SimpleUploadedFile("../../etc/Handbook.pdf", PDF_BYTES)),
        actor=staff_user,
    )
    assert (document.content_type, document.size) == ("application/pdf", len(PDF_BYTES))
    assert len(document.sha256) == 64
    assert document.created_by == staff_user
    assert document.file.name.startswith(f"documents/{programme.pk}/")
    assert document.file.name.endswith(".pdf")
    assert "Handbook" not in document.file.name


def test_the_service_refuses_a_forged_file(programme, media_root):
    with pytest.raises(ValidationError) as raised:
        document_save(document=new_document(programme, file=SimpleUploadedFile("photo.pdf", PNG_BYTES)))
    assert "file" in raised.value.message_dict
    assert not Document.objects.exists()


@pytest.mark.parametrize("both", [True, False])
def test_a_document_is_a_file_or_a_link(programme, media_root, both):
    fields = {"file": SimpleUploadedFile("a.pdf", PDF_BYTES), "link": "https://example.org/a"} if both else {}
    with pytest.raises(ValidationError) as raised, translation.override("en"):
        document_save(document=new_document(programme, **fields))
    assert raised.value.messages == ["Give either a file or a link, not both and not neither."]


def test_a_link_has_no_file_type(programme):
    document = document_save(document=new_document(programme, link="https://example.org/handbook"))
    assert (document.content_type, document.size, document.sha256) == ("", None, "")


@pytest.fixture
def library(programme, media_root, other_community):
    """One document of each access level in the partner's programme, and a public one in a
    programme neither the partner nor the negotiator sees."""
    elsewhere = programme_in(other_community, partner=PartnerOrganisationFactory(), code="ELSEWHERE")
    return {
        "staff": document_in(programme, access=DocumentAccess.STAFF, title="Staff"),
        "partners": document_in(programme, access=DocumentAccess.PARTNERS, title="Partners"),
        "public": document_in(programme, access=DocumentAccess.PUBLIC, title="Public"),
        "elsewhere": document_in(elsewhere, access=DocumentAccess.PUBLIC, title="Elsewhere"),
    }


def titles(client) -> set[str]:
    response = client.get("/api/v1/documents/")
    assert response.status_code == 200, response.content[:300]
    return {row["title"] for row in response.json()["results"]}


EVERYTHING = {"Staff", "Partners", "Public", "Elsewhere"}


@pytest.mark.usefixtures("api_settings")
@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("staff", EVERYTHING),
        ("manager", EVERYTHING),
        ("partner_key", {"Partners", "Public"}),
        ("partner_session", {"Partners", "Public"}),
        ("negotiator", {"Public"}),
        ("dpo", set()),
    ],
)
def test_each_role_sees_the_documents_of_its_access_level(api_as, library, role, seen):
    client = api_as(role)
    assert titles(client) == seen
    for key, document in library.items():
        expected = 200 if document.title in seen else 404
        assert client.get(f"/api/v1/documents/{document.pk}/").status_code == expected, key
        assert client.get(f"/api/v1/documents/{document.pk}/file/").status_code == expected, key


def test_a_partner_sees_no_document_of_a_programme_it_does_not_see(library, partner):
    assert set(visible_documents(Viewer.for_partner(partner))) == {library["partners"], library["public"]}


@pytest.mark.usefixtures("api_settings")
def test_the_api_never_shows_a_storage_path(api_as, library, programme):
    link = document_save(document=new_document(programme, link="https://example.org/x", access="public"))
    body = api_as("staff").get("/api/v1/documents/").json()
    text = json.dumps(body)
    assert "documents/" + str(programme.pk) + "/" not in text.replace("/api/v1/documents/", "")
    assert "/media/" not in text
    rows = {row["id"]: row for row in body["results"]}
    assert rows[link.pk]["file_url"] is None
    assert rows[library["staff"].pk]["file_url"] == f"/api/v1/documents/{library['staff'].pk}/file/"


@pytest.mark.usefixtures("api_settings")
def test_the_api_serves_the_file_as_an_attachment_of_its_type(api_as, library):
    document = library["public"]
    response = api_as("negotiator").get(f"/api/v1/documents/{document.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Public.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_portal_serves_a_file_to_who_sees_it(client, library, staff_user):
    document = library["staff"]
    document.title = 'Agreement "2025"/annex'
    document.save()
    verified_login(client, staff_user)
    response = client.get(f"/programmes/documents/{document.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Agreement _2025_annex.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_the_portal_answers_not_found_for_another_access_level_or_a_link(client, library, partner_user, programme):
    link = document_save(document=new_document(programme, link="https://example.org/x", access="public"))
    client.force_login(partner_user)
    assert client.get(f"/programmes/documents/{library['partners'].pk}/file/").status_code == 200
    assert client.get(f"/programmes/documents/{library['staff'].pk}/file/").status_code == 404
    assert client.get(f"/programmes/documents/{library['elsewhere'].pk}/file/").status_code == 404
    assert client.get(f"/programmes/documents/{link.pk}/file/").status_code == 404


def test_the_portal_download_needs_a_sign_in(client, library):
    response = client.get(f"/programmes/documents/{library['public'].pk}/file/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_programme_with_documents_cannot_be_deleted(db, media_root):
    programme = ProgrammeFactory()
    document_in(programme)
    with pytest.raises(ProtectedError):
        programme.delete()


@pytest.mark.usefixtures("api_settings")
def test_a_staff_only_document_never_reaches_a_partners_feed_not_even_its_id(library, partner, programme, api_as):
    client = key_client(issue_key(partner))
    copy: dict = {}
    cursor, items = follow(client, copy)
    staff_only = library["staff"]
    staff_only.title = "Renamed"
    document_save(document=staff_only)
    cursor, items = follow(client, copy, cursor)
    assert ("documents", staff_only.pk) not in {(item["collection"], item["id"]) for item in items}
    # Opened to partners, it arrives; closed again, it leaves.
    staff_only.access = DocumentAccess.PARTNERS
    document_save(document=staff_only)
    cursor, _items = follow(client, copy, cursor)
    assert ("documents", staff_only.pk) in copy
    staff_only.access = DocumentAccess.STAFF
    document_save(document=staff_only)
    cursor, _items = follow(client, copy, cursor)
    assert ("documents", staff_only.pk) not in copy
    assert copy == full_pull(client)
