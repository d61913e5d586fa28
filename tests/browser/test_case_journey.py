"""In a real browser, the whole case journey as a new operator walks it,
through the pages only: an anonymous contact on the street (on a phone),
the person registered and linked, consents to share, an inbound referral
accepted, the intake decision, the plan with two partner organisations,
interventions (one joint), a review, what one partner sees — and the closure.

Only the setting is arranged with factories: the ``world`` personas, two
partner organisations of access point A with an offering each, a SerD
that refers people, A's eligibility criteria and a person of access point B.
"""

import datetime
import os
import re

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from pua.cases.models import (
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    ClosureReason,
    Consent,
    ConsentPurpose,
    Contact,
    IntakeDecision,
    Intervention,
    Plan,
    PlanAction,
    PlanStatus,
    Referral,
    ReferralStatus,
)
from pua.cases.tests.factories import EligibilityCriterionFactory, PersonFactory
from pua.network.models import Language, Offering, Service
from pua.network.tests.factories import OrganisationFactory
from pua.people.models import Person
from tests.browser.pages import choose as _choose
from tests.browser.pages import sign_in as _sign_in
from tests.browser.pages import watch as _watch

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("PUA_SCREENSHOTS")  # a folder, to look at the pages
PHONE = {"width": 375, "height": 740}
TAX_CODE = "MNSKWM92A01Z318H"  # Kwame Mensah, a man born on 1 January 1992 in Ghana
RESTRICTED_NOTE = "Racconta di minacce dal datore di lavoro"
RESTRICTED_INTERVENTION = "Colloquio congiunto: teme ritorsioni"
# The smallest real PDF: the upload checks the content, not only the name.
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\n"
       b"trailer<</Root 1 0 R>>\n%%EOF\n")


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"case_{name}.png"), full_page=True)


def _sign_out(page, base):
    page.locator("#logout-button").click()
    expect(page).to_have_url(f"{base}/accounts/login/")


def _background(locator):
    return locator.evaluate("(element) => getComputedStyle(element).backgroundColor")


def _status_of(case_pk):
    return Case.objects.get(pk=case_pk).status


def _status_code(context, url):
    """The HTTP status of ``url``, opened in a page of its own: its errors (a 404) are expected."""
    probe = context.new_page()
    status = probe.goto(url).status
    probe.close()
    return status


@pytest.fixture
def setting(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world.labour_org = OrganisationFactory(name="Cooperativa Lavoro Insieme", kind="social_coop_b",
                                           access_points=[world.ap_a])
    world.serd = OrganisationFactory(name="SerD Alfa", kind="health_service", access_points=[world.ap_a])
    now = timezone.now()
    world.mediation = Service.objects.get(code="F2.4.c", programme__isnull=True)
    world.traineeship = Service.objects.get(code="F2.5.f", programme__isnull=True)
    world.mediation_offering = Offering.objects.create(organisation=world.partner_org, service=world.mediation,
                                                       last_confirmed_at=now)
    world.traineeship_offering = Offering.objects.create(organisation=world.labour_org, service=world.traineeship,
                                                         last_confirmed_at=now)
    world.criteria = [
        EligibilityCriterionFactory(access_point=world.ap_a, kind="residence", label="Domicilio nell'ambito",
                                    sort_order=1),
        EligibilityCriterionFactory(access_point=world.ap_a, kind="target_group",
                                    label="Vittima di sfruttamento lavorativo", sort_order=2),
    ]
    world.person_b = PersonFactory(access_point=world.ap_b)
    world.pdf = tmp_path / "piano-firmato.pdf"
    world.pdf.write_bytes(PDF)
    return world


def test_it_walks_a_case_from_the_street_to_its_closure(setting, live_server, browser, page):
    w, base = setting, live_server.url
    problems = []
    today = timezone.localdate()

    # 1. On the street, on a phone: an outreach operator records an anonymous contact.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    mobile = _watch(phone.new_page(), problems)
    _sign_in(mobile, base, "outreach_operator_a")
    mobile.locator("main a[href='/cases/contacts/quick/']").first.click()
    expect(mobile).to_have_url(f"{base}/cases/contacts/quick/")
    _choose(mobile, "input[name=channel][value=street_unit]")
    chosen, other = (mobile.locator(f"input[name=channel][value={v}] + label") for v in ("street_unit", "drop_in"))
    # The chosen channel shows as chosen (once the buttons' colour transition has run).
    mobile.wait_for_function(
        "() => getComputedStyle(document.querySelector('input[name=channel][value=street_unit] + label'))"
        ".backgroundColor !== 'rgba(0, 0, 0, 0)'")
    assert _background(chosen) != _background(other)
    mobile.fill("#id_place_description", "Piazza del mercato")
    mobile.fill("#id_alias", "Kwame")
    mobile.fill("#id_needs_expressed", "Lavora nei campi senza contratto, chiede aiuto.")
    mobile.locator("details.pua-more summary").click()
    mobile.fill("#id_approximate_age", "34")
    mobile.select_option("#id_nationality", "GH")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(mobile, "1_quick_contact")
    mobile.locator("main form button[type=submit]").click()
    expect(mobile.locator("main [role=status]")).to_be_visible()
    assert mobile.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    contact = Contact.objects.get()
    assert (contact.person_id, contact.alias, contact.approximate_age, contact.nationality, contact.channel) == (
        None, "Kwame", 34, "GH", "street_unit")
    assert contact.operator == w.users["outreach_operator"] and contact.access_point == w.ap_a
    phone.close()

    # 2. At the desk: the social expert registers the person and links the contact.
    _watch(page, problems)
    _sign_in(page, base, "social_expert_a")
    page.locator("#main-menu-casework").click()
    page.locator("nav a[href='/cases/contacts/']").click()
    page.locator(f"main a[href='/cases/contacts/{contact.pk}/']").click()
    page.locator(f"main a[href='/cases/contacts/{contact.pk}/link/']").click()
    expect(page.locator("#id_aliases")).to_have_value("Kwame")
    page.fill("#id_first_name", "Kwame")
    page.fill("#id_last_name", "Mensah")
    page.fill("#id_birth_year", "1992")
    page.fill("#id_tax_code", TAX_CODE)
    page.locator("form:has(input[name=action][value=register]) button[type=submit]").click()
    expect(page.locator("#journey-contacts, input[name=confirm_new]").first).to_be_attached()
    if page.locator("input[name=confirm_new]").count():  # the duplicate check, when it finds someone
        page.locator("form:has(input[name=confirm_new]) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/cases/person/\d+/$"))
    person = Person.objects.get(last_name="Mensah")
    expect(page).to_have_url(f"{base}/cases/person/{person.pk}/")
    contact.refresh_from_db()
    assert contact.person == person and person.access_point == w.ap_a
    expect(page.locator(f"#journey-contacts a[href='/cases/contacts/{contact.pk}/']")).to_be_visible()
    _shot(page, "2_journey")

    # 3. Consent to share with the two partner organisations.
    for organisation in (w.partner_org, w.labour_org):
        page.locator(f"#journey-consents a[href='/cases/person/{person.pk}/consents/']").click()
        page.locator(f"main a[href='/cases/person/{person.pk}/consents/new/']").click()
        _choose(page, "input[name=purpose][value=sharing]")
        page.select_option("#id_organisation", str(organisation.pk))
        page.fill("#id_notes", "Consenso orale con mediatore")
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(f"{base}/cases/person/{person.pk}/consents/")
        page.locator(f"main a[href='/cases/person/{person.pk}/']").last.click()
    assert set(Consent.objects.filter(person=person, purpose=ConsentPurpose.SHARING, withdrawn_at__isnull=True)
               .values_list("organisation_id", flat=True)) == {w.partner_org.pk, w.labour_org.pk}
    expect(page.locator("#journey-consents")).to_contain_text(w.labour_org.name)

    # 4. The SerD's referral, recorded and accepted: the case opens at screening.
    page.locator(f"#journey-referrals a[href='/cases/referrals/new/?person={person.pk}']").click()
    page.select_option("#id_organisation", str(w.serd.pk))
    page.fill("#id_referrer_name", "Dott.ssa Bianchi")
    page.fill("#id_reason", "Percorso di uscita dalla dipendenza, cerca lavoro regolare.")
    page.fill("#id_work_done", "Dodici mesi di percorso terapeutico.")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/cases/referrals/\d+/$"))
    referral = Referral.objects.get(person=person)
    expect(page).to_have_url(f"{base}/cases/referrals/{referral.pk}/")
    assert referral.status == ReferralStatus.SENT and Case.objects.filter(person=person).count() == 0
    accept = page.locator(f"form[action='/cases/referrals/{referral.pk}/accept/']")
    accept.locator("button[type=submit]").first.click()
    expect(accept).to_have_count(0)
    referral.refresh_from_db()
    case = Case.objects.get(person=person)
    assert referral.status == ReferralStatus.ACCEPTED and referral.case == case
    assert case.status == CaseStatus.SCREENING and case.case_manager == w.users["social_expert"]
    page.locator(f"main a[href='/cases/{case.pk}/']").first.click()
    expect(page.locator("h1")).to_contain_text(case.number)
    expect(page.locator("main h1 ~ [data-status]")).to_have_attribute("data-status", CaseStatus.SCREENING)

    # 5. The intake decision, criterion by criterion: eligible, taken in charge.
    page.locator(f"main a[href='/cases/{case.pk}/intake/']").click()
    for criterion in w.criteria:
        _choose(page, f"input[name=result_{criterion.pk}][value=met]")
    page.fill(f"#id_note_{w.criteria[0].pk}", "Domicilio dichiarato presso parrocchia")
    _choose(page, "input[name=outcome][value=eligible]")
    page.fill("#id_rationale", "Tutti i criteri soddisfatti.")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/cases/intake/\d+/$"))
    decision = IntakeDecision.objects.get(case=case)
    expect(page).to_have_url(f"{base}/cases/intake/{decision.pk}/")
    assert decision.outcome == "eligible" and decision.checks.filter(result="met").count() == 2
    assert _status_of(case.pk) == CaseStatus.TAKEN_IN_CHARGE

    # 6. The plan: two goals, an action at each partner organisation, agreed with the person.
    page.locator(f"main a[href='/cases/{case.pk}/']").first.click()  # "go to the case"
    page.locator(f"main a[href='/cases/{case.pk}/plan/']").first.click()
    page.locator(f"form[action='/cases/{case.pk}/plan/new/'] button[type=submit]").click()
    expect(page.locator(f"main a[href='/cases/{case.pk}/plan/goals/new/']")).to_be_visible()
    plan = Plan.objects.get(case=case)
    goals = {}
    for area, text in (("language", "Comunicare in italiano con i servizi"), ("work", "Un lavoro regolare")):
        page.locator(f"main a[href='/cases/{case.pk}/plan/goals/new/']").click()
        page.select_option("#id_area", area)
        page.fill("#id_description", text)
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/plan/#goal-\d+$"))
        goals[area] = plan.goals.get(area=area)
        expect(page.locator(f"#goal-{goals[area].pk}")).to_be_visible()
    start, end = today + datetime.timedelta(days=7), today + datetime.timedelta(days=90)
    for area, service, offering in (("language", w.mediation, w.mediation_offering),
                                    ("work", w.traineeship, w.traineeship_offering)):
        page.locator(f"main a[href='/cases/{case.pk}/plan/actions/new/']").first.click()
        page.select_option("#id_goal", str(goals[area].pk))
        page.select_option("#id_service", str(service.pk))  # htmx brings the organisations offering it
        expect(page.locator(f"#id_provider option[value='offering-{offering.pk}']")).to_be_attached()
        page.select_option("#id_provider", f"offering-{offering.pk}")
        page.select_option("#id_responsible", str(w.users["social_expert"].pk))
        page.fill("#id_planned_start", start.isoformat())
        page.fill("#id_planned_end", end.isoformat())
        page.locator("main form button[type=submit]:not([name=refresh])").click()
        expect(page).to_have_url(re.compile(r"/plan/#action-\d+$"))
        action = PlanAction.objects.get(plan=plan, service=service)
        expect(page.locator(f"#action-{action.pk}")).to_contain_text(offering.organisation.name)
    assert {(a.provider_id, a.offering_id) for a in plan.actions.all()} == {
        (w.partner_org.pk, w.mediation_offering.pk), (w.labour_org.pk, w.traineeship_offering.pk)}
    _shot(page, "6_plan_draft")
    page.locator(f"main a[href='/cases/{case.pk}/plan/agreement/']").click()
    page.fill("#id_agreed_on", today.isoformat())
    page.select_option("#id_language", str(Language.objects.get(code="it").pk))
    page.set_input_files("#id_signed_file", str(w.pdf))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/cases/{case.pk}/plan/")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED and plan.agreed_on == today and plan.signed_document is not None
    assert _status_of(case.pk) == CaseStatus.PLAN_ACTIVE
    _shot(page, "6_plan_agreed")

    # A restricted note for the case team.
    page.locator(f"main a[href='/cases/{case.pk}/']").first.click()  # the breadcrumbs
    page.fill("#id_text", RESTRICTED_NOTE)
    _choose(page, "#id_restricted")
    page.locator(f"form[action='/cases/{case.pk}/notes/'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(RESTRICTED_NOTE)

    # 7. Interventions: a welcome interview, then a joint one (social and labour experts).
    page.locator(f"main a[href='/cases/{case.pk}/']").first.click()
    page.locator(f"main a[href='/cases/{case.pk}/interventions/']").first.click()
    for kind, joint in (("welcome_interview", False), ("orientation_interview", True)):
        page.locator(f"main a[href='/cases/{case.pk}/interventions/new/']").click()
        page.select_option("#id_kind", kind)
        page.fill("#id_duration_minutes", "45")
        if joint:
            _choose(page, f"input[name=operators][value='{w.users['labour_expert'].pk}']")
            _choose(page, "#id_joint")
            page.select_option("#id_plan_action", str(plan.actions.get(service=w.traineeship).pk))
            page.fill("#id_notes", RESTRICTED_INTERVENTION)
            _choose(page, "#id_notes_restricted")
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(f"{base}/cases/{case.pk}/interventions/")
    joint = Intervention.objects.get(case=case, joint=True)
    assert Intervention.objects.filter(case=case).count() == 2 and joint.notes_restricted
    assert set(joint.operators.values_list("username", flat=True)) == {"social_expert_a", "labour_expert_a"}
    expect(page.locator(f"#intervention-{joint.pk}")).to_contain_text(RESTRICTED_INTERVENTION)

    # 8. A review of the plan.
    page.locator(f"main a[href='/cases/{case.pk}/']").first.click()
    page.locator(f"main a[href='/cases/{case.pk}/plan/']").first.click()
    page.locator(f"main a[href='/cases/{case.pk}/plan/reviews/new/']").first.click()
    page.fill("#id_notes", "Frequenta la mediazione; tirocinio in partenza.")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/cases/{case.pk}/plan/#reviews")
    assert plan.reviews.count() == 1
    _sign_out(page, base)

    # 10. Before the closure, while both actions are planned (an action done no longer shares the
    # person: checked at the end of this step): the partner operator of the mediation provider
    # sees the case number, the status and their own action — nothing else.
    partner_context = browser.new_context()
    partner = _watch(partner_context.new_page(), problems)
    _sign_in(partner, base, "partner_operator_a")
    partner.locator("#main-menu-casework").click()
    partner.locator("nav a[href='/cases/']").click()
    partner.locator(f"main a[href='/cases/{case.pk}/']").click()
    main = partner.locator("main")
    expect(main).to_contain_text(case.number)
    with translation.override(w.users["partner_operator"].preferred_language):
        expect(main.locator("h1 ~ [data-status]")).to_have_text(str(CaseStatus.PLAN_ACTIVE.label))
    expect(main).to_contain_text(w.mediation.label)
    expect(main).to_contain_text(w.partner_org.name)
    _shot(partner, "10_partner_case")
    hidden_from_partner = (w.labour_org.name, w.traineeship.label, RESTRICTED_NOTE, RESTRICTED_INTERVENTION,
                           TAX_CODE, "Mensah", plan.signed_document.title, "Dott.ssa Bianchi")
    for hidden in hidden_from_partner:
        expect(main).not_to_contain_text(hidden)
    expect(partner.locator("main a[href*='/documents/']")).to_have_count(0)
    partner.locator("#shared-plan-link").click()
    expect(partner).to_have_url(f"{base}/cases/{case.pk}/plan/")
    expect(main).to_contain_text(w.mediation.label)
    for hidden in hidden_from_partner:
        expect(main).not_to_contain_text(hidden)
    assert _status_code(partner_context, f"{base}/cases/person/{w.person_b.pk}/") == 404
    assert _status_code(partner_context, f"{base}/cases/person/{person.pk}/") == 404  # shared views only
    assert _status_code(partner_context, f"{base}/cases/{case.pk}/interventions/") == 404
    assert _status_code(partner_context, f"{base}/cases/person/{person.pk}/documents/") == 404
    assert _status_code(partner_context, f"{base}/cases/{case.pk}/notes/") == 404
    # The partner reports their action done: from then on the person is no longer shared with them.
    mediation_action = plan.actions.get(service=w.mediation)
    partner.locator(f"main a[href='/cases/{case.pk}/plan/actions/{mediation_action.pk}/status/']").click()
    partner.select_option("#id_status", "done")
    partner.fill("#id_outcome_note", "Dieci incontri di mediazione svolti.")
    partner.locator("main form button[type=submit]").click()
    expect(partner).to_have_url(f"{base}/cases/work/")
    expect(partner.locator(f"main a[href='/cases/{case.pk}/']")).to_have_count(0)
    mediation_action.refresh_from_db()
    assert (mediation_action.status, mediation_action.outcome_note) == ("done", "Dieci incontri di mediazione svolti.")
    assert _status_code(partner_context, f"{base}/cases/{case.pk}/") == 404
    partner_context.close()

    # 9. The closure with its outcome, every goal evaluated; the timeline tells the story in order.
    _sign_in(page, base, "social_expert_a")
    page.locator(f"main a[href='/cases/{case.pk}/']").first.click()  # My work: the cases I manage
    page.locator(f"main a[href='/cases/{case.pk}/close/']").click()
    page.select_option("#id_reason", ClosureReason.EMPLOYED)
    page.fill("#id_outcome", "Assunto con contratto regolare dopo il tirocinio.")
    _choose(page, f"input[name=goal_{goals['language'].pk}][value=partly]")
    _choose(page, f"input[name=goal_{goals['work'].pk}][value=achieved]")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/cases/{case.pk}/")
    expect(page.locator("main h1 ~ [data-status]")).to_have_attribute("data-status", CaseStatus.CLOSED)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closure_reason == ClosureReason.EMPLOYED
    assert dict(plan.goals.values_list("area", "evaluation")) == {"language": "partly", "work": "achieved"}

    page.locator(f"main a[href='/cases/{case.pk}/timeline/']").first.click()
    kinds = page.locator("main ol [data-kind]").evaluate_all("(items) => items.map((item) => item.dataset.kind)")
    assert kinds == list(CaseEvent.objects.filter(case=case).order_by("occurred_at", "id")
                         .values_list("kind", flat=True))
    milestones = [CaseEventKind.OPENED, CaseEventKind.REFERRAL, CaseEventKind.INTAKE_DECISION, CaseEventKind.PLAN,
                  CaseEventKind.INTERVENTION, CaseEventKind.REVIEW, CaseEventKind.CLOSED]
    positions = [kinds.index(kind) for kind in milestones]
    assert positions == sorted(positions), kinds
    assert kinds[-1] == CaseEventKind.CLOSED
    _shot(page, "9_timeline")
    assert problems == []
