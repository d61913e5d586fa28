"""Which fields of a person each audience is shown.

One list for the person page and the API alike, so that the two cannot
drift apart (``pua/api/tests/test_field_scoping.py`` compares them):

- ``SHARED``: what a partner operator's shared view tells of a person (the
  referral and case pages of the partner): the case number only. The name
  and phone of an open referral are the referral's business, not the
  person's record, and follow the referral's own consent rule;
- ``PROFILE``: what every operator of the access point sees (director,
  experts, outreach operators);
- ``IDENTITY``: names, birth date and place, tax code, contacts, notes
  (``people.view_person_identity``);
- ``SPECIAL_CATEGORIES``: target groups, legal status and residence permit,
  special-category and judicial data (``people.view_special_categories``).

``RECORD`` are the API's own keys (the id and the flags telling which
groups were left out); pages show them as links and notices, not as values.
"""

from __future__ import annotations

SHARED = ("case_number",)
PROFILE = (
    "case_number", "access_point", "sex", "birth_year", "birth_country", "citizenships", "residence_municipality",
    "domicile_municipality", "no_fixed_abode", "education_level", "employment_situation", "languages",
    "merged_into", "created_at",
)
IDENTITY = (
    "first_name", "last_name", "aliases", "gender_identity", "birth_date", "birth_place", "tax_code", "phone",
    "email", "household_notes",
)
SPECIAL_CATEGORIES = ("legal_status", "target_groups", "current_permit")

SHARED_RECORD = ("id",)
RECORD = ("id", "shows_identity", "shows_special_categories", "updated_at")


def person_fields(user, person) -> frozenset[str]:
    """The fields of ``person`` that ``user`` is shown on the pages (empty: none)."""
    if user.has_perm("people.view_person", person):
        fields = set(PROFILE)
        if user.has_perm("people.view_person_identity", person):
            fields.update(IDENTITY)
        if user.has_perm("people.view_special_categories", person):
            fields.update(SPECIAL_CATEGORIES)
        return frozenset(fields)
    return frozenset(SHARED)


def person_api_fields(user, person) -> frozenset[str]:
    """The keys of ``person`` in an API response for ``user``: the page's
    fields plus the record's own keys."""
    fields = person_fields(user, person)
    extra = RECORD if user.has_perm("people.view_person", person) else SHARED_RECORD
    return fields | frozenset(extra)


class PersonFieldGate:
    """``person_api_fields`` decided once per access point, not per row, so
    that lists cost no extra queries (the rules only look at where the
    person is registered and at the user's roles there)."""

    def __init__(self, user):
        self.user = user
        self._by_access_point: dict[int, frozenset[str]] = {}

    def __call__(self, person) -> frozenset[str]:
        key = person.access_point_id
        if key not in self._by_access_point:
            self._by_access_point[key] = person_api_fields(self.user, person)
        return self._by_access_point[key]
