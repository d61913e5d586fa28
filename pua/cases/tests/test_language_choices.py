"""Languages and countries offered by the case forms (contacts, plan
agreement), common ones first, named in the reader's language; stored codes
shown as names."""

import datetime
import html
import re

from django.urls import reverse
from django.utils import timezone

from pua.cases.models import Contact, PlanStatus
from pua.cases.tests.factories import CaseFactory, PersonFactory, PlanFactory
from pua.core.names import collation_key
from pua.network.models import Language

QUICK = reverse("cases:contact_quick")
COMMON_EN = ["Italian", "English", "French", "Arabic", "Romanian", "Albanian", "Punjabi", "Bangla", "Urdu", "Wolof",
             "Bambara", "Tigrinya", "Ukrainian", "Chinese"]
COMMON_IT = ["Italiano", "Inglese", "Francese", "Arabo", "Rumeno", "Albanese", "Punjabi", "Bengalese", "Urdu", "Wolof",
             "Bambara", "Tigrino", "Ucraino", "Cinese"]


def _groups(content: str, name: str) -> list[tuple[str, list[str]]]:
    """The ``<optgroup>``s of the select ``name``: (label, option texts)."""
    select = re.search(rf'<select name="{name}".*?</select>', content, re.S).group(0)
    return [(html.unescape(label), [html.unescape(o) for o in re.findall(r"<option[^>]*>([^<]*)</option>", body)])
            for label, body in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)]


def _italian(user):
    user.preferred_language = "it"
    user.save(update_fields=["preferred_language"])
    return user


def test_it_offers_the_common_languages_first_then_the_others_by_name(world, login):
    content = login(world.users["outreach_operator"]).get(QUICK).content.decode()
    for name in ("language", "materials_languages"):
        (common_label, common), (other_label, others) = _groups(content, name)
        assert (common_label, other_label) == ("Common languages", "All other languages")
        assert common == COMMON_EN
        assert others == sorted(others, key=collation_key) and others[:2] == ["Abkhazian", "Afar"]
        assert len(common) + len(others) == Language.objects.count()
    (_label, countries), _others = _groups(content, "nationality")
    assert countries[:4] == ["Italy", "Romania", "Albania", "Morocco"]


def test_it_offers_the_languages_in_italian_to_an_italian_reader(world, login):
    content = login(_italian(world.users["outreach_operator"])).get(QUICK).content.decode()
    (_label, common), (_other, others) = _groups(content, "language")
    assert common == COMMON_IT
    assert others.index("Ebraico") < others.index("Estone") and "Arabic" not in content
    assert others == sorted(others, key=collation_key)


def test_it_keeps_storing_the_language_row_and_the_country_code(world, login):
    punjabi, arabic = Language.objects.get(code="pa"), Language.objects.get(code="ar")
    login(world.users["outreach_operator"]).post(QUICK, {
        "channel": "street_unit", "occurred_at": (timezone.localtime() - datetime.timedelta(hours=1))
        .strftime("%Y-%m-%dT%H:%M"), "nationality": "PK", "language": punjabi.pk,
        "materials_languages": [punjabi.pk, arabic.pk]})
    contact = Contact.objects.get()
    assert contact.nationality == "PK" and contact.language == punjabi
    assert set(contact.materials_languages.all()) == {punjabi, arabic}
    detail = reverse("cases:contact_detail", args=[contact.pk])
    english = login(world.users["social_expert"]).get(detail).content.decode()
    assert "Pakistan" in english and "Punjabi" in english and "Arabic" in english and "Panjabi" not in english
    italian = login(_italian(world.users["director"])).get(detail).content.decode()
    assert "Arabo" in italian and "Arabic" not in italian


def test_it_shows_the_language_of_the_plan_agreement_in_the_readers_language(world, login):
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a))
    PlanFactory(case=case, status=PlanStatus.AGREED, agreed_on=datetime.date(2026, 3, 5),
                agreed_language=Language.objects.get(code="el"))
    url = reverse("cases:plan_detail", args=[case.pk])
    english = login(world.users["social_expert"]).get(url).content.decode()
    assert "in Greek" in english and "Modern Greek" not in english
    assert "5 March 2026" in english and "March 5, 2026" not in english
    italian = login(_italian(world.users["director"])).get(url).content.decode()
    assert "Greco" in italian and "Greco moderno" not in italian and "Greek" not in italian
