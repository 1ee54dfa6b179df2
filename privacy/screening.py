"""Screening of free text that reaches partners (titles): a phone number or an e-mail address in
it is refused, so a name's way of being reached never leaves the portal by accident. The check
is deliberately simple (nine digits or more in one run, an ``@`` between word characters): a false
alarm costs a rephrased title, a miss costs a person's privacy."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Nine digits or more, separated by at most two spaces, hyphens, dots or brackets, optionally
# after a "+": "+380 67 123 45 67", "777 123 456", "(044) 123-45-67". A date ("2025-03-01") has 8.
_PHONE = re.compile(r"(?<![\w+])\+?(?:\d[ \-.()]{0,2}){8,}\d(?!\w)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def contact_details_in(text: str) -> list[str]:
    """The phone numbers and e-mail addresses found in ``text``."""
    found = [match.group() for match in _EMAIL.finditer(text)]
    without_emails = _EMAIL.sub(" ", text)
    found += [
        match.group() for match in _PHONE.finditer(without_emails) if sum(c.isdigit() for c in match.group()) >= 9
    ]
    return found


def refuse_contact_details(field: str, text: str) -> None:
    """Raise a ``ValidationError`` on ``field`` if ``text`` (shared with partners) holds a phone
    number or an e-mail address."""
    if contact_details_in(text):
        raise ValidationError(
            {
                field: _(
                    "This text is shared with partners: remove the phone number or e-mail address from it "
                    "(keep contacts in the internal notes)."
                )
            }
        )
