"""The assessment rows of docs/permissions.md, checked cell by cell for the
shipped exploitation screening (fill: staff; read: director and experts;
detail: case team and director), on access point A and B."""

import pytest
from django.utils import timezone

from pua.assessments.models import Instrument, Response, VersionStatus
from pua.cases.tests.factories import CaseFactory, CaseTeamMemberFactory, PersonFactory
from pua.network.models import Role

STAFF = {Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR}
CASE = {Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT}
D = {Role.DIRECTOR}
ADMIN = {Role.ADMIN}

# (permission, object key, roles allowed on A's object)
MATRIX = [
    ("assessments.view_instrument", "screening", STAFF | ADMIN),
    ("assessments.manage_instrument", "screening", ADMIN),
    ("assessments.manage_instrument", "local_instrument", D | ADMIN),
    ("assessments.fill_response", "response", STAFF),
    ("assessments.view_response", "response", CASE),
    # The social expert is in the case team; the labour expert is not.
    ("assessments.view_response_detail", "response", D | {Role.SOCIAL_EXPERT}),
    ("assessments.review_outcome", "response", D | {Role.SOCIAL_EXPERT}),
]


def _objects(world, side):
    ap = world.ap_a if side == "a" else world.ap_b
    screening = Instrument.objects.get(code="exploitation_screening")
    version = screening.versions.get(status=VersionStatus.PUBLISHED)
    person = PersonFactory(access_point=ap)
    case = CaseFactory(person=person)
    CaseTeamMemberFactory(case=case, user=world.users["social_expert"] if side == "a" else world.other_worker)
    response = Response.objects.create(
        instrument_version=version, access_point=ap, person=person, case=case, started_at=timezone.now(),
        started_by=world.users["director"], status="submitted", submitted_at=timezone.now(),
        outcome="no_exploitation_indicators")
    local = Instrument.objects.create(code=f"local-{side}", title="Scheda locale", purpose="other", access_point=ap,
                                      fill_roles=["social_expert"], read_roles=["social_expert"])
    return {"screening": screening, "response": response, "local_instrument": local}


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_it_grants_exactly_the_assessment_matrix_on_own_access_point(world, role):
    user = world.users[role.value]
    objects = _objects(world, "a")
    mismatches = [
        (perm, key, role in allowed)
        for perm, key, allowed in MATRIX
        if user.has_perm(perm, objects[key]) != (role in allowed)
    ]
    assert mismatches == []


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN], ids=lambda r: r.value)
def test_it_refuses_every_assessment_action_on_another_access_point(world, role):
    user = world.users[role.value]
    objects = _objects(world, "b")
    keys = {"response", "local_instrument"}
    granted = [(perm, key) for perm, key, _allowed in MATRIX if key in keys and user.has_perm(perm, objects[key])]
    assert granted == []
