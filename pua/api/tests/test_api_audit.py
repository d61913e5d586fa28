"""Every read of persons' data through the API is audited, structurally.

The base viewset writes the entries (``pua.api.views.ApiViewSet``); these
tests walk the router, so that a new resource cannot slip through: each
viewset must say whether its reads are audited and why, and every GET route
of an audited one, called by a permitted persona, must write an entry — one
``audit_list`` per list page, an ``audit_read`` on every record.
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from pua.api import views as api_views
from pua.api.urls import router, urlpatterns
from pua.assessments.tests.screening_data import PRESUMED_VICTIM, screening_version, submit
from pua.cases import documents_services
from pua.cases.models import CaseNote, PlanVersion
from pua.cases.tests.factories import (
    CaseFactory,
    ConsentFactory,
    ContactFactory,
    InterventionFactory,
    PersonFactory,
    PlanActionFactory,
    ReferralFactory,
    TaskFactory,
)
from pua.core.models import AuditEntry

from .test_work_api import _pdf


def _get_routes():
    """(url name, viewset class, action, URL keyword names) of every GET route of the router."""
    for pattern in router.urls:
        viewset = getattr(pattern.callback, "cls", None)
        actions = getattr(pattern.callback, "actions", None) or {}
        keywords = set(pattern.pattern.regex.groupindex)
        if viewset is None or "get" not in actions or "format" in keywords:
            continue
        yield pattern.name, viewset, actions["get"], keywords


def _viewsets():
    return sorted({viewset for _, viewset, _, _ in _get_routes()}, key=lambda v: v.__name__)


@pytest.mark.parametrize("viewset", _viewsets(), ids=lambda v: v.__name__)
def test_it_makes_every_viewset_say_whether_its_reads_are_audited(viewset):
    assert viewset.audited in (True, False), f"{viewset.__name__} must declare audited = True/False"
    assert viewset.audit_reason.strip(), f"{viewset.__name__} must say why in audit_reason"


def test_it_makes_every_other_api_view_say_whether_its_reads_are_audited():
    views = [p.callback.cls for p in urlpatterns
             if getattr(getattr(p, "callback", None), "cls", None) and p.callback.cls.__module__.startswith("pua.api")]
    assert api_views.MeView in views
    for view in views:
        if view in (api_views.NotFoundView,):  # answers 404 to everything
            continue
        assert view.audited in (True, False) and view.audit_reason.strip(), view.__name__


@pytest.fixture
def casework(world):
    """One record of every kind at access point A, shared with the partner."""
    person = PersonFactory(access_point=world.ap_a)
    case = CaseFactory(person=person, case_manager=world.users["director"])
    ConsentFactory(person=person, organisation=world.partner_org)
    ReferralFactory(person=person, case=case, organisation=world.partner_org)
    ContactFactory(access_point=world.ap_a, person=person, operator=world.users["director"])
    action = PlanActionFactory(goal__plan__case=case, provider=world.partner_org)
    PlanVersion.objects.create(plan=action.plan, number=1, created_at=timezone.now(), change="Agreed",
                               snapshot={})
    InterventionFactory(case=case)
    TaskFactory(access_point=world.ap_a, case=case, assignee=world.users["director"])
    CaseNote.objects.create(case=case, author=world.users["director"], text="Colloquio svolto")
    documents_services.document_upload(person=person, file=_pdf(), kind="permit", title="Permesso",
                                       by=world.users["director"])
    submit(screening_version(), person, by=world.users["director"], answers=PRESUMED_VICTIM, case=case)
    # What the routes need besides the record's id: URL arguments, list filters.
    return {"case-note": {"note_pk": CaseNote.objects.get().pk}, "plan-version": {"number": 1},
            "intervention-list": {"case": case.pk}}


AUDITED_ROUTES = [(name, action, keywords) for name, viewset, action, keywords in _get_routes() if viewset.audited]


@pytest.mark.parametrize(("name", "action", "keywords"), AUDITED_ROUTES, ids=[r[0] for r in AUDITED_ROUTES])
def test_it_audits_every_read_of_an_audited_route(api_as, world, casework, name, action, keywords):
    api = api_as(world.users["director"])
    basename = name.rsplit("-", 1)[0] if action != "list" else name[: -len("-list")]
    listed = api.get(reverse(f"api:{basename}-list"), casework.get(f"{basename}-list", {}))
    assert listed.status_code == 200, listed.content
    rows = listed.json()["results"]
    assert rows, f"no {basename} in the test data: add one to the casework fixture"

    before = AuditEntry.objects.count()
    if action == "list":
        response = listed
        before -= 1
    else:
        extra = casework.get(name, {}) if action != "list" else {}
        assert keywords - {"pk"} <= set(extra), f"{name}: give its URL arguments in the casework fixture"
        response = api.get(reverse(f"api:{name}", kwargs={"pk": rows[0]["id"], **extra}))
    assert response.status_code == 200, (name, response.status_code)

    new = AuditEntry.objects.order_by("id")[before:]
    assert new, f"{name} wrote no audit entry"
    assert all(entry.action == "read" and entry.actor == world.users["director"] for entry in new)
    if action == "list":
        assert len(new) == 1, "a list page writes one entry"
        assert new[0].changes["ids"] == [str(row["id"]) for row in rows]


def test_it_writes_one_entry_per_list_page_with_ids_and_filters_only(api_as, world):
    persons = [PersonFactory(access_point=world.ap_a, last_name="Quaglieri") for _ in range(3)]
    api = api_as(world.users["director"])

    response = api.get("/api/v1/persons/", {"q": "Quaglieri", "page_size": 2, "access_point": world.ap_a.pk,
                                            "surname": "Quaglieri"})

    assert response.status_code == 200
    entry = AuditEntry.objects.get(object_type="people.person")
    # A parameter the list does not declare is recorded as sent, never its value.
    assert entry.changes["list"] == {"q": True, "page_size": "2", "access_point": str(world.ap_a.pk),
                                     "surname": True}
    assert set(entry.changes["ids"]) <= {str(p.pk) for p in persons} and len(entry.changes["ids"]) == 2
    assert "Quaglieri" not in str(entry.changes) and "Quaglieri" not in entry.object_repr


def test_it_writes_nothing_for_an_empty_page(api_as, world):
    response = api_as(world.users["director"]).get("/api/v1/persons/")

    assert response.json()["results"] == []
    assert not AuditEntry.objects.filter(object_type="people.person").exists()


def test_it_audits_a_partners_reads_of_their_shared_view(api_as, world, casework):
    partner = world.users["partner_operator"]
    api = api_as(partner)

    for url in ("/api/v1/persons/", "/api/v1/cases/", "/api/v1/referrals/", "/api/v1/plan-actions/"):
        assert api.get(url).json()["results"], url

    assert AuditEntry.objects.filter(actor=partner, action="read").count() == 4


def test_it_audits_no_read_of_the_network_directory(api_as, world):
    api_as(world.users["director"]).get("/api/v1/organisations/")

    assert not AuditEntry.objects.filter(action="read").exists()


def test_it_audits_nothing_on_a_refused_read(api_as, world, casework):
    case = CaseFactory(person=PersonFactory(access_point=world.ap_b))

    response = api_as(world.users["director"]).get(f"/api/v1/cases/{case.pk}/")

    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="read", object_id=str(case.pk)).exists()
