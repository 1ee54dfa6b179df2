"""The portal's own password rule, next to Django's (length, common passwords, numbers only,
similar to the username): no password built on a pattern an attacker tries first.

Rejected: the portal's name in any spelling; keyboard walks and sequences of five or more
(``qwerty``, ``asdfg``, ``йцукен``, ``12345``, ``abcde``, forwards or backwards); a character four
times in a row or fewer than five different characters; dates and years with no letters; and a
common word (``accounts/data/weak-words.txt`` and Django's 20,000 common passwords) with only
digits, years or symbols around it or look-alike characters in it (``P@ssw0rd2024!``). Everything
is shipped in the repository: nothing is looked up online.
"""

import re
from functools import cached_property
from pathlib import Path
from typing import Any

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEAK_WORDS_PATH = Path(__file__).resolve().parent / "data" / "weak-words.txt"
PORTAL_NAMES = ("zlagoda", "zlahoda", "злагода")
SEQUENCE_RUN = 5
SEQUENCES = (
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertzuiop",
    "yxcvbnm",
    "ěščřžýáíé",
    "йцукенгшщзхї",
    "фівапролджє",
    "йцукенгшщзхъ",
    "фывапролджэ",
    "ячсмитьбю",
    "1qaz2wsx3edc4rfv5tgb",
    "qazwsxedcrfvtgb",
    "abcdefghijklmnopqrstuvwxyz",
    "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя",
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
)
LOOK_ALIKES = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
# Digits and symbols around the word: "2024!", "-1991", "#1".
AROUND = re.compile(r"^[\W\d_]+|[\W\d_]+$")
SEPARATORS = re.compile(r"[\s._\-]+")
YEAR = re.compile(r"(19|20)\d\d")


def _runs(text: str) -> set[str]:
    return {text[i : i + SEQUENCE_RUN] for i in range(len(text) - SEQUENCE_RUN + 1)}


SEQUENCE_RUNS = frozenset(run for sequence in SEQUENCES for text in (sequence, sequence[::-1]) for run in _runs(text))


class PatternPasswordValidator:
    def __init__(self, words_path: str | Path = WEAK_WORDS_PATH, min_word_length: int = 4) -> None:
        self.words_path = Path(words_path)
        self.min_word_length = min_word_length

    @cached_property
    def words(self) -> frozenset[str]:
        shipped = {
            line.strip().lower()
            for line in self.words_path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")
        }
        common = CommonPasswordValidator().passwords
        return frozenset(word for word in shipped | common if len(word) >= self.min_word_length)

    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        if any(name in lowered for name in PORTAL_NAMES):
            raise ValidationError(_("This password contains the portal’s name."), code="password_portal_name")
        if re.search(r"(.)\1{3,}", lowered) or len(set(lowered)) < 5:
            raise ValidationError(_("This password repeats the same characters too much."), code="password_repeats")
        if SEQUENCE_RUNS & _runs(lowered):
            raise ValidationError(
                _("This password contains a keyboard pattern or a sequence, such as “qwerty” or “12345”."),
                code="password_sequence",
            )
        if not re.search(r"[^\W\d_]", lowered) and YEAR.search(lowered):
            raise ValidationError(_("This password is a date."), code="password_date")
        if self._is_common_word(lowered):
            raise ValidationError(
                _("This password is a common word with digits, a year or symbols added."), code="password_common_word"
            )

    def _is_common_word(self, lowered: str) -> bool:
        core = SEPARATORS.sub("", AROUND.sub("", lowered).translate(LOOK_ALIKES))
        if not core:
            return False
        # "passwordpassword": a word said twice is still the word.
        for size in range(1, len(core) // 2 + 1):
            if len(core) % size == 0 and core[:size] * (len(core) // size) == core:
                core = core[:size]
                break
        return core in self.words

    def get_help_text(self) -> str:
        return _(
            "Your password can’t contain the portal’s name, a keyboard pattern, a sequence or repeated "
            "characters, and can’t be a common word with digits or symbols added."
        )
