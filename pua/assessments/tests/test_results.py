"""The result page of a scored screening (outcome, explanation, art. 603-bis,
next steps), the confirm/override form and the directors' overrides report."""

import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from pua.assessments import scoring
from pua.assessments.models import (
    AnswerFact,
    Instrument,
    InstrumentVersion,
    Purpose,
    Response,
    ResponseStatus,
    VersionStatus,
)
from pua.assessments.rules import load_rule_sets
from pua.cases.models import CaseEvent, CaseEventKind
from pua.cases.tests.factories import CaseFactory, CaseTeamMemberFactory, PersonFactory
from pua.core.models import AuditAction, AuditEntry
from pua.network.models import Service

PRESUMED = "presumed_trafficking_victim"
EXPLOITATION = "exploitation_without_trafficking_indicators"
NOTHING = "no_exploitation_indicators"
# D1 (one strong + one medium), D4 (one strong + one medium), D5 (two strong): a presumed victim.
PRESUMED_ANSWERS = {"DR_01": "yes", "DR_08": "yes", "EX_01": "yes", "EX_04": "yes", "CD_01": "yes", "CD_02": "yes",
                    "CR_01": "yes", "RV_13": "unknown", "VD_01": "no"}


@pytest.fixture
def screening(world):
    """The screening instrument (read by director and experts, filled by the
    staff), a person at A with a case whose team holds the social expert."""
    get_user_model().objects.update(preferred_language="en")
    load_rule_sets()
    instrument = Instrument.objects.create(
        code="exploitation_screening_test", title="Exploitation screening", purpose=Purpose.EXPLOITATION_SCREENING,
        fill_roles=["director", "social_expert", "labour_expert", "outreach_operator"],
        read_roles=["director", "social_expert", "labour_expert"])
    version = InstrumentVersion.objects.create(
        instrument=instrument, number=1, status=VersionStatus.PUBLISHED, source_name="screening.xlsx", source=b"",
        definition={"form_id": "exploitation_screening", "scoring": "exploitation_adult",
                    "rule_set": "exploitation-adult", "pages": [], "choices": {}})
    person = PersonFactory(access_point=world.ap_a)
    case = CaseFactory(person=person)
    CaseTeamMemberFactory(case=case, user=world.users["social_expert"])
    return {"version": version, "person": person, "case": case}


def scored_response(screening, answers, *, status=ResponseStatus.SUBMITTED, by=None, case=True, **fields):
    """A submitted response scored by the real rule, written directly."""
    version = screening["version"]
    result = scoring.score(version, answers)
    now = timezone.now()
    return Response.objects.create(
        instrument_version=version, access_point=screening["person"].access_point, person=screening["person"],
        case=screening["case"] if case else None, status=status, answers=answers, started_at=now,
        started_by=by or screening["case"].created_by or get_user_model().objects.first(),
        submitted_at=now if status == ResponseStatus.SUBMITTED else None,
        score=result.as_json(), outcome=result.outcome, rule_set=result.rule_set, **fields)


def url(response):
    return reverse("assessments:result_detail", args=[response.pk])


def review_url(response):
    return reverse("assessments:result_review", args=[response.pk])


# --- the result page ------------------------------------------------------------------------

def test_it_shows_the_case_team_the_outcome_its_explanation_and_the_next_steps(world, login, screening):
    response = scored_response(screening, PRESUMED_ANSWERS)
    user = world.users["social_expert"]
    page = login(user).get(url(response))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Presumed victim of trafficking for labour exploitation" in html
    assert "not a legal determination" in html and "800 290 290" in html
    view = page.context["result"]
    dims = {d["code"]: d for d in view["dimensions"]}
    assert dims["D1"]["positive"] and dims["D1"]["met_text"] == "1 strong indicator and 1 medium indicator"
    assert "Positive: the indicators answered Yes include at least 1 strong indicator and 1 medium indicator." in html
    assert [i["code"] for i in dims["D5"]["found"]] == ["CD-01", "CD-02"]
    assert "Confiscation of documents" in html
    assert view["checks"][0]["holds"] and len(view["checks"]) == 1
    steps = view["next_steps"]
    assert [s["service_code"] for s in steps] == ["F2.3.a", "", "F2.4.g", "F2.4.g"]
    assert steps[0]["service"] == Service.objects.get(code="F2.3.a", programme__isnull=True)
    assert steps[0]["area_label"] == "Protection"
    assert f'{reverse("network:offering_search")}?service={steps[0]["service"].pk}' in html
    assert AuditEntry.objects.filter(action=AuditAction.READ, actor=user, object_type="assessments.response",
                                     object_id=str(response.pk)).count() == 1


def test_it_explains_why_a_dimension_is_not_positive(world, login, screening):
    answers = {"CR_01": "yes", "EX_02": "yes", "EX_03": "yes", "RV_01": "yes", "RV_13": "yes", "RV_14": "yes"}
    response = scored_response(screening, answers)
    html = login(world.users["social_expert"]).get(url(response)).content.decode()
    assert "No exploitation indicators" in html
    assert ("Not positive: 1 strong indicator answered Yes. A single strong indicator alone is not enough: "
            "the dimension needs at least 2 strong indicators; or 1 strong indicator and 1 medium indicator;") in html
    assert "Not positive: 2 medium indicators answered Yes, but the dimension needs at least" in html
    assert "Not positive: 1 medium indicator and 2 weak indicators answered Yes" in html
    assert "Not positive: no indicator of this dimension was answered Yes." in html
    assert "no — the dimension is not positive" in html


def test_it_speaks_the_rule_sets_italian_to_italian_users(world, login, screening):
    response = scored_response(screening, PRESUMED_ANSWERS)
    user = world.users["director"]
    user.preferred_language = "it"
    user.save(update_fields=["preferred_language"])
    html = login(user).get(url(response)).content.decode()
    assert "Presunta vittima di tratta a scopo di sfruttamento lavorativo" in html
    assert "Sequestro dei documenti" in html


def test_it_shows_the_art603bis_indices_and_proposes_legal_advice(world, login, screening):
    response = scored_response(screening, {"IT_1": "yes", "IT_2": "unknown", "AG_3": "yes"})
    page = login(world.users["director"]).get(url(response))
    view = page.context["result"]
    assert view["outcome"]["code"] == NOTHING
    assert view["art603bis"]["present"] and [i["code"] for i in view["art603bis"]["indices"]] == ["IT-1"]
    assert [i["code"] for i in view["art603bis"]["aggravating"]] == ["AG-3"]
    assert [(s["service_code"], s["because"]) for s in view["next_steps"]][-2:] == [
        ("F2.4.g", "art603bis_index_present"), ("", "art603bis_index_present")]
    assert "Workers exposed to situations of serious danger" in page.content.decode()


def test_it_shows_only_the_outcome_to_readers_outside_the_case_team(world, login, screening):
    response = scored_response(screening, {**PRESUMED_ANSWERS, "IT_1": "yes"})
    page = login(world.users["labour_expert"]).get(url(response))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Presumed victim of trafficking for labour exploitation" in html
    assert "CD-01" not in html and "Confiscation of documents" not in html and 'id="detail-restricted"' in html
    assert "dimensions" not in page.context["result"] and page.context["form"] is None
    assert all(s["because"] == "outcome" for s in page.context["result"]["next_steps"])
    assert 'id="review"' not in html


def test_it_shows_the_detail_to_the_director_outside_the_case_team(world, login, screening):
    response = scored_response(screening, PRESUMED_ANSWERS)
    page = login(world.users["director"]).get(url(response))
    assert page.status_code == 200 and "Confiscation of documents" in page.content.decode()
    assert page.context["may_review"] is True


@pytest.mark.parametrize("who", ["outreach_operator", "partner_operator", "board_viewer", "regional_coordinator",
                                 "admin", "other_director", "other_worker"])
def test_it_hides_the_result_from_who_may_not_read_it(world, login, screening, who):
    response = scored_response(screening, PRESUMED_ANSWERS)
    user = getattr(world, who) if who.startswith("other") else world.users[who]
    assert login(user).get(url(response)).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditAction.READ, object_type="assessments.response").exists()


def test_it_sends_anonymous_visitors_to_the_login_page(client, screening):
    response = scored_response(screening, PRESUMED_ANSWERS)
    page = client.get(url(response))
    assert page.status_code == 302 and reverse("accounts:login") in page["Location"]
    page = client.post(review_url(response), {"confirmed_outcome": PRESUMED})
    assert page.status_code == 302 and reverse("accounts:login") in page["Location"]


def test_it_has_no_result_for_a_draft(world, login, screening):
    draft = scored_response(screening, PRESUMED_ANSWERS, status=ResponseStatus.DRAFT)
    assert login(world.users["director"]).get(url(draft)).status_code == 404


# --- confirming and overriding ----------------------------------------------------------------

def test_it_confirms_the_computed_outcome_without_a_reason(world, login, screening):
    response = scored_response(screening, PRESUMED_ANSWERS)
    user = world.users["social_expert"]
    page = login(user).post(review_url(response), {"confirmed_outcome": PRESUMED, "reason": ""})
    assert page.status_code == 302 and page["Location"] == url(response)
    response.refresh_from_db()
    assert response.confirmed_outcome == PRESUMED and not response.is_overridden and response.reviewed_by == user
    event = CaseEvent.objects.get(case=screening["case"], kind=CaseEventKind.NOTE)
    assert event.restricted and event.data["confirmed_outcome"] == PRESUMED
    assert AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(response.pk),
                                     changes__overridden=False).exists()
    html = login(user).get(url(response)).content.decode()
    assert "Confirmed by the operator" in html


def test_it_refuses_an_override_without_a_reason(world, login, screening):
    response = scored_response(screening, PRESUMED_ANSWERS)
    page = login(world.users["social_expert"]).post(review_url(response), {"confirmed_outcome": EXPLOITATION,
                                                                          "reason": "  "})
    assert page.status_code == 200
    assert page.context["form"].errors["reason"] == ["Explain why you override the computed outcome."]
    assert "Explain why you override the computed outcome." in page.content.decode()
    response.refresh_from_db()
    assert response.confirmed_outcome == "" and response.reviewed_at is None
    assert not CaseEvent.objects.filter(case=screening["case"]).exists()


def test_it_refuses_an_outcome_the_rules_do_not_know(world, login, screening):
    response = scored_response(screening, PRESUMED_ANSWERS)
    page = login(world.users["social_expert"]).post(review_url(response), {"confirmed_outcome": "victim",
                                                                          "reason": "x"})
    assert page.status_code == 200 and "confirmed_outcome" in page.context["form"].errors
    response.refresh_from_db()
    assert response.confirmed_outcome == ""


def test_it_records_an_override_with_its_reason_and_follows_it_in_the_next_steps(world, login, screening):
    response = scored_response(screening, PRESUMED_ANSWERS)
    user = world.users["social_expert"]
    page = login(user).post(review_url(response), {
        "confirmed_outcome": EXPLOITATION, "reason": "Recruitment facts come from hearsay only."})
    assert page.status_code == 302
    response.refresh_from_db()
    assert response.is_overridden and response.override_reason == "Recruitment facts come from hearsay only."
    assert AnswerFact.objects.filter(response=response, key="confirmed_outcome", value=EXPLOITATION).exists()
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_id=str(response.pk))
    assert entry.changes["overridden"] is True and "hearsay" not in str(entry.changes)
    event = CaseEvent.objects.get(case=screening["case"])
    assert event.restricted and "hearsay" not in event.summary
    page = login(user).get(url(response))
    html = page.content.decode()
    assert "Overridden" in html and "Recruitment facts come from hearsay only." in html
    assert [s["service_code"] for s in page.context["result"]["next_steps"]] == ["F2.4.a", "F2.4.g", "", "F2.5.a"]
    # Readers of the outcome only do not read the reason.
    html = login(world.users["labour_expert"]).get(url(response)).content.decode()
    assert "Overridden" in html and "hearsay" not in html


@pytest.mark.parametrize("who", ["labour_expert", "outreach_operator", "board_viewer", "other_director"])
def test_it_lets_only_the_case_team_and_the_director_review(world, login, screening, who):
    response = scored_response(screening, PRESUMED_ANSWERS)
    user = world.other_director if who == "other_director" else world.users[who]
    page = login(user).post(review_url(response), {"confirmed_outcome": PRESUMED})
    assert page.status_code == (403 if who == "labour_expert" else 404)
    response.refresh_from_db()
    assert response.confirmed_outcome == ""


def test_it_refuses_to_review_with_get(world, login, screening):
    response = scored_response(screening, PRESUMED_ANSWERS)
    assert login(world.users["director"]).get(review_url(response)).status_code == 405


# --- the overrides report --------------------------------------------------------------------

OVERRIDES = reverse("assessments:overrides")


def _overridden(screening, reviewer, *, reviewed_at=None, confirmed=EXPLOITATION):
    return scored_response(screening, PRESUMED_ANSWERS, confirmed_outcome=confirmed, override_reason="r",
                           reviewed_by=reviewer, reviewed_at=reviewed_at or timezone.now())


def test_it_lists_the_overridden_outcomes_to_the_director(world, login, screening):
    reviewer = world.users["social_expert"]
    overridden = _overridden(screening, reviewer)
    _overridden(screening, reviewer, confirmed=PRESUMED)          # confirmed, not overridden
    scored_response(screening, PRESUMED_ANSWERS)                  # not reviewed
    other_person = PersonFactory(access_point=world.ap_b)
    other = Response.objects.create(
        instrument_version=screening["version"], access_point=world.ap_b, person=other_person,
        status=ResponseStatus.SUBMITTED, started_at=timezone.now(), started_by=world.other_director,
        submitted_at=timezone.now(), outcome=PRESUMED, confirmed_outcome=NOTHING, reviewed_at=timezone.now())
    page = login(world.users["director"]).get(OVERRIDES)
    assert page.status_code == 200
    assert [row["response"] for row in page.context["rows"]] == [overridden]
    html = page.content.decode()
    assert url(overridden) in html and url(other) not in html
    assert "Labour exploitation without trafficking indicators" in html
    assert [row["response"] for row in login(world.other_director).get(OVERRIDES).context["rows"]] == [other]


def test_it_filters_the_overrides_by_review_date_and_outcome(world, login, screening):
    reviewer = world.users["social_expert"]
    old = _overridden(screening, reviewer, reviewed_at=timezone.now() - datetime.timedelta(days=40))
    recent = _overridden(screening, reviewer, confirmed=NOTHING)
    client = login(world.users["director"])
    since = (timezone.localdate() - datetime.timedelta(days=10)).isoformat()
    assert [r["response"] for r in client.get(OVERRIDES, {"reviewed_from": since}).context["rows"]] == [recent]
    assert [r["response"] for r in client.get(OVERRIDES, {"outcome": EXPLOITATION}).context["rows"]] == [old]
    page = client.get(OVERRIDES, {"reviewed_from": "2026-05-01", "reviewed_to": "2026-04-01"})
    assert page.context["form"].errors["reviewed_to"] == ["The end date comes before the start date."]


@pytest.mark.parametrize("who", ["social_expert", "labour_expert", "partner_operator", "board_viewer", "admin"])
def test_it_keeps_the_overrides_report_for_directors(world, login, screening, who):
    assert login(world.users[who]).get(OVERRIDES).status_code == 403


def test_it_sends_anonymous_visitors_of_the_report_to_the_login_page(client, db):
    page = client.get(OVERRIDES)
    assert page.status_code == 302 and reverse("accounts:login") in page["Location"]


def test_it_shows_an_empty_report_plainly(world, login, screening):
    page = login(world.users["director"]).get(OVERRIDES)
    assert 'id="no-overrides"' in page.content.decode()


def test_it_reads_the_report_in_a_bounded_number_of_queries(world, login, screening, django_assert_max_num_queries):
    reviewer = world.users["social_expert"]
    client = login(world.users["director"])
    _overridden(screening, reviewer)
    with django_assert_max_num_queries(14):
        assert len(client.get(OVERRIDES).context["rows"]) == 1
    for _ in range(30):
        _overridden(screening, reviewer)
    with django_assert_max_num_queries(14):
        assert len(client.get(OVERRIDES).context["rows"]) == 25


# --- the outcome in force leads the page ------------------------------------------------------

class _Element(HTMLParser):
    """The text of the first element with ``tag`` (and ``id``, when given)."""

    def __init__(self, tag, id=None):
        super().__init__()
        self.tag, self.id, self.depth, self.done, self.parts = tag, id, 0, False, []

    def handle_starttag(self, tag, attrs):
        if tag != self.tag or self.done:
            return
        if self.depth or self.id is None or dict(attrs).get("id") == self.id:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == self.tag and self.depth:
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def element_text(html, tag, id=None) -> str:
    parser = _Element(tag, id)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def test_it_headlines_the_outcome_the_operator_set_with_the_reviewer_and_the_reason(world, login, screening):
    response = scored_response(screening, {"DR_01": "no", "EX_01": "unknown"})
    assert response.outcome == NOTHING
    reviewer = world.users["social_expert"]
    reviewer.first_name, reviewer.last_name = "Giulia", "Ferri"
    reviewer.save(update_fields=["first_name", "last_name"])
    reason = "The person described confiscated documents and debts to the recruiter."
    assert login(reviewer).post(review_url(response), {"confirmed_outcome": PRESUMED, "reason": reason}).status_code \
        == 302

    html = login(world.users["director"]).get(url(response)).content.decode()

    headline = element_text(html, "h1")
    assert "Presumed victim of trafficking for labour exploitation" in headline
    assert "Overridden by the operator" in headline and "No exploitation indicators" not in headline
    status = element_text(html, "div", "review-status")
    assert "Giulia Ferri" in status and reason in status
    computed = element_text(html, "section", "computed")
    assert "No exploitation indicators" in computed
    rule_set = Response.objects.select_related("rule_set").get(pk=response.pk).rule_set
    assert "Computed by the rule set" in computed and f"version {rule_set.version}" in computed
    # The headline comes first, the computed outcome below it.
    assert html.index("<h1") < html.index('id="computed"')


def test_it_headlines_an_unreviewed_computed_outcome_as_not_yet_reviewed(world, login, screening):
    response = scored_response(screening, PRESUMED_ANSWERS)

    html = login(world.users["social_expert"]).get(url(response)).content.decode()

    headline = element_text(html, "h1")
    assert "Presumed victim of trafficking for labour exploitation" in headline and "Not yet reviewed" in headline
    assert "Overridden" not in headline and "Confirmed" not in headline
    assert "Not yet reviewed: this is the outcome computed by the rules" in element_text(html, "div", "review-status")
    assert 'id="no-reviews"' in html


def test_it_lists_every_review_of_the_response_and_of_the_response_it_amends(world, login, screening):
    director, expert = world.users["director"], world.users["social_expert"]
    original = scored_response(screening, PRESUMED_ANSWERS)
    client = login(director)
    client.post(review_url(original), {"confirmed_outcome": PRESUMED})
    client = login(expert)
    client.post(review_url(original), {"confirmed_outcome": EXPLOITATION, "reason": "Hearsay only."})
    amendment = scored_response(screening, {"DR_01": "no"}, amends=original, amendment_reason="Typo.")

    page = login(director).get(url(amendment))
    html = page.content.decode()

    history = page.context["history"]
    assert [(r["response"], r["chosen"]["code"], r["overridden"], r["reason_kept"]) for r in history] == [
        (original, EXPLOITATION, True, True), (original, PRESUMED, False, False)]
    assert [r["by"] for r in history] == [expert.get_full_name(), director.get_full_name()]
    reviews = element_text(html, "section", "review-history")
    assert "Hearsay only." in reviews and f"earlier response #{original.pk}" in reviews
    assert "Confirmed the computed “Presumed victim of trafficking for labour exploitation”" in reviews
    # The amendment itself is not reviewed yet: its computed outcome leads, marked so.
    assert "No exploitation indicators" in element_text(html, "h1")
    assert "Not yet reviewed" in element_text(html, "h1")
    # The original says that a correction replaced it, and offers no review form.
    html = login(director).get(url(original)).content.decode()
    assert 'id="superseded"' in html and url(amendment) in html and 'id="review"' not in html


def test_it_keeps_the_reasons_of_the_reviews_from_readers_of_the_outcome_only(world, login, screening):
    response = scored_response(screening, PRESUMED_ANSWERS)
    login(world.users["social_expert"]).post(review_url(response), {"confirmed_outcome": EXPLOITATION,
                                                                     "reason": "Hearsay only."})

    html = login(world.users["labour_expert"]).get(url(response)).content.decode()

    assert "Labour exploitation without trafficking indicators" in element_text(html, "h1")
    assert "Hearsay" not in html
    assert "Set “Labour exploitation without trafficking indicators” instead of the computed" in html


def test_it_reads_the_result_with_its_history_in_a_bounded_number_of_queries(world, login, screening,
                                                                               django_assert_max_num_queries):
    director = world.users["director"]
    response = scored_response(screening, PRESUMED_ANSWERS)
    client = login(director)
    for outcome in (PRESUMED, EXPLOITATION, NOTHING, PRESUMED):
        client.post(review_url(response), {"confirmed_outcome": outcome, "reason": "Checked again."})
    with django_assert_max_num_queries(20):
        page = client.get(url(response))
    assert len(page.context["history"]) == 4


def test_it_shows_the_outcome_in_force_on_the_response_page(world, login, screening):
    response = scored_response(screening, PRESUMED_ANSWERS)
    login(world.users["social_expert"]).post(review_url(response), {"confirmed_outcome": EXPLOITATION,
                                                                     "reason": "Hearsay only."})

    html = login(world.users["director"]).get(
        reverse("assessments:response_detail", args=[response.pk])).content.decode()

    outcome = element_text(html, "dd", "response-outcome")
    assert outcome.startswith("Labour exploitation without trafficking indicators")
    assert "computed: Presumed victim of trafficking for labour exploitation" in outcome


# --- who opens the overrides report ---------------------------------------------------------------

def test_it_refuses_the_overrides_report_to_administrators_and_opens_it_to_the_director(world, login, screening):
    superuser = get_user_model().objects.create_user(username="root", password="x", is_superuser=True,
                                                     is_staff=True, preferred_language="en")

    assert login(world.users["admin"]).get(OVERRIDES).status_code == 403
    assert login(superuser).get(OVERRIDES).status_code == 403
    assert login(world.users["director"]).get(OVERRIDES).status_code == 200
    assert OVERRIDES in login(world.users["director"]).get(reverse("home")).content.decode()
    assert OVERRIDES not in login(world.users["admin"]).get(reverse("home")).content.decode()
    assert OVERRIDES not in login(superuser).get(reverse("home")).content.decode()


def test_it_marks_an_override_whose_response_a_correction_replaced(world, login, screening):
    overridden = _overridden(screening, world.users["social_expert"])
    scored_response(screening, PRESUMED_ANSWERS, amends=overridden, amendment_reason="Typo.")
    kept = _overridden(screening, world.users["social_expert"])

    page = login(world.users["director"]).get(OVERRIDES)

    rows = {row["response"].pk: row["response"].superseded for row in page.context["rows"]}
    assert rows == {overridden.pk: True, kept.pk: False}
    assert page.content.decode().count("replaced by a correction") == 1
