"""Tax code checks, on codes made by the library for synthetic data."""

import datetime

import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError

from pua.people.identity import decode_tax_code, tax_code_mismatches

DATA = {"first_name": "Ortensia", "last_name": "Zampolli", "sex": "female", "birth_date": datetime.date(1987, 11, 9)}
CODE = codicefiscale.encode(lastname="Zampolli", firstname="Ortensia", gender="F", birthdate="09/11/1987",
                            birthplace="Cremona")


def test_it_accepts_a_code_that_matches_the_data():
    assert tax_code_mismatches(CODE, **DATA) == []
    assert tax_code_mismatches(CODE.lower(), birth_year=1987) == []


def test_it_reports_a_code_of_the_other_sex():
    assert tax_code_mismatches(CODE, **{**DATA, "sex": "male"}) == ["The tax code is of a person of the other sex."]
    assert tax_code_mismatches(CODE, **{**DATA, "sex": "unknown"}) == []


def test_it_reports_a_wrong_birth_date_or_year():
    assert tax_code_mismatches(CODE, **{**DATA, "birth_date": datetime.date(1987, 11, 10)}) == [
        "The birth date in the tax code does not match the birth date."]
    assert tax_code_mismatches(CODE, **{**DATA, "birth_date": datetime.date(1987, 10, 9)}) == [
        "The birth date in the tax code does not match the birth date."]
    assert tax_code_mismatches(CODE, birth_year=1988) == ["The birth year in the tax code does not match the birth year."]


def test_it_reports_wrong_name_letters():
    assert tax_code_mismatches(CODE, **{**DATA, "first_name": "Gabriella", "last_name": "Ferraresi"}) == [
        "The surname letters of the tax code do not match the last name.",
        "The name letters of the tax code do not match the first name.",
    ]


def test_it_lists_every_mismatch_at_once():
    messages = tax_code_mismatches(CODE, first_name="Ortensia", last_name="Zampolli", sex="male",
                                   birth_date=datetime.date(1990, 1, 1))
    assert len(messages) == 2


@pytest.mark.parametrize("bad", [CODE[:-1] + ("A" if CODE[-1] != "A" else "B"), "ZMPRTN87S49", "not a code"])
def test_it_rejects_an_invalid_code(bad):
    with pytest.raises(ValidationError) as excinfo:
        tax_code_mismatches(bad, **DATA)
    assert excinfo.value.code == "invalid_tax_code"


def test_it_accepts_omocodia_variants():
    variants = [c for c in decode_tax_code(CODE)["omocodes"] if c != CODE]
    assert variants
    for variant in variants[:8] + variants[-2:]:
        assert tax_code_mismatches(variant, **DATA) == [], variant
