"""An import of a spreadsheet: the uploaded file, the check of every row, then the import itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked: waiting for confirmation")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Not imported")


class ImportJob(models.Model):
    """One uploaded spreadsheet of one record type. Checking it (a dry run through the services,
    rolled back) fills the counts and the rows' results; confirming imports every row in one
    transaction. The file is kept private (no URL serves media) and deleted once imported."""

    kind = models.CharField(_("record type"), max_length=40)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255, blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    language = models.CharField(_("language"), max_length=8, default="uk")
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    sheet = models.CharField(_("sheet"), max_length=120, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    to_create = models.PositiveIntegerField(_("new"), default=0)
    to_update = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    # Per row: {"row": 7, "status": "rejected", "what": "...", "errors": [["Date", "Write the date..."]]}.
    # Every rejected row; the first IMPORT_PREVIEW_ROWS of the others.
    rows = models.JSONField(_("rows"), default=list, blank=True)
    problem = models.TextField(_("problem"), blank=True, help_text=_("Why the file as a whole was refused."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename

    @property
    def can_confirm(self) -> bool:
        return (
            self.status == ImportStatus.CHECKED
            and self.rejected == 0
            and (self.to_create + self.to_update) > 0
            and bool(self.file)
        )
