"""``compilemessages`` that also works where GNU gettext is not installed.

Django's command shells out to ``msgfmt``. A fresh machine may only have
Python, so when ``msgfmt`` is missing the catalogues are compiled with polib.
"""

import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.commands.compilemessages import Command as DjangoCommand


class Command(DjangoCommand):
    def handle(self, **options):
        if shutil.which("msgfmt"):
            return super().handle(**options)
        ignore = set(options.get("ignore_patterns") or [])
        roots = [Path(p) for p in settings.LOCALE_PATHS]
        roots += list(Path(settings.BASE_DIR, "pua").glob("*/locale"))
        compiled = 0
        for root in roots:
            for po_path in root.rglob("*.po"):
                if any(part in ignore for part in po_path.parts):
                    continue
                polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
        if options.get("verbosity", 1) > 0:
            self.stdout.write(f"compiled {compiled} catalogue(s) with polib")
