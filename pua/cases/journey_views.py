"""The person's journey page: the hub for one person at the access point.

Each feature contributes a section: a partial template
``cases/journey/_<feature>.html`` fed by its selector ``<feature>_for_person(user, person)``.
Every partial receives ``person``, ``shows_identity`` and ``items`` (what
its selector returned, also available under the feature's name, e.g.
``referrals``), plus ``can_*`` flags computed here; a feature whose
partial does not exist (yet) is simply left out.

The header shows the screening flag (to those who may see it) and links
straight to the person's open case; ``open_case_header`` gives the same
link to the header of the person's record (``settings.PERSON_HEADER_PANELS``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from pua.core.audited import audit_shown, audited
from pua.core.shortcuts import found, require_perm
from pua.people.access import visible_persons

from . import case_selectors, consents_selectors, contacts_selectors, documents_selectors, referrals_selectors
from .case_views import page_panels

# (feature, selector), in the order of the page.
SECTIONS = (
    ("cases", case_selectors.cases_for_person),
    ("contacts", contacts_selectors.contacts_for_person),
    ("consents", consents_selectors.consents_for_person),
    ("referrals", referrals_selectors.referrals_for_person),
    ("documents", documents_selectors.documents_for_person),
)


def _partial(feature: str) -> str | None:
    name = f"cases/journey/_{feature}.html"
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return None
    return name


@audited
@login_required
def person_journey(request, pk):
    user = request.user
    person = found(visible_persons(user).select_related("access_point", "merged_into").filter(pk=pk).first())
    require_perm(user, "people.view_person", person)
    active = person.merged_into_id is None
    sections = []
    for feature, selector in SECTIONS:
        template = _partial(feature)
        if template is not None:
            sections.append({"feature": feature, "template": template, "items": selector(user, person)})
    items = {section["feature"]: section["items"] for section in sections}
    # One entry: the person, and the records of each section shown with them.
    audit_shown(request, {section["items"][0]._meta.label_lower: section["items"]
                          for section in sections if section["items"]}, obj=person)
    cases = items.get("cases")
    open_case = _open_case_panel(
        cases.open_case if cases is not None else case_selectors.open_case_for_person(user, person))
    return render(request, "cases/person_journey.html", {
        **items,
        "person": person,
        "shows_identity": user.has_perm("people.view_person_identity", person),
        "shows_flag": user.has_perm("people.view_screening_flag", person),
        "header_panels": [*([open_case] if open_case else []),
                          *page_panels("PERSON_JOURNEY_HEADER_PANELS", request, person)],
        "sections": sections,
        "notices_given": consents_selectors.notices_given_to_person(user, person),
        "can_add_contact": active and user.has_perm("cases.add_contact", person.access_point),
        "can_change_consent": active and user.has_perm("cases.change_consent", person),
        "can_merge": active and user.has_perm("cases.merge_person", person),
        "panels": page_panels("PERSON_PAGE_PANELS", request, person),
    })


def _open_case_panel(case) -> dict | None:
    if case is None:
        return None
    return {"template": "cases/person_open_case.html", "context": {"case": case}}


def open_case_header(request, person) -> dict | None:
    """The link to the person's open case, for the header of the person's
    record (listed in ``settings.PERSON_HEADER_PANELS``)."""
    return _open_case_panel(case_selectors.open_case_for_person(request.user, person))
