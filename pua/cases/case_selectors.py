"""Reading cases: the list, one case with its team and notes, the timeline,
the partner's shared view and the cases on a person's journey page.

Staff read through ``access.visible_cases``, partners through
``access.shared_cases``; restricted notes and timeline lines are dropped
here for users without ``cases.view_restricted``, so templates never hold
them. Every function loads what its page shows in a fixed number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.people.access import person_access_point_ids

from . import access
from .case_services import allowed_transitions
from .models import (
    ACTIVE_ACTION_STATUSES,
    ActionStatus,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseNote,
    CaseStatus,
    CaseTeamMember,
    ClosureReason,
    Plan,
    PlanGoal,
    Referral,
    ReferralDirection,
    ReferralStatus,
    Task,
)

TODO_SHOWN = 10  # tasks, and referrals, listed in the "to do" panel of the case page


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def case_list(
    user,
    *,
    q: str = "",
    status: str = "",
    manager=None,
    opened_from: datetime.date | None = None,
    opened_to: datetime.date | None = None,
) -> QuerySet[Case]:
    """The cases the user's access points hold, newest first.

    ``q`` matches the case number everywhere and the person's names only at
    access points where the user may see identities: a search must not
    reveal what the list hides. Cases of merged records are history and left out.
    """
    qs = access.visible_cases(user).filter(person__merged_into__isnull=True)
    if status:
        qs = qs.filter(status=status)
    if manager is not None:
        qs = qs.filter(case_manager=manager)
    # Bounds as local midnights rather than ``opened_at__date``: a function of
    # the column would rule out the (access point, opened at) index.
    if opened_from:
        qs = qs.filter(opened_at__gte=_day_start(opened_from))
    if opened_to:
        qs = qs.filter(opened_at__lt=_day_start(opened_to + datetime.timedelta(days=1)))
    q = (q or "").strip()
    if q:
        match = Q(number__icontains=q)
        identity_aps = person_access_point_ids(user, identity=True)
        if identity_aps:
            names = (Q(person__last_name__icontains=q) | Q(person__first_name__icontains=q)
                     | Q(person__aliases__alias__icontains=q))
            match |= Q(access_point_id__in=identity_aps) & names
        qs = qs.filter(match).distinct()
    return qs.select_related("person", "access_point", "case_manager").order_by("-opened_at", "-id")


def shared_case_list(user, *, q: str = "", status: str = "") -> QuerySet[Case]:
    """A partner's shared cases: only the number and the status are read."""
    qs = access.shared_cases(user)
    if status:
        qs = qs.filter(status=status)
    if (q or "").strip():
        qs = qs.filter(number__icontains=q.strip())
    return qs.only("id", "number", "status", "person_id", "access_point_id").order_by("-opened_at", "-id")


def case_get(user, pk) -> Case | None:
    """One case of the user's access points (the full record), or None."""
    return access.visible_cases(user).select_related("person", "access_point", "case_manager").filter(pk=pk).first()


def shared_case_get(user, pk) -> Case | None:
    return access.shared_cases(user).select_related("person").filter(pk=pk).first()


def cases_for_person(user, person) -> PersonCases:
    """What the person's journey page shows: their cases the user sees (newest
    first), and whether the user may open a new one here."""
    cases = list(access.visible_cases(user).filter(person=person).select_related("case_manager")
                 .order_by("-opened_at", "-id"))
    has_open = any(not c.is_closed for c in cases)
    return PersonCases(cases, has_open=has_open, can_open=(
        not has_open and not person.merged_into_id and user.has_perm("cases.add_case", person)))


class PersonCases(list):
    """The cases of a person, with what the journey page needs to offer opening one."""

    def __init__(self, cases, *, has_open: bool, can_open: bool):
        super().__init__(cases)
        self.has_open = has_open
        self.can_open = can_open

    @property
    def open_case(self) -> Case | None:
        """The person's open case (a person has one at most), for the link in the page header."""
        return next((c for c in self if not c.is_closed), None)


def open_case_for_person(user, person) -> Case | None:
    """The person's open case among those the user sees in full, or None."""
    return (access.visible_cases(user).filter(person=person).exclude(status=CaseStatus.CLOSED)
            .order_by("-opened_at", "-id").only("id", "number", "status", "person_id", "access_point_id").first())


# --- one case -----------------------------------------------------------------------------

def case_team(case: Case, *, include_removed: bool = False) -> list[CaseTeamMember]:
    members = CaseTeamMember.objects.filter(case=case).select_related("user")
    if not include_removed:
        members = members.filter(removed_at__isnull=True)
    return list(members.order_by("removed_at", "added_at", "id"))


def team_member_get(case: Case, pk) -> CaseTeamMember | None:
    return CaseTeamMember.objects.select_related("case").filter(case=case, pk=pk).first()


def case_notes(user, case: Case) -> QuerySet[CaseNote]:
    """The notes of a case the user may read, newest first; restricted ones
    only with ``cases.view_restricted``."""
    notes = CaseNote.objects.filter(case=case).select_related("author")
    if not user.has_perm("cases.view_restricted", case):
        notes = notes.filter(restricted=False)
    return notes.order_by("-created_at", "-id")


def next_steps(case: Case) -> list[str]:
    """The plain transitions the case may take now (see ``case_services``)."""
    return allowed_transitions(case)


# --- what to do next -------------------------------------------------------------------------

@dataclass
class PlanProgress:
    plan: Plan
    done: int  # actions done
    total: int  # actions, cancelled ones left out
    overdue_actions: int  # planned or running past their planned end
    review_overdue: bool
    openable: bool  # the reader may open the plan page


@dataclass
class CaseTodo:
    """The "to do" panel of the case page: open tasks and appointments
    (soonest first, overdue ones first of all), the plan's progress, and the
    referrals still waiting for an answer (longest waiting first). Each item
    says whether the reader may open its page (``openable``), so that the
    template links only those."""

    tasks: list[Task]
    tasks_total: int
    plan: PlanProgress | None
    referrals: list[Referral]
    referrals_total: int

    def __bool__(self) -> bool:
        return bool(self.tasks or self.plan or self.referrals)


def _openable(queryset: QuerySet) -> ExpressionWrapper:
    """True for the rows of ``queryset`` — the one the object's own page fetches through."""
    return ExpressionWrapper(Q(pk__in=queryset.values("pk")), output_field=BooleanField())


def _first(queryset: QuerySet, size: int) -> tuple[list, int]:
    """The first ``size`` rows and how many there are (counted only when there are more)."""
    rows = list(queryset[: size + 1])
    if len(rows) <= size:
        return rows, len(rows)
    return rows[:size], queryset.count()


def case_todo(user, case: Case, *, now: datetime.datetime | None = None, size: int = TODO_SHOWN) -> CaseTodo:
    """What to do next on ``case``, in at most five queries whatever the
    number of tasks, actions and referrals."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    tasks = (Task.objects.filter(case=case, done_at__isnull=True).select_related("assignee")
             .annotate(openable=_openable(access.visible_tasks(user))).order_by("due_at", "id"))
    tasks, tasks_total = _first(tasks, size)
    for task in tasks:
        task.is_overdue = task.due_at < now
    # The referrals of the case, and those of the person not tied to a case yet.
    referrals = (Referral.objects.filter(Q(case=case) | Q(case__isnull=True, person_id=case.person_id),
                                         status=ReferralStatus.SENT)
                 .select_related("organisation")
                 .annotate(openable=_openable(access.visible_referrals(user).filter(person__merged_into__isnull=True)))
                 .order_by("sent_at", "id"))
    referrals, referrals_total = _first(referrals, size)
    for referral in referrals:
        referral.days_waiting = max((today - timezone.localdate(referral.sent_at)).days, 0)
    plan = (Plan.objects.filter(case=case).annotate(
        done=Count("actions", filter=Q(actions__status=ActionStatus.DONE)),
        total=Count("actions", filter=~Q(actions__status=ActionStatus.CANCELLED)),
        overdue_actions=Count("actions", filter=Q(actions__status__in=ACTIVE_ACTION_STATUSES,
                                                  actions__planned_end__lt=today)),
    ).first())
    progress = None
    if plan is not None:
        progress = PlanProgress(
            plan=plan, done=plan.done, total=plan.total, overdue_actions=plan.overdue_actions,
            review_overdue=bool(plan.next_review_due and plan.next_review_due < today and not case.is_closed),
            openable=user.has_perm("cases.view_plan", case))
    return CaseTodo(tasks=tasks, tasks_total=tasks_total, plan=progress, referrals=referrals,
                    referrals_total=referrals_total)


def closure_goals(case: Case) -> list[PlanGoal]:
    """The plan goals to evaluate when closing (none without a plan)."""
    return list(PlanGoal.objects.filter(plan__case=case).order_by("sort_order", "id"))


# --- the timeline -------------------------------------------------------------------------

# Where an event's object has a page: URL name and whose id it takes (the
# object's, the case's or the person's). Pages of other features are linked
# only while their URL exists.
_OBJECT_PAGES = {
    "case": ("cases:case_detail", "object"),
    "contact": ("cases:contact_detail", "object"),
    "referral": ("cases:referral_detail", "object"),
    "intakedecision": ("cases:intake_detail", "object"),
    "caseteammember": ("cases:case_team", "case"),
    "plan": ("cases:plan_detail", "case"),
    "plangoal": ("cases:plan_detail", "case"),
    "planaction": ("cases:plan_detail", "case"),
    "planreview": ("cases:plan_detail", "case"),
    "planversion": ("cases:plan_versions", "case"),
    "intervention": ("cases:intervention_list", "case"),
    "casenote": ("cases:case_notes", "case"),
    "task": ("cases:task_detail", "object"),
    "casedocument": ("cases:document_download", "object"),
    "consent": ("cases:person_consents", "person"),
    "privacynoticedelivery": ("cases:person_consents", "person"),
}


@dataclass
class TimelineEntry:
    event: CaseEvent
    url: str | None
    member: object | None = None  # the operator a team change concerns
    detail: str = ""


def _detail(event: CaseEvent) -> str:
    """A line more for closures (the reason) and reopenings (why)."""
    data = event.data if isinstance(event.data, dict) else {}
    if event.kind == CaseEventKind.CLOSED and data.get("reason") in ClosureReason.values:
        return _("Reason: %(reason)s") % {"reason": ClosureReason(data["reason"]).label}
    if event.kind == CaseEventKind.REOPENED and data.get("reason"):
        return _("Reason: %(reason)s") % {"reason": data["reason"]}
    return ""


def _object_url(event: CaseEvent, case: Case, cache: dict) -> str | None:
    page = _OBJECT_PAGES.get(event.object_type)
    if page is None or (page[1] == "object" and event.object_id is None):
        return None
    name, arg = page
    key = (name, {"object": event.object_id, "case": case.pk, "person": case.person_id}[arg])
    if key not in cache:
        try:
            cache[key] = reverse(name, args=[key[1]])
        except NoReverseMatch:
            cache[key] = None
    return cache[key]


def case_timeline(user, case: Case, *, kind: str = "", limit: int | None = None,
                  newest_first: bool = False) -> list[TimelineEntry]:
    """The whole story of a case in order (oldest first unless ``newest_first``),
    restricted lines only for ``cases.view_restricted``; two queries."""
    events = CaseEvent.objects.filter(case=case).select_related("actor")
    if not user.has_perm("cases.view_restricted", case):
        events = events.filter(restricted=False)
    if kind:
        events = events.filter(kind=kind)
    events = events.order_by("-occurred_at", "-id") if newest_first else events.order_by("occurred_at", "id")
    if limit:
        events = events[:limit]
    events = list(events)
    member_ids = {e.data.get("user_id") for e in events if e.kind == CaseEventKind.TEAM and isinstance(e.data, dict)}
    members = get_user_model().objects.in_bulk([i for i in member_ids if isinstance(i, int)]) if member_ids else {}
    urls: dict = {}
    return [
        TimelineEntry(event=e, url=_object_url(e, case, urls), detail=_detail(e),
                      member=members.get(e.data.get("user_id")) if e.kind == CaseEventKind.TEAM else None)
        for e in events
    ]


# --- the partner's shared view --------------------------------------------------------------

def shared_case_view(user, case: Case) -> dict:
    """What a partner sees of a shared case: the plan actions their
    organisations provide and the referrals made to them, nothing else."""
    organisation_ids = access.partner_organisation_ids(user)
    actions = (access.shared_plan_actions(user).filter(plan__case=case)
               .select_related("service", "provider").order_by("planned_start", "id"))
    referrals = (access.visible_referrals(user)
                 .filter(person_id=case.person_id, direction=ReferralDirection.OUTBOUND,
                         organisation_id__in=organisation_ids)
                 .select_related("organisation", "service").order_by("-sent_at", "-id"))
    return {"actions": list(actions), "referrals": list(referrals)}
