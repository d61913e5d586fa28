"""Synthetic assessment responses for the synthetic dataset
(``pua.cases.dataset``, ``manage.py generate_dataset``).

The journey generator calls ``responses_generator(builder, seed)`` once and
then the returned function with the cases of each chunk that reached
screening. For about 60% of them it adds a *submitted* exploitation
screening (the shipped ``exploitation_screening`` instrument, its published
version) answered as the person's story suggests — victims and people in
undeclared or exploitative work say "yes" to more indicators of exploitative
conditions (D4) and coercion (D5), sometimes of recruitment and
vulnerability (D1–D3); the others mostly "no" or "unknown" —, in a sector of
the ATECO sections met by the access points (agriculture first, then
construction, logistics, accommodation and food, manufacturing). Each one is
scored with the real ``scoring.score`` and stored like
``services.response_submit`` stores it: answers after ``engine.computed``,
score, outcome, rule set, the ``AnswerFact`` rows of ``services._facts`` and
a note on the case timeline; the case and the person get the screening
flag of its outcome in force (``services.screening_flag``). About a third
are reviewed by a director or case worker (5% of the reviews override the
outcome, with a reason). For
about 40% of the screened cases a vulnerability form is added too, with
severities from the form's own choices.

Rows go through the builder (``builder.add`` / ``builder.event``), so they
are written with the journey's fast path, in its transaction, and the case
events stay in time order. No audit entries: set-up, not someone's action.
When the shipped instruments (or the screening's rule set) are not loaded,
nothing is added. Reproducible: a random generator seeded from the dataset's
seed, separate from the journey's one so that the journeys stay the same.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from django.utils.translation import gettext as _

from pua.cases.models import CaseEventKind
from pua.network.models import Role
from pua.people.models import EmploymentSituation, LegalStatus

from . import engine, scoring
from .access import RESTRICTED_DETAIL_PURPOSES
from .models import AnswerFact, Instrument, Response, ResponseStatus, VersionStatus
from .services import _facts, scoring_outcomes, screening_flag

SCREENING = "exploitation_screening"
VULNERABILITY = "vulnerability"
SCREENED_SHARE = 0.6  # of the cases that reached screening
VULNERABILITY_SHARE = 0.4  # of the screened ones
REVIEWED_SHARE = 0.35
OVERRIDDEN_SHARE = 0.05  # of the reviewed ones
OVERRIDE_REASON = "Rivalutato in équipe dopo il colloquio di approfondimento."
URGENT_NOTES = "Attivata la rete antitratta e la prima accoglienza."

# ATECO sections (weights per 100) and a plausible division of each.
SECTORS = {"A": 42, "F": 18, "H": 14, "I": 12, "C": 9, "G": 3, "N": 2}
DIVISIONS = {"A": ["01"], "F": ["41", "43"], "H": ["49", "52", "53"], "I": ["55", "56"], "C": ["10", "13"],
             "G": ["46", "47"], "N": ["81"]}
UNDECLARED = {EmploymentSituation.UNDECLARED_WORK, EmploymentSituation.PARTLY_DECLARED_WORK,
              EmploymentSituation.IN_EXPLOITATION}
# Chance of "yes" per dimension (page name) for: victims and people in exploitation, other undeclared
# workers, everybody else. D1–D3 (recruitment, coercion at recruitment, vulnerability) only for a share
# of the victims (``TRAFFICKING_SHARE``): the others meet D4–D5 at destination only.
YES = {
    "exploited": {"D1": 0.04, "D2": 0.03, "D3": 0.12, "D4": 0.45, "D5": 0.35, "D6": 0.2, "art603bis": 0.4},
    "trafficked": {"D1": 0.4, "D2": 0.35, "D3": 0.45, "D4": 0.5, "D5": 0.45, "D6": 0.35, "art603bis": 0.45},
    "undeclared": {"D1": 0.01, "D2": 0.01, "D3": 0.05, "D4": 0.12, "D5": 0.05, "D6": 0.03, "art603bis": 0.12},
    "other": {"D1": 0.0, "D2": 0.0, "D3": 0.02, "D4": 0.01, "D5": 0.01, "D6": 0.01, "art603bis": 0.01},
}
TRAFFICKING_SHARE = 0.3
UNKNOWN = {"exploited": 0.1, "trafficked": 0.1, "undeclared": 0.15, "other": 0.08}


class _Instrument:
    """A shipped instrument's published version, what ``response_submit`` reads of it, and its
    indicator fields by page."""

    def __init__(self, version, rule_set=None):
        self.version = version
        self.instrument = version.instrument
        self.definition = version.definition
        self.rule_set = rule_set
        self.last_page = max(len(self.definition.get("pages") or []) - 1, 0)
        self.summary = _("%(title)s submitted") % {"title": self.instrument.title}
        self.restricted = self.instrument.purpose in RESTRICTED_DETAIL_PURPOSES
        self.choices = {name: [c["name"] for c in options]
                        for name, options in (self.definition.get("choices") or {}).items()}
        fields = [f for page in self.definition.get("pages") or [] for f in page.get("fields") or []]
        self.fields = {f["name"] for f in fields}
        # ``engine.computed`` fills calculations and drops the answers to questions that are not relevant.
        # The screening has no calculations and the answers built here only answer relevant questions,
        # so for such a form it would return them unchanged (the tests check it): skipping it saves a
        # quarter of the generation time.
        self.calculates = any(f.get("type") == "calculate" for f in fields)
        self.indicators = {page["name"]: [f["name"] for f in page.get("fields") or []
                                          if f.get("type") == "select_one" and f.get("choices") == "yes_no_unknown"]
                           for page in self.definition.get("pages") or []}


def _published(code: str):
    instrument = Instrument.objects.filter(code=code, is_active=True).first()
    if instrument is None:
        return None
    return (instrument.versions.filter(status=VersionStatus.PUBLISHED).select_related("instrument")
            .order_by("-number").first())


def responses_generator(builder, seed: int) -> Callable[[list], None] | None:
    """The function that adds the responses of one chunk of screened cases
    (``(case, person, facts, t_screen, t_end)`` with the builder's rows and
    times), or None when the screening instrument is not loaded."""
    version = _published(SCREENING)
    if version is None or not version.definition.get("scoring"):
        return None
    code = version.definition.get("rule_set") or ""
    rule_set = scoring.latest_rule_set(code, on=builder.today) if code else None
    if rule_set is None:
        return None
    screening = _Instrument(version, rule_set)
    vulnerability_version = _published(VULNERABILITY)
    vulnerability = _Instrument(vulnerability_version) if vulnerability_version is not None else None
    outcomes = scoring_outcomes(Response(rule_set=rule_set, rule_set_id=rule_set.pk))
    municipalities = {m.pk: m.name for m in builder.municipalities}
    reviewers = builder.staff.get(Role.DIRECTOR) or builder.deciders
    builder.extra_order = [Response, AnswerFact]
    rng = random.Random(f"assessments-{seed}")

    def add_response(kind: _Instrument, case, person, actor, t_start, t_submit, answers, result=None, review=None):
        submitted_at = builder.when(t_submit)
        values = {"score": None, "rule_set_id": None, "outcome": ""}
        if result is not None:
            values = {"score": result.as_json(), "rule_set_id": result.rule_set.pk, "outcome": result.outcome or ""}
        row = builder.add(
            Response, instrument_version_id=kind.version.pk, access_point_id=person.access_point_id,
            person_id=person.id, case_id=case.id, status=ResponseStatus.SUBMITTED, answers=answers,
            current_page=kind.last_page, started_at=builder.when(t_start), started_by_id=actor.pk,
            updated_at=submitted_at, submitted_at=submitted_at, submitted_by_id=actor.pk, **values)
        # The facts exactly as ``response_submit`` writes them, from an unsaved stand-in of the response.
        stand_in = Response(id=row.id, instrument_version=kind.version, outcome=row.outcome)
        for fact in _facts(stand_in, kind.definition, answers):
            builder.add(AnswerFact, response_id=row.id, key=fact.key, value=fact.value)
        builder.event(case, CaseEventKind.NOTE, t_submit, actor, kind.summary,
                      {"response": row.id, "outcome": row.outcome, "title": kind.instrument.title}, row, Response,
                      restricted=kind.restricted, message="response_submitted")
        if review is not None:
            t_review, reviewer, confirmed = review
            overridden = confirmed != row.outcome
            row.update(confirmed_outcome=confirmed, override_reason=OVERRIDE_REASON if overridden else "",
                       reviewed_at=builder.when(t_review), reviewed_by_id=reviewer.pk,
                       updated_at=builder.when(t_review))
            builder.add(AnswerFact, response_id=row.id, key="confirmed_outcome", value=confirmed)
            builder.event(case, CaseEventKind.NOTE, t_review, reviewer,
                          _("Computed outcome overridden") if overridden else _("Computed outcome confirmed"),
                          {"response": row.id, "outcome": row.outcome, "confirmed_outcome": confirmed}, row,
                          Response, restricted=True, message="outcome_overridden" if overridden else "outcome_confirmed")
        if kind is screening:
            # The case's only screening, and the person's only case: both carry its flag.
            case.screening_flag = person.screening_flag = screening_flag(row.confirmed_outcome or row.outcome)
        return row

    def generate(screened: list) -> None:
        for case, person, facts, t_screen, t_end in screened:
            if rng.random() >= SCREENED_SHARE:
                continue
            actor = facts["opener"]
            span = max(min(t_end, builder.t_today) - t_screen, 0.02)
            t_start = t_screen + min(rng.uniform(0.06, 15), span * 0.5)
            t_submit = t_start + min(rng.uniform(0.01, 0.08), span * 0.1)
            day = builder.date(t_submit)
            profile = _profile(rng, facts, person)
            answers = _screening_answers(rng, screening, profile, person, municipalities)
            if screening.calculates:
                answers = engine.computed(screening.definition, answers, today=day)
            result = scoring.score(screening.version, answers, rule_set=screening.rule_set)
            review = None
            if result.outcome and rng.random() < REVIEWED_SHARE:
                t_review = t_submit + min(rng.uniform(0.2, 10), (t_screen + span - t_submit) * 0.9)
                confirmed = result.outcome
                others = [o for o in outcomes if o != result.outcome]
                if others and rng.random() < OVERRIDDEN_SHARE:
                    confirmed = rng.choice(others)
                review = (t_review, rng.choice(reviewers), confirmed)
            add_response(screening, case, person, actor, t_start, t_submit, answers, result, review)
            if vulnerability is not None and rng.random() < VULNERABILITY_SHARE:
                t_vstart = t_submit + min(rng.uniform(0.01, 5), (t_screen + span - t_submit) * 0.5)
                t_vsubmit = t_vstart + min(0.05, (t_screen + span - t_vstart) * 0.1)
                vday = builder.date(t_vsubmit)
                answers = _vulnerability_answers(rng, vulnerability, profile, facts, person, vday)
                add_response(vulnerability, case, person, actor, t_vstart, t_vsubmit, answers)

    return generate


def _profile(rng: random.Random, facts: dict, person) -> str:
    if facts["victim"] or person.employment_situation == EmploymentSituation.IN_EXPLOITATION:
        return "trafficked" if rng.random() < TRAFFICKING_SHARE else "exploited"
    if person.employment_situation in UNDECLARED:
        return "undeclared"
    return "other"


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _screening_answers(rng, screening: _Instrument, profile: str, person, municipalities: dict) -> dict:
    answers: dict[str, str] = {"info_source": "person" if rng.random() < 0.6 else "person operator"}
    sector = _weighted(rng, SECTORS)
    if sector in screening.choices.get("ateco_sections", ()):
        answers["sector"] = sector
        if rng.random() < 0.7:
            answers["sector_division"] = rng.choice(DIVISIONS[sector])
    municipality = municipalities.get(person.domicile_municipality_id or person.residence_municipality_id)
    if municipality:
        answers["municipality"] = municipality
    if rng.random() < 0.8:
        answers["coworkers"] = str(rng.choice([0, 2, 3, 5, 8, 10, 15, 20, 30, 50]))
    yes, unknown = YES[profile], UNKNOWN[profile]
    for page, fields in screening.indicators.items():
        p_yes = yes.get(page, 0.0)
        for name in fields:
            roll = rng.random()
            if roll < p_yes:
                answers[name] = "yes"
                if f"{name}_source" in screening.fields:
                    answers[f"{name}_source"] = "person" if rng.random() < 0.7 else "person operator"
            else:
                answers[name] = "unknown" if roll < p_yes + unknown else "no"
    return answers


_CITIZENSHIP = {LegalStatus.ITALIAN_CITIZEN: "italian", LegalStatus.EU_CITIZEN: "eu",
                LegalStatus.REGULAR_PERMIT: "non_eu_permit", LegalStatus.PERMIT_APPLICATION_PENDING: "non_eu_permit",
                LegalStatus.ASYLUM_SEEKER: "asylum_seeker", LegalStatus.IRREGULAR: "non_eu_no_permit"}


def _vulnerability_answers(rng, form: _Instrument, profile: str, facts: dict, person, day: datetime.date) -> dict:
    """A complete, valid vulnerability form (the form's choices only), calculations computed."""
    hard = profile in ("exploited", "trafficked")

    def severity(high: bool) -> str:
        return _weighted(rng, {"0": 10, "1": 30, "2": 40, "3": 20} if high else {"0": 45, "1": 35, "2": 15, "3": 5})

    def pick(list_name: str, weights: dict) -> str:
        names = form.choices.get(list_name, [])
        weights = {k: w for k, w in weights.items() if k in names}
        return _weighted(rng, weights) if weights else (names[0] if names else "")

    a: dict[str, str] = {
        "privacy_informed": "yes", "interview_date": day.isoformat(),
        "interview_setting": pick("setting", {"desk": 50, "street_unit": 20, "drop_in": 15, "partner_site": 10,
                                              "phone": 5}),
        "mediator_present": "yes" if facts["italian_low"] and rng.random() < 0.6 else "no",
    }
    a["housing_situation"] = pick("housing_situation", {
        "employer_housing": 30, "informal_settlement": 20, "no_contract": 25, "guest": 20, "street": 5} if hard else {
        "rented": 35, "guest": 25, "reception_centre": 15, "shelter": 10, "owned": 5, "no_contract": 10})
    if a["housing_situation"] == "employer_housing":
        a["housing_from_employer_paid"] = pick("yes_no_unknown", {"yes": 70, "no": 20, "unknown": 10})
    if a["housing_situation"] != "street":
        a["housing_problems"] = "overcrowded unsafe" if hard and rng.random() < 0.5 else pick(
            "housing_problems", {"none": 50, "overcrowded": 25, "far": 15, "arrears": 10})
    a["housing_severity"] = severity(hard or a["housing_situation"] in ("street", "shelter"))
    a["health_registration"] = pick("health_registration", {"gp": 50, "stp_eni": 20, "no": 25, "unknown": 5})
    a["health_conditions"] = pick("health_conditions", {"none": 70, "chronic": 12, "work_injury": 10 if hard else 2,
                                                        "mental_health": 8})
    a["health_severity"] = severity(a["health_conditions"] != "none")
    a["citizenship_status"] = _CITIZENSHIP.get(person.legal_status, "unknown")
    if a["citizenship_status"] == "non_eu_permit":
        a["permit_type"] = pick("permit_type", {"art18": 40, "art18ter": 20, "special_protection": 20, "work": 20}
                                if hard else {"work": 45, "family": 20, "international_protection": 20,
                                              "renewal_pending": 15})
    a["id_document"] = pick("id_document", {"yes": 70, "held_by_others": 20, "no": 10} if hard else
                            {"yes": 90, "no": 10})
    a["has_tax_code"] = "yes" if rng.random() < 0.8 else "no"
    a["documents_severity"] = severity(hard or a["citizenship_status"] in ("non_eu_no_permit", "unknown"))
    a["italian_level"] = pick("cefr", {"none": 30, "pre_a1": 30, "a1": 40} if facts["italian_low"] else
                              {"a2": 30, "b1": 30, "b2": 10, "native": 30})
    a["language_severity"] = severity(facts["italian_low"])
    undeclared = person.employment_situation in UNDECLARED
    a["income_sources"] = "irregular_work" if undeclared else pick(
        "income_sources", {"regular_work": 20, "benefits": 30, "family": 25, "charity": 10, "none": 15})
    a["has_debts"] = pick("yes_no_unknown", {"yes": 50, "no": 40, "unknown": 10} if hard else
                          {"yes": 20, "no": 70, "unknown": 10})
    if a["has_debts"] == "yes":
        a["creditors"] = pick("creditors", {"recruiter_employer": 60, "family_friends": 20, "private_lender": 20}
                              if hard else {"landlord_utilities": 40, "family_friends": 35, "bank": 25})
        a["debt_amount"] = str(rng.choice([300, 800, 1500, 3000, 6000, 12000]))
    a["debts_severity"] = severity(a["has_debts"] == "yes")
    a["household"] = pick("household", {"alone": 45, "others": 25, "partner_children": 15, "single_parent": 5,
                                        "facility": 10})
    a["dependent_children"] = str(rng.choice([0, 0, 0, 1, 2, 3]))
    a["supports_family_abroad"] = "yes" if not facts["inclusion"] and rng.random() < 0.6 else "no"
    a["family_severity"] = severity(a["household"] == "single_parent")
    addiction = facts["inclusion"] and rng.random() < 0.4
    a["addiction_types"] = pick("addiction_types", {"alcohol": 40, "drugs": 50, "gambling": 10}) if addiction \
        else "none"
    if addiction:
        a["addiction_service"] = pick("addiction_service", {"serd": 60, "community": 20, "completed": 20})
        if a["addiction_service"] in ("serd", "community"):
            a["addiction_service_name"] = "SerD del distretto" if a["addiction_service"] == "serd" \
                else "Comunità terapeutica"
    a["addiction_severity"] = severity(addiction)
    a["justice_status"] = pick("justice_status", {"none": 85, "past": 10, "no_answer": 5})
    a["justice_severity"] = severity(False) if a["justice_status"] == "none" else "1"
    a["exploitation_signals"] = pick("yes_no_unknown", {"yes": 70, "unknown": 20, "no": 10} if hard else
                                     {"no": 80, "unknown": 15, "yes": 5})
    areas = [area for area in ("housing", "health", "documents", "language", "debts", "family", "addiction",
                               "justice") if a.get(f"{area}_severity") in ("2", "3")]
    if areas:
        a["priority_areas"] = " ".join(area for area in form.choices.get("area", []) if area in areas[:3])
    a = engine.computed(form.definition, a, today=day)
    if a.get("vulnerability_level") == "high":
        urgent = hard and rng.random() < 0.6
        a["urgent_action"] = "yes" if urgent else "no"
        if urgent:
            a["urgent_action_notes"] = URGENT_NOTES
        a = engine.computed(form.definition, a, today=day)
    return a
