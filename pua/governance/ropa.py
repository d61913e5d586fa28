"""The record of processing activities (GDPR art. 30), generated from the models.

``ACTIVITIES`` declares, for each model holding personal data, what the
models cannot tell: purpose, legal basis, special-category fields, the
retention rule that applies and the permission that decides who reads it.
The rest is read from the code: the data are the fields' verbose names, the
roles are those for which the permission holds at an access point (asked of
the ``rules`` predicates with a user holding only that role), the periods
come from ``settings.RETENTION`` (``retention.retention``).

A test fails when a model with a foreign key to ``Person`` (or Person
itself) is missing here: a new kind of personal data must be declared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import rules
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from pua.network.access import _CACHE_ATTR, Grant, Grants
from pua.network.models import AccessPoint, Role

from .retention import retention

CASEWORK = _("Taking charge of the person: information, intake, individual plan, referrals to the network's "
             "services and follow-up (socio-labour inclusion).")
PUBLIC_TASK = _("Art. 6(1)(e) GDPR: task in the public interest (social services, Law 328/2000 and the PUA "
                "programme); special categories: art. 9(2)(g) and (h) GDPR.")
CONSENT = _("Art. 6(1)(a) GDPR: consent of the person, withdrawable at any time.")
LEGAL_OBLIGATION = _("Art. 6(1)(c) GDPR: legal obligation of the controller.")


@dataclass(frozen=True)
class Activity:
    label: str  # app_label.model_name
    purpose: str
    legal_basis: str
    view_perm: str
    retention_kind: str
    special: frozenset[str] = frozenset()
    also: str = ""  # who else, where the rule depends on the single record (partners, case team)
    excluded_fields: frozenset[str] = field(default=frozenset({"id"}))


PARTNERS_WHEN_SHARED = _("Partner operators, for a person shared with their organisation (active referral or "
                         "action and consent): name, phone and the service they deliver.")

ACTIVITIES: tuple[Activity, ...] = (
    Activity("people.person", CASEWORK, PUBLIC_TASK, "people.view_person", "closed_case",
             special=frozenset({"legal_status", "gender_identity", "screening_flag", "household_notes"}),
             also=PARTNERS_WHEN_SHARED),
    Activity("people.personalias", CASEWORK, PUBLIC_TASK, "people.view_person_identity", "closed_case"),
    Activity("people.citizenship", CASEWORK, PUBLIC_TASK, "people.view_person", "closed_case",
             special=frozenset({"country"})),
    Activity("people.personlanguage", CASEWORK, PUBLIC_TASK, "people.view_person", "closed_case"),
    Activity("people.residencepermit", CASEWORK, PUBLIC_TASK, "people.view_person", "closed_case",
             special=frozenset({"kind"})),
    Activity("cases.contact", _("Outreach: recording contacts, also anonymous ones, and what was offered."),
             PUBLIC_TASK, "cases.view_contact", "anonymous_contact"),
    Activity("cases.privacynoticedelivery", _("Proof that the privacy notice was given."), LEGAL_OBLIGATION,
             "cases.view_consent", "closed_case"),
    Activity("cases.consent", _("Consents to share data with partner organisations."), CONSENT,
             "cases.view_consent", "closed_case"),
    Activity("cases.case", CASEWORK, PUBLIC_TASK, "cases.view_case", "closed_case",
             special=frozenset({"screening_flag"}), also=PARTNERS_WHEN_SHARED),
    Activity("cases.caseteammember", CASEWORK, PUBLIC_TASK, "cases.view_case", "closed_case"),
    Activity("cases.caseevent", CASEWORK, PUBLIC_TASK, "cases.view_case", "closed_case"),
    Activity("cases.casenote", CASEWORK, PUBLIC_TASK, "cases.view_case", "closed_case",
             special=frozenset({"text"}), also=_("Restricted notes: the case team and the director only.")),
    Activity("cases.intakedecision", CASEWORK, PUBLIC_TASK, "cases.view_case", "closed_case"),
    Activity("cases.referral", CASEWORK, PUBLIC_TASK, "cases.view_referral", "closed_case",
             also=_("Partner operators: the referrals made to or by their organisation.")),
    Activity("cases.plan", CASEWORK, PUBLIC_TASK, "cases.view_plan", "closed_case", also=PARTNERS_WHEN_SHARED),
    Activity("cases.plangoal", CASEWORK, PUBLIC_TASK, "cases.view_plan", "closed_case"),
    Activity("cases.planaction", CASEWORK, PUBLIC_TASK, "cases.view_plan", "closed_case",
             also=_("Partner operators: the actions their organisation provides.")),
    Activity("cases.planversion", CASEWORK, PUBLIC_TASK, "cases.view_plan", "closed_case"),
    Activity("cases.planreview", CASEWORK, PUBLIC_TASK, "cases.view_plan", "closed_case"),
    Activity("cases.intervention", CASEWORK, PUBLIC_TASK, "cases.view_intervention", "closed_case",
             special=frozenset({"notes"}), also=_("Restricted notes: the case team and the director only.")),
    Activity("cases.task", CASEWORK, PUBLIC_TASK, "cases.view_task", "closed_case",
             also=_("The assignee, wherever they work.")),
    Activity("cases.casedocument", _("Documents of the person needed for the services (identity, permit, "
                                     "contracts, certificates)."), PUBLIC_TASK, "cases.view_document", "document",
             special=frozenset({"file"})),
    Activity("assessments.response", _("Assessments and screenings (exploitation indicators, needs, skills)."),
             PUBLIC_TASK, "assessments.view_response", "closed_case", special=frozenset({"answers", "score",
                                                                                            "outcome"}),
             also=_("Each instrument names the roles that read its answers.")),
    Activity("governance.legalhold", _("Keeping a record for a legal claim or a request of an authority."),
             LEGAL_OBLIGATION, "governance.manage_person_privacy", "closed_case"),
    Activity("governance.personrectification", _("Rectification of identity data (art. 16 GDPR) and its history."),
             LEGAL_OBLIGATION, "governance.view_rectifications", "closed_case"),
)

# A synthetic access point id for asking the rules "may this role read it here?".
_SAMPLE_ACCESS_POINT = 0


def roles_allowed(perm: str) -> list[str]:
    """The roles for which ``perm`` holds for an object of their own access
    point, asked of the rules with an unsaved user holding only that role."""
    from django.contrib.auth import get_user_model

    sample = AccessPoint(pk=_SAMPLE_ACCESS_POINT)
    allowed = []
    for role in Role:
        user = get_user_model()(username=f"sample-{role.value}", is_active=True)
        setattr(user, _CACHE_ATTR, Grants(
            grants=[Grant(role.value, 0, frozenset({_SAMPLE_ACCESS_POINT}))], is_admin=role == Role.ADMIN))
        try:
            # The rules' own permission set, not Django's model backend: the sample user has no row.
            if rules.has_perm(perm, user, sample):
                allowed.append(role.label)
        except (ValueError, AttributeError, TypeError):
            continue
    return allowed


def processing_record() -> list[dict]:
    """One entry per activity: model, data (fields), special categories,
    purpose, legal basis, roles, retention."""
    entries = []
    for activity in ACTIVITIES:
        model = apps.get_model(activity.label)
        fields = [
            {"name": str(f.verbose_name), "special": f.name in activity.special}
            for f in model._meta.get_fields()
            if getattr(f, "concrete", False) and f.name not in activity.excluded_fields and not f.auto_created
        ]
        fields += [{"name": str(f.verbose_name), "special": f.name in activity.special}
                   for f in model._meta.many_to_many]
        rule = retention(activity.retention_kind)
        entries.append({
            "label": activity.label,
            "name": str(model._meta.verbose_name_plural),
            "fields": fields,
            "purpose": activity.purpose,
            "legal_basis": activity.legal_basis,
            "roles": roles_allowed(activity.view_perm),
            "also": activity.also,
            "retention_kind": activity.retention_kind,
            "retention_years": rule.get("years"),
        })
    return entries


def registered_labels() -> set[str]:
    return {activity.label for activity in ACTIVITIES}
