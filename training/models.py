"""The School of social negotiators: a catalogue of modules, the sessions that deliver them, and who
attended and completed each. Certification follows from completed modules (``training.services``)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from communities.models import PROGRAMME_HELP, Community, Timestamped
from negotiators.models import Negotiator
from programmes.models import Programme


class ModuleLevel(models.TextChoices):
    BASIC = "basic", _("Basic")
    ADVANCED = "advanced", _("Advanced")


TITLE_LANGUAGES = ("en", "cs", "ru")


def localized_title(title: str, translations: dict[str, str]) -> str:
    """``title`` (Ukrainian) in the active language: its translation in ``translations`` by
    language code when there is one, else ``title``."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return translations.get(language) or title


class TrainingModule(Timestamped):
    """A module of the School. All basic modules completed make a negotiator certified; all
    advanced modules completed after that make them advanced."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    # The title in Ukrainian; the other languages' (as the assessment dimensions' names) are optional:
    # a report in a language without one prints the Ukrainian title.
    title = models.CharField(_("title"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    title_cs = models.CharField(_("title in Czech"), max_length=200, blank=True)
    title_ru = models.CharField(_("title in Russian"), max_length=200, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=ModuleLevel.choices)
    order = models.PositiveSmallIntegerField(_("order"), help_text=_("Position within its level."))
    hours = models.PositiveSmallIntegerField(_("hours"))
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Only active modules count towards certification.")
    )

    class Meta:
        verbose_name = _("training module")
        verbose_name_plural = _("training modules")
        ordering = ["level", "order"]
        constraints = [
            models.UniqueConstraint(fields=["level", "order"], name="module_unique_order_per_level"),
            models.CheckConstraint(condition=Q(hours__gte=1), name="module_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def localized_title(self) -> str:
        """The title in the active language, else the Ukrainian one (``title``)."""
        return localized_title(
            self.title, {language: getattr(self, f"title_{language}") for language in TITLE_LANGUAGES}
        )


class TrainingSession(Timestamped):
    """A module delivered on given dates at a place by trainers."""

    module = models.ForeignKey(
        TrainingModule, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("module")
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=200)
    host_community = models.ForeignKey(
        Community,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("host community"),
    )
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        blank=True,
        related_name="training_sessions",
        verbose_name=_("programme"),
        help_text=PROGRAMME_HELP,
    )
    trainers = models.CharField(_("trainers"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="session_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["module", "starts_on"], name="session_module_start"),
            models.Index(fields=["starts_on"], name="session_start"),
        ]

    def __str__(self) -> str:
        return f"{self.module.code} {self.starts_on}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A write path that did not validate (a command, a fixture) still gets the default.
        if self.programme_id is None:
            Programme.attribute(self, self.host_community if self.host_community_id else None, self.starts_on)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end date is before the start date.")})
        Programme.attribute(self, self.host_community if self.host_community_id else None, self.starts_on)


class Attendance(Timestamped):
    """One negotiator at one session: present or not, and whether they completed the module there."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    negotiator = models.ForeignKey(
        Negotiator, on_delete=models.PROTECT, related_name="attendances", verbose_name=_("negotiator")
    )
    present = models.BooleanField(_("present"), default=True)
    completed = models.BooleanField(_("completed the module"), default=False)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["session", "negotiator"]
        constraints = [
            models.UniqueConstraint(fields=["session", "negotiator"], name="attendance_once_per_session"),
            models.CheckConstraint(
                condition=Q(completed=False) | Q(present=True), name="attendance_completed_if_present"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.negotiator} @ {self.session}"

    def clean(self) -> None:
        if self.completed and not self.present:
            raise ValidationError({"completed": _("Only someone who was present can complete the module.")})
