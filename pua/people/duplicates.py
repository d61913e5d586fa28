"""Finding people who may already be registered.

Matching is on names, aliases, birth year and citizenship — the data a
street unit gets — plus the tax code when there is one:

- the same tax code is a certain match;
- otherwise every name of the candidate (first + last, and each alias) is
  compared with every name of an existing person with rapidfuzz's
  ``token_sort_ratio`` on accent-stripped, lower-cased text, so word order
  and accents do not matter; the best pair is the score.

Only a few rows are compared in Python: SQL keeps people whose birth year is
within one year (or unknown on either side), who share a citizenship when
both have one, and who share a *blocking key* initial — ``Person.name_key``
holds the sorted initials of all name and alias tokens, so a typo in one
word, swapped names or an alias still meet the right person.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet
from rapidfuzz import fuzz

from .identity import normalise_tax_code
from .models import Citizenship, Person

# Calibrated on the generated set of tests/test_duplicates.py (typos, swapped
# names, missing accents, aliases, birth year ±1 vs. people sharing a name).
DUPLICATE_THRESHOLD = 85.0
CERTAIN_SCORE = 100.0


def normalise_name(text: str) -> str:
    """Lower case, no accents, letters only, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    letters = "".join(c if c.isalpha() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.lower().split())


def name_key(first_name: str, last_name: str, aliases=()) -> str:
    """The blocking key stored on Person: sorted distinct initials of every name token."""
    tokens = normalise_name(" ".join([first_name or "", last_name or "", *aliases])).split()
    return "".join(sorted({t[0] for t in tokens}))[:40]


@dataclass
class _Candidate:
    first_name: str = ""
    last_name: str = ""
    birth_year: int | None = None
    tax_code: str = ""
    aliases: list[str] = field(default_factory=list)
    citizenships: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        names = [normalise_name(f"{self.first_name} {self.last_name}"), *(normalise_name(a) for a in self.aliases)]
        return [n for n in dict.fromkeys(names) if n]


def _candidate(data) -> _Candidate:
    if isinstance(data, Person):
        # An unsaved Person has no aliases or citizenships yet.
        data = {f: getattr(data, f) for f in ("first_name", "last_name", "birth_date", "birth_year", "tax_code")}
    birth_year = data.get("birth_year")
    if birth_year is None and data.get("birth_date"):
        birth_year = data["birth_date"].year
    return _Candidate(
        first_name=data.get("first_name") or "",
        last_name=data.get("last_name") or "",
        birth_year=birth_year,
        tax_code=normalise_tax_code(data.get("tax_code")),
        aliases=[a for a in data.get("aliases") or () if a],
        citizenships=sorted({c.upper() for c in data.get("citizenships") or () if c}),
    )


def _person_names(person: Person) -> list[str]:
    names = [normalise_name(f"{person.first_name} {person.last_name}"),
             *(normalise_name(a.alias) for a in person.aliases.all())]
    return [n for n in names if n]


def find_duplicates(candidate, queryset: QuerySet[Person] | None = None) -> list[tuple[Person, float, list[str]]]:
    """Possible duplicates of ``candidate`` (a dict of person fields with
    optional ``aliases`` and ``citizenships``, or an unsaved Person) among
    ``queryset`` — pass the user's visible persons. Best first, as
    ``(person, score 0–100, reasons)``."""
    queryset = Person.objects.all() if queryset is None else queryset
    queryset = queryset.filter(merged_into__isnull=True)  # merged records are read-only history
    cand = _candidate(candidate)
    found: dict[int, tuple[Person, float, list[str]]] = {}

    if cand.tax_code:
        for person in queryset.filter(tax_code=cand.tax_code):
            found[person.pk] = (person, CERTAIN_SCORE, ["same_tax_code"])

    names = cand.names()
    if names:
        initials = {token[0] for name in names for token in name.split()}
        rows = queryset.filter(reduce(or_, (Q(name_key__contains=c) for c in sorted(initials))))
        if cand.birth_year is not None:
            rows = rows.filter(Q(birth_year__isnull=True) | Q(birth_year__range=(cand.birth_year - 1, cand.birth_year + 1)))
        if cand.citizenships:
            has_any = Exists(Citizenship.objects.filter(person=OuterRef("pk")))
            shares = Exists(Citizenship.objects.filter(person=OuterRef("pk"), country__in=cand.citizenships))
            rows = rows.filter(~has_any | shares)
        for person in rows.exclude(pk__in=found.keys()).prefetch_related("aliases", "citizenships"):
            score, via_alias = 0.0, False
            for i, existing in enumerate(_person_names(person)):
                for mine in names:
                    ratio = fuzz.token_sort_ratio(mine, existing)
                    if ratio > score:
                        score, via_alias = ratio, i > 0 or mine != names[0]
            if score >= DUPLICATE_THRESHOLD:
                reasons = ["similar_alias" if via_alias else "similar_name"]
                if cand.birth_year is not None and person.birth_year == cand.birth_year:
                    reasons.append("same_birth_year")
                elif cand.birth_year is not None and person.birth_year is not None:
                    reasons.append("close_birth_year")
                if set(cand.citizenships) & {c.country for c in person.citizenships.all()}:
                    reasons.append("common_citizenship")
                found[person.pk] = (person, round(score, 1), reasons)

    def rank(item):
        person, score, reasons = item
        return (-score, "same_birth_year" not in reasons, person.pk)

    return sorted(found.values(), key=rank)
