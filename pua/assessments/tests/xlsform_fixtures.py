"""Small XLSForms built in memory with openpyxl, for the parser and engine tests."""

import io

import openpyxl

SETTINGS = [["form_title", "form_id", "version", "default_language"], ["Test form", "test_form", "1", "it"]]

# A form that uses every supported feature once.
FULL_SURVEY = [
    ["type", "name", "label::Italiano (it)", "label::English (en)", "hint::Italiano (it)", "hint::English (en)",
     "required", "required_message::Italiano (it)", "relevant", "constraint", "constraint_message::Italiano (it)",
     "constraint_message::English (en)", "calculation", "choice_filter", "appearance", "default", "report"],
    ["begin group", "context", "Contesto", "Context", "", "", "", "", "", "", "", "", "", "", "field-list"],
    ["text", "nickname", "Come ti chiami?", "What is your name?", "Anche un soprannome", "A nickname is fine",
     "yes", "Serve un nome"],
    ["integer", "age", "Età", "Age", "", "", "yes", "", "", ". >= 0 and . <= 120", "Età fuori intervallo",
     "Age out of range"],
    ["decimal", "hours", "Ore a settimana", "Hours a week", "", "", "", "", "${age} >= 16", ". <= 168"],
    ["date", "arrival", "Arrivo in Italia", "Arrival in Italy", "", "", "", "", "", ". <= today()"],
    ["select_one country", "country", "Paese", "Country", "", "", "", "", "", "", "", "", "", "", "", "it", "yes"],
    ["select_one city", "city", "Città", "City", "", "", "", "", "", "", "", "", "", "country = ${country}"],
    ["end group"],
    ["begin group", "work", "Lavoro", "Work", "", "", "", "", "${age} >= 16"],
    ["select_multiple sector", "sectors", "Settori", "Sectors", "", "", "yes"],
    ["begin group", "farm", "Agricoltura", "Farming", "", "", "", "", "selected(${sectors}, 'agri')"],
    ["integer", "farm_days", "Giorni nei campi", "Days in the fields"],
    ["end group"],
    ["note", "work_note", "Grazie", "Thank you"],
    ["end group"],
    ["calculate", "is_adult", "", "", "", "", "", "", "", "", "", "", "if(${age} >= 18, 'yes', 'no')",
     "", "", "", "yes"],
    ["text", "comment", "Commenti", "Comments"],
]
FULL_CHOICES = [
    ["list_name", "name", "label::Italiano (it)", "label::English (en)", "country"],
    ["country", "it", "Italia", "Italy"],
    ["country", "ro", "Romania", "Romania"],
    ["city", "rome", "Roma", "Rome", "it"],
    ["city", "milan", "Milano", "Milan", "it"],
    ["city", "bucharest", "Bucarest", "Bucharest", "ro"],
    ["sector", "agri", "Agricoltura", "Agriculture"],
    ["sector", "build", "Edilizia", "Building"],
    ["sector", "care", "Cura", "Care"],
]
FULL_SETTINGS = [
    ["form_title::Italiano (it)", "form_title::English (en)", "form_id", "version", "default_language", "scoring",
     "rule_set"],
    ["Modulo di prova", "Test form", "full_form", "2026-11", "Italiano (it)", "exploitation_adult",
     "exploitation-adult"],
]


def xlsform_bytes(survey, choices=None, settings=SETTINGS, extra_sheets=None) -> bytes:
    """An .xlsx with the given rows (lists of cell values) per sheet; a
    sheet given as None is left out."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    for title, rows in (("choices", choices), ("settings", settings), *(extra_sheets or {}).items()):
        if rows is not None:
            other = workbook.create_sheet(title)
            for row in rows:
                other.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def full_form_bytes() -> bytes:
    return xlsform_bytes(FULL_SURVEY, FULL_CHOICES, FULL_SETTINGS)
