"""The synthetic dataset (``manage.py generate_dataset``): reproducible,
consistent along the journey, safe next to real records."""

import datetime
import io
import unicodedata

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from pua.cases.dataset import STAFF_PREFIX, STAGES, dataset_generate
from pua.cases.models import (
    ACTIVE_ACTION_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseStatus,
    ClosureReason,
    Consent,
    ConsentPurpose,
    Contact,
    EligibilityCriterion,
    IntakeDecision,
    IntakeOutcome,
    PlanAction,
    PlanGoal,
    PlanStatus,
    PlanVersion,
    PrivacyNoticeDelivery,
    Referral,
    ReferralDirection,
    Task,
)
from pua.cases.tests.factories import ContactFactory
from pua.network import demo
from pua.network.models import AccessPoint, Membership, Organisation, Role
from pua.people.models import (
    VICTIM_PERMIT_KINDS,
    CaseNumberCounter,
    Citizenship,
    LegalStatus,
    Person,
    ResidencePermit,
)
from pua.people.services import person_create

S = CaseStatus


@pytest.fixture
def dataset(world):
    """200 persons at access point A (a PUA: mostly migrant workers)."""
    return dataset_generate(persons=200, seed=3, access_point=world.ap_a)


def _fingerprint(access_point) -> list[tuple]:
    return list(Case.objects.filter(access_point=access_point).order_by("number").values_list(
        "number", "person__first_name", "person__last_name", "status", "closure_reason", "opened_at", "closed_at"))


def _latin(text: str) -> bool:
    return all(ch in " '-." or "LATIN" in unicodedata.name(ch, "") for ch in text)


# --- reproducible ----------------------------------------------------------------------------------


def test_it_gives_the_same_data_for_the_same_seed(world):
    with transaction.atomic():
        dataset_generate(persons=40, seed=11, access_point=world.ap_a)
        first = _fingerprint(world.ap_a)
        first_events = CaseEvent.objects.count()
        transaction.set_rollback(True)
    assert not Case.objects.exists()

    dataset_generate(persons=40, seed=11, access_point=world.ap_a)

    assert len(first) == 40
    assert _fingerprint(world.ap_a) == first
    assert CaseEvent.objects.count() == first_events


def test_it_gives_other_data_for_another_seed(world):
    with transaction.atomic():
        dataset_generate(persons=40, seed=11, access_point=world.ap_a)
        first = _fingerprint(world.ap_a)
        transaction.set_rollback(True)

    dataset_generate(persons=40, seed=12, access_point=world.ap_a)
    second = _fingerprint(world.ap_a)

    assert [row[1:3] for row in second] != [row[1:3] for row in first]
    assert [row[3] for row in second] != [row[3] for row in first]


# --- the funnel ---------------------------------------------------------------------------------------


def test_it_follows_a_plausible_funnel(dataset):
    reached = [dataset.reached[stage] for stage in STAGES[:-1]]
    assert reached[0] == 200
    assert reached == sorted(reached, reverse=True)
    # contact → ~70% screening → ~50% taken in charge → ~40% plan → ~25% follow-up
    for stage, (low, high) in zip(STAGES[1:5], [(0.6, 0.82), (0.4, 0.62), (0.3, 0.5), (0.15, 0.35)], strict=True):
        assert low <= dataset.reached[stage] / 200 <= high, stage
    counts = {status: Case.objects.filter(status=status).count() for status in S.values}
    assert counts == {status: dataset.statuses[status] for status in S.values}
    assert all(counts[status] for status in OPEN_STATUSES)  # an active caseload at every stage
    positive = Case.objects.filter(closure_reason__in=[ClosureReason.EMERGED, ClosureReason.EMPLOYED,
                                                       ClosureReason.IN_TRAINING])
    assert positive.count() >= 20


def test_it_closes_cases_with_a_reason_an_outcome_and_evaluated_goals(dataset):
    closed = Case.objects.filter(status=S.CLOSED)
    assert closed.exists()
    assert not closed.filter(closure_reason="").exists()
    assert not closed.filter(closed_at__isnull=True).exists()
    assert not Case.objects.exclude(status=S.CLOSED).exclude(closure_reason="").exists()
    assert not Case.objects.exclude(status=S.CLOSED).filter(closed_at__isnull=False).exists()
    assert not PlanGoal.objects.filter(plan__case__status=S.CLOSED, evaluation="").exists()
    assert PlanGoal.objects.filter(plan__case__status=S.CLOSED).exists()
    assert not PlanAction.objects.filter(plan__case__status=S.CLOSED, status__in=ACTIVE_ACTION_STATUSES).exists()
    for case in closed.filter(closure_reason=ClosureReason.NOT_ELIGIBLE):
        assert case.intake_decisions.get().outcome == IntakeOutcome.NOT_ELIGIBLE


def test_it_takes_in_charge_with_a_decision_and_plans_after_it(dataset, world):
    past_intake = Case.objects.filter(events__data__to=S.TAKEN_IN_CHARGE).distinct()
    assert past_intake.exists()
    for case in past_intake.prefetch_related("intake_decisions"):
        decisions = [d.outcome for d in case.intake_decisions.all()]
        assert decisions == [IntakeOutcome.ELIGIBLE]
        assert case.case_manager_id is not None
        assert case.team.filter(user_id=case.case_manager_id, role="case_manager").exists()
    criteria = EligibilityCriterion.objects.filter(access_point=world.ap_a).count()
    assert criteria >= 3
    assert all(d.checks.count() == criteria for d in IntakeDecision.objects.all())
    for status in (S.PLAN_ACTIVE, S.FOLLOW_UP):
        cases = Case.objects.filter(status=status)
        assert cases.exists()
        assert not cases.exclude(plan__status=PlanStatus.AGREED).exists(), status
    assert not Case.objects.filter(status__in=[S.CONTACT, S.SCREENING], plan__isnull=False).exists()
    network = set(Organisation.objects.filter(access_points=world.ap_a).values_list("pk", flat=True))
    assert set(PlanAction.objects.values_list("provider_id", flat=True)) <= network
    assert PlanVersion.objects.count() == Case.objects.filter(plan__isnull=False).count()
    today = timezone.localdate()
    open_plans = Case.objects.filter(status__in=[S.PLAN_ACTIVE, S.FOLLOW_UP])
    assert open_plans.filter(plan__next_review_due__lt=today).exists()  # some reviews are overdue
    assert open_plans.filter(plan__next_review_due__gte=today).exists()


def test_it_writes_a_timeline_in_order_that_matches_the_case(dataset):
    names = {n for p in Person.objects.all() for n in (p.first_name, p.last_name) if len(n) > 3}
    events_by_case = {}
    for event in CaseEvent.objects.order_by("case_id", "id"):
        events_by_case.setdefault(event.case_id, []).append(event)
    for case in Case.objects.all():
        events = events_by_case[case.pk]
        assert events[0].kind == CaseEventKind.OPENED
        assert events[0].occurred_at == case.opened_at
        times = [e.occurred_at for e in events]
        assert times == sorted(times), case.number
        assert times[-1] < timezone.now()
        status = S.CONTACT
        last_change = case.opened_at
        for event in events:
            if event.kind in (CaseEventKind.STATUS_CHANGED, CaseEventKind.CLOSED):
                assert event.data["from"] == status
                status, last_change = event.data["to"], event.occurred_at
        assert status == case.status
        assert last_change == case.status_changed_at
        if case.closed_at:
            assert case.closed_at == last_change
    assert not any(name in e.summary for e in CaseEvent.objects.all() for name in names)
    restricted = CaseEvent.objects.filter(restricted=True)
    assert restricted.exists()
    assert set(restricted.values_list("kind", flat=True)) <= {CaseEventKind.INTERVENTION, CaseEventKind.NOTE}


# --- who the persons are -------------------------------------------------------------------------------


def test_it_registers_people_consistent_with_their_citizenship(dataset):
    today = timezone.localdate()
    countries = dict(Citizenship.objects.values_list("person_id", "country"))
    assert len(set(countries.values())) >= 8
    for person in Person.objects.all():
        country = countries[person.pk]
        assert (person.legal_status == LegalStatus.ITALIAN_CITIZEN) == (country == "IT")
        assert (person.legal_status == LegalStatus.EU_CITIZEN) == (country == "RO")
        assert person.first_name or person.last_name or person.aliases.exists()
        assert _latin(person.first_name + person.last_name), person.case_number
        assert today - datetime.timedelta(days=735) <= person.created_at.date() <= today
    victims = ResidencePermit.objects.filter(kind__in=VICTIM_PERMIT_KINDS)
    assert victims.exists()
    assert not victims.exclude(person__target_groups__code__in=["exploitation_victim", "trafficking_victim"]).exists()
    assert not ResidencePermit.objects.filter(issued_on__gt=today).exists()
    assert not ResidencePermit.objects.filter(person__legal_status__in=[
        LegalStatus.ITALIAN_CITIZEN, LegalStatus.EU_CITIZEN]).exists()
    expiring = ResidencePermit.objects.filter(is_current=True, expires_on__range=(
        today, today + datetime.timedelta(days=60)))
    assert expiring.exists()
    assert Person.objects.filter(aliases__isnull=False).exists()
    assert Person.objects.filter(target_groups__code="exploitation_victim").count() > 40


def test_it_draws_mostly_italians_at_a_placement_unit(world):
    dataset_generate(persons=100, seed=5, access_point=world.ap_b)

    italians = Citizenship.objects.filter(country="IT").count()
    assert italians >= 65
    assert Person.objects.filter(target_groups__code__in=["addiction", "ex_detainee", "disability"]).count() >= 60
    assert not Case.objects.filter(closure_reason=ClosureReason.EMERGED, person__citizenships__country="IT").exists()


def test_it_records_contacts_consents_and_referrals(dataset, world):
    anonymous = Contact.objects.filter(person__isnull=True)
    assert anonymous.exists()
    assert set(anonymous.values_list("gender", flat=True)) <= {"female", "male"}  # the contact form's codes
    assert Contact.objects.values("channel").distinct().count() >= 5
    assert not Person.objects.filter(contacts__isnull=True).exists()
    persons = Person.objects.count()
    assert Consent.objects.filter(purpose=ConsentPurpose.CASE_MANAGEMENT).count() == persons
    assert PrivacyNoticeDelivery.objects.count() == persons
    sharing = Consent.objects.filter(purpose=ConsentPurpose.SHARING)
    network = set(Organisation.objects.filter(access_points=world.ap_a).values_list("pk", flat=True))
    assert set(sharing.values_list("organisation_id", flat=True)) <= network
    assert max(sharing.order_by().values("person").annotate(n=Count("id")).values_list("n", flat=True)) <= 2
    assert Consent.objects.filter(withdrawn_at__isnull=False).exists()
    inbound = Referral.objects.filter(direction=ReferralDirection.INBOUND)
    assert inbound.exists()
    assert Referral.objects.filter(direction=ReferralDirection.OUTBOUND).exists()
    assert Task.objects.filter(done_at__isnull=True, due_at__lt=timezone.now()).exists()  # overdue
    assert Task.objects.filter(kind="appointment", due_at__gt=timezone.now()).exists()


# --- next to real records ---------------------------------------------------------------------------------


def test_it_takes_case_numbers_from_the_counter(world):
    director = world.users[Role.DIRECTOR]
    before = person_create(by=director, access_point=world.ap_a, last_name="Rossi")

    dataset_generate(persons=30, seed=1, access_point=world.ap_a)
    after = person_create(by=director, access_point=world.ap_a, last_name="Bianchi")

    year = timezone.localdate().year
    generated = Person.objects.exclude(pk__in=[before.pk, after.pk]).filter(case_number__startswith=f"P-{year}-")
    assert generated.exists()
    assert before.case_number < min(generated.values_list("case_number", flat=True)) < after.case_number
    assert CaseNumberCounter.objects.get(year=year).last == int(after.case_number.rsplit("-", 1)[1])
    ContactFactory(access_point=world.ap_a, operator=director)  # ids handed out by the generator do not collide
    assert Contact.objects.count() > 30


def test_it_uses_the_access_point_staff_and_adds_what_is_missing(world):
    dataset_generate(persons=20, seed=2, access_point=world.ap_a)
    dataset_generate(persons=20, seed=3, access_point=world.ap_a)  # again: nothing is duplicated

    assert Person.objects.filter(access_point=world.ap_a).count() == 40
    assert Case.objects.filter(created_by=world.users[Role.SOCIAL_EXPERT]).exists()
    added = Membership.objects.filter(user__username__startswith=f"{STAFF_PREFIX}.{world.ap_a.pk}.")
    # world has one user per role; a second social expert, labour expert and outreach operator are added.
    assert sorted(added.values_list("role", flat=True)) == [Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR,
                                                             Role.SOCIAL_EXPERT]
    assert EligibilityCriterion.objects.filter(access_point=world.ap_a).count() == 4
    assert not Person.objects.filter(access_point=world.ap_b).exists()


def test_it_works_on_the_demo_data(db):
    demo.demo_load(with_users=False)

    result = dataset_generate(persons=30, seed=2)

    assert result.access_point.name == demo.PUA_CREMONA
    network = set(Organisation.objects.filter(access_points=result.access_point).values_list("pk", flat=True))
    assert set(PlanAction.objects.values_list("provider_id", flat=True)) <= network
    assert PlanAction.objects.filter(offering__isnull=False).exists()
    assert set(Referral.objects.values_list("organisation_id", flat=True)) <= network


def test_it_creates_a_minimal_access_point_on_an_empty_database(db):
    result = dataset_generate(persons=10, seed=1)

    assert AccessPoint.objects.get() == result.access_point
    roles = set(Membership.objects.filter(access_points=result.access_point).values_list("role", flat=True))
    assert roles == {Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.OUTREACH_OPERATOR}
    assert Organisation.objects.filter(access_points=result.access_point).count() >= 8
    assert Case.objects.count() == 10


def test_it_prints_a_summary_from_the_command(world):
    out = io.StringIO()

    call_command("generate_dataset", "--persons", "20", "--seed", "4", "--access-point", str(world.ap_b.pk), stdout=out)

    text = out.getvalue()
    assert "Generated 20 persons" in text
    assert "people.Person" in text and "cases.CaseEvent" in text
    assert "Case funnel" in text and "taken_in_charge" in text
    assert Person.objects.filter(access_point=world.ap_b).count() == 20


def test_it_takes_the_access_point_by_name(world):
    call_command("generate_dataset", "--persons", "3", "--seed", "5", "--access-point", world.ap_b.name,
                 stdout=io.StringIO())
    assert Person.objects.filter(access_point=world.ap_b).count() == 3
    assert not Person.objects.filter(access_point=world.ap_a).exists()


def test_it_gives_generated_operators_names_no_other_user_has(world):
    call_command("generate_dataset", "--persons", "3", "--seed", "5", "--access-point", str(world.ap_b.pk),
                 stdout=io.StringIO())
    call_command("generate_dataset", "--persons", "3", "--seed", "6", "--access-point", str(world.ap_a.pk),
                 stdout=io.StringIO())
    users = get_user_model().objects
    generated = list(users.filter(username__startswith="dataset.").values_list("first_name", "last_name"))
    others = set(users.exclude(username__startswith="dataset.").values_list("first_name", "last_name"))
    assert len(generated) >= 8
    assert len(set(generated)) == len(generated)
    assert not others & set(generated)


def test_it_refuses_an_unknown_access_point_or_a_negative_count(db):
    with pytest.raises(CommandError, match="No access point"):
        call_command("generate_dataset", "--persons", "5", "--access-point", "999999", stdout=io.StringIO())
    with pytest.raises(CommandError, match="No access point"):
        call_command("generate_dataset", "--persons", "5", "--access-point", "Nowhere", stdout=io.StringIO())
    with pytest.raises(CommandError, match="zero or more"):
        call_command("generate_dataset", "--persons", "-1", stdout=io.StringIO())
    assert not Person.objects.exists()


def test_it_generates_the_demo_persons_only_once(world):
    args = ["generate_dataset", "--persons", "5", "--seed", "3", "--access-point", str(world.ap_b.pk), "--if-empty"]
    call_command(*args, stdout=io.StringIO())
    out = io.StringIO()
    call_command(*args, stdout=out)
    assert "nothing generated" in out.getvalue()
    assert Person.objects.filter(access_point=world.ap_b).count() == 5


def test_it_makes_the_organisations_it_adds_findable_by_name(db):
    from pua.network.models import Organisation
    from pua.network.search_text import search_text

    dataset_generate(persons=2, seed=1)
    added = Organisation.objects.filter(name__endswith="(dati sintetici)")
    assert added.exists()
    assert all(org.search_text == search_text(org.name) for org in added)
