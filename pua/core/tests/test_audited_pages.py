"""Every page marked ``@audited`` writes an audit entry when it is opened.

The database holds one of each kind of record at access point A; each URL
of an audited view is opened by a persona who may open it, and the audit
trail must have grown by an entry of that persona. A new audited URL without
a case here fails ``test_every_audited_url_is_opened_here``.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from pua.assessments import services as response_services
from pua.assessments.tests.test_response_services import fill_all, make_version
from pua.assessments.tests.test_results import (
    EXPLOITATION,
    PRESUMED_ANSWERS,
    scored_response,
    screening,  # noqa: F401  (the fixture)
)
from pua.cases import documents_services, plan_services
from pua.cases.models import (
    CaseStatus,
    ConsentPurpose,
    DocumentKind,
    IntakeDecision,
    IntakeOutcome,
    ReferralStatus,
)
from pua.cases.tests.factories import (
    CaseFactory,
    CaseTeamMemberFactory,
    ConsentFactory,
    ContactFactory,
    InterventionFactory,
    PersonFactory,
    PlanActionFactory,
    ReferralFactory,
    TaskFactory,
)
from pua.core.audited import PERSON_DATA_MODULES, marker
from pua.core.models import AuditAction, AuditEntry
from pua.network.tests.agreement_factories import upload
from pua.people.services import person_create


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def seeded(world, request):
    """One record of each kind at A, around one person with an open case."""
    director, expert = world.users["director"], world.users["social_expert"]
    screened = request.getfixturevalue("screening")
    get_user_model().objects.update(preferred_language="en")
    person = PersonFactory(access_point=world.ap_a, first_name="Settimio", last_name="Quaglieri")
    case = CaseFactory(person=person, status=CaseStatus.TAKEN_IN_CHARGE, case_manager=expert)
    CaseTeamMemberFactory(case=case, user=expert, role="case_manager")
    closed = CaseFactory(person=PersonFactory(access_point=world.ap_a), status=CaseStatus.CLOSED)
    PersonFactory(access_point=world.ap_a, first_name="Settimio", last_name="Quaglieri")
    person_create(by=director, access_point=world.ap_a, first_name="Mario", last_name="Rossi", birth_year=1980)
    ConsentFactory(person=person, purpose=ConsentPurpose.SHARING, organisation=world.partner_org)
    sent = ReferralFactory(person=person, case=case, organisation=world.partner_org, status=ReferralStatus.SENT)
    accepted = ReferralFactory(person=person, case=case, organisation=world.partner_org,
                               status=ReferralStatus.ACCEPTED, answered_at=timezone.now())
    plan = plan_services.plan_create(case=case, by=director)
    goal = plan_services.goal_add(plan=plan, area="work", description="Trovare lavoro", by=director)
    action = PlanActionFactory(goal=goal, provider=world.partner_org)
    version = make_version()
    draft = response_services.response_start(version=version, person=person, by=expert)
    submitted = response_services.response_submit(
        response=fill_all(response_services.response_start(version=version, person=person, by=expert), expert),
        by=expert)
    return {
        "person": person, "case": case, "closed": closed, "plan": plan, "goal": goal, "action": action,
        "contact": ContactFactory(access_point=world.ap_a, person=person, operator=expert),
        "sent": sent, "accepted": accepted,
        "intervention": InterventionFactory(case=case),
        "task": TaskFactory(access_point=world.ap_a, case=case, assignee=director),
        "document": documents_services.document_upload(person=person, file=upload("carta.pdf"),
                                                       kind=DocumentKind.OTHER, title="Certificato", by=director),
        "decision": IntakeDecision.objects.create(case=case, outcome=IntakeOutcome.ELIGIBLE, rationale="Requisiti",
                                                  decided_at=timezone.now(), decided_by=director),
        "draft": draft, "submitted": submitted,
        # A screening result the reviewer overrode: the director's overrides report lists it.
        "scored": scored_response(screened, PRESUMED_ANSWERS, confirmed_outcome=EXPLOITATION, override_reason="r",
                                  reviewed_by=expert, reviewed_at=timezone.now()),
    }


def _u(name, *args, **query):
    path = reverse(name, args=args)
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# name -> (persona, method, url from the seeded records, form data)
PAGES = {
    "home": ("director", "get", lambda s: _u("home"), None),
    "people:person_list": ("director", "get", lambda s: _u("people:person_list"), None),
    "people:person_create": ("director", "post", lambda s: _u("people:person_create"), {
        "first_name": "Mario", "last_name": "Rosi", "aliases": "", "sex": "male", "birth_year": "1980",
        "birth_country": "", "tax_code": "", "phone": "", "email": "", "residence_municipality": "",
        "legal_status": "unknown", "education_level": "unknown", "employment_situation": "unknown"}),
    "people:person_detail": ("director", "get", lambda s: _u("people:person_detail", s["person"].pk), None),
    "cases:contact_list": ("director", "get", lambda s: _u("cases:contact_list"), None),
    "cases:contact_quick": ("director", "get", lambda s: _u("cases:contact_quick", last=s["contact"].pk), None),
    "cases:contact_create": ("director", "get", lambda s: _u("cases:contact_create", person=s["person"].pk), None),
    "cases:contact_detail": ("director", "get", lambda s: _u("cases:contact_detail", s["contact"].pk), None),
    "cases:contact_edit": ("director", "get", lambda s: _u("cases:contact_edit", s["contact"].pk), None),
    "cases:contact_link": ("director", "get", lambda s: _u("cases:contact_link", s["contact"].pk), None),
    "cases:person_journey": ("director", "get", lambda s: _u("cases:person_journey", s["person"].pk), None),
    "cases:person_consents": ("director", "get", lambda s: _u("cases:person_consents", s["person"].pk), None),
    "cases:consent_give": ("director", "get", lambda s: _u("cases:consent_give", s["person"].pk), None),
    "cases:privacy_notice_give": ("director", "get", lambda s: _u("cases:privacy_notice_give", s["person"].pk),
                                  None),
    "cases:referral_list": ("partner_operator", "get", lambda s: _u("cases:referral_list"), None),
    "cases:referral_create_inbound": ("director", "get",
                                      lambda s: _u("cases:referral_create_inbound", person=s["person"].pk), None),
    "cases:referral_create_outbound": ("director", "get",
                                       lambda s: _u("cases:referral_create_outbound", s["case"].pk), None),
    "cases:referral_detail": ("director", "get", lambda s: _u("cases:referral_detail", s["sent"].pk), None),
    "cases:referral_accept": ("partner_operator", "post", lambda s: _u("cases:referral_accept", s["sent"].pk),
                              {"reason": ""}),
    "cases:referral_decline": ("partner_operator", "post", lambda s: _u("cases:referral_decline", s["sent"].pk),
                               {"reason": ""}),
    "cases:referral_report": ("partner_operator", "post", lambda s: _u("cases:referral_report", s["accepted"].pk),
                              {"report": ""}),
    "cases:intake_decide": ("director", "get", lambda s: _u("cases:intake_decide", s["case"].pk), None),
    "cases:intake_detail": ("director", "get", lambda s: _u("cases:intake_detail", s["decision"].pk), None),
    "cases:case_list": ("director", "get", lambda s: _u("cases:case_list"), None),
    "cases:case_detail": ("director", "get", lambda s: _u("cases:case_detail", s["case"].pk), None),
    "cases:case_team": ("director", "get", lambda s: _u("cases:case_team", s["case"].pk), None),
    "cases:case_notes": ("director", "get", lambda s: _u("cases:case_notes", s["case"].pk), None),
    "cases:case_timeline": ("director", "get", lambda s: _u("cases:case_timeline", s["case"].pk), None),
    "cases:case_close": ("director", "get", lambda s: _u("cases:case_close", s["case"].pk), None),
    "cases:case_reopen": ("director", "get", lambda s: _u("cases:case_reopen", s["closed"].pk), None),
    "cases:plan_detail": ("director", "get", lambda s: _u("cases:plan_detail", s["case"].pk), None),
    "cases:plan_goal_add": ("director", "get", lambda s: _u("cases:plan_goal_add", s["case"].pk), None),
    "cases:plan_goal_edit": ("director", "get", lambda s: _u("cases:plan_goal_edit", s["case"].pk, s["goal"].pk),
                             None),
    "cases:plan_action_add": ("director", "get", lambda s: _u("cases:plan_action_add", s["case"].pk), None),
    "cases:plan_action_edit": ("director", "get",
                               lambda s: _u("cases:plan_action_edit", s["case"].pk, s["action"].pk), None),
    "cases:plan_action_status": ("director", "get",
                                 lambda s: _u("cases:plan_action_status", s["case"].pk, s["action"].pk), None),
    "cases:plan_agree": ("director", "get", lambda s: _u("cases:plan_agree", s["case"].pk), None),
    "cases:plan_cadence": ("director", "get", lambda s: _u("cases:plan_cadence", s["case"].pk), None),
    "cases:plan_review_add": ("director", "get", lambda s: _u("cases:plan_review_add", s["case"].pk), None),
    "cases:plan_versions": ("director", "get", lambda s: _u("cases:plan_versions", s["case"].pk), None),
    "cases:plan_version": ("director", "get", lambda s: _u("cases:plan_version", s["case"].pk, 1), None),
    "cases:intervention_list": ("director", "get", lambda s: _u("cases:intervention_list", s["case"].pk), None),
    "cases:intervention_add": ("director", "get", lambda s: _u("cases:intervention_add", s["case"].pk), None),
    "cases:intervention_edit": ("director", "get",
                                lambda s: _u("cases:intervention_edit", s["case"].pk, s["intervention"].pk), None),
    "cases:my_work": ("partner_operator", "get", lambda s: _u("cases:my_work"), None),
    "cases:my_calendar": ("director", "get", lambda s: _u("cases:my_calendar"), None),
    "cases:task_list": ("director", "get", lambda s: _u("cases:task_list"), None),
    "cases:task_create": ("director", "get", lambda s: _u("cases:task_create", case=s["case"].pk), None),
    "cases:task_detail": ("director", "get", lambda s: _u("cases:task_detail", s["task"].pk), None),
    "cases:task_edit": ("director", "get", lambda s: _u("cases:task_edit", s["task"].pk), None),
    "cases:document_upload": ("director", "get", lambda s: _u("cases:document_upload", person=s["person"].pk),
                              None),
    "cases:document_download": ("director", "get", lambda s: _u("cases:document_download", s["document"].pk),
                                None),
    "cases:document_list": ("director", "get", lambda s: _u("cases:document_list", s["person"].pk), None),
    "cases:person_merge": ("director", "get", lambda s: _u("cases:person_merge", s["person"].pk), None),
    "find:results": ("director", "post", lambda s: _u("find:results"), {"q": "Quaglieri", "search": "1"}),
    "assessments:response_start": ("social_expert", "get",
                                   lambda s: _u("assessments:response_start", person=s["person"].pk), None),
    "assessments:response_detail": ("social_expert", "get",
                                    lambda s: _u("assessments:response_detail", s["submitted"].pk), None),
    "assessments:response_fill": ("social_expert", "get",
                                  lambda s: _u("assessments:response_fill", s["draft"].pk, 1), None),
    # An incomplete draft: refused, its answers come back on the review page.
    "assessments:response_submit": ("social_expert", "post",
                                    lambda s: _u("assessments:response_submit", s["draft"].pk), {}),
    "assessments:response_review": ("social_expert", "get",
                                    lambda s: _u("assessments:response_review", s["draft"].pk), None),
    "assessments:person_responses": ("social_expert", "get",
                                     lambda s: _u("assessments:person_responses", s["person"].pk), None),
    "assessments:result_detail": ("director", "get",
                                  lambda s: _u("assessments:result_detail", s["scored"].pk), None),
    "assessments:result_review": ("director", "post",
                                  lambda s: _u("assessments:result_review", s["scored"].pk), {"outcome": "?"}),
    "assessments:overrides": ("director", "get", lambda s: _u("assessments:overrides"), None),
    "assessments:aggregates_csv": ("director", "get", lambda s: _u("assessments:aggregates_csv"), None),
    "assessments:aggregates_xlsx": ("director", "get", lambda s: _u("assessments:aggregates_xlsx"), None),
    "privacy:person_privacy": ("director", "get", lambda s: _u("privacy:person_privacy", s["person"].pk), None),
    "privacy:person_export": ("director", "post", lambda s: _u("privacy:person_export", s["person"].pk), {}),
    "privacy:person_erase": ("director", "get", lambda s: _u("privacy:person_erase", s["person"].pk), None),
    "privacy:person_rectify": ("director", "get", lambda s: _u("privacy:person_rectify", s["person"].pk), None),
}


def _audited_url_names() -> set[str]:
    names = set()

    def walk(resolver, namespace=""):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif pattern.callback.__module__.startswith(PERSON_DATA_MODULES):
                found = marker(pattern.callback)
                if found is not None and found.audited:
                    names.add(f"{namespace}{pattern.name}")

    walk(get_resolver())
    return names


def test_every_audited_url_is_opened_here():
    assert _audited_url_names() == set(PAGES)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_opening_an_audited_page_writes_an_audit_entry(name, world, seeded, login):
    role, method, url, data = PAGES[name]
    user = world.users[role]
    client = login(user)
    before = set(AuditEntry.objects.values_list("pk", flat=True))
    # A posted search answers with a redirect to its results: followed, as a browser would.
    response = getattr(client, method)(url(seeded), data or {}, follow=True)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    # 400: a form refused, shown again with the record.
    assert response.status_code in ((200,) if method == "get" else (200, 400)), (name, response.status_code)
    written = AuditEntry.objects.exclude(pk__in=before).filter(actor=user)
    if method == "get":
        written = written.filter(action__in=[AuditAction.READ, AuditAction.EXPORT])
    assert written.exists(), f"{name} showed person data and wrote no audit entry"
