"""The exchange format of the network directory: organisations, sites and
offerings as spreadsheets (XLSX) or CSV files.

One column specification serves export and import, so that an exported file
imports back unchanged. ``docs/import-format.md`` documents it for people; the
tests check that every column here is documented there.

This module knows cells and columns: it reads files into plain tables, turns
cells into Python values (or says why it cannot) and writes tables back. What
the values mean — which codes exist, which organisation a key refers to — is
decided by ``imports_services``.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Availability, Cost, LegalStatusRequirement, NetworkRelation, OrganisationKind

ORGANISATIONS = "organisations"
SITES = "sites"
OFFERINGS = "offerings"
SHEET_NAMES = (ORGANISATIONS, SITES, OFFERINGS)
SHEET_LABELS = {
    ORGANISATIONS: gettext_lazy("Organisations"),
    SITES: gettext_lazy("Sites"),
    OFFERINGS: gettext_lazy("Offerings"),
}

LIST_SEPARATOR = ";"
# An archive member larger than this is refused (a ZIP can expand a lot).
MAX_MEMBER_BYTES = 50 * 1024 * 1024
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the old binary .xls format


class Kind:
    """How a column's cells are written and read."""

    TEXT = "text"
    CODE = "code"  # one code of a fixed list (choices)
    CODES = "codes"  # codes separated by LIST_SEPARATOR
    BOOL = "bool"  # 1 / 0
    INT = "int"
    DECIMAL = "decimal"
    DATE = "date"  # ISO 8601, YYYY-MM-DD
    ISTAT = "istat"  # six-digit municipality code
    IDENTIFIER = "identifier"  # tax code, VAT number: spaces removed, upper case


@dataclass(frozen=True)
class Column:
    name: str
    kind: str = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    # Value of an empty cell for columns that have a default (codes, booleans).
    default: Any = None


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


def _codes(choices) -> tuple[str, ...]:
    return tuple(choices.values)


SPEC: dict[str, Sheet] = {
    ORGANISATIONS: Sheet(
        ORGANISATIONS,
        key=("key",),
        columns=(
            Column("key", required=True),
            Column("name", required=True),
            Column("kind", Kind.CODE, required=True, choices=_codes(OrganisationKind)),
            Column("legal_form"),
            Column("sector"),
            Column("description"),
            Column("tax_code", Kind.IDENTIFIER),
            Column("vat_number", Kind.IDENTIFIER),
            Column("email"),
            Column("phone"),
            Column("website"),
            Column("municipality", Kind.ISTAT),
            Column("address"),
            Column("languages", Kind.CODES),
            # The organisation's link to the importing access point's network.
            Column("relation", Kind.CODE, choices=_codes(NetworkRelation), default=NetworkRelation.INFORMAL_NETWORK),
            Column("role"),
            Column("contributes_awareness", Kind.BOOL, default=False),
            Column("contributes_outreach", Kind.BOOL, default=False),
            Column("contributes_promotion", Kind.BOOL, default=False),
            Column("contributes_services", Kind.BOOL, default=False),
            Column("since", Kind.DATE),
        ),
    ),
    SITES: Sheet(
        SITES,
        key=("organisation_key", "name"),
        columns=(
            Column("organisation_key", required=True),
            Column("name", required=True),
            Column("address"),
            Column("municipality", Kind.ISTAT, required=True),
            Column("latitude", Kind.DECIMAL),
            Column("longitude", Kind.DECIMAL),
            Column("phone"),
        ),
    ),
    OFFERINGS: Sheet(
        OFFERINGS,
        key=("organisation_key", "service_code", "site_name"),
        columns=(
            Column("organisation_key", required=True),
            Column("service_code", required=True),
            Column("site_name"),
            Column("description"),
            Column("target_groups", Kind.CODES),
            Column("languages", Kind.CODES),
            Column("opening_hours"),
            Column("capacity", Kind.INT),
            Column("availability", Kind.CODE, choices=_codes(Availability), default=Availability.AVAILABLE),
            Column("documents_required"),
            Column("legal_status", Kind.CODE, choices=_codes(LegalStatusRequirement),
                   default=LegalStatusRequirement.NONE),
            Column("cost", Kind.CODE, choices=_codes(Cost), default=Cost.FREE),
            Column("cost_notes"),
            Column("referral_phone"),
            Column("referral_email"),
            Column("referral_url"),
            Column("referral_notes"),
            Column("is_active", Kind.BOOL, default=True),
        ),
    ),
}

ORGANISATION_LINK_COLUMNS = (
    "relation", "role", "contributes_awareness", "contributes_outreach", "contributes_promotion",
    "contributes_services", "since",
)


class UnreadableFile(Exception):
    """The upload is not a file this module can read; the message says why."""


class CellError(ValueError):
    """A cell that cannot be turned into a value of its column's kind."""


# --- tables ---------------------------------------------------------------------------------

@dataclass
class Row:
    number: int  # as shown by a spreadsheet program: the header is row 1
    values: dict[str, Any]


@dataclass
class Table:
    sheet: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)


def _header_name(value) -> str:
    return str(value).strip().lower() if value is not None else ""


def _blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _table(sheet: str, raw_rows) -> Table:
    """A table from an iterator of raw rows (the first being the header)."""
    raw_rows = iter(raw_rows)
    header_cells = next(raw_rows, None) or []
    header = [_header_name(v) for v in header_cells]
    while header and not header[-1]:
        header.pop()
    table = Table(sheet=sheet, header=header)
    for number, cells in enumerate(raw_rows, start=2):
        cells = list(cells)
        if _blank(cells):
            continue
        values = {}
        for index, name in enumerate(header):
            if name and name not in values:
                values[name] = cells[index] if index < len(cells) else None
        extra = [v for v in cells[len(header):] if not _blank([v])]
        if extra:
            values[""] = extra
        table.rows.append(Row(number=number, values=values))
    return table


def _zip_names(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFile(_("The file is not a valid Excel workbook (.xlsx)."))


def _zip_csv_members(names: list[str]) -> dict[str, str]:
    """Sheet → member name of the CSV files in a ZIP archive (as exported)."""
    members = {}
    for member in names:
        base = member.rsplit("/", 1)[-1].lower()
        if base.endswith(".csv") and base[:-4] in SPEC:
            members.setdefault(base[:-4], member)
    return members


def detect_format(data: bytes) -> str:
    """``"xlsx"``, ``"zip"`` (of CSV files, as exported) or ``"csv"``."""
    if data.startswith(ZIP_SIGNATURE):
        names = _zip_names(data)
        if "[Content_Types].xml" in names:
            return "xlsx"
        if _zip_csv_members(names):
            return "zip"
        raise UnreadableFile(
            _("The ZIP archive has none of the files %(names)s.")
            % {"names": ", ".join(f"{n}.csv" for n in SHEET_NAMES)}
        )
    if data.startswith(OLE_SIGNATURE):
        raise UnreadableFile(_("This is an old Excel file (.xls): save it as .xlsx and upload it again."))
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("The file must be an Excel workbook (.xlsx) or a CSV file encoded in UTF-8."))
    return "csv"


def _decode_csv(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile(_("The CSV file is not encoded in UTF-8: save it as “CSV UTF-8” and upload it again."))
    if "\x00" in text:
        raise UnreadableFile(_("The file must be an Excel workbook (.xlsx) or a CSV file encoded in UTF-8."))
    return text


def _csv_dialect(text: str) -> str:
    """The delimiter: a comma, or the semicolon used by spreadsheet programs
    in Italian, or a tab — whichever the header line has most of."""
    first_line = text.split("\n", 1)[0]
    counts = {d: first_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv(data: bytes, sheet: str) -> Table:
    if sheet not in SPEC:
        raise UnreadableFile(_("Choose what the CSV file contains."))
    text = _decode_csv(data)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=_csv_dialect(text))
        return _table(sheet, reader)
    except csv.Error as error:
        raise UnreadableFile(_("The CSV file cannot be read: %(error)s") % {"error": error})


def _open_workbook(data: bytes):
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise UnreadableFile(_("The file is not a valid Excel workbook (.xlsx)."))


def _workbook_sheets(workbook) -> dict[str, Any]:
    """Our sheets of the workbook by name; sheet names are matched without
    regard to case, and other sheets are ignored."""
    found = {}
    for title in workbook.sheetnames:
        name = title.strip().lower()
        if name in SPEC and name not in found:
            found[name] = workbook[title]
    if not found:
        raise UnreadableFile(
            _("The workbook has none of the sheets %(names)s.") % {"names": ", ".join(SHEET_NAMES)}
        )
    return found


def read_xlsx(data: bytes) -> list[Table]:
    workbook = _open_workbook(data)
    try:
        sheets = _workbook_sheets(workbook)
        return [_table(name, sheets[name].iter_rows(values_only=True)) for name in SHEET_NAMES if name in sheets]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UnreadableFile(_("The file is not a valid Excel workbook (.xlsx)."))
    finally:
        workbook.close()


def read_zip(data: bytes) -> list[Table]:
    try:
        return _read_zip(data)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise UnreadableFile(_("The ZIP archive cannot be read."))


def _read_zip(data: bytes) -> list[Table]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = _zip_csv_members(archive.namelist())
        tables = []
        for name in SHEET_NAMES:
            if name in members:
                with archive.open(members[name]) as member:
                    content = member.read(MAX_MEMBER_BYTES + 1)
                if len(content) > MAX_MEMBER_BYTES:
                    raise UnreadableFile(_("%(name)s is too large.") % {"name": members[name]})
                tables.append(read_csv(content, name))
        return tables


def read_upload(data: bytes, *, contents: str = "") -> list[Table]:
    """The tables of an uploaded file, in the order they must be applied."""
    fmt = detect_format(data)
    if fmt == "xlsx":
        return read_xlsx(data)
    if fmt == "zip":
        return read_zip(data)
    return [read_csv(data, contents)]


@dataclass
class UploadInfo:
    format: str
    sheets: list[str]
    estimated_rows: int


def inspect_upload(data: bytes, *, contents: str = "") -> UploadInfo:
    """Check that an upload is a file we can read, before it is stored.

    Returns the format, the sheets found and an estimate of the number of
    rows, which decides whether the import runs at once or in the background.
    A workbook's estimate comes from its recorded dimensions (cheap); a CSV
    file is counted."""
    fmt = detect_format(data)
    if fmt == "zip":
        tables = read_zip(data)
        return UploadInfo(format="zip", sheets=[t.sheet for t in tables], estimated_rows=sum(len(t.rows) for t in tables))
    if fmt == "csv":
        table = read_csv(data, contents)
        missing = [c.name for c in SPEC[contents].columns if c.required and c.name not in table.header]
        if missing:
            raise UnreadableFile(
                _("The file does not have the columns of %(sheet)s: %(missing)s is missing.")
                % {"sheet": SHEET_LABELS[contents], "missing": ", ".join(missing)}
            )
        return UploadInfo(format="csv", sheets=[contents], estimated_rows=len(table.rows))
    workbook = _open_workbook(data)
    try:
        sheets = _workbook_sheets(workbook)
        rows = 0
        for worksheet in sheets.values():
            max_row = worksheet.max_row
            if max_row is None:
                max_row = sum(1 for _row in worksheet.iter_rows(values_only=True))
            rows += max(max_row - 1, 0)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise UnreadableFile(_("The file is not a valid Excel workbook (.xlsx)."))
    finally:
        workbook.close()
    return UploadInfo(format="xlsx", sheets=[n for n in SHEET_NAMES if n in sheets], estimated_rows=rows)


# --- cells → values -----------------------------------------------------------------------

# Exported text that a spreadsheet program would take for a formula gets a
# leading apostrophe in CSV files; it is removed again on import.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"^[+-][\d\s.,/()-]*$")


def _unescape(text: str) -> str:
    if text.startswith("'") and text[1:2] and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def _escape_for_csv(text: str) -> str:
    if text.startswith(_FORMULA_START) and not _NUMBER_LIKE.match(text):
        return "'" + text
    return text


def normalise_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def cell_text(raw) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.datetime):
        return raw.date().isoformat() if raw.time() == datetime.time() else raw.isoformat()
    if isinstance(raw, datetime.date):
        return raw.isoformat()
    return normalise_text(_unescape(str(raw)))


def _digits(raw, width: int) -> str:
    """A code typed as a number loses its leading zeros in a spreadsheet;
    put them back."""
    if isinstance(raw, int | float) and not isinstance(raw, bool) and float(raw).is_integer():
        return f"{int(raw):0{width}d}"
    return cell_text(raw)


def parse_cell(column: Column, raw) -> Any:
    """The value of a cell for ``column``; raises ``CellError``."""
    kind = column.kind
    if kind == Kind.IDENTIFIER:
        return _digits(raw, 11).replace(" ", "").upper()
    if kind == Kind.ISTAT:
        text = _digits(raw, 6)
        if text and not re.fullmatch(r"\d{6}", text):
            raise CellError(_("Write the six-digit ISTAT code of the municipality."))
        return text
    text = cell_text(raw)
    if kind == Kind.TEXT:
        return text
    if kind == Kind.CODE:
        if not text:
            return column.default
        code = text.lower()
        if column.choices and code not in column.choices:
            raise CellError(_("Unknown code “%(code)s”; use one of: %(codes)s.")
                            % {"code": text, "codes": ", ".join(column.choices)})
        return code
    if kind == Kind.CODES:
        return sorted({part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()})
    if kind == Kind.BOOL:
        if not text:
            return column.default
        lowered = text.lower()
        if lowered in ("1", "true", "yes", "sì", "si", "vero"):
            return True
        if lowered in ("0", "false", "no", "falso"):
            return False
        raise CellError(_("Write 1 for yes or 0 for no."))
    if kind == Kind.INT:
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            raise CellError(_("Write a whole number."))
    if kind == Kind.DECIMAL:
        if not text:
            return None
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            return float(raw)
        try:
            return float(text.replace(",", "."))
        except ValueError:
            raise CellError(_("Write a number, with a point for decimals."))
    if kind == Kind.DATE:
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text[:10])
        except ValueError:
            raise CellError(_("Write the date as YYYY-MM-DD."))
    raise AssertionError(f"unknown column kind {kind}")


# --- values → cells -----------------------------------------------------------------------

def format_value(column: Column, value) -> Any:
    """The cell for a value: text, or a number for numeric columns; ``None``
    for an empty cell."""
    if value is None:
        return None
    if column.kind == Kind.BOOL:
        return "1" if value else "0"
    if column.kind == Kind.CODES:
        return LIST_SEPARATOR.join(sorted(value)) or None
    if column.kind == Kind.DATE:
        return value.isoformat()
    if column.kind in (Kind.INT, Kind.DECIMAL):
        return value
    return str(value) if value != "" else None


def write_xlsx(tables: dict[str, list[dict]]) -> bytes:
    """A workbook with one sheet per table; every text is a text cell, never
    a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for name in SHEET_NAMES:
        sheet = SPEC[name]
        worksheet = workbook.create_sheet(name)
        worksheet.freeze_panes = "A2"
        header = []
        for column_name in sheet.column_names:
            cell = WriteOnlyCell(worksheet, value=column_name)
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for row in tables.get(name, []):
            cells = []
            for column_name in sheet.column_names:
                value = row.get(column_name)
                if isinstance(value, str):
                    cell = WriteOnlyCell(worksheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
                    cell.data_type = "s"
                else:
                    cell = WriteOnlyCell(worksheet, value=value)
                cells.append(cell)
            worksheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _escape_for_csv(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_csv(sheet: str, rows: list[dict]) -> bytes:
    """One sheet as CSV: UTF-8 with a byte-order mark (so that spreadsheet
    programs recognise the encoding), comma-separated."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    names = SPEC[sheet].column_names
    writer.writerow(names)
    for row in rows:
        writer.writerow([_csv_cell(row.get(name)) for name in names])
    return buffer.getvalue().encode("utf-8-sig")


def write_csv_zip(tables: dict[str, list[dict]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in SHEET_NAMES:
            archive.writestr(f"{name}.csv", write_csv(name, tables.get(name, [])))
    return buffer.getvalue()


# --- the network as tables ----------------------------------------------------------------

def organisation_key(organisation) -> str:
    """The stable reference of an organisation in exchanged files: its tax
    code, else ``org-<id>``."""
    return organisation.tax_code or f"org-{organisation.pk}"


def network_tables(organisations, *, access_point) -> dict[str, list[dict]]:
    """Rows of the three sheets for ``organisations`` (a queryset already
    scoped by the caller), with their link to ``access_point``'s network.

    Five queries whatever the number of rows."""
    from .models import NetworkLink, Offering, Site

    organisations = list(
        organisations.select_related("municipality").prefetch_related("languages").order_by("name", "id")
    )
    ids = [o.pk for o in organisations]
    keys = {o.pk: organisation_key(o) for o in organisations}
    links = {link.organisation_id: link for link in NetworkLink.objects.filter(accesspoint=access_point,
                                                                                  organisation_id__in=ids)}
    tables: dict[str, list[dict]] = {name: [] for name in SHEET_NAMES}
    for org in organisations:
        link = links.get(org.pk)
        row = {
            "key": keys[org.pk],
            "name": org.name,
            "kind": org.kind,
            "municipality": org.municipality.istat_code if org.municipality_id else None,
            "languages": [language.code for language in org.languages.all()],
        }
        for name in ("legal_form", "sector", "description", "tax_code", "vat_number", "email", "phone", "website",
                     "address"):
            row[name] = getattr(org, name)
        for name in ORGANISATION_LINK_COLUMNS:
            row[name] = getattr(link, name) if link is not None else SPEC[ORGANISATIONS].column(name).default
        tables[ORGANISATIONS].append(_formatted(ORGANISATIONS, row))
    order = {pk: index for index, pk in enumerate(ids)}
    sites = sorted(Site.objects.filter(organisation_id__in=ids).select_related("municipality"),
                   key=lambda s: (order[s.organisation_id], s.name, s.pk))
    for site in sites:
        tables[SITES].append(_formatted(SITES, {
            "organisation_key": keys[site.organisation_id], "name": site.name, "address": site.address,
            "municipality": site.municipality.istat_code, "latitude": site.latitude, "longitude": site.longitude,
            "phone": site.phone,
        }))
    offerings = sorted(
        Offering.objects.filter(organisation_id__in=ids).select_related("service", "site")
        .prefetch_related("languages", "target_groups"),
        key=lambda o: (order[o.organisation_id], o.service.sort_key, o.site.name if o.site_id else "", o.pk),
    )
    for offering in offerings:
        row = {
            "organisation_key": keys[offering.organisation_id],
            "service_code": offering.service.code,
            "site_name": offering.site.name if offering.site_id else None,
            "target_groups": [group.code for group in offering.target_groups.all()],
            "languages": [language.code for language in offering.languages.all()],
        }
        for name in ("description", "opening_hours", "capacity", "availability", "documents_required",
                     "legal_status", "cost", "cost_notes", "referral_phone", "referral_email", "referral_url",
                     "referral_notes", "is_active"):
            row[name] = getattr(offering, name)
        tables[OFFERINGS].append(_formatted(OFFERINGS, row))
    return tables


def _formatted(sheet: str, row: dict) -> dict:
    spec = SPEC[sheet]
    return {column.name: format_value(column, row.get(column.name)) for column in spec.columns}
