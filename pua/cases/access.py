"""Who sees and changes the case journey.

Staff of the access point
    Director, social and labour experts and outreach operators
    (``people.access.PERSON_ROLES``) see the contacts, cases, referrals and
    tasks of their access points. Cases themselves (team, intake, plan,
    interventions, closure) are changed by the director and the two experts
    (``CASE_ROLES``); outreach operators record contacts, consents and
    interventions' companion notes only through contacts. Eligibility
    criteria, privacy notices and merging persons are for the director.

Restricted notes
    Notes and interventions marked *restricted* are for the case team (its
    active members) and the director of the access point; never partners.

Partner operators
    A partner operator of organisation X sees a person, through the shared
    views only, when X has an active referral (waiting or accepted) or an
    active plan action (planned or in progress) for that person **and** the
    person's consent to share with X has not been withdrawn; always within
    the access points of the partner's membership. They see the referrals
    made to or by X and the plan actions X provides. Of the person they see
    the case number and, while the person is shared with X, only what is
    needed to deliver the service: first and last name and phone. Never the
    tax code or other identity data, restricted notes, other partners' data,
    documents or the case's own record. They answer referrals made to X,
    report back on them and update their own actions.

Board members, regional coordinators and administrators see no person,
contact or case.

Restriction of processing
    While a person's processing is restricted (``people.access``), their
    contacts, cases, referrals, tasks, consents and documents are seen only
    by the directors of the access point, never shared with partners, and
    changed by nobody (``is_frozen`` in every change permission).

The screening flag
    The risk flag a case carries from its exploitation screening is for the
    roles that read the screening's outcome at the case's access point
    (``people.access.SCREENING_FLAG_ROLES``: director and the two experts),
    on the case page and in the case list alike; never outreach operators,
    partners, board members, coordinators or administrators.

Every check exists twice, as a ``rules`` permission for one object and as a
``visible_*`` / ``shared_*`` queryset for lists, so that scoping is one line
and one query.
"""

from __future__ import annotations

import rules
from django.db.models import Exists, OuterRef, Q, QuerySet

from pua.network.access import grants_for
from pua.network.models import AccessPoint, Role
from pua.people.access import PERSON_ROLES, SCREENING_FLAG_ROLES, may_see_restricted, restriction_condition
from pua.people.models import Person

from .models import (
    ACTIVE_ACTION_STATUSES,
    ACTIVE_REFERRAL_STATUSES,
    Case,
    CaseDocument,
    CaseNote,
    CaseTeamMember,
    Consent,
    ConsentPurpose,
    Contact,
    EligibilityCriterion,
    Intervention,
    Plan,
    PlanAction,
    PlanReview,
    PrivacyNotice,
    Referral,
    ReferralDirection,
    Task,
)

CASE_ROLES = frozenset({Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT})
DIRECTOR_ROLES = frozenset({Role.DIRECTOR})
PARTNER_ROLES = frozenset({Role.PARTNER_OPERATOR})


# --- where an object belongs ---------------------------------------------------------

def access_point_id_of(obj) -> int | None:
    """The access point an object of this area belongs to."""
    if obj is None:
        return None
    if isinstance(obj, AccessPoint):
        return obj.pk
    if isinstance(obj, (Person, Contact, Case, Referral, Task, EligibilityCriterion, PrivacyNotice)):
        return obj.access_point_id
    if isinstance(obj, (CaseNote, Intervention, Plan, CaseTeamMember)):
        return obj.case.access_point_id
    if isinstance(obj, (PlanAction, PlanReview)):
        return obj.plan.case.access_point_id
    if isinstance(obj, (Consent, CaseDocument)):
        return obj.person.access_point_id
    return None


def _has_role_at(user, roles, obj) -> bool:
    ap = access_point_id_of(obj)
    if ap is None:
        return False
    person = person_of(obj)
    if person is not None and person.restricted_at is not None and not may_see_restricted(user, person):
        return False
    return grants_for(user).has_role_at(roles, {ap})


def person_of(obj) -> Person | None:
    """The person an object of this area is about, if any."""
    if isinstance(obj, Person):
        return obj
    if isinstance(obj, (Case, Contact, Referral, Consent, CaseDocument)):
        return obj.person
    if isinstance(obj, (CaseNote, Intervention, Plan, CaseTeamMember)):
        return obj.case.person
    if isinstance(obj, (PlanAction, PlanReview)):
        return obj.plan.case.person
    if isinstance(obj, Task):
        return obj.case.person if obj.case_id else None
    return None


_person_of = person_of


@rules.predicate
def is_frozen(user, obj) -> bool:
    """The person of ``obj`` is restricted or erased: nothing of theirs may change."""
    person = person_of(obj)
    return person is not None and (person.restricted_at is not None or person.erased_at is not None)


# --- partner sharing ---------------------------------------------------------------------

def _partner_scope(user) -> tuple[set[int], set[int]]:
    grants = grants_for(user)
    return grants.organisation_ids(PARTNER_ROLES), grants.access_point_ids(PARTNER_ROLES)


def sharing_condition(organisation_ids, person_ref: str = "pk") -> Q:
    """Persons (or rows with a person, through ``person_ref``) that one of
    ``organisation_ids`` may see: active referral or plan action, and consent."""
    organisation_ids = list(organisation_ids)
    # One Exists group per organisation: consent and activity must name the
    # same organisation. Partners belong to one or two organisations at most.
    condition = Q(pk__in=[])
    for organisation_id in organisation_ids:
        has_consent = Exists(Consent.objects.filter(
            person_id=OuterRef(person_ref), purpose=ConsentPurpose.SHARING, organisation_id=organisation_id,
            withdrawn_at__isnull=True))
        has_referral = Exists(Referral.objects.filter(
            person_id=OuterRef(person_ref), organisation_id=organisation_id, status__in=ACTIVE_REFERRAL_STATUSES))
        has_action = Exists(PlanAction.objects.filter(
            plan__case__person_id=OuterRef(person_ref), provider_id=organisation_id,
            status__in=ACTIVE_ACTION_STATUSES))
        condition |= has_consent & (has_referral | has_action)
    return condition


def partner_organisation_ids(user) -> set[int]:
    """The organisations for which the user is a partner operator."""
    return _partner_scope(user)[0]


def shared_persons(user) -> QuerySet[Person]:
    """Persons shared with the user's partner organisations (empty for everyone else)."""
    organisation_ids, access_point_ids = _partner_scope(user)
    if not organisation_ids:
        return Person.objects.none()
    return Person.objects.filter(access_point_id__in=access_point_ids, merged_into__isnull=True,
                                 restricted_at__isnull=True).filter(sharing_condition(organisation_ids))


def shares_person_with_partner(user, person: Person | None) -> bool:
    if person is None:
        return False
    organisation_ids, access_point_ids = _partner_scope(user)
    if not organisation_ids or person.access_point_id not in access_point_ids or person.restricted_at is not None:
        return False
    return shared_persons(user).filter(pk=person.pk).exists()


# --- predicates ----------------------------------------------------------------------------

@rules.predicate
def works_with_journey(user, obj) -> bool:
    """Staff of the access point who work with people."""
    return _has_role_at(user, PERSON_ROLES, obj)


@rules.predicate
def works_on_cases(user, obj) -> bool:
    return _has_role_at(user, CASE_ROLES, obj)


@rules.predicate
def directs(user, obj=None) -> bool:
    """Director where ``obj`` belongs; without an object, director anywhere (menus)."""
    if obj is None:
        return grants_for(user).has_role(DIRECTOR_ROLES)
    return _has_role_at(user, DIRECTOR_ROLES, obj)


@rules.predicate
def may_open_anywhere(user, obj=None) -> bool:
    if obj is None:
        return grants_for(user).has_role(CASE_ROLES)
    return works_on_cases(user, obj)


@rules.predicate
def may_record_contact(user, obj=None) -> bool:
    if obj is None:
        return grants_for(user).has_role(PERSON_ROLES)
    return works_with_journey(user, obj)


@rules.predicate
def partner_shares(user, obj) -> bool:
    """A partner operator with whom the person of ``obj`` is shared."""
    return shares_person_with_partner(user, _person_of(obj))


@rules.predicate
def is_case_team_member(user, obj) -> bool:
    case = obj if isinstance(obj, Case) else getattr(obj, "case", None)
    if case is None or not user.is_authenticated:
        return False
    return CaseTeamMember.objects.filter(case=case, user=user, removed_at__isnull=True).exists()


@rules.predicate
def partner_of_referral(user, referral) -> bool:
    if not isinstance(referral, Referral):
        return False
    organisation_ids, access_point_ids = _partner_scope(user)
    return (referral.organisation_id in organisation_ids and referral.access_point_id in access_point_ids
            and (referral.person_id is None or referral.person.restricted_at is None))


@rules.predicate
def receives_referral(user, referral) -> bool:
    """Who answers: the partner organisation for outbound referrals, the case staff for inbound ones."""
    if not isinstance(referral, Referral):
        return False
    if referral.direction == ReferralDirection.OUTBOUND:
        return partner_of_referral(user, referral)
    return works_on_cases(user, referral)


@rules.predicate
def provides_action(user, action) -> bool:
    if not isinstance(action, PlanAction):
        return False
    organisation_ids, access_point_ids = _partner_scope(user)
    return (action.provider_id in organisation_ids and action.plan.case.access_point_id in access_point_ids
            and shares_person_with_partner(user, action.plan.case.person))


@rules.predicate
def has_restricted_notes(user, obj) -> bool:
    return bool(getattr(obj, "notes_restricted", False))


@rules.predicate
def reads_screening_flag(user, obj) -> bool:
    return _has_role_at(user, SCREENING_FLAG_ROLES, obj)


@rules.predicate
def keeps_task(user, task) -> bool:
    return isinstance(task, Task) and (task.assignee_id == user.pk or works_on_cases(user, task))


# Contacts
rules.add_perm("cases.add_contact", may_record_contact)
rules.add_perm("cases.view_contact", works_with_journey)
rules.add_perm("cases.change_contact", works_with_journey & ~is_frozen)
# Consent and privacy notices
rules.add_perm("cases.view_consent", works_with_journey)
rules.add_perm("cases.change_consent", works_with_journey & ~is_frozen)
rules.add_perm("cases.manage_privacy_notices", directs)
# Cases
rules.add_perm("cases.add_case", may_open_anywhere & ~is_frozen)
rules.add_perm("cases.view_case", works_with_journey | partner_shares)
rules.add_perm("cases.view_case_internal", works_with_journey)  # the full record, not the shared view
rules.add_perm("cases.change_case", works_on_cases & ~is_frozen)
rules.add_perm("cases.view_restricted", (works_on_cases & is_case_team_member) | directs)
rules.add_perm("cases.manage_eligibility", directs)
rules.add_perm("cases.decide_intake", works_on_cases & ~is_frozen)
rules.add_perm("cases.merge_person", directs & ~is_frozen)
rules.add_perm("cases.view_screening_flag", reads_screening_flag)
# Referrals
rules.add_perm("cases.view_referral", works_with_journey | partner_of_referral)
rules.add_perm("cases.add_referral", works_on_cases & ~is_frozen)
rules.add_perm("cases.answer_referral", receives_referral & ~is_frozen)
rules.add_perm("cases.report_referral", partner_of_referral & ~is_frozen)
# The access point takes back what it sent or recorded.
rules.add_perm("cases.withdraw_referral", works_on_cases & ~is_frozen)
# Plan
rules.add_perm("cases.view_plan", works_with_journey | partner_shares)
rules.add_perm("cases.change_plan", works_on_cases & ~is_frozen)
rules.add_perm("cases.update_action", (works_on_cases | provides_action) & ~is_frozen)
# Interventions, notes, tasks, documents
rules.add_perm("cases.add_intervention", works_on_cases & ~is_frozen)
rules.add_perm("cases.view_intervention", works_with_journey)  # the diary; partners never see it
# Who cannot read an intervention's restricted notes cannot overwrite them either.
rules.add_perm("cases.change_intervention",
               works_on_cases & (~has_restricted_notes | is_case_team_member | directs) & ~is_frozen)
rules.add_perm("cases.view_task", keeps_task | works_with_journey)
rules.add_perm("cases.add_task", may_record_contact & ~is_frozen)  # staff of the access point (anywhere when no object)
rules.add_perm("cases.change_task", keeps_task & ~is_frozen)
rules.add_perm("cases.view_document", works_with_journey)
rules.add_perm("cases.add_document", works_with_journey & ~is_frozen)


@rules.predicate
def lists_cases(user, obj=None) -> bool:
    """Staff who work with people anywhere (their access points' cases) and
    partner operators (the cases shared with them)."""
    grants = grants_for(user)
    return grants.has_role(PERSON_ROLES) or grants.has_role(PARTNER_ROLES)


rules.add_perm("cases.list_cases", lists_cases)


# --- querysets -----------------------------------------------------------------------------------

def journey_access_point_ids(user, roles=PERSON_ROLES) -> set[int]:
    return grants_for(user).access_point_ids(roles)


def visible_contacts(user) -> QuerySet[Contact]:
    return Contact.objects.filter(access_point_id__in=journey_access_point_ids(user)).filter(
        restriction_condition(user, "person__"))


def visible_cases(user) -> QuerySet[Case]:
    """Cases seen in full by access point staff (partners: ``shared_cases``)."""
    return Case.objects.filter(access_point_id__in=journey_access_point_ids(user)).filter(
        restriction_condition(user, "person__"))


def shared_cases(user) -> QuerySet[Case]:
    organisation_ids, access_point_ids = _partner_scope(user)
    if not organisation_ids:
        return Case.objects.none()
    return Case.objects.filter(access_point_id__in=access_point_ids, person__restricted_at__isnull=True).filter(
        sharing_condition(organisation_ids, person_ref="person_id"))


def visible_referrals(user) -> QuerySet[Referral]:
    organisation_ids, partner_aps = _partner_scope(user)
    condition = Q(access_point_id__in=journey_access_point_ids(user))
    if organisation_ids:
        condition |= Q(organisation_id__in=organisation_ids, access_point_id__in=partner_aps,
                       person__restricted_at__isnull=True)
    return Referral.objects.filter(condition).filter(restriction_condition(user, "person__"))


def answerable_referrals(user) -> QuerySet[Referral]:
    """The referrals ``user`` answers (``receives_referral`` as a queryset): inbound
    ones at the access points where they work on cases, outbound ones to their partner organisations."""
    organisation_ids, partner_aps = _partner_scope(user)
    condition = Q(direction=ReferralDirection.INBOUND,
                  access_point_id__in=journey_access_point_ids(user, CASE_ROLES))
    if organisation_ids:
        condition |= Q(direction=ReferralDirection.OUTBOUND, organisation_id__in=organisation_ids,
                       access_point_id__in=partner_aps)
    return Referral.objects.filter(condition)


def shared_plan_actions(user) -> QuerySet[PlanAction]:
    """The actions a partner's organisations provide, for persons shared with them."""
    organisation_ids, access_point_ids = _partner_scope(user)
    if not organisation_ids:
        return PlanAction.objects.none()
    return PlanAction.objects.filter(
        provider_id__in=organisation_ids, plan__case__access_point_id__in=access_point_ids,
        plan__case__person__restricted_at__isnull=True,
    ).filter(sharing_condition(organisation_ids, person_ref="plan__case__person_id"))


def visible_tasks(user) -> QuerySet[Task]:
    """Tasks of the access points where the user works with people (outreach
    operators included, as ``cases.view_task`` allows), and their own anywhere."""
    return Task.objects.filter(Q(assignee=user) | Q(access_point_id__in=journey_access_point_ids(user))).filter(
        restriction_condition(user, "case__person__"))


def visible_documents(user) -> QuerySet[CaseDocument]:
    return CaseDocument.objects.filter(person__access_point_id__in=journey_access_point_ids(user)).filter(
        restriction_condition(user, "person__"))


def visible_consents(user) -> QuerySet[Consent]:
    """Consents (active and withdrawn) of the persons of the user's access points."""
    return Consent.objects.filter(person__access_point_id__in=journey_access_point_ids(user)).filter(
        restriction_condition(user, "person__"))


def visible_privacy_notices(user) -> QuerySet[PrivacyNotice]:
    """Notices of the user's access points: staff read them to give them; directors manage them."""
    return PrivacyNotice.objects.filter(access_point_id__in=journey_access_point_ids(user))


def case_team_candidates(case: Case) -> QuerySet:
    """Active users holding a staff role (``PERSON_ROLES``) at the case's access point:
    who may join its team."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        is_active=True, memberships__is_active=True, memberships__organisation__is_active=True,
        memberships__role__in=PERSON_ROLES, memberships__access_points=case.access_point_id,
    ).distinct().order_by("last_name", "first_name", "username")


def restricted_visible_case_ids(user) -> QuerySet:
    """Cases whose restricted notes the user may read: their teams', and all at the access points they direct."""
    directed = journey_access_point_ids(user, DIRECTOR_ROLES)
    in_team = Exists(CaseTeamMember.objects.filter(case_id=OuterRef("pk"), user_id=user.pk, removed_at__isnull=True))
    return Case.objects.filter(
        Q(access_point_id__in=directed)
        | (Q(access_point_id__in=journey_access_point_ids(user, CASE_ROLES)) & in_team)
    ).values("pk")
