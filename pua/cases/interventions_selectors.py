"""Reading the interventions diary of a case.

Only access point staff read it (``access.visible_cases``): partner
operators never see interventions. Restricted notes are blanked by the
caller's template unless the user holds ``cases.view_restricted``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from pua.network.models import Membership, Role

from .access import PERSON_ROLES
from .models import Case, Intervention, PlanAction
from .plan_selectors import staff_at

# The two professional profiles a joint intervention brings together.
JOINT_ROLES = (Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT)


def intervention_list(case: Case, *, kind: str = "", joint: bool | None = None) -> QuerySet[Intervention]:
    """The case's interventions, newest first, with what each row shows, in
    a fixed number of queries whatever the page size."""
    qs = case.interventions.all()
    if kind:
        qs = qs.filter(kind=kind)
    if joint is not None:
        qs = qs.filter(joint=joint)
    operators = get_user_model().objects.only("id", "username", "first_name", "last_name")
    return qs.select_related("plan_action__service", "service", "created_by").prefetch_related(
        Prefetch("operators", queryset=operators.order_by("last_name", "first_name", "id"))
    ).order_by("-occurred_on", "-id")


def intervention_totals(case: Case) -> dict:
    """How many interventions, how many joint, and the minutes recorded (one query)."""
    totals = case.interventions.aggregate(count=Count("id"), joint=Count("id", filter=Q(joint=True)),
                                          minutes=Sum("duration_minutes"))
    totals["hours"], totals["rest"] = divmod(totals["minutes"] or 0, 60)
    return totals


def intervention_get(case: Case, pk: int) -> Intervention:
    intervention = case.interventions.select_related("plan_action", "service").filter(pk=pk).first()
    if intervention is None:
        raise Http404
    intervention.case = case
    return intervention


def roles_at(access_point_id: int, user_ids) -> dict[int, set[str]]:
    """The staff roles each of ``user_ids`` holds at the access point."""
    rows = Membership.objects.filter(
        user_id__in=list(user_ids), is_active=True, organisation__is_active=True, role__in=list(PERSON_ROLES),
        access_points__id=access_point_id).values_list("user_id", "role")
    roles: dict[int, set[str]] = {}
    for user_id, role in rows:
        roles.setdefault(user_id, set()).add(role)
    return roles


def operator_choices(case: Case) -> list[tuple[object, list[str]]]:
    """Staff of the case's access point with their roles there (for the form)."""
    users = list(staff_at(case.access_point_id))
    roles = roles_at(case.access_point_id, [u.pk for u in users])
    return [(u, sorted(roles.get(u.pk, ()))) for u in users]


def plan_actions_of(case: Case) -> QuerySet[PlanAction]:
    return PlanAction.objects.filter(plan__case=case).select_related("service", "provider", "goal").order_by(
        "planned_start", "id")
