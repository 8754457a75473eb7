"""The Chinese catalogue is complete, and the compiled one the app loads says the same."""

import gettext
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(LOCALE / "django.po"))


def test_every_message_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    assert untranslated == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_the_source(catalogue):
    with (LOCALE / "django.mo").open("rb") as compiled:
        translations = gettext.GNUTranslations(compiled)
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            got = (
                translations.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
                if entry.msgctxt
                else translations.ngettext(entry.msgid, entry.msgid_plural, 1)
            )
            assert got == entry.msgstr_plural[0], entry.msgid
        else:
            got = (
                translations.pgettext(entry.msgctxt, entry.msgid)
                if entry.msgctxt
                else translations.gettext(entry.msgid)
            )
            assert got == entry.msgstr, entry.msgid


def test_the_office_reads_chinese_by_default(client, settings):
    from salesoffice.settings import base

    assert base.LANGUAGE_CODE == "zh-hans"
    settings.LANGUAGE_CODE = base.LANGUAGE_CODE
    assert "登录" in client.get("/accounts/login/").content.decode()


def test_english_is_one_click_away(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Log in" in response.content.decode()
    chinese = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "登录" in chinese


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """Re-extract the messages from a copy of the sources: a page whose new words were never
    added to the catalogue would show English to a Chinese office."""
    import shutil
    import subprocess
    import sys

    root = LOCALE.parents[2]
    skip = {".venv", ".git", "var", "tests", "test-artifacts", "bench", "node_modules"}
    copy = tmp_path / "src"
    shutil.copytree(root, copy, ignore=lambda d, names: [n for n in names if n in skip])
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "salesoffice.settings.local",
            "SALESOFFICE_VAR_DIR": str(tmp_path / "var"),
        },
    )
    extracted = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in extracted if not e.translated() or "fuzzy" in e.flags]
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing[:20])
