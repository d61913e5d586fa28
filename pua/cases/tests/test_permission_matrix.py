"""The case-journey rows of docs/permissions.md, checked cell by cell.

Each role is held at access point A. Every object exists at A and at B; on
B's objects everything is refused. Partner operators are checked in the two
situations that matter: the person is shared with their organisation
(active referral or plan action *and* sharing consent) or not.
"""

import pytest
from django.utils import timezone

from pua.cases import access
from pua.cases.models import ConsentPurpose, ReferralDirection
from pua.cases.tests.factories import (
    CaseFactory,
    CaseTeamMemberFactory,
    ConsentFactory,
    ContactFactory,
    EligibilityCriterionFactory,
    InterventionFactory,
    PersonFactory,
    PlanActionFactory,
    PlanFactory,
    PlanGoalFactory,
    ReferralFactory,
    TaskFactory,
)
from pua.network.models import Role

ALL = set(Role)
STAFF = {Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR}
CASE = {Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT}
D = {Role.DIRECTOR}
P = {Role.PARTNER_OPERATOR}
NOBODY: set = set()

# (permission, object key, roles allowed on A's object)
MATRIX = [
    ("people.view_person", "person", STAFF),
    ("people.add_person", "access_point", STAFF),
    ("people.change_person", "person", STAFF),
    ("people.view_person_identity", "person", CASE),
    ("people.view_special_categories", "person", CASE),
    ("cases.add_contact", "access_point", STAFF),
    ("cases.view_contact", "contact", STAFF),
    ("cases.change_contact", "contact", STAFF),
    ("cases.view_consent", "consent", STAFF),
    ("cases.change_consent", "consent", STAFF),
    ("cases.manage_privacy_notices", "access_point", D),
    ("cases.add_case", "access_point", CASE),
    ("cases.view_case", "case", STAFF | P),
    ("cases.view_case", "unshared_case", STAFF),
    ("cases.view_case_internal", "case", STAFF),
    ("cases.change_case", "case", CASE),
    # Restricted notes: the director, and case-role members of the team (the social expert is).
    ("cases.view_restricted", "case", D | {Role.SOCIAL_EXPERT}),
    ("cases.manage_eligibility", "criterion", D),
    ("cases.decide_intake", "case", CASE),
    ("cases.merge_person", "person", D),
    ("cases.view_referral", "referral", STAFF | P),
    ("cases.view_referral", "other_referral", STAFF),
    ("cases.add_referral", "case", CASE),
    ("cases.answer_referral", "referral", P),
    ("cases.answer_referral", "inbound_referral", CASE),
    ("cases.report_referral", "referral", P),
    ("cases.view_plan", "case", STAFF | P),
    ("cases.change_plan", "plan", CASE),
    ("cases.update_action", "action", CASE | P),
    ("cases.update_action", "other_action", CASE),
    ("cases.withdraw_referral", "referral", CASE),
    ("cases.add_intervention", "case", CASE),
    ("cases.view_intervention", "intervention", STAFF),
    ("cases.change_intervention", "intervention", CASE),
    ("cases.change_intervention", "restricted_intervention", D | {Role.SOCIAL_EXPERT}),
    ("cases.add_task", "access_point", STAFF),
    ("cases.view_task", "task", STAFF),
    ("cases.change_task", "task", CASE),
    ("cases.view_document", "person", STAFF),
    ("cases.add_document", "person", STAFF),
]


def _objects(world, side):
    ap = world.ap_a if side == "a" else world.ap_b
    partner_org = world.partner_org if side == "a" else world.org_b
    person = PersonFactory(access_point=ap)
    case = CaseFactory(person=person)
    CaseTeamMemberFactory(case=case, user=world.users["social_expert"] if side == "a" else world.other_worker)
    plan = PlanFactory(case=case)
    goal = PlanGoalFactory(plan=plan)
    action = PlanActionFactory(goal=goal, plan=plan, provider=partner_org)
    other_action = PlanActionFactory(goal=goal, plan=plan, provider=world.org_a if side == "a" else world.org_b)
    referral = ReferralFactory(person=person, case=case, organisation=partner_org)
    ConsentFactory(person=person, organisation=partner_org)
    unshared = CaseFactory(person=PersonFactory(access_point=ap))
    return {
        "access_point": ap,
        "person": person,
        "contact": ContactFactory(access_point=ap, operator=world.users["outreach_operator"], person=person),
        "consent": ConsentFactory(person=person, purpose=ConsentPurpose.CASE_MANAGEMENT, organisation=None),
        "case": case,
        "unshared_case": unshared,
        "criterion": EligibilityCriterionFactory(access_point=ap),
        "plan": plan,
        "action": action,
        "other_action": other_action,
        "referral": referral,
        "other_referral": ReferralFactory(person=person, organisation=world.org_a if side == "a" else world.org_b),
        "inbound_referral": ReferralFactory(person=person, organisation=partner_org,
                                            direction=ReferralDirection.INBOUND),
        "intervention": InterventionFactory(case=case),
        "restricted_intervention": InterventionFactory(case=case, notes="…", notes_restricted=True),
        "task": TaskFactory(access_point=ap, assignee=world.other_worker if side == "a" else world.other_director),
    }


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_it_grants_exactly_the_journey_matrix_on_own_access_point(world, role):
    user = world.users[role.value]
    objects = _objects(world, "a")
    mismatches = [
        (perm, key, role in allowed)
        for perm, key, allowed in MATRIX
        if user.has_perm(perm, objects[key]) != (role in allowed)
    ]
    assert mismatches == []


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_it_refuses_every_journey_action_on_another_access_point(world, role):
    user = world.users[role.value]
    objects = _objects(world, "b")
    granted = [(perm, key) for perm, key, _allowed in MATRIX if user.has_perm(perm, objects[key])]
    assert granted == []


def test_it_lets_the_assignee_keep_their_own_task_anywhere_they_are_assigned(world):
    worker = world.users["outreach_operator"]
    task = TaskFactory(access_point=world.ap_a, assignee=worker)
    assert worker.has_perm("cases.change_task", task)
    assert task in access.visible_tasks(worker)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_it_hides_every_journey_list_of_another_access_point(world, role):
    user = world.users[role.value]
    b = _objects(world, "b")
    assert not access.visible_contacts(user).filter(pk=b["contact"].pk).exists()
    assert not access.visible_cases(user).filter(pk=b["case"].pk).exists()
    assert not access.shared_cases(user).filter(pk=b["case"].pk).exists()
    assert not access.shared_persons(user).filter(pk=b["person"].pk).exists()
    assert not access.visible_referrals(user).filter(pk=b["referral"].pk).exists()
    assert not access.shared_plan_actions(user).filter(pk=b["action"].pk).exists()
    assert not access.visible_tasks(user).filter(pk=b["task"].pk).exists()


@pytest.mark.parametrize("role", [Role.BOARD_VIEWER, Role.REGIONAL_COORDINATOR, Role.ADMIN],
                         ids=lambda r: r.value)
def test_it_shows_no_person_at_all_to_board_coordinators_and_admins(world, role):
    user = world.users[role.value]
    _objects(world, "a")
    assert not access.visible_cases(user).exists()
    assert not access.shared_cases(user).exists()
    assert not access.shared_persons(user).exists()
    assert not access.visible_contacts(user).exists()
    assert not access.visible_documents(user).exists()


class TestPartnerSharing:
    """Sharing needs activity *and* consent, and stops when either ends."""

    def test_it_shares_a_person_with_an_active_referral_and_consent(self, world):
        partner = world.users["partner_operator"]
        objects = _objects(world, "a")
        assert list(access.shared_persons(partner)) == [objects["person"]]
        assert list(access.shared_plan_actions(partner)) == [objects["action"]]

    def test_it_stops_sharing_from_the_moment_consent_is_withdrawn(self, world):
        partner = world.users["partner_operator"]
        objects = _objects(world, "a")
        objects["person"].consents.filter(organisation=world.partner_org).update(withdrawn_at=timezone.now())
        assert not access.shared_persons(partner).exists()
        assert not partner.has_perm("cases.view_case", objects["case"])
        assert not partner.has_perm("cases.update_action", objects["action"])
        # The referral itself stays visible to its receiving organisation, without the person.
        assert partner.has_perm("cases.view_referral", objects["referral"])

    def test_it_does_not_share_with_consent_but_no_activity(self, world):
        partner = world.users["partner_operator"]
        person = PersonFactory(access_point=world.ap_a)
        ConsentFactory(person=person, organisation=world.partner_org)
        assert not access.shared_persons(partner).exists()

    def test_it_shares_through_an_active_plan_action_alone(self, world):
        partner = world.users["partner_operator"]
        person = PersonFactory(access_point=world.ap_a)
        plan = PlanFactory(case=CaseFactory(person=person))
        PlanActionFactory(goal=PlanGoalFactory(plan=plan), plan=plan, provider=world.partner_org)
        ConsentFactory(person=person, organisation=world.partner_org)
        assert list(access.shared_persons(partner)) == [person]

    def test_it_stops_sharing_when_the_only_action_is_done(self, world):
        partner = world.users["partner_operator"]
        person = PersonFactory(access_point=world.ap_a)
        plan = PlanFactory(case=CaseFactory(person=person))
        PlanActionFactory(goal=PlanGoalFactory(plan=plan), plan=plan, provider=world.partner_org, status="done")
        ConsentFactory(person=person, organisation=world.partner_org)
        assert not access.shared_persons(partner).exists()

    def test_it_needs_consent_for_the_same_organisation_as_the_activity(self, world):
        partner = world.users["partner_operator"]
        person = PersonFactory(access_point=world.ap_a)
        ReferralFactory(person=person, organisation=world.partner_org)
        ConsentFactory(person=person, organisation=world.org_a)
        assert not access.shared_persons(partner).exists()

    def test_it_never_lets_partners_see_restricted_notes_or_documents(self, world):
        partner = world.users["partner_operator"]
        objects = _objects(world, "a")
        assert not partner.has_perm("cases.view_restricted", objects["case"])
        assert not partner.has_perm("cases.view_document", objects["person"])
        assert not partner.has_perm("cases.view_case_internal", objects["case"])
        assert not partner.has_perm("people.view_person_identity", objects["person"])
