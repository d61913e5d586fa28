"""The exchange format: cells to values and back, for XLSX and CSV."""

import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings

from pua.network import exchange
from pua.network.exchange import SPEC, CellError


def _column(sheet, name):
    return SPEC[sheet].column(name)


def test_it_documents_every_column_of_every_sheet():
    text = (Path(settings.BASE_DIR) / "docs" / "import-format.md").read_text()

    for sheet in SPEC.values():
        assert f"## Sheet `{sheet.name}`" in text
        for column in sheet.columns:
            assert f"| `{column.name}` |" in text, (sheet.name, column.name)


def test_it_writes_text_that_looks_like_a_formula_as_text_in_a_workbook():
    data = exchange.write_xlsx({"organisations": [{"key": "k", "name": "=HYPERLINK(\"http://x\")", "kind": "union"}]})

    sheet = openpyxl.load_workbook(io.BytesIO(data))["organisations"]

    assert sheet["B2"].value == '=HYPERLINK("http://x")'
    assert sheet["B2"].data_type == "s"
    assert [c.value for c in sheet[1]][:3] == ["key", "name", "kind"]


def test_it_escapes_formulas_in_csv_and_restores_them_on_import():
    data = exchange.write_csv("organisations", [{"key": "k", "name": "=1+1", "kind": "union", "phone": "+39 02 1"}])

    table = exchange.read_csv(data, "organisations")

    assert b"'=1+1" in data
    assert b",+39 02 1," in data  # phone numbers keep their plus sign
    assert exchange.parse_cell(_column("organisations", "name"), table.rows[0].values["name"]) == "=1+1"


def test_it_puts_back_the_leading_zeros_a_spreadsheet_drops_from_codes():
    assert exchange.parse_cell(_column("organisations", "tax_code"), 1234560199) == "01234560199"
    assert exchange.parse_cell(_column("organisations", "vat_number"), "0123 4560 199") == "01234560199"
    assert exchange.parse_cell(_column("sites", "municipality"), 19036) == "019036"
    with pytest.raises(CellError):
        exchange.parse_cell(_column("sites", "municipality"), "Cremona")


@pytest.mark.parametrize(("sheet", "name", "raw", "value"), [
    ("organisations", "contributes_outreach", "1", True),
    ("organisations", "contributes_outreach", 0, False),
    ("organisations", "contributes_outreach", True, True),
    ("organisations", "contributes_outreach", None, False),
    ("offerings", "is_active", "", True),
    ("organisations", "since", datetime.datetime(2025, 3, 1), datetime.date(2025, 3, 1)),
    ("organisations", "since", "2025-03-01", datetime.date(2025, 3, 1)),
    ("sites", "latitude", "45,5", 45.5),
    ("sites", "latitude", 45.1332, 45.1332),
    ("offerings", "capacity", 12.0, 12),
    ("offerings", "languages", " fr; en ;;en", ["en", "fr"]),
    ("offerings", "availability", "Waiting_List", "waiting_list"),
    ("offerings", "availability", None, "available"),
    ("organisations", "description", "a\r\nb  ", "a\nb"),
])
def test_it_reads_cells_of_every_kind(sheet, name, raw, value):
    assert exchange.parse_cell(_column(sheet, name), raw) == value


@pytest.mark.parametrize(("sheet", "name", "raw"), [
    ("organisations", "contributes_outreach", "maybe"),
    ("organisations", "since", "1/3/2025"),
    ("offerings", "capacity", "twelve"),
    ("sites", "latitude", "north"),
    ("organisations", "kind", "cooperative"),
])
def test_it_explains_cells_it_cannot_read(sheet, name, raw):
    with pytest.raises(CellError):
        exchange.parse_cell(_column(sheet, name), raw)


def test_it_reads_sheets_by_name_whatever_their_case_and_keeps_spreadsheet_row_numbers():
    workbook = openpyxl.Workbook()
    notes = workbook.active
    notes.title = "Notes"
    notes.append(["ignored"])
    sheet = workbook.create_sheet("Organisations")
    sheet.append(["Key", "Name ", "kind"])
    sheet.append(["a", "Ente A", "union"])
    sheet.append([None, None, None])
    sheet.append(["b", "Ente B", "union"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    tables = exchange.read_upload(buffer.getvalue())

    assert [t.sheet for t in tables] == ["organisations"]
    assert tables[0].header == ["key", "name", "kind"]
    assert [(r.number, r.values["key"]) for r in tables[0].rows] == [(2, "a"), (4, "b")]


def test_it_reads_csv_separated_by_commas_semicolons_or_tabs():
    for separator in (",", ";", "\t"):
        data = separator.join(["key", "name", "kind"]).encode() + b"\n" + separator.join(["k", "Ente", "union"]).encode()

        table = exchange.read_csv(data, "organisations")

        assert table.rows[0].values == {"key": "k", "name": "Ente", "kind": "union"}


def test_it_estimates_the_rows_of_an_upload_before_storing_it():
    data = exchange.write_xlsx({"sites": [{"organisation_key": "k", "name": f"S{i}", "municipality": "019036"}
                                          for i in range(7)]})

    info = exchange.inspect_upload(data)

    assert (info.format, info.estimated_rows) == ("xlsx", 7)
