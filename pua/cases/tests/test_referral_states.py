"""A referral's page opens in every state, for every role that may see it,
also when nobody is recorded as having answered it (imported or generated
referrals answered outside PUA)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from pua.cases.models import CaseStatus, ReferralDirection, ReferralStatus
from pua.cases.tests.factories import CaseFactory, ConsentFactory, PersonFactory, ReferralFactory
from pua.network.tests.search_factories import service

STATES = [
    (ReferralStatus.SENT, {}),
    (ReferralStatus.ACCEPTED, {"answered": True}),
    (ReferralStatus.ACCEPTED, {"answered": False}),
    (ReferralStatus.DECLINED, {"answered": True}),
    (ReferralStatus.DECLINED, {"answered": False}),
    (ReferralStatus.COMPLETED, {"answered": False}),
    (ReferralStatus.WITHDRAWN, {}),
]


def _referral(world, status, *, answered=None, direction=ReferralDirection.OUTBOUND):
    person = PersonFactory(access_point=world.ap_a)
    case = CaseFactory(person=person, status=CaseStatus.PLAN_ACTIVE)
    ConsentFactory(person=person, purpose="sharing", organisation=world.partner_org)
    now = timezone.now()
    fields = {"status": status, "direction": direction, "person": person, "case": case,
              "organisation": world.partner_org, "service": service("F2.4.c"), "created_by": None}
    if answered is not None:
        fields.update(answered_at=now, answer_reason="Posti esauriti" if status == ReferralStatus.DECLINED else "",
                      answered_by=world.users["partner_operator"] if answered else None)
    if status == ReferralStatus.COMPLETED:
        fields.update(report="Percorso concluso.", reported_at=now)
    return ReferralFactory(**fields)


@pytest.mark.parametrize(("status", "options"), STATES)
@pytest.mark.parametrize("role", ["director", "social_expert", "labour_expert", "partner_operator"])
def test_it_opens_a_referral_in_every_state_for_every_role_that_sees_it(world, login, role, status, options):
    referral = _referral(world, status, **options)
    response = login(world.users[role]).get(reverse("cases:referral_detail", args=[referral.pk]))
    assert response.status_code == 200
    assert referral.reason in response.content.decode()


def test_it_names_who_answered_when_it_is_known(world, login, english_personas):
    answered = _referral(world, ReferralStatus.ACCEPTED, answered=True)
    anonymous = _referral(world, ReferralStatus.ACCEPTED, answered=False)
    client = login(world.users["director"])
    partner = world.users["partner_operator"]
    name = partner.get_full_name() or partner.username
    assert f"by {name}" in client.get(reverse("cases:referral_detail", args=[answered.pk])).content.decode()
    page = client.get(reverse("cases:referral_detail", args=[anonymous.pk])).content.decode()
    assert "Answer" in page and " by " not in page.split('id="answer-heading"')[1].split("</section>")[0]
