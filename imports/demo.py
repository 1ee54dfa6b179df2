"""The demo's spreadsheet import: the sample workbook of ``docs/examples/import/`` uploaded by the
demo's staff login and checked, not imported, so that its preview (new, updated, unchanged and four
rejected rows with their reasons) is on the imports page from the first login."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from imports.models import ImportJob
from imports.services import import_upload

SAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "import" / "zlagoda-sample-2023.xlsx"


def seed_demo_import() -> None:
    """Idempotent: the sample is checked once. Skipped where the documentation is not shipped
    (the production image leaves ``docs/`` out)."""
    staff = get_user_model().objects.filter(username="staff").first()
    if staff is None or not SAMPLE.exists() or ImportJob.objects.filter(filename=SAMPLE.name).exists():
        return
    with translation.override(settings.LANGUAGE_CODE):
        import_upload(kind="events", upload=SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes()), actor=staff)
