"""Countries and languages on the person pages: offered and shown in the
reader's language, common ones first, stored as ISO codes; English dates
day first."""

import datetime
import html
import re

from django.urls import reverse

from pua.network.models import Language
from pua.people.models import Person
from pua.people.services import person_create

CREATE = reverse("people:person_create")


def _form(**overrides):
    data = {"first_name": "Mario", "last_name": "Rosi", "aliases": "", "sex": "male", "birth_year": "1980",
            "birth_country": "", "tax_code": "", "phone": "", "email": "", "residence_municipality": "",
            "legal_status": "unknown", "education_level": "unknown", "employment_situation": "unknown",
            "confirm_new": "1"}
    data.update(overrides)
    return data


def _groups(content: str, name: str) -> list[tuple[str, list[str]]]:
    """The ``<optgroup>``s of the select ``name``: (label, option texts)."""
    select = re.search(rf'<select name="{name}".*?</select>', content, re.S).group(0)
    return [(html.unescape(label), [html.unescape(o) for o in re.findall(r"<option[^>]*>([^<]*)</option>", body)])
            for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)]


def _english(user):
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


def test_it_offers_countries_in_italian_with_the_common_ones_first(world, login):
    content = login(world.users["social_expert"]).get(CREATE).content.decode()
    (_common, common), (_all, others) = _groups(content, "birth_country")
    assert common == ["Italia", "Romania", "Albania", "Marocco", "Nigeria", "India", "Pakistan", "Bangladesh",
                      "Senegal", "Mali", "Eritrea", "Ucraina", "Cina", "Tunisia", "Egitto"]
    assert others.index("Afghanistan") == 0 and others.index("Sudan") < others.index("Svezia")
    assert "Italia" not in others and "Egypt" not in content
    assert [len(options) for _label, options in _groups(content, "citizenships")] == [15, 234]


def test_it_offers_countries_in_english_to_an_english_reader(world, login):
    content = login(_english(world.users["social_expert"])).get(CREATE).content.decode()
    (common_label, common), (all_label, others) = _groups(content, "birth_country")
    assert (common_label, all_label) == ("Common countries", "All other countries")
    assert common[:5] == ["Italy", "Romania", "Albania", "Morocco", "Nigeria"] and common[-1] == "Egypt"
    assert others.index("Åland Islands") < others.index("Algeria") and "Marocco" not in content


def test_it_stores_codes_and_shows_each_reader_the_names_in_their_language(world, login):
    response = login(world.users["social_expert"]).post(CREATE, _form(birth_country="MA", citizenships=["MA", "SY"]))
    person = Person.objects.get(last_name="Rosi")
    assert response.status_code == 302 and person.birth_country == "MA"
    assert sorted(c.country for c in person.citizenships.all()) == ["MA", "SY"]
    detail = reverse("people:person_detail", args=[person.pk])
    italian = login(world.users["director"]).get(detail).content.decode()
    assert "Marocco" in italian and "Siria" in italian and "Morocco" not in italian
    english = login(_english(world.users["director"])).get(detail).content.decode()
    # CLDR's short names, not the ISO long ones ("Syrian Arab Republic").
    assert "Morocco" in english and "Syria" in english and "Syrian Arab" not in english and "Marocco" not in english


def test_it_shows_the_languages_a_person_knows_in_the_readers_language(world, login):
    person = person_create(by=world.users["director"], access_point=world.ap_a, first_name="Amina", last_name="Diallo",
                           languages=[(Language.objects.get(code=code), "fluent") for code in ("ti", "el", "pa")])
    detail = reverse("people:person_detail", args=[person.pk])
    italian = login(world.users["director"]).get(detail).content.decode()
    assert "Tigrino" in italian and "Greco" in italian and "Punjabi" in italian
    assert "Greco moderno" not in italian and "Tigrinya" not in italian
    english = login(_english(world.users["director"])).get(detail).content.decode()
    assert "Tigrinya" in english and "Greek" in english and "Punjabi" in english
    assert "Modern Greek" not in english and "Panjabi" not in english and "Tigrino" not in english


def test_it_shows_english_dates_day_first(world, login):
    person = person_create(by=world.users["director"], access_point=world.ap_a, first_name="Amina",
                           last_name="Diallo", birth_date=datetime.date(1990, 12, 5))
    content = login(_english(world.users["director"])).get(
        reverse("people:person_detail", args=[person.pk])).content.decode()
    assert "05/12/1990" in content
    assert "12/05/1990" not in content and "Dec. 5, 1990" not in content


def test_it_reads_a_birth_date_typed_day_first_in_english(world, login):
    client = login(_english(world.users["social_expert"]))
    response = client.post(CREATE, _form(birth_date="05/12/1990", birth_year=""))
    assert response.status_code == 302
    assert Person.objects.get(last_name="Rosi").birth_date == datetime.date(1990, 12, 5)
    client.post(CREATE, _form(last_name="Bianchi", birth_date="1991-12-05", birth_year=""))  # <input type="date">
    assert Person.objects.get(last_name="Bianchi").birth_date == datetime.date(1991, 12, 5)
