"""The case team: adding and removing members, changing the case manager."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from pua.cases import case_services, team_services
from pua.cases.models import Case, CaseEventKind, CaseStatus, CaseTeamMember, ClosureReason, TeamRole
from pua.cases.tests.factories import PersonFactory
from pua.core.models import AuditAction, AuditEntry


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


def _case(world, ap=None):
    ap = ap or world.ap_a
    director = world.users["director"] if ap == world.ap_a else world.other_director
    return case_services.case_open(person=PersonFactory(access_point=ap), by=director, case_manager=director)


def _team(case):
    return sorted((m.user.username, m.role) for m in case.team.filter(removed_at__isnull=True))


def _url(name, case, *args):
    return reverse(f"cases:{name}", args=[case.pk, *args])


# --- services ----------------------------------------------------------------------------------

def test_it_adds_a_member_with_event_and_audit(world):
    case = _case(world)
    member = team_services.team_member_add(case=case, user=world.users["outreach_operator"], role=TeamRole.OTHER,
                                           by=world.users["director"])
    assert _team(case) == [("director_a", "case_manager"), ("outreach_operator_a", "other")]
    event = case.events.get(kind=CaseEventKind.TEAM)
    assert event.data == {"action": "added", "user_id": world.users["outreach_operator"].pk, "role": "other"}
    assert event.object_type == "caseteammember" and event.object_id == member.pk
    assert world.users["outreach_operator"].last_name not in event.summary
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="cases.caseteammember",
                                     object_id=str(member.pk)).exists()


def test_it_changes_the_case_manager(world):
    case = _case(world)
    new = world.users["social_expert"]
    team_services.team_member_add(case=case, user=new, role=TeamRole.SOCIAL_EXPERT, by=world.users["director"])
    team_services.team_member_add(case=case, user=new, role=TeamRole.CASE_MANAGER, by=world.users["director"])
    case.refresh_from_db()
    assert case.case_manager == new
    assert _team(case) == [("social_expert_a", "case_manager")]
    assert CaseTeamMember.objects.filter(case=case, removed_at__isnull=False).count() == 2  # history kept
    event = case.events.filter(kind=CaseEventKind.TEAM).last()
    assert event.data["previous_case_manager_id"] == world.users["director"].pk
    assert AuditEntry.objects.filter(object_type="cases.case", object_id=str(case.pk),
                                     changes={"case_manager": [world.users["director"].pk, new.pk]}).exists()


def test_it_wants_a_case_role_for_the_case_manager(world):
    case = _case(world)
    with pytest.raises(ValidationError, match="The case manager must be the director or a social or labour expert"):
        team_services.team_member_add(case=case, user=world.users["outreach_operator"], role=TeamRole.CASE_MANAGER,
                                      by=world.users["director"])
    assert Case.objects.get(pk=case.pk).case_manager == world.users["director"]


@pytest.mark.parametrize("who", ["partner_operator", "board_viewer", "other_worker"])
def test_it_refuses_members_who_are_not_staff_of_the_access_point(world, who):
    case = _case(world)
    user = world.other_worker if who == "other_worker" else world.users[who]
    with pytest.raises(ValidationError) as caught:
        team_services.team_member_add(case=case, user=user, role=TeamRole.OTHER, by=world.users["director"])
    assert caught.value.message_dict == {"user": ["Only staff of the case's access point can join its team."]}
    assert len(_team(case)) == 1


def test_it_refuses_a_member_twice(world):
    case = _case(world)
    with pytest.raises(ValidationError, match="already in the team as “Case manager”"):
        team_services.team_member_add(case=case, user=world.users["director"], role=TeamRole.OTHER,
                                      by=world.users["director"])


def test_it_refuses_an_unknown_role(world):
    with pytest.raises(ValidationError, match="Choose the role"):
        team_services.team_member_add(case=_case(world), user=world.users["social_expert"], role="boss",
                                      by=world.users["director"])


def test_it_removes_a_member_and_the_case_manager(world):
    case = _case(world)
    member = team_services.team_member_add(case=case, user=world.users["labour_expert"],
                                           role=TeamRole.LABOUR_EXPERT, by=world.users["director"])
    team_services.team_member_remove(member=member, by=world.users["director"])
    member.refresh_from_db()
    assert member.removed_at is not None
    manager = case.team.get(role=TeamRole.CASE_MANAGER)
    team_services.team_member_remove(member=manager, by=world.users["director"])
    case.refresh_from_db()
    assert case.case_manager is None and _team(case) == []
    assert [e.data["action"] for e in case.events.filter(kind=CaseEventKind.TEAM)] == ["added", "removed", "removed"]
    with pytest.raises(ValidationError, match="already left the team"):
        team_services.team_member_remove(member=member, by=world.users["director"])


def test_it_freezes_the_team_of_a_closed_case(world):
    case = _case(world)
    case_services.case_close(case=case, by=world.users["director"], reason=ClosureReason.OTHER)
    with pytest.raises(ValidationError, match="The case is closed"):
        team_services.team_member_add(case=case, user=world.users["social_expert"], role=TeamRole.OTHER,
                                      by=world.users["director"])
    with pytest.raises(ValidationError, match="The case is closed"):
        team_services.team_member_remove(member=case.team.get(), by=world.users["director"])


# --- pages -------------------------------------------------------------------------------------

def test_it_shows_the_team_page_with_candidates_only_from_the_access_point(world, login):
    case = _case(world)
    response = login(world.users["social_expert"]).get(_url("case_team", case))
    assert response.status_code == 200
    candidates = set(response.context["form"].fields["user"].queryset)
    assert world.users["labour_expert"] in candidates and world.users["outreach_operator"] in candidates
    assert not candidates & {world.users["partner_operator"], world.users["board_viewer"], world.other_worker}
    assert AuditEntry.objects.filter(action=AuditAction.READ, object_type="cases.case").exists()


def test_it_adds_a_member_through_the_page(world, login):
    case = _case(world)
    response = login(world.users["social_expert"]).post(_url("case_team", case), {
        "user": world.users["labour_expert"].pk, "role": TeamRole.LABOUR_EXPERT})
    assert response.status_code == 302 and response.url == _url("case_team", case)
    assert ("labour_expert_a", "labour_expert") in _team(case)


def test_it_makes_the_new_case_manager_through_the_page(world, login):
    case = _case(world)
    login(world.users["director"]).post(_url("case_team", case), {
        "user": world.users["labour_expert"].pk, "role": TeamRole.CASE_MANAGER})
    case.refresh_from_db()
    assert case.case_manager == world.users["labour_expert"]


def test_it_shows_team_errors_and_saves_nothing(world, login):
    case = _case(world)
    client = login(world.users["director"])
    response = client.post(_url("case_team", case), {"user": world.users["outreach_operator"].pk,
                                                     "role": TeamRole.CASE_MANAGER})
    assert response.status_code == 200
    assert "The case manager must be the director" in response.content.decode()
    response = client.post(_url("case_team", case), {"user": world.users["partner_operator"].pk, "role": "other"})
    assert response.status_code == 200 and response.context["form"].errors["user"]
    assert len(_team(case)) == 1


def test_it_removes_a_member_through_the_page(world, login):
    case = _case(world)
    member = team_services.team_member_add(case=case, user=world.users["labour_expert"], role=TeamRole.OTHER,
                                           by=world.users["director"])
    client = login(world.users["director"])
    response = client.post(_url("case_team_remove", case, member.pk), follow=True)
    assert "The operator has left the team." in response.content.decode()
    assert ("labour_expert_a", "other") not in _team(case)
    assert response.context["former"] == [CaseTeamMember.objects.get(pk=member.pk)]
    response = client.post(_url("case_team_remove", case, member.pk), follow=True)
    assert "already left the team" in response.content.decode()


def test_it_keeps_the_team_of_another_case_out_of_reach(world, login):
    case, other = _case(world), _case(world)
    member = other.team.get()
    assert login(world.users["director"]).post(_url("case_team_remove", case, member.pk)).status_code == 404
    assert member.removed_at is None


def test_it_shows_a_closed_case_team_read_only(world, login):
    case = _case(world)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    client = login(world.users["director"])
    response = client.get(_url("case_team", case))
    assert response.status_code == 200 and response.context["form"] is None
    response = client.post(_url("case_team", case), {"user": world.users["labour_expert"].pk, "role": "other"},
                           follow=True)
    assert "its team can no longer change" in response.content.decode()
    assert len(_team(case)) == 1


def test_it_lets_an_outreach_operator_see_but_not_change_the_team(world, login):
    case = _case(world)
    client = login(world.users["outreach_operator"])
    response = client.get(_url("case_team", case))
    assert response.status_code == 200 and response.context["form"] is None
    assert client.post(_url("case_team", case), {"user": world.users["labour_expert"].pk,
                                                 "role": "other"}).status_code == 403
    assert client.post(_url("case_team_remove", case, case.team.get().pk)).status_code == 403
    assert len(_team(case)) == 1


def test_it_hides_the_team_of_another_access_point(world, login):
    case = _case(world, ap=world.ap_b)
    client = login(world.users["director"])
    assert client.get(_url("case_team", case)).status_code == 404
    assert client.post(_url("case_team", case), {"user": world.users["labour_expert"].pk,
                                                 "role": "other"}).status_code == 404
