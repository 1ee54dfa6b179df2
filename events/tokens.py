"""Signed tokens for the links a registrant gets by e-mail (cancel, feedback) and for the public
form's render time (the spam time check). Each purpose has its own salt: a feedback token does not
cancel a registration."""

import time

from django.core import signing

CANCEL_SALT = "events.registration.cancel"
FEEDBACK_SALT = "events.registration.feedback"
FORM_SALT = "events.registration.form"
# A feedback or materials link (in the materials e-mail) stays valid for half a year.
FEEDBACK_MAX_AGE = 183 * 24 * 3600


def _dumps(salt: str, registration_pk: int, event_pk: int) -> str:
    return signing.dumps({"r": registration_pk, "e": event_pk}, salt=salt)


def _loads(salt: str, value: str, event_pk: int, max_age: int | None = None) -> int | None:
    try:
        data = signing.loads(value, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("e") != event_pk or not isinstance(data.get("r"), int):
        return None
    return int(data["r"])


def cancel_token(registration_pk: int, event_pk: int) -> str:
    return _dumps(CANCEL_SALT, registration_pk, event_pk)


def read_cancel_token(value: str, event_pk: int) -> int | None:
    """The registration's id, or ``None`` for a token that is forged or for another event."""
    return _loads(CANCEL_SALT, value, event_pk)


def feedback_token(registration_pk: int, event_pk: int) -> str:
    return _dumps(FEEDBACK_SALT, registration_pk, event_pk)


def read_feedback_token(value: str, event_pk: int) -> int | None:
    """The registration's id, or ``None`` for a token that is forged, too old or for another event."""
    return _loads(FEEDBACK_SALT, value, event_pk, FEEDBACK_MAX_AGE)


def form_stamp(event_pk: int, at: float | None = None) -> str:
    """The moment the form was rendered, signed: the submission brings it back."""
    return signing.dumps({"e": event_pk, "t": time.time() if at is None else at}, salt=FORM_SALT)


def form_age(value: str, event_pk: int, now: float | None = None) -> float | None:
    """Seconds since the form was rendered, or ``None`` for a missing, forged or foreign stamp."""
    try:
        data = signing.loads(value, salt=FORM_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("e") != event_pk or not isinstance(data.get("t"), int | float):
        return None
    return (time.time() if now is None else now) - float(data["t"])
