"""The director's audit page lists the changes of the case journey at their
access point: the entries carry the access point of the record changed, even
when the service that writes them has no request to take it from."""

import datetime

from django.urls import reverse
from django.utils import timezone

from pua.cases import work_services
from pua.cases.models import CaseStatus, TaskKind
from pua.cases.tests.factories import CaseFactory, CaseTeamMemberFactory, PersonFactory
from pua.core.models import AuditAction, AuditEntry

AUDIT = reverse("governance:audit_list")


def _case(world):
    case = CaseFactory(person=PersonFactory(access_point=world.ap_a), status=CaseStatus.CONTACT,
                       case_manager=world.users["social_expert"])
    CaseTeamMemberFactory(case=case, user=world.users["social_expert"], role="case_manager")
    return case


def _listed(client, **filters):
    return [(e.object_type, e.object_id) for e in client.get(AUDIT, filters).context["page"].object_list]


def test_a_case_status_change_is_listed_to_the_director_of_its_access_point_only(world, login):
    case = _case(world)
    expert = login(world.users["social_expert"])
    assert expert.post(reverse("cases:case_transition", args=[case.pk]), {"to": CaseStatus.SCREENING}).status_code == 302
    entry = AuditEntry.objects.get(object_type="cases.case", object_id=str(case.pk), action=AuditAction.UPDATE)
    assert entry.access_point_id == world.ap_a.pk and entry.changes == {"status": ["contact", "screening"]}

    director = login(world.users["director"])
    assert ("cases.case", str(case.pk)) in _listed(director, action=AuditAction.UPDATE, object_type="cases.case")
    other = login(world.other_director)
    assert ("cases.case", str(case.pk)) not in _listed(other, action=AuditAction.UPDATE, object_type="cases.case")


def test_a_change_written_without_a_request_still_carries_its_access_point(world, login):
    """A command or a background job calls the service with no request at hand."""
    case = _case(world)
    task = work_services.task_create(access_point=world.ap_a, by=world.users["social_expert"], kind=TaskKind.TASK,
                                     title="Richiamare", due_at=timezone.now() + datetime.timedelta(days=1),
                                     assignee=world.users["social_expert"], case=case)
    entry = AuditEntry.objects.get(object_type="cases.task", object_id=str(task.pk), action=AuditAction.CREATE)
    assert entry.access_point_id == world.ap_a.pk
    assert ("cases.task", str(task.pk)) in _listed(login(world.users["director"]), object_type="cases.task")
