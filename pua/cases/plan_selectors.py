"""Reading the personalised plan: the plan page, its versions and what
changed between them, the pickers of the action form, and the reviews and
actions due that the My work page lists.

The case is fetched through ``access.visible_cases`` (access point staff) or
``access.shared_cases`` (partner operators, who then see only the actions
their organisation provides, through ``access.shared_plan_actions``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pua.network.models import Membership, Offering, Organisation, Service, ServiceLevel
from pua.network.search_selectors import offering_search

from .access import PERSON_ROLES, journey_access_point_ids, shared_cases, shared_plan_actions, visible_cases
from .models import (
    ACTIVE_ACTION_STATUSES,
    ActionStatus,
    Case,
    CaseStatus,
    CaseTeamMember,
    GoalArea,
    Plan,
    PlanAction,
    PlanGoal,
    PlanStatus,
    PlanVersion,
)

REVIEWS_SHOWN = 10
# ``snapshot["change_kind"]``: what made each version. Progress (status and
# outcome of actions) and the review cadence do not call for a new agreement.
CHANGE_DRAFTED, CHANGE_GOAL, CHANGE_ACTION, CHANGE_PROGRESS, CHANGE_CADENCE, CHANGE_AGREED = (
    "drafted", "goal", "action", "progress", "cadence", "agreed")


# --- people and catalogue for the forms ---------------------------------------------------------

def staff_at(access_point_id: int, roles=PERSON_ROLES) -> QuerySet:
    """Active users holding one of ``roles`` at the access point."""
    memberships = Membership.objects.filter(
        user_id=OuterRef("pk"), is_active=True, organisation__is_active=True, role__in=list(roles),
        access_points__id=access_point_id)
    return get_user_model().objects.filter(Exists(memberships), is_active=True).order_by("last_name", "first_name",
                                                                                          "username")


def catalogue_for_plans(programme_id: int | None) -> QuerySet[Service]:
    """Catalogue services a plan action may name: services to a person, of
    the shared catalogue or the access point's programme, not retired."""
    return (Service.objects.active().for_programme(programme_id)
            .filter(level=ServiceLevel.SERVICE, for_persons=True).select_related("parent").order_by("sort_key", "id"))


def network_organisations(access_point_id: int) -> QuerySet[Organisation]:
    return Organisation.objects.in_network_of([access_point_id]).filter(is_active=True).order_by("name", "id")


def offerings_for(user, *, case: Case, service) -> QuerySet[Offering]:
    """The directory's offerings of ``service`` by organisations of the case's network."""
    if service is None:
        return Offering.objects.none()
    return offering_search(user=user, service=service).filter(
        organisation__in=network_organisations(case.access_point_id))


# --- fetching the case ------------------------------------------------------------------------------

def plan_case_get(user, case_pk: int) -> tuple[Case, bool]:
    """The case for the plan pages and whether the user sees it only as a
    partner (``shared``). 404 when the user may not see it at all."""
    related = ("person", "access_point", "case_manager")
    case = visible_cases(user).select_related(*related).filter(pk=case_pk).first()
    if case is not None:
        return case, False
    case = shared_cases(user).select_related(*related).filter(pk=case_pk).first()
    if case is None:
        raise Http404
    return case, True


def staff_case_get(user, case_pk: int) -> Case:
    """The case, for access point staff only (partners: 404)."""
    case = visible_cases(user).select_related("person", "access_point", "case_manager").filter(pk=case_pk).first()
    if case is None:
        raise Http404
    return case


def plan_of(case: Case) -> Plan | None:
    return Plan.objects.select_related("agreed_language", "signed_document", "created_by").filter(case=case).first()


def goal_get(plan: Plan, pk: int) -> PlanGoal:
    goal = plan.goals.filter(pk=pk).first()
    if goal is None:
        raise Http404
    goal.plan = plan
    return goal


def action_get(plan: Plan, pk: int) -> PlanAction:
    action = plan.actions.select_related("service", "provider", "goal", "offering", "responsible").filter(pk=pk).first()
    if action is None:
        raise Http404
    action.plan = plan
    return action


def shared_action_get(user, case: Case, pk: int) -> PlanAction:
    """An action of the case that the partner's organisation provides."""
    action = (shared_plan_actions(user).filter(plan__case=case, pk=pk)
              .select_related("service", "provider", "plan__case__person", "plan__case__access_point").first())
    if action is None:
        raise Http404
    return action


# --- the plan page --------------------------------------------------------------------------------

@dataclass
class GoalRow:
    goal: PlanGoal
    actions: list


@dataclass
class AreaGroup:
    area: str
    label: str
    goals: list[GoalRow] = field(default_factory=list)


def _actions_queryset() -> QuerySet[PlanAction]:
    return PlanAction.objects.select_related("service", "provider", "responsible", "offering__site").order_by(
        "planned_start", "id")


# Bootstrap badge of each action status.
STATUS_BADGES = {
    ActionStatus.PLANNED: "secondary", ActionStatus.IN_PROGRESS: "primary", ActionStatus.DONE: "success",
    ActionStatus.CANCELLED: "light text-dark", ActionStatus.NOT_DELIVERED: "danger",
}


def mark_overdue(actions, today: datetime.date) -> None:
    """Set ``is_overdue`` and ``badge`` on loaded actions, for display."""
    for action in actions:
        action.is_overdue = bool(action.status in ACTIVE_ACTION_STATUSES and action.planned_end
                                 and action.planned_end < today)
        action.badge = STATUS_BADGES.get(action.status, "secondary")


def plan_page(plan: Plan, *, today: datetime.date | None = None) -> dict:
    """Goals grouped by area with their actions, the latest reviews, and the
    review and agreement state — in a fixed number of queries."""
    today = today or timezone.localdate()
    goals = list(plan.goals.prefetch_related(Prefetch("actions", queryset=_actions_queryset())))
    by_area: dict[str, AreaGroup] = {}
    for goal in goals:
        actions = list(goal.actions.all())
        mark_overdue(actions, today)
        by_area.setdefault(goal.area, AreaGroup(goal.area, str(GoalArea(goal.area).label))).goals.append(
            GoalRow(goal, actions))
    areas = [by_area[a] for a in GoalArea.values if a in by_area]
    reviews = list(plan.reviews.select_related("reviewed_by")[:REVIEWS_SHOWN])
    agreed_version = agreed_version_number(plan) if plan.status == PlanStatus.AGREED else None
    changed = bool(agreed_version and plan.version > agreed_version and plan.versions.filter(
        number__gt=agreed_version, snapshot__change_kind__in=[CHANGE_GOAL, CHANGE_ACTION]).exists())
    return {
        "areas": areas,
        "goal_count": len(goals),
        "action_count": sum(len(row.actions) for group in areas for row in group.goals),
        "reviews": reviews,
        "review_overdue": bool(plan.next_review_due and plan.next_review_due < today),
        "agreed_version": agreed_version,
        "changed_since_agreement": changed,
    }


def partner_actions(user, case: Case, *, today: datetime.date | None = None) -> list[PlanAction]:
    """The case's actions the partner's organisations provide — nothing else of the plan."""
    actions = list(shared_plan_actions(user).filter(plan__case=case).select_related(
        "service", "provider", "offering__site", "goal").order_by("planned_start", "id"))
    mark_overdue(actions, today or timezone.localdate())
    return actions


# --- versions -------------------------------------------------------------------------------------

def agreed_version_number(plan: Plan) -> int | None:
    """The version made by the latest agreement (None before any)."""
    return (plan.versions.filter(snapshot__change_kind=CHANGE_AGREED).order_by("-number")
            .values_list("number", flat=True).first())


def plan_versions(plan: Plan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("created_by").order_by("-number").defer("snapshot")


def plan_version_get(plan: Plan, number: int) -> tuple[PlanVersion, PlanVersion | None]:
    """One version and the one before it (None for the first)."""
    versions = list(plan.versions.select_related("created_by").filter(number__in=[number, number - 1]))
    current = next((v for v in versions if v.number == number), None)
    if current is None:
        raise Http404
    return current, next((v for v in versions if v.number == number - 1), None)


def _date(value):
    return datetime.date.fromisoformat(value) if value else None


def _service_label(a: dict) -> str:
    label = a.get("service_label") if (get_language() or "it").startswith("it") else a.get("service_label_en")
    return f"{a.get('service_code', '')} {label or a.get('service_label', '')}".strip()


def _status_label(value: str) -> str:
    return str(ActionStatus(value).label) if value in ActionStatus.values else value


def _area_label(value: str) -> str:
    return str(GoalArea(value).label) if value in GoalArea.values else value


def _display_action(a: dict) -> dict:
    return {
        "id": a["id"], "goal_id": a.get("goal_id"), "service": _service_label(a), "provider": a.get("provider", ""),
        "site": a.get("site", ""), "responsible": a.get("responsible", ""),
        "planned_start": _date(a.get("planned_start")), "planned_end": _date(a.get("planned_end")),
        "status": a.get("status", ""), "status_label": _status_label(a.get("status", "")),
        "outcome_note": a.get("outcome_note", ""),
    }


def snapshot_view(snapshot: dict) -> dict:
    """A stored snapshot, ready for a read-only page: goals by area with their actions."""
    actions = [_display_action(a) for a in snapshot.get("actions", [])]
    goals = []
    for g in snapshot.get("goals", []):
        goals.append({"id": g["id"], "area": g["area"], "area_label": _area_label(g["area"]),
                      "description": g.get("description", ""),
                      "actions": [a for a in actions if a["goal_id"] == g["id"]]})
    goals.sort(key=lambda g: GoalArea.values.index(g["area"]) if g["area"] in GoalArea.values else 99)
    status = snapshot.get("status", PlanStatus.DRAFT)
    return {
        "goals": goals,
        "status_label": str(PlanStatus(status).label) if status in PlanStatus.values else status,
        "agreed_on": _date(snapshot.get("agreed_on")),
        "agreed_language": snapshot.get("agreed_language", ""),
        "review_every_days": snapshot.get("review_every_days"),
    }


# What the diff compares, with the labels it shows.
PLAN_FIELDS = [
    ("status", _("Status")), ("agreed_on", _("Agreed on")), ("agreed_language", _("Language of the agreement")),
    ("signed_document_id", _("Signed plan")), ("review_every_days", _("Review every (days)")),
]
GOAL_FIELDS = [("area", _("Area")), ("description", _("Goal"))]
ACTION_FIELDS = [
    ("goal_id", _("Goal")), ("service", _("Service")), ("provider", _("Provider organisation")), ("site", _("Site")),
    ("responsible", _("Responsible operator")), ("planned_start", _("Planned start")),
    ("planned_end", _("Planned end")), ("status_label", _("Status")), ("outcome_note", _("Outcome")),
]


def _plan_value(name: str, value):
    if name == "status":
        return str(PlanStatus(value).label) if value in PlanStatus.values else value
    if name == "agreed_on":
        return _date(value)
    if name == "signed_document_id":
        return _("attached") if value else None
    return value


def version_diff(older: dict | None, newer: dict) -> dict:
    """What changed from ``older`` to ``newer`` (two snapshots): plan fields,
    goals and actions added, removed or changed (field by field)."""
    older = older or {"goals": [], "actions": []}
    plan_changes = []
    for name, label in PLAN_FIELDS:
        old, new = older.get(name), newer.get(name)
        if old != new and (old or new):
            plan_changes.append({"label": label, "old": _plan_value(name, old), "new": _plan_value(name, new)})

    def compare(old_rows, new_rows, fields, display):
        old_by_id = {r["id"]: display(r) for r in old_rows}
        new_by_id = {r["id"]: display(r) for r in new_rows}
        added = [new_by_id[i] for i in new_by_id if i not in old_by_id]
        removed = [old_by_id[i] for i in old_by_id if i not in new_by_id]
        changed = []
        for i, row in new_by_id.items():
            if i in old_by_id:
                fields_changed = [{"label": label, "old": old_by_id[i].get(name), "new": row.get(name)}
                                  for name, label in fields if old_by_id[i].get(name) != row.get(name)]
                if fields_changed:
                    changed.append({"row": row, "fields": fields_changed})
        return added, removed, changed

    def display_goal(g):
        return {"id": g["id"], "area": _area_label(g["area"]), "description": g.get("description", "")}

    goals_added, goals_removed, goals_changed = compare(older.get("goals", []), newer.get("goals", []), GOAL_FIELDS,
                                                        display_goal)
    actions_added, actions_removed, actions_changed = compare(older.get("actions", []), newer.get("actions", []),
                                                              ACTION_FIELDS, _display_action)
    goal_names = {g["id"]: _area_label(g["area"]) for g in [*older.get("goals", []), *newer.get("goals", [])]}
    for entry in actions_changed:
        for f in entry["fields"]:
            if f["label"] == ACTION_FIELDS[0][1]:
                f["old"], f["new"] = goal_names.get(f["old"], f["old"]), goal_names.get(f["new"], f["new"])
    return {
        "plan": plan_changes,
        "goals_added": goals_added, "goals_removed": goals_removed, "goals_changed": goals_changed,
        "actions_added": actions_added, "actions_removed": actions_removed, "actions_changed": actions_changed,
        "is_empty": not any([plan_changes, goals_added, goals_removed, goals_changed, actions_added, actions_removed,
                             actions_changed]),
    }


# --- My work ------------------------------------------------------------------------------------

def _my_cases_condition(user, case_ref: str = "") -> Q:
    """Cases the user manages or is an active team member of."""
    case_id = OuterRef(f"{case_ref}id" if case_ref else "pk")
    in_team = Exists(CaseTeamMember.objects.filter(case_id=case_id, user_id=user.pk, removed_at__isnull=True))
    return Q(**{f"{case_ref}case_manager_id": user.pk}) | Q(in_team)


def reviews_due(user, *, today: datetime.date | None = None, within_days: int = 7) -> QuerySet[Plan]:
    """Plans of the user's open cases (case manager or team member) whose
    review is due within ``within_days`` or overdue, soonest first.
    Slice it: each row carries its case and person."""
    if not user.is_authenticated:
        return Plan.objects.none()
    today = today or timezone.localdate()
    limit = today + datetime.timedelta(days=within_days)
    aps = journey_access_point_ids(user)
    return (Plan.objects.filter(case__access_point_id__in=aps, next_review_due__lte=limit)
            .exclude(case__status=CaseStatus.CLOSED)
            .filter(_my_cases_condition(user, "case__"))
            .select_related("case__person", "case__access_point")
            .order_by("next_review_due", "id"))


def actions_overdue(user, *, today: datetime.date | None = None) -> QuerySet[PlanAction]:
    """Planned or running actions past their planned end, on the user's
    open cases or with the user responsible, oldest first."""
    if not user.is_authenticated:
        return PlanAction.objects.none()
    today = today or timezone.localdate()
    aps = journey_access_point_ids(user)
    mine = _my_cases_condition(user, "plan__case__") | Q(responsible_id=user.pk)
    return (PlanAction.objects.filter(plan__case__access_point_id__in=aps, status__in=ACTIVE_ACTION_STATUSES,
                                      planned_end__lt=today)
            .exclude(plan__case__status=CaseStatus.CLOSED)
            .filter(mine)
            .select_related("service", "provider", "responsible", "plan__case__person", "plan__case__access_point")
            .order_by("planned_end", "id"))
