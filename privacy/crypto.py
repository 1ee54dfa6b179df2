"""Encryption at rest and the keyed blind index, with the keys from the settings.

Values are encrypted with Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``) under a
``MultiFernet`` of ``FIELD_ENCRYPTION_KEYS``: the first key encrypts, every key decrypts, so an old
key stays readable until ``manage.py rotate_encryption_key`` has rewritten everything under the new
one. A ciphertext is random, so the database cannot search it; the search goes through a *blind
index*: HMAC-SHA256 tokens, under the separate ``FIELD_INDEX_KEY``, of the normalised words (and
their prefixes), phone digits and e-mail addresses (see :func:`blind_index`).

With neither setting (the embedded default) both keys are derived from ``SECRET_KEY``;
production refuses to start without them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class IndexKind:
    """What a value is, which decides how it is normalised and tokenised."""

    NAME = "name"
    PHONE = "phone"
    EMAIL = "email"


# Words of a name are indexed with every prefix of at least this many letters, so "Петр" finds
# "Петренко"; shorter prefixes would make nearly every row match and leak more.
NAME_PREFIX_MIN = 3
# A phone is indexed by all its digits and by its last 9 and 10 digits (the national number with
# and without the trunk 0), so "+380 67 123 45 67" and "067 123 4567" find each other.
PHONE_MIN_DIGITS = 5
PHONE_SUFFIXES = (9, 10)
# 64 bits of HMAC per token: no collisions among a few million tokens, and no more than needed.
TOKEN_HEX_LENGTH = 16

APOSTROPHES = re.compile("[\u2019\u02bc\u2018\u02b9`\u00b4]")
WORD = re.compile(r"[\w']+")


def _derived_key(label: str) -> bytes:
    """A development key derived from SECRET_KEY (the embedded default only)."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"zlagoda:{label}:{settings.SECRET_KEY}".encode()).digest())


def encryption_keys() -> tuple[str, ...]:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS)
    return keys or (_derived_key("field-encryption").decode(),)


def index_key() -> bytes:
    key: str = settings.FIELD_INDEX_KEY
    return key.encode() if key else _derived_key("blind-index")


@lru_cache(maxsize=8)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must list Fernet keys (urlsafe base64 of 32 bytes), comma-separated"
        ) from error


def fernet() -> MultiFernet:
    return _fernet(encryption_keys())


class DecryptionError(Exception):
    """A stored value that none of the configured keys opens (a key was dropped too early)."""


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError(
            "An encrypted value cannot be read with FIELD_ENCRYPTION_KEYS: was a key removed before "
            "`manage.py rotate_encryption_key` ran?"
        ) from error


def generate_key() -> str:
    return Fernet.generate_key().decode()


# --- the blind index -----------------------------------------------------------------------------


def normalise_text(value: str) -> str:
    """Case, composed letters, apostrophe variants and whitespace no longer matter."""
    value = unicodedata.normalize("NFKC", value).casefold()
    value = APOSTROPHES.sub("'", value)
    return " ".join(value.split())


def phone_digits(value: str) -> str:
    return "".join(character for character in value if character.isdigit())


def token(kind: str, value: str) -> str:
    digest = hmac.new(index_key(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
    return digest[:TOKEN_HEX_LENGTH]


def name_words(value: str) -> list[str]:
    return [word.strip("'") for word in WORD.findall(normalise_text(value)) if word.strip("'")]


def _name_tokens(value: str) -> set[str]:
    tokens = set()
    for word in name_words(value):
        tokens.add(token(IndexKind.NAME, word))
        for length in range(NAME_PREFIX_MIN, len(word)):
            tokens.add(token(IndexKind.NAME, word[:length]))
    return tokens


def _phone_tokens(value: str) -> set[str]:
    digits = phone_digits(value)
    if len(digits) < PHONE_MIN_DIGITS:
        return set()
    return {token(IndexKind.PHONE, digits)} | {
        token(IndexKind.PHONE, digits[-length:]) for length in PHONE_SUFFIXES if len(digits) > length
    }


def _email_tokens(value: str) -> set[str]:
    value = normalise_text(value)
    return {token(IndexKind.EMAIL, value)} if "@" in value else set()


TOKENISERS = {IndexKind.NAME: _name_tokens, IndexKind.PHONE: _phone_tokens, IndexKind.EMAIL: _email_tokens}


def blind_index(values: Mapping[str, Iterable[str]]) -> str:
    """The stored index of a row: its tokens, space-separated with a space at both ends.

    ``values`` maps an :class:`IndexKind` to the row's values of that kind.
    """
    tokens: set[str] = set()
    for kind, kind_values in values.items():
        for value in kind_values:
            if value:
                tokens |= TOKENISERS[kind](value)
    return f" {' '.join(sorted(tokens))} " if tokens else ""


def term_alternatives(term: str) -> list[list[str]]:
    """What one search term may match: a list of alternatives, each the tokens that must all be
    in a row's index (a name of several words needs each word)."""
    alternatives = []
    words = name_words(term)
    if words:
        alternatives.append([token(IndexKind.NAME, word) for word in words])
    digits = phone_digits(term)
    if len(digits) >= PHONE_MIN_DIGITS:
        alternatives.append([token(IndexKind.PHONE, digits)])
    if "@" in term:
        alternatives.append([token(IndexKind.EMAIL, normalise_text(term))])
    return alternatives
