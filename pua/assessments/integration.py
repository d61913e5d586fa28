"""What the case pages show of the assessments, and the plan steps a
screening proposes.

``pua.cases`` comes before this app and never imports it: its pages look
the panels up by name in ``settings.CASE_PAGE_PANELS`` and
``settings.PERSON_PAGE_PANELS``. Each panel function takes the request and
the case (or the person) and returns ``{"template": ..., "context": {...}}``,
or None when it has nothing for this user.

The case panel
    At the screening step (case "contact" or "screening") it offers the
    labour-exploitation screening and the vulnerability form to those who
    may fill them in; it lists the case's responses with their outcome (to
    those who read it) and, for the current scored response, the plan steps
    its outcome proposes (``proposals``), each with "Add to the plan".

The person panel
    The latest result of each instrument (instrument, date, outcome) for
    those with ``assessments.view_response``; the link to the detail only for
    those with ``assessments.view_response_detail``.

Proposals
    A rule set's ``next_steps`` map an outcome (and ``art603bis_index_present``)
    to catalogue services, each with the goal area it serves and a goal
    description in several languages. Only steps naming a catalogue service
    become proposals: they are what a plan action can hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.utils.translation import get_language

from pua.cases.models import ACTIVE_ACTION_STATUSES, OPEN_STATUSES, CaseStatus, GoalArea, Plan, PlanAction
from pua.cases.plan_services import PLAN_CASE_STATUSES
from pua.network.access import visible_offerings
from pua.network.models import Offering, Organisation

from . import selectors
from .access import detail_condition, visible_responses
from .models import Response, ResponseStatus
from .rules import ART603BIS_STEP

# The instruments offered on the case page at the screening step, in this order.
SCREENING_INSTRUMENT_CODES = ("exploitation_screening", "vulnerability")
SCREENING_CASE_STATUSES = (CaseStatus.CONTACT, CaseStatus.SCREENING)
LATEST_RESPONSES = 10
LATEST_RESULTS = 20


def _language() -> str:
    return (get_language() or "it").split("-")[0]


def outcome_label(response: Response) -> str:
    """The confirmed (or computed) outcome in the reader's language, from the rule set."""
    return selectors.outcome_label(response, _language())


def effective_outcome(response: Response) -> str:
    """The outcome that counts: the operator's confirmed one, else the computed one."""
    return response.confirmed_outcome or response.outcome


def is_current(response: Response) -> bool:
    """Submitted, and not superseded by a submitted amendment."""
    return selectors.current(Response.objects.filter(pk=response.pk)).exists()


# --- proposals ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Proposal:
    area: str  # a GoalArea value
    description: str  # the goal, in the reader's language
    service_code: str  # a catalogue code, e.g. "F2.3.a"


def _text(labels, language: str) -> str:
    if isinstance(labels, str):
        return labels
    if isinstance(labels, dict):
        return labels.get(language) or labels.get("it") or next(iter(labels.values()), "")
    return ""


def _next_steps(response: Response) -> list[dict]:
    """The rule set's steps for the response's outcome, then those for the
    art. 603-bis indices when one was found."""
    if response.status != ResponseStatus.SUBMITTED or response.rule_set_id is None:
        return []
    data = response.rule_set.data if isinstance(response.rule_set.data, dict) else {}
    next_steps = data.get("next_steps") or {}
    score = response.score.get("data", {}) if isinstance(response.score, dict) else {}
    keys = [effective_outcome(response)]
    if score.get(ART603BIS_STEP):
        keys.append(ART603BIS_STEP)
    return [step for key in keys for step in next_steps.get(key) or () if isinstance(step, dict)]


def proposals(response: Response) -> list[Proposal]:
    """The plan goals and actions the outcome of a submitted, scored response
    proposes, one per catalogue service (steps naming the same service are
    one goal, their descriptions joined)."""
    language = _language()
    found: dict[str, Proposal] = {}
    for step in _next_steps(response):
        code = step.get("service_code")
        if not code:
            continue
        description = _text(step.get("description"), language).strip().rstrip(".")
        area = step.get("area") if step.get("area") in GoalArea.values else GoalArea.SOCIAL
        if code in found:
            earlier = found[code]
            found[code] = Proposal(area=earlier.area, description=f"{earlier.description}; {description}",
                                   service_code=code)
        else:
            found[code] = Proposal(area=area, description=description or code, service_code=code)
    return list(found.values())


def other_steps(response: Response) -> list[str]:
    """Steps without a catalogue service (a phone call, a report): advice, not plan actions."""
    language = _language()
    return [_text(step.get("description"), language) for step in _next_steps(response)
            if not step.get("service_code")]


def proposal_offerings(user, *, case, service_codes) -> QuerySet[Offering]:
    """Active offerings of these services by active organisations of the
    case's access point network, that the user sees in the directory."""
    network = Organisation.objects.in_network_of([case.access_point_id]).filter(is_active=True)
    return (visible_offerings(user).active().filter(service__code__in=list(service_codes), organisation__in=network)
            .select_related("organisation", "service", "site").order_by("service__sort_key", "organisation__name", "id"))


# --- the case panel -------------------------------------------------------------------------------------

def _with_flags(user, responses: QuerySet[Response]) -> QuerySet[Response]:
    """Each response with ``readable`` (the user reads its outcome) and
    ``shows_detail`` (and its answers), in the same query."""
    return responses.annotate(
        readable=ExpressionWrapper(Q(pk__in=visible_responses(user).values("pk")), output_field=BooleanField()),
        shows_detail=ExpressionWrapper(detail_condition(user), output_field=BooleanField()),
    ).select_related("instrument_version__instrument", "rule_set")


def case_responses(user, case) -> list[Response]:
    """The case's responses the user reads, plus the drafts they may continue
    (as the person's list of responses), newest first, each with ``superseded``."""
    responses = selectors.person_responses(user, case.person).filter(case=case)
    return list(_with_flags(user, responses)[:LATEST_RESPONSES])


def screening_offers(user, person) -> list:
    """Published versions of the screening instruments the user may fill in for ``person``."""
    offers = [v for v in selectors.fillable_versions(user, person) if v.instrument.code in SCREENING_INSTRUMENT_CODES]
    return sorted(offers, key=lambda v: SCREENING_INSTRUMENT_CODES.index(v.instrument.code))


def may_fill_any(user, person) -> bool:
    """Is there a published instrument the user may fill in for ``person``?"""
    return bool(selectors.fillable_versions(user, person))


def _proposal_rows(user, case, response: Response) -> list[dict]:
    """Each proposal with the providers to choose from and whether the plan has it already."""
    items = proposals(response)
    if not items:
        return []
    codes = [p.service_code for p in items]
    offerings: dict[str, list[Offering]] = {}
    for offering in proposal_offerings(user, case=case, service_codes=codes):
        offerings.setdefault(offering.service.code, []).append(offering)
    planned = set(PlanAction.objects.filter(plan__case=case, status__in=ACTIVE_ACTION_STATUSES,
                                            service__code__in=codes).values_list("service__code", flat=True))
    return [{"proposal": p, "area_label": GoalArea(p.area).label, "offerings": offerings.get(p.service_code, []),
             "in_plan": p.service_code in planned} for p in items]


def current_scored(responses: list[Response]) -> Response | None:
    """The newest submitted, not superseded, scored response the user reads."""
    return next((r for r in responses if r.status == ResponseStatus.SUBMITTED and not r.superseded
                 and r.rule_set_id is not None and r.readable), None)


def case_panel(request, case) -> dict | None:
    """The assessments block of the case page (staff who see the full case)."""
    user = request.user
    if not user.has_perm("cases.view_case_internal", case):
        return None
    is_open = case.status in OPEN_STATUSES
    offers = screening_offers(user, case.person) if case.status in SCREENING_CASE_STATUSES else []
    fills = is_open and not offers and may_fill_any(user, case.person)
    responses = case_responses(user, case)
    if not (offers or fills or responses):
        return None
    current = current_scored(responses)
    may_plan = is_open and user.has_perm("cases.change_plan", case)
    rows = _proposal_rows(user, case, current) if current is not None and may_plan else []
    return {"template": "assessments/integration_case_panel.html", "context": {
        "case": case,
        "offers": offers,
        "may_fill_any": fills,
        "responses": [(r, outcome_label(r) if r.readable else "") for r in responses],
        "proposal_response": current if rows else None,
        "proposals": rows,
        "other_steps": other_steps(current) if rows else [],
        "plan_exists": Plan.objects.filter(case=case).exists() if rows else False,
        "may_add_to_plan": case.status in PLAN_CASE_STATUSES,
    }}


# --- the person panel -----------------------------------------------------------------------------------

def latest_results(user, person) -> list[Response]:
    """The latest current submitted response of each instrument, for those who read it."""
    responses = _with_flags(user, visible_responses(user).filter(person=person, status=ResponseStatus.SUBMITTED)
                            .exclude(selectors.superseded_condition())).order_by("-submitted_at", "-id")[:LATEST_RESULTS]
    latest: dict[int, Response] = {}
    for response in responses:
        latest.setdefault(response.instrument_version.instrument_id, response)
    return list(latest.values())


def person_panel(request, person) -> dict | None:
    """The latest assessment results on the person's journey page."""
    user = request.user
    if not user.has_perm("people.view_person", person):
        return None
    results = latest_results(user, person)
    fills = may_fill_any(user, person)
    if not (results or fills):
        return None
    return {"template": "assessments/integration_person_panel.html", "context": {
        "person": person,
        "results": [(r, outcome_label(r)) for r in results],
        "may_fill_any": fills,
    }}
