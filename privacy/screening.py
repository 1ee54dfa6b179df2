"""Screening of free text that is shared with partner organisations: a title or a note that reaches
a partner must not carry a phone number or an e-mail address (the commonest way a person becomes
identifiable in text written in a hurry). The rule is written once here; models whose text is
shared call :func:`shared_text_errors` from their ``clean()``, so the admin, the API, the field app
and the services all refuse it with the same message.

Dates, years, periods and decision numbers are not phone numbers: a run of digits counts as one
with a leading "+" and 8 to 15 digits, or without it with 9 to 15 digits once dates are set aside.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 14.03.2025, 14/03/25, 2025-03-14 (and so ranges of them): digits, but no one's number.
DATE = re.compile(r"(?<!\d)(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2})(?!\d)")
# Digits with the separators phone numbers are written with.
DIGITS = re.compile(r"(?<![\w+])\+?\(?\d[\d \t().\-/]*\d(?!\w)")
SEPARATORS_RUN = re.compile(r"[ \t().\-/]{3,}")

PHONE_MESSAGE = _(
    "This text is shared with partner organisations: remove the phone number from it (write the person's "
    "contacts in their record instead)."
)
EMAIL_MESSAGE = _(
    "This text is shared with partner organisations: remove the e-mail address from it (write the person's "
    "contacts in their record instead)."
)


def _looks_like_phone(candidate: str) -> bool:
    digits = re.sub(r"\D", "", candidate)
    if SEPARATORS_RUN.search(candidate):
        return False  # two numbers side by side ("2024 - 2025"), not one written with spaces
    if candidate.startswith("+"):
        return 8 <= len(digits) <= 15
    return 9 <= len(digits) <= 15


def contact_details(text: str) -> list[str]:
    """The kinds of contact details ``text`` holds: ``"email"`` and/or ``"phone"`` (none: [])."""
    if not text:
        return []
    found = []
    if EMAIL.search(text):
        found.append("email")
    # The e-mail addresses and dates out of the way, what is left of digits may be a phone.
    rest = DATE.sub(" ", EMAIL.sub(" ", text))
    if any(_looks_like_phone(match.group()) for match in DIGITS.finditer(rest)):
        found.append("phone")
    return found


def screen_shared_text(text: str) -> None:
    """Raise ``ValidationError`` (one translated message) if ``text`` holds a phone number or an
    e-mail address; a validator for a form or serializer field of text shared with partners."""
    found = contact_details(text)
    if "phone" in found:
        raise ValidationError(PHONE_MESSAGE, code="contact_details")
    if found:
        raise ValidationError(EMAIL_MESSAGE, code="contact_details")


def shared_text_errors(record: Model, *fields: str) -> dict[str, Any]:
    """For a model's ``clean()``: the errors of those ``fields`` of ``record`` that are shared with
    partners and hold contact details. A stored text left as it was is not refused again (a
    record written before the rule can still be moved along its workflow); a new or changed one
    is."""
    errors: dict[str, Any] = {}
    for name in fields:
        value = getattr(record, name) or ""
        try:
            screen_shared_text(value)
        except ValidationError as error:
            if record.pk is not None and _stored_value(record, name) == value:
                continue
            errors[name] = error
    return errors


def _stored_value(record: Model, field: str) -> Any:
    return type(record)._default_manager.filter(pk=record.pk).values_list(field, flat=True).first()


def refuse_contact_details(field: str, text: str) -> None:
    """:func:`screen_shared_text` for a service: the error goes on ``field``."""
    try:
        screen_shared_text(text)
    except ValidationError as error:
        raise ValidationError({field: error.messages}, code="contact_details") from None
