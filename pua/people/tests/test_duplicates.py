"""Duplicate detection: a generated set of synthetic people (never real
ones) and queries that are either the same person written differently or
someone else with a similar name."""

import random
import unicodedata

import pytest
from faker import Faker

from pua.network.tests.factories import AccessPointFactory
from pua.people.duplicates import find_duplicates, name_key, normalise_name
from pua.people.models import Citizenship, Person, PersonAlias

# Nationalities of the seeds. Faker has Latin-script names for some; the
# others get a short fixed list of common names.
FAKER_LOCALES = {"IT": "it_IT", "RO": "ro_RO", "IN": "en_IN", "PK": "en_PK", "NG": "en_NG"}
FIXED_NAMES = {
    "MA": (["Mohamed", "Youssef", "Fatima", "Khadija", "Rachid", "Said", "Aicha", "Hamza", "Nadia", "Karim"],
           ["El Amrani", "Benali", "Bouzid", "Alaoui", "Chraibi", "El Idrissi", "Tazi", "Ouazzani", "Bennani", "Zerouali"]),
    "SN": (["Mamadou", "Ousmane", "Aminata", "Fatou", "Cheikh", "Ibrahima", "Awa", "Moussa", "Mariama", "Abdoulaye"],
           ["Diop", "Ndiaye", "Fall", "Sow", "Diallo", "Gueye", "Sarr", "Ba", "Faye", "Cisse"]),
    "AL": (["Arben", "Besnik", "Elira", "Fatjon", "Gentiana", "Ilir", "Jonida", "Klodian", "Mirela", "Ardit"],
           ["Hoxha", "Shehu", "Dervishi", "Gjoka", "Kola", "Leka", "Marku", "Prifti", "Rama", "Basha"]),
    "BD": (["Rahim", "Karim", "Sumon", "Nasrin", "Shahidul", "Rupa", "Jahangir", "Ayesha", "Tanvir", "Mitu"],
           ["Rahman", "Hossain", "Islam", "Ahmed", "Chowdhury", "Miah", "Uddin", "Begum", "Sarker", "Akter"]),
}
COUNTRIES = [*FAKER_LOCALES, *FIXED_NAMES]
SEED = 20260
BASE_SIZE = 500
QUERIES = 400


class Names:
    def __init__(self, rng):
        self.rng = rng
        self.fakers = {c: Faker(loc) for c, loc in FAKER_LOCALES.items()}
        for i, f in enumerate(self.fakers.values()):
            f.seed_instance(SEED + i)

    def first(self, country):
        if country in FIXED_NAMES:
            return self.rng.choice(FIXED_NAMES[country][0])
        return self.fakers[country].first_name()

    def last(self, country):
        if country in FIXED_NAMES:
            return self.rng.choice(FIXED_NAMES[country][1])
        return self.fakers[country].last_name()


def typo(rng, name):
    """One character substituted, deleted or transposed in one word of four letters or more."""
    words = name.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 4] or [max(range(len(words)), key=lambda i: len(words[i]))]
    i = rng.choice(long_words)
    w = words[i]
    pos = rng.randrange(1, len(w) - 1) if len(w) > 2 else 0
    kind = rng.choice(["substitute", "delete", "transpose"])
    if kind == "substitute":
        w = w[:pos] + rng.choice([c for c in "aeioulnrst" if c != w[pos].lower()]) + w[pos + 1:]
    elif kind == "delete":
        w = w[:pos] + w[pos + 1:]
    else:
        w = w[:pos - 1] + w[pos] + w[pos - 1] + w[pos + 1:] if pos > 0 else w[1] + w[0] + w[2:]
    words[i] = w
    return " ".join(words)


def strip_accents(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def build_world(access_point):
    rng = random.Random(SEED)
    names = Names(rng)
    people, seen = [], set()
    while len(people) < BASE_SIZE:
        country = rng.choice(COUNTRIES)
        first, last = names.first(country), names.last(country)
        key = normalise_name(f"{first} {last}")
        if key in seen:
            continue
        seen.add(key)
        alias = f"{names.first(country)} {names.last(country)}" if rng.random() < 0.3 else ""
        if alias:
            seen.add(normalise_name(alias))
        people.append({"first": first, "last": last, "alias": alias, "country": country,
                       "year": rng.randint(1960, 2006)})
    rows = Person.objects.bulk_create(
        Person(case_number=f"P-T-{i:06d}", access_point=access_point, first_name=p["first"], last_name=p["last"],
               birth_year=p["year"], name_key=name_key(p["first"], p["last"], [p["alias"]] if p["alias"] else []))
        for i, p in enumerate(people)
    )
    for p, row in zip(people, rows, strict=True):
        p["pk"] = row.pk
    PersonAlias.objects.bulk_create(PersonAlias(person_id=p["pk"], alias=p["alias"]) for p in people if p["alias"])
    Citizenship.objects.bulk_create(Citizenship(person_id=p["pk"], country=p["country"]) for p in people)

    queries = []
    for n in range(QUERIES):
        base = rng.choice(people)
        if n % 2 == 0:  # the same person, written differently
            first, last, year = base["first"], base["last"], base["year"]
            variation = rng.choice(["typo_first", "typo_last", "swapped", "accent", "alias", "year"])
            if variation == "typo_first":
                first = typo(rng, first)
            elif variation == "typo_last":
                last = typo(rng, last)
            elif variation == "swapped":
                first, last = last, first
            elif variation == "accent":
                first, last = strip_accents(first).upper(), strip_accents(last).lower()
            elif variation == "alias" and base["alias"]:
                first, last = base["alias"].split(" ", 1)
            else:
                year += rng.choice([-1, 1])
            if rng.random() < 0.2 and variation != "year":
                year += rng.choice([-1, 1])
            queries.append(({"first_name": first, "last_name": last, "birth_year": year,
                             "citizenships": [base["country"]] if rng.random() < 0.7 else []}, base["pk"]))
        else:  # someone else, often sharing a surname or a first name and the birth year
            country = base["country"]
            while True:
                if rng.random() < 0.5:
                    first, last = names.first(country), base["last"]
                else:
                    first, last = base["first"], names.last(country)
                if normalise_name(f"{first} {last}") not in seen:
                    break
            year = base["year"] if rng.random() < 0.5 else rng.randint(1960, 2006)
            queries.append(({"first_name": first, "last_name": last, "birth_year": year,
                             "citizenships": [country] if rng.random() < 0.7 else []}, None))
    return queries


@pytest.mark.django_db
def test_it_finds_duplicates_with_high_precision_and_recall(django_assert_max_num_queries):
    queries = build_world(AccessPointFactory())
    true_positive = false_positive = 0
    duplicates = sum(1 for _, expected in queries if expected is not None)
    for candidate, expected in queries:
        with django_assert_max_num_queries(3):
            found = find_duplicates(candidate, Person.objects.all())
        if not found:
            continue
        if found[0][0].pk == expected:
            true_positive += 1
        else:
            false_positive += 1
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / duplicates
    print(f"\nduplicate detection: {len(queries)} queries, {duplicates} true duplicates, "
          f"precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95
    assert recall >= 0.9


@pytest.mark.django_db
def test_it_matches_the_same_tax_code_with_certainty():
    ap = AccessPointFactory()
    person = Person.objects.create(case_number="P-T-1", access_point=ap, first_name="Anna", last_name="Verdi",
                                   tax_code="VRDNNA90D43H501X", name_key=name_key("Anna", "Verdi"))
    found = find_duplicates({"first_name": "Completely", "last_name": "Different", "tax_code": "vrdnna90d43h501x"})
    assert [(p.pk, score, reasons) for p, score, reasons in found] == [(person.pk, 100.0, ["same_tax_code"])]


@pytest.mark.django_db
def test_it_ignores_order_accents_and_finds_aliases():
    ap = AccessPointFactory()
    person = Person.objects.create(case_number="P-T-1", access_point=ap, first_name="Nicolò", last_name="Bianchì",
                                   birth_year=1990, name_key=name_key("Nicolò", "Bianchì", ["Kofi Mensah"]))
    PersonAlias.objects.create(person=person, alias="Kofi Mensah")
    swapped = find_duplicates({"first_name": "BIANCHI", "last_name": "nicolo", "birth_year": 1991})
    assert swapped[0][0] == person and swapped[0][1] == 100.0 and swapped[0][2][0] == "similar_name"
    by_alias = find_duplicates(Person(first_name="Kofi", last_name="Mensah", birth_year=1990))
    assert by_alias[0][0] == person and by_alias[0][2] == ["similar_alias", "same_birth_year"]


@pytest.mark.django_db
def test_it_leaves_out_incompatible_birth_year_and_citizenship():
    ap = AccessPointFactory()
    person = Person.objects.create(case_number="P-T-1", access_point=ap, first_name="Ion", last_name="Popescu",
                                   birth_year=1980, name_key=name_key("Ion", "Popescu"))
    Citizenship.objects.create(person=person, country="RO")
    assert find_duplicates({"first_name": "Ion", "last_name": "Popescu", "birth_year": 1985}) == []
    assert find_duplicates({"first_name": "Ion", "last_name": "Popescu", "citizenships": ["MD"]}) == []
    found = find_duplicates({"first_name": "Ion", "last_name": "Popescu", "citizenships": ["MD", "RO"]})
    assert found[0][0] == person and "common_citizenship" in found[0][2]
