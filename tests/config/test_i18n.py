"""Every user-facing string is translated into every language, and what runs is what was written:
a test fails when a catalogue lacks a translation, misses a string from the code, or its compiled
.mo file is stale."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.test_layering import LAYERS

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = [code for code, _name in settings.LANGUAGES]
CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))
# The product's code (every layer of tests/test_layering.py), its templates and scripts.
SOURCES = ["manage.py", *sorted(set().union(*LAYERS)), "templates", "static"]


def catalogue_id(path):
    return f"{path.parts[-3]}/{path.name}"


def test_every_language_has_a_catalogue():
    assert {path.parts[-3] for path in CATALOGUES} == set(LANGUAGES)


@pytest.mark.parametrize("path", CATALOGUES, ids=catalogue_id)
def test_catalogue_is_complete(path):
    catalogue = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("path", CATALOGUES, ids=catalogue_id)
def test_compiled_catalogue_matches_its_source(path):
    compiled_path = path.with_suffix(".mo")
    assert compiled_path.exists(), f"run `make messages` to compile {path}"
    source = {
        (entry.msgctxt, entry.msgid): entry.msgstr_plural or entry.msgstr
        for entry in polib.pofile(str(path)).translated_entries()
    }
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr_plural or entry.msgstr
        for entry in polib.mofile(str(compiled_path))
        if entry.msgid
    }
    source = {
        key: {str(k): v for k, v in value.items()} if isinstance(value, dict) else value
        for key, value in source.items()
    }
    compiled = {
        key: {str(k): v for k, v in value.items()} if isinstance(value, dict) else value
        for key, value in compiled.items()
    }
    assert compiled == source, f"{compiled_path} is stale: run `make messages`"


@pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="gettext tools are not installed (apt-get install gettext)"
)
def test_every_marked_string_in_the_code_is_in_the_catalogues(tmp_path):
    """Extract the strings from a copy of the code into a copy of the catalogues: nothing new may
    appear untranslated."""
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    shutil.copytree(ROOT / "locale", tmp_path / "locale")
    for language in LANGUAGES:
        for domain in ("django", "djangojs"):
            if not (ROOT / "locale" / language / "LC_MESSAGES" / f"{domain}.po").exists():
                continue
            result = subprocess.run(
                [sys.executable, "manage.py", "makemessages", "-l", language, "-d", domain, "--no-location"],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert result.returncode == 0, result.stderr
            extracted = polib.pofile(str(tmp_path / "locale" / language / "LC_MESSAGES" / f"{domain}.po"))
            missing = [entry.msgid for entry in extracted.untranslated_entries() + extracted.fuzzy_entries()]
            assert missing == [], f"{language}/{domain}: run `make messages` and translate these"
