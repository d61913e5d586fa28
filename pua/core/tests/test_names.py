"""Language and country names in the reader's language, in collation order
with the common ones first; English dates day first."""

import datetime

from django import forms
from django.template import Context, Template
from django.utils import formats, translation

from pua.core import names


def _flat(choices):
    return [(value, label) for _group, options in choices for value, label in options]


def test_it_names_countries_and_languages_in_the_active_language():
    with translation.override("it"):
        assert names.country_name("MA") == "Marocco" and names.language_name("ar") == "Arabo"
    with translation.override("en"):
        assert names.country_name("MA") == "Morocco" and names.language_name("ar") == "Arabic"
    assert names.country_name("MA", language="en") == "Morocco"
    assert names.language_name("xx", default="Unknown") == "Unknown" and names.country_name("") == ""


def test_it_offers_the_common_countries_first_then_the_others_in_collation_order():
    with translation.override("it"):
        common, others = names.country_choices()
    assert [label for _code, label in common[1]][:6] == ["Italia", "Romania", "Albania", "Marocco", "Nigeria", "India"]
    assert [code for code, _label in common[1]] == list(names.COMMON_COUNTRIES)
    labels = [label for _code, label in others[1]]
    # Accents sort with their base letter, not after "Z" as code points would put them.
    position = labels.index
    assert position("San Marino") < position("São Tomé e Príncipe") < position("Serbia") < position("Svizzera")
    with translation.override("en"):
        english = [label for _code, label in names.country_choices()[1][1]]
    assert english.index("Åland Islands") < english.index("Algeria") and english[0] == "Afghanistan"
    assert labels == sorted(labels, key=names.collation_key) and "Italia" not in labels
    assert len(labels) + len(common[1]) == 249  # every ISO 3166-1 country, once


def test_it_builds_the_choices_when_they_are_read_not_at_import():
    field = forms.ChoiceField(choices=names.country_choices)
    with translation.override("en"):
        english = dict(_flat(field.choices))
    with translation.override("it"):
        italian = dict(_flat(field.choices))
    assert english["EG"] == "Egypt" and italian["EG"] == "Egitto"
    assert field.clean("EG") == "EG"  # the stored value stays the code


def test_it_sorts_case_and_accents_the_way_people_read_them():
    words = ["zambia", "Égitto", "egitto", "Eritrea", "Albania", "Åland"]
    assert sorted(words, key=names.collation_key) == ["Åland", "Albania", "egitto", "Égitto", "Eritrea", "zambia"]


def test_it_shows_a_stored_code_as_a_name_through_the_template_filters():
    template = Template("{% load names %}{{ language|language_name }} / {{ country|country_name }}")
    with translation.override("en"):
        assert template.render(Context({"language": "uk", "country": "UA"})) == "Ukrainian / Ukraine"
    with translation.override("it"):
        assert template.render(Context({"language": "uk", "country": "UA"})) == "Ucraino / Ucraina"


def test_it_writes_english_dates_day_first():
    day, moment = datetime.date(2026, 12, 5), datetime.datetime(2026, 12, 5, 9, 30)
    with translation.override("en"):
        assert formats.date_format(day) == "5 December 2026"
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "05/12/2026"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "5 December 2026, 09:30"
        assert formats.date_format(moment, "SHORT_DATETIME_FORMAT") == "05/12/2026 09:30"


def test_it_reads_typed_english_dates_day_first_and_iso_dates_from_date_inputs():
    with translation.override("en"):
        field = forms.DateField()
        assert field.clean("05/12/2026") == datetime.date(2026, 12, 5)
        assert field.clean("2026-12-05") == datetime.date(2026, 12, 5)
        assert forms.DateTimeField().clean("2026-12-05T09:30").date() == datetime.date(2026, 12, 5)
