"""Every zh_Hans catalogue is complete: no empty msgstr and no fuzzy entry, so no English
string reaches a Chinese page through a forgotten translation."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p for p in ROOT.glob("*/locale/zh_Hans/LC_MESSAGES/django.po") if ".venv" not in p.parts
)


def test_every_app_has_a_chinese_catalogue():
    apps = {p.parts[-5] for p in CATALOGUES}
    assert {"core", "complaints", "merchants", "campaigns"} <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_the_catalogue_has_no_untranslated_or_fuzzy_entry(path):
    po = polib.pofile(str(path))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{path}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{path}: fuzzy {fuzzy[:10]}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_the_compiled_catalogue_matches_its_source(path):
    """A translation fixed in the .po but not compiled would still show English."""
    source = polib.pofile(str(path)).translated_entries()
    shipped = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(path.with_suffix(".mo")))}
    stale = [
        e.msgid
        for e in source
        if not e.msgid_plural and shipped.get((e.msgctxt, e.msgid)) != e.msgstr
    ]
    assert not stale, f"{path}: run compilemessages ({stale[:5]})"
