"""Synthetic screening and vulnerability responses added by the dataset
generator (``pua.cases.dataset`` → ``pua.assessments.dataset``)."""

import random

import pytest
from django.db import transaction
from django.utils import translation

from pua.assessments import engine, scoring
from pua.assessments.aggregate_selectors import TOTAL
from pua.assessments.dataset import SECTORS
from pua.assessments.models import AnswerFact, Instrument, Response, ResponseStatus
from pua.assessments.services import form_language
from pua.cases.dataset import dataset_generate
from pua.cases.models import Case, CaseEvent, CaseEventKind, CaseStatus
from pua.core.disclosure import latest_period
from pua.core.models import AuditEntry
from pua.people.models import EmploymentSituation

URL = "/assessments/aggregates/"


@pytest.fixture
def dataset(world):
    return dataset_generate(persons=150, seed=5, access_point=world.ap_a)


def _screenings():
    return Response.objects.filter(instrument_version__instrument__code="exploitation_screening")


def _fingerprint():
    return list(Response.objects.order_by("case__number", "instrument_version__instrument__code").values_list(
        "case__number", "instrument_version__instrument__code", "outcome", "confirmed_outcome", "submitted_at",
        "answers"))


def test_it_screens_a_share_of_the_cases_that_reached_screening(dataset):
    screened_cases = Case.objects.exclude(status=CaseStatus.CONTACT).filter(events__data__to=CaseStatus.SCREENING)
    screened = _screenings()

    assert screened.count() >= 0.4 * screened_cases.distinct().count()
    assert screened.count() <= 0.8 * screened_cases.distinct().count()
    assert not screened.exclude(status=ResponseStatus.SUBMITTED).exists()
    assert set(screened.values_list("case_id", flat=True)) <= set(screened_cases.values_list("id", flat=True))
    for response in screened.select_related("case", "person"):
        assert response.person_id == response.case.person_id
        assert response.access_point_id == response.case.access_point_id
        assert response.case.opened_at < response.started_at <= response.submitted_at
        if response.case.closed_at:
            assert response.submitted_at <= response.case.closed_at
    vulnerability = Response.objects.filter(instrument_version__instrument__code="vulnerability")
    assert 0.2 * screened.count() <= vulnerability.count() <= 0.6 * screened.count()
    assert dataset.counts["assessments.Response"] == Response.objects.count()
    assert dataset.counts["assessments.AnswerFact"] == AnswerFact.objects.count()


def test_it_stores_the_outcome_the_real_rule_gives(dataset):
    responses = list(_screenings().select_related("instrument_version", "rule_set"))
    sample = random.Random(1).sample(responses, min(40, len(responses)))

    for response in sample:
        result = scoring.score(response.instrument_version, response.answers)
        assert result.outcome == response.outcome
        assert response.score == result.as_json()
        assert response.rule_set_id == result.rule_set.pk
    outcomes = {r.outcome for r in responses}
    assert {"no_exploitation_indicators", "exploitation_without_trafficking_indicators"} <= outcomes


def test_it_gives_complete_valid_answers(dataset):
    for response in Response.objects.select_related("instrument_version")[:60]:
        definition = response.instrument_version.definition
        with translation.override("en"):
            assert engine.validate_all(definition, response.answers, form_language(definition)) == {}
        assert engine.computed(definition, response.answers) == response.answers


def test_it_answers_as_the_persons_story_suggests(dataset):
    exploited = (EmploymentSituation.IN_EXPLOITATION, EmploymentSituation.UNDECLARED_WORK,
                 EmploymentSituation.PARTLY_DECLARED_WORK)

    def yes_share(responses):
        answers = [v for r in responses for k, v in r.answers.items() if k[:3] in ("EX_", "CD_")]
        return sum(v == "yes" for v in answers) / max(len(answers), 1)

    victims = _screenings().filter(person__employment_situation__in=exploited)
    others = _screenings().exclude(person__employment_situation__in=exploited)
    assert victims.exists() and others.exists()
    assert yes_share(victims) > 3 * yes_share(others)
    sectors = [r.answers.get("sector") for r in _screenings()]
    assert set(sectors) - {None} <= set(SECTORS)
    assert sectors.count("A") == max(sectors.count(s) for s in SECTORS)


def test_it_writes_the_facts_response_submit_writes(dataset):
    for response in _screenings().prefetch_related("facts")[:50]:
        facts = {(f.key, f.value) for f in response.facts.all()}
        yes = {(k, "yes") for k, v in response.answers.items() if v == "yes"}
        assert yes <= facts
        assert ("outcome", response.outcome) in facts
        assert ("instrument", "exploitation_screening") in facts
        if "sector" in response.answers:
            assert ("sector", response.answers["sector"]) in facts
        if response.reviewed_at:
            assert ("confirmed_outcome", response.confirmed_outcome) in facts


def test_it_reviews_some_outcomes_and_overrides_few_with_a_reason(world):
    dataset_generate(persons=600, seed=8, access_point=world.ap_a)
    reviewed = _screenings().exclude(reviewed_at=None)

    assert reviewed.exists()
    assert reviewed.count() < _screenings().count() / 2
    for response in reviewed:
        assert response.reviewed_at >= response.submitted_at
        assert bool(response.override_reason) == response.is_overridden
    assert reviewed.filter(override_reason="").count() > 10 * max(reviewed.exclude(override_reason="").count(), 1) \
        or reviewed.exclude(override_reason="").count() <= 0.15 * reviewed.count()


def test_it_puts_the_responses_on_the_case_timeline(dataset):
    for response in Response.objects.select_related("instrument_version__instrument"):
        event = CaseEvent.objects.get(case_id=response.case_id, object_type="response", object_id=response.pk,
                                      data__outcome=response.outcome, data__confirmed_outcome__isnull=True)
        assert event.kind == CaseEventKind.NOTE
        assert event.occurred_at == response.submitted_at
        assert event.restricted == (response.instrument_version.instrument.code == "exploitation_screening")
    assert not AuditEntry.objects.exists()


def test_it_gives_the_same_responses_for_the_same_seed(world):
    with transaction.atomic():
        dataset_generate(persons=60, seed=21, access_point=world.ap_a)
        first = _fingerprint()
        first_facts = AnswerFact.objects.count()
        transaction.set_rollback(True)
    assert not Response.objects.exists()

    dataset_generate(persons=60, seed=21, access_point=world.ap_a)

    assert first
    assert _fingerprint() == first
    assert AnswerFact.objects.count() == first_facts


def test_it_adds_nothing_when_the_instruments_are_not_loaded(world):
    Instrument.objects.filter(code="exploitation_screening").update(is_active=False)

    result = dataset_generate(persons=40, seed=3, access_point=world.ap_a)

    assert result.counts["people.Person"] == 40
    assert not Response.objects.exists()


def test_it_fills_the_aggregates_page_for_a_director(world, login, dataset):
    year = latest_period("year")
    response = login(world.users["director"]).get(URL, {"period": str(year)})

    assert response.status_code == 200
    table = response.context["table"]
    total = next(row for row in table.rows if row.key == "responses").cells[TOTAL]
    in_year = _screenings().filter(submitted_at__date__gte=year.start, submitted_at__date__lt=year.end)
    assert total.count == in_year.count() > 0
