"""Reads for "My work", the operators' home page, and for tasks and appointments.

"My cases" are the cases I manage or whose team I belong to (active member),
at the access points where I work. Every section of the page is one bounded
query (a slice, with one row more than shown to know whether there is more),
so the page costs the same with 3 cases or 3,000.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from pua.network.access import grants_for
from pua.network.models import Role
from pua.people.access import PERSON_ROLES

from . import access, plan_selectors
from .models import (
    ACTIVE_ACTION_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseStatus,
    CaseTeamMember,
    Referral,
    ReferralDirection,
    ReferralStatus,
    Task,
)

SECTION_SIZE = 10
CALENDAR_PAST_DAYS = 90


@dataclass
class Section:
    """The first rows of a list and whether more are one link away."""

    rows: list
    has_more: bool

    def __bool__(self) -> bool:
        return bool(self.rows)

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def section(queryset, size: int = SECTION_SIZE) -> Section:
    rows = list(queryset[: size + 1])
    return Section(rows=rows[:size], has_more=len(rows) > size)


# --- my cases -------------------------------------------------------------------------------

def my_cases(user) -> QuerySet[Case]:
    """Visible cases the user manages or works on as an active team member."""
    in_team = Exists(CaseTeamMember.objects.filter(case_id=OuterRef("pk"), user_id=user.pk, removed_at__isnull=True))
    return access.visible_cases(user).filter(Q(case_manager_id=user.pk) | in_team)


def my_case_counts(user) -> list[tuple[str, str, int]]:
    """``(status, label, count)`` for every status, in the journey's order (one query)."""
    counts = dict(my_cases(user).order_by().values_list("status").annotate(n=Count("id")))
    return [(status, label, counts.get(status, 0)) for status, label in CaseStatus.choices]


def my_open_cases(user, size: int = SECTION_SIZE) -> Section:
    qs = my_cases(user).filter(status__in=OPEN_STATUSES).select_related("person", "access_point")
    return section(qs.order_by("-opened_at", "-id"), size)


# --- plan reviews and actions (the plan feature's selectors) ---------------------------------------

def reviews_due(user, *, today: datetime.date | None = None, size: int = SECTION_SIZE) -> Section:
    """Plans of my open cases whose review is due within a week or overdue, soonest first."""
    return section(plan_selectors.reviews_due(user, today=today), size)


def actions_overdue(user, *, today: datetime.date | None = None, size: int = SECTION_SIZE) -> Section:
    """Planned or running actions past their planned end: mine, or of my cases."""
    return section(plan_selectors.actions_overdue(user, today=today), size)


# --- referrals and the partners' actions ------------------------------------------------------------

def referrals_waiting(user, size: int = SECTION_SIZE) -> Section:
    """Inbound referrals waiting for an answer at the access points where I work on cases."""
    qs = access.visible_referrals(user).filter(
        direction=ReferralDirection.INBOUND, status=ReferralStatus.SENT,
        access_point_id__in=access.journey_access_point_ids(user, access.CASE_ROLES),
    ).select_related("person", "organisation", "access_point")
    return section(qs.order_by("sent_at", "id"), size)


def _partner_scope(user) -> tuple[set[int], set[int]]:
    grants = grants_for(user)
    return grants.organisation_ids(access.PARTNER_ROLES), grants.access_point_ids(access.PARTNER_ROLES)


def _partner_referrals(user) -> QuerySet[Referral]:
    organisation_ids, access_point_ids = _partner_scope(user)
    return Referral.objects.filter(direction=ReferralDirection.OUTBOUND, organisation_id__in=organisation_ids,
                                   access_point_id__in=access_point_ids).select_related("person", "organisation", "service")


def partner_referrals_waiting(user, size: int = SECTION_SIZE) -> Section:
    """Referrals to my organisation waiting for our answer, oldest first."""
    return section(_partner_referrals(user).filter(status=ReferralStatus.SENT).order_by("sent_at", "id"), size)


def partner_referrals_in_progress(user, size: int = SECTION_SIZE) -> Section:
    """Referrals my organisation accepted and has not reported back on yet."""
    qs = _partner_referrals(user).filter(status=ReferralStatus.ACCEPTED)
    return section(qs.order_by("answered_at", "id"), size)


def partner_actions(user, size: int = SECTION_SIZE) -> Section:
    """Planned or running actions my organisation provides, by planned end (no end last)."""
    qs = access.shared_plan_actions(user).filter(status__in=ACTIVE_ACTION_STATUSES).select_related(
        "plan__case", "service", "provider")
    return section(qs.order_by(F("planned_end").asc(nulls_last=True), "id"), size)


# --- tasks and appointments ---------------------------------------------------------------------

def my_open_tasks(user, size: int = 15) -> Section:
    qs = Task.objects.filter(assignee_id=user.pk, done_at__isnull=True).select_related("case", "access_point")
    return section(qs.order_by("due_at", "id"), size)


def task_list(user, *, state: str = "open", kind: str = "", whose: str = "mine") -> QuerySet[Task]:
    """Tasks the user sees: by default their own open ones, soonest first
    (done ones: latest done first)."""
    qs = access.visible_tasks(user).select_related("case__person", "assignee", "access_point")
    if whose != "all":
        qs = qs.filter(assignee_id=user.pk)
    if kind:
        qs = qs.filter(kind=kind)
    if state == "done":
        return qs.filter(done_at__isnull=False).order_by("-done_at", "-id")
    if state == "open":
        qs = qs.filter(done_at__isnull=True)
    return qs.order_by("due_at", "id")


def task_get(user, pk) -> Task | None:
    return (access.visible_tasks(user).select_related("case", "assignee", "access_point", "created_by")
            .filter(pk=pk).first())


def calendar_tasks(user, *, now: datetime.datetime | None = None) -> QuerySet[Task]:
    """What the user's calendar holds: their open tasks and appointments, and
    those of the last ``CALENDAR_PAST_DAYS`` days even when done."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=CALENDAR_PAST_DAYS)
    return (Task.objects.filter(assignee_id=user.pk).filter(Q(done_at__isnull=True) | Q(due_at__gte=since))
            .select_related("case").order_by("due_at", "id"))


def assignable_users(access_point) -> QuerySet:
    """Active staff of the access point, who may be given a task there."""
    return (
        get_user_model().objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__organisation__is_active=True,
            memberships__role__in=PERSON_ROLES,
            memberships__access_points=access_point,
        )
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def is_staff_anywhere(user) -> bool:
    return grants_for(user).has_role(PERSON_ROLES)


def is_director_anywhere(user) -> bool:
    return grants_for(user).has_role({Role.DIRECTOR})


def is_partner(user) -> bool:
    return bool(_partner_scope(user)[0])
