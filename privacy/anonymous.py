"""How an anonymised person is stored and shown: a language-neutral marker, shown translated.

Imports nothing but Django's translation, so that the domains' models can use it.
"""

from django.utils.translation import gettext as _

ANONYMISED_PREFIX = "anon:"
# Written over redacted free text and over expired history text: no language's word.
REDACTED = "[█████]"


def anonymised_marker(token: str) -> str:
    return f"{ANONYMISED_PREFIX}{token}"


def is_anonymised(value: str) -> bool:
    return value.startswith(ANONYMISED_PREFIX)


def person_label(value: str) -> str:
    """A stored name as shown: an anonymised one in the active language, any other unchanged."""
    if value.startswith(ANONYMISED_PREFIX):
        token = value[len(ANONYMISED_PREFIX) :]
        if token:
            return _("Anonymised person #%(id)s") % {"id": token}
        return _("Anonymised person")
    return value
