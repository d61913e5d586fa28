"""Italian is the default language and every interface string has it."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]
CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po"))


def test_it_has_an_italian_catalogue():
    assert ROOT / "locale" / "it" / "LC_MESSAGES" / "django.po" in CATALOGUES


def test_it_leaves_no_catalogue_entry_untranslated_or_fuzzy():
    problems = []
    for path in CATALOGUES:
        po = polib.pofile(str(path))
        problems += [f"{path.name}: untranslated {e.msgid!r}" for e in po.untranslated_entries()]
        problems += [f"{path.name}: fuzzy {e.msgid!r}" for e in po.fuzzy_entries()]
    assert problems == []


def test_it_has_every_string_of_the_code_in_the_catalogue(tmp_path):
    """Extract the strings afresh and check none is missing from the catalogue."""
    assert shutil.which("xgettext"), "gettext is needed (scripts/ensure-system-deps installs it)"
    work = tmp_path / "src"
    shutil.copytree(ROOT, work, ignore=shutil.ignore_patterns(".venv", "var", "staticfiles", ".git", "node_modules"))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "it", "--no-obsolete", "--ignore=.venv", "-v", "0"],
        cwd=work, check=True, capture_output=True, timeout=300,
    )
    fresh = polib.pofile(str(work / "locale" / "it" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in fresh if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == []


def test_it_compiles_catalogues_without_gettext(tmp_path, monkeypatch, settings):
    po_dir = tmp_path / "it" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    po.append(polib.POEntry(msgid="Organisations", msgstr="Organizzazioni"))
    po.save(str(po_dir / "django.po"))
    settings.LOCALE_PATHS = [tmp_path]
    monkeypatch.setattr(shutil, "which", lambda name: None)
    call_command("compilemessages", verbosity=0)
    compiled = polib.mofile(str(po_dir / "django.mo"))
    assert compiled.find("Organisations").msgstr == "Organizzazioni"
