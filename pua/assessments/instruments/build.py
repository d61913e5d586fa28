"""Write the shipped XLSForm workbooks from their Python definitions.

    python -m pua.assessments.instruments.build           # rewrite every .xlsx
    python -m pua.assessments.instruments.build --check   # exit 1 if a file is out of date

The instruments are written as Python data (one module per form, each with
``survey_rows()``, ``choices_rows()`` and ``settings_row()``) because data
in code can be reviewed line by line; the .xlsx files are what PUA loads
and what an administrator downloads, edits and uploads again.

The output is byte-for-byte deterministic (fixed document timestamps, fixed
ZIP entry dates), so rebuilding unchanged content leaves the files — and
the versions the loader creates from them — alone.
"""

from __future__ import annotations

import argparse
import importlib
import io
import re
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

INSTRUMENTS_DIR = Path(__file__).resolve().parent

# Module name = form_id = file name.
MODULES = [
    "exploitation_screening",
    "vulnerability",
    "satisfaction",
    "interview_social",
    "interview_labour",
    "skills_assessment",
]

# Columns first in this order (translations of a column right after it); any other column after them.
COLUMN_ORDER = {
    "survey": ["type", "name", "label", "hint", "required", "required_message", "relevant", "constraint",
               "constraint_message", "calculation", "choice_filter", "appearance", "default", "report"],
    "choices": ["list_name", "name", "label"],
    "settings": ["form_id", "version", "form_title", "default_language", "scoring", "rule_set"],
}

FIXED_TIMESTAMP = "2026-01-01T00:00:00Z"
FIXED_ZIP_DATE = (2026, 1, 1, 0, 0, 0)
COLUMN_WIDTHS = {"type": 30, "name": 24, "list_name": 20, "relevant": 40, "constraint": 30, "calculation": 40,
                 "choice_filter": 30}


def header(sheet: str, rows: list[dict]) -> list[str]:
    seen: list[str] = []
    for row in rows:
        seen.extend(key for key in row if key not in seen)
    ordered = []
    for base in COLUMN_ORDER[sheet]:
        ordered.extend(key for key in seen if key == base or key.startswith(base + "::"))
    return ordered + [key for key in seen if key not in ordered]


def _write_sheet(workbook: Workbook, title: str, rows: list[dict]) -> None:
    sheet = workbook.create_sheet(title)
    columns = header(title, rows)
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([row.get(column, "") or None for column in columns])
    sheet.freeze_panes = "C2" if title != "settings" else "A2"
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        base = column.split("::")[0]
        sheet.column_dimensions[letter].width = COLUMN_WIDTHS.get(base, 45 if "::" in column else 16)
        if "::" in column:
            for cell in sheet[letter][1:]:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _deterministic(data: bytes) -> bytes:
    """Rewrite the ZIP container with fixed entry dates and document timestamps."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:)",
                                 rb"\g<1>" + FIXED_TIMESTAMP.encode() + rb"\g<3>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def _settings(row: dict) -> dict:
    """A ``form_title::...`` column in the default language repeats the plain
    ``form_title`` (the parser rejects the pair): keep the plain one."""
    default = f"({row.get('default_language') or 'it'})"
    return {key: value for key, value in row.items()
            if not ("form_title" in row and key.startswith("form_title::") and key.endswith(default))}


def build_workbook(module) -> bytes:
    """The .xlsx bytes of one instrument module."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _write_sheet(workbook, "survey", module.survey_rows())
    _write_sheet(workbook, "choices", module.choices_rows())
    _write_sheet(workbook, "settings", [_settings(module.settings_row())])
    workbook.properties.creator = "PUA"
    workbook.properties.lastModifiedBy = "PUA"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _deterministic(buffer.getvalue())


def instrument_modules() -> dict[str, object]:
    """The instrument modules by form id. A module still being written (not
    importable yet) is left out rather than breaking the others."""
    modules = {}
    for name in MODULES:
        try:
            modules[name] = importlib.import_module(f"{__package__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__package__}.{name}":
                raise
    return modules


def build_all(directory: Path = INSTRUMENTS_DIR, *, check: bool = False) -> list[Path]:
    """Write (or, with ``check``, compare) every workbook; return the files
    that changed (or would change)."""
    changed = []
    for name, module in instrument_modules().items():
        path = directory / f"{name}.xlsx"
        data = build_workbook(module)
        if path.exists() and path.read_bytes() == data:
            continue
        changed.append(path)
        if not check:
            path.write_bytes(data)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report out-of-date files; exit 1 if any")
    args = parser.parse_args(argv)
    changed = build_all(check=args.check)
    verb = "out of date" if args.check else "written"
    for path in changed:
        print(f"{verb}: {path.name}")
    if not changed:
        print("All instruments are up to date.")
    return 1 if args.check and changed else 0


if __name__ == "__main__":
    sys.exit(main())
