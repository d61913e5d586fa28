"""My work (the operators' home page), tasks and appointments, and the
iCalendar export of my appointments."""

from __future__ import annotations

import datetime

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pua.core.audit import audit_export, audit_read
from pua.core.audited import audit_page, audit_shown, audited, not_audited
from pua.core.concurrency import parse_version
from pua.core.pagination import paginate
from pua.core.shortcuts import found, require_perm, save_form
from pua.network import agreements_selectors
from pua.network import contacts_selectors as network_contacts_selectors
from pua.network import views as network_views
from pua.people import selectors as people_selectors
from pua.people.access import person_access_point_ids

from . import access
from . import work_selectors as selectors
from . import work_services as services
from .models import TaskKind
from .work_forms import TaskFilterForm, TaskForm, default_due_at

PERMIT_ALERT_DAYS = 60


@audited
@login_required
def home(request):
    """The site's home: My work for staff of an access point, the network home for everyone else."""
    if selectors.is_staff_anywhere(request.user):
        return _staff_work(request)
    return network_views.home(request)


@audited
@login_required
def my_work(request):
    user = request.user
    if selectors.is_staff_anywhere(user):
        return _staff_work(request)
    if selectors.is_partner(user):
        waiting = selectors.partner_referrals_waiting(user)
        in_progress = selectors.partner_referrals_in_progress(user)
        actions = selectors.partner_actions(user)
        audit_shown(request, {"cases.referral": [*waiting, *in_progress], "cases.planaction": actions})
        return render(request, "cases/work_partner.html", {
            "referrals_waiting": waiting,
            "referrals_in_progress": in_progress,
            "actions": actions,
            "today": timezone.localdate(),
        })
    raise PermissionDenied


def _staff_work(request):
    user = request.user
    is_director = selectors.is_director_anywhere(user)
    sections = {
        "open_cases": selectors.my_open_cases(user),
        "reviews_due": selectors.reviews_due(user),
        "actions_overdue": selectors.actions_overdue(user),
        "permits_expiring": selectors.section(people_selectors.permits_expiring(user, days=PERMIT_ALERT_DAYS)),
        "referrals_waiting": selectors.referrals_waiting(user),
        "tasks": selectors.my_open_tasks(user),
    }
    audit_shown(request, {
        "cases.case": sections["open_cases"],
        "cases.plan": sections["reviews_due"],
        "cases.planaction": sections["actions_overdue"],
        "people.person": [permit.person_id for permit in sections["permits_expiring"]],
        "cases.referral": sections["referrals_waiting"],
        "cases.task": sections["tasks"],
    })
    return render(request, "cases/work_home.html", {
        **sections,
        "now": timezone.now(),
        "today": timezone.localdate(),
        "identity_aps": person_access_point_ids(user, identity=True),
        "case_counts": selectors.my_case_counts(user),
        "permit_alert_days": PERMIT_ALERT_DAYS,
        "can_add_task": user.has_perm("cases.add_task"),
        # The network home's alerts: agreements for directors, my network follow-ups for everyone.
        "agreements_expiring": agreements_selectors.agreements_expiring(user=user) if is_director else [],
        "agreement_alert_days": agreements_selectors.expiry_alert_days(),
        "follow_ups_due": network_contacts_selectors.follow_ups_due(user=user),
    })


# --- tasks and appointments -------------------------------------------------------------------

@audited
@login_required
def task_list(request):
    require_perm(request.user, "cases.add_task")
    form = TaskFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    tasks = selectors.task_list(request.user, state=filters.get("state") or "open", kind=filters.get("kind", ""),
                                whose=filters.get("whose") or "mine")
    page = paginate(request, tasks)
    audit_page(request, page.object_list, filters=filters, page=page)
    template = "cases/task_list.html"
    if request.htmx and request.htmx.target == "task-results":
        template += "#results"
    return render(request, template, {
        "form": form, "page": page, "now": timezone.now(),
        # The person's name next to the case number, where the reader may see identities.
        "identity_aps": person_access_point_ids(request.user, identity=True),
    })


def _case_from_query(request):
    case_id = request.GET.get("case")
    if not case_id or not str(case_id).isdigit():
        return None
    return found(access.visible_cases(request.user).select_related("access_point").filter(pk=case_id).first())


@audited
@login_required
def task_create(request):
    user = request.user
    require_perm(user, "cases.add_task")
    case = _case_from_query(request)
    access_point = case.access_point if case else request.access_point
    if access_point is None:
        raise PermissionDenied
    require_perm(user, "cases.add_task", access_point)
    if case is not None:
        audit_read(actor=user, obj=case, request=request)
    kind = request.GET.get("kind") if request.GET.get("kind") in TaskKind.values else TaskKind.TASK
    form = TaskForm(request.POST or None, user=user, access_point=access_point, initial={
        "kind": kind, "assignee": user.pk, "due_at": default_due_at(),
        "case_number": case.number if case else "",
    })
    if request.method == "POST" and form.is_valid():
        task = save_form(
            request, form,
            lambda _data: services.task_create(access_point=access_point, by=user, request=request,
                                               **form.service_values()),
            _("Saved."),
        )
        if task:
            return redirect("cases:task_detail", pk=task.pk)
    return render(request, "cases/task_form.html", {"form": form, "access_point": access_point, "case": case})


def _task(request, pk):
    task = found(selectors.task_get(request.user, pk))
    require_perm(request.user, "cases.view_task", task)
    return task


@audited
@login_required
def task_detail(request, pk):
    task = _task(request, pk)
    audit_read(actor=request.user, obj=task, request=request)
    return render(request, "cases/task_detail.html", {
        "task": task,
        "can_change": request.user.has_perm("cases.change_task", task),
        "now": timezone.now(),
    })


@audited
@login_required
def task_edit(request, pk):
    task = _task(request, pk)
    require_perm(request.user, "cases.change_task", task)
    audit_read(actor=request.user, obj=task, request=request)
    form = TaskForm(request.POST or None, instance=task, user=request.user, access_point=task.access_point)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            request, form,
            lambda _data: services.task_update(task=task, by=request.user, request=request, **form.service_values()),
            _("Saved."),
        )
        if saved:
            return redirect("cases:task_detail", pk=task.pk)
    return render(request, "cases/task_form.html", {"form": form, "task": task, "access_point": task.access_point})


def _state_change(request, pk, change, success):
    task = _task(request, pk)
    require_perm(request.user, "cases.change_task", task)
    try:
        change(task=task, by=request.user, request=request,
               expected_version=parse_version(request.POST.get("version")))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(request.POST.get("next") if _safe_next(request) else reverse("cases:task_detail", args=[task.pk]))


def _safe_next(request) -> bool:
    # Only our own pages: "/..." but not "//host".
    target = request.POST.get("next") or ""
    return target.startswith("/") and not target.startswith("//")


@not_audited(reason="a POST action that redirects; the service audits the change")
@require_POST
@login_required
def task_complete(request, pk):
    return _state_change(request, pk, services.task_complete, _("Marked as done."))


@not_audited(reason="a POST action that redirects; the service audits the change")
@require_POST
@login_required
def task_reopen(request, pk):
    return _state_change(request, pk, services.task_reopen, _("Reopened."))


# --- iCalendar --------------------------------------------------------------------------------

DEFAULT_DURATION = {TaskKind.APPOINTMENT: datetime.timedelta(hours=1), TaskKind.TASK: datetime.timedelta(minutes=30)}


def _utc(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.UTC)


def _calendar(tasks, *, host: str, now: datetime.datetime) -> bytes:
    """An RFC 5545 calendar of ``tasks`` as events. No personal data of the
    persons: the title the operator wrote, the place, the case number."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//PUA//My work//IT")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("PUA – my appointments and tasks"))
    for task in tasks:
        event = icalendar.Event()
        event.add("uid", f"task-{task.pk}@{host}")
        event.add("dtstamp", _utc(now))
        event.add("created", _utc(task.created_at))
        event.add("dtstart", _utc(task.due_at))
        event.add("dtend", _utc(task.ends_at or task.due_at + DEFAULT_DURATION[task.kind]))
        event.add("summary", task.title)
        if task.location:
            event.add("location", task.location)
        lines = [str(TaskKind(task.kind).label)]
        if task.case_id:
            lines.append(_("Case %(number)s") % {"number": task.case.number})
        if task.done_at:
            lines.append(_("Done"))
        event.add("description", "\n".join(lines))
        event.add("categories", [str(TaskKind(task.kind).label)])
        event.add("transp", "OPAQUE" if task.kind == TaskKind.APPOINTMENT else "TRANSPARENT")
        event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()


@audited
@login_required
def my_calendar(request):
    """My appointments and tasks as an .ics file to import into a calendar."""
    require_perm(request.user, "cases.add_task")
    tasks = list(selectors.calendar_tasks(request.user))
    body = _calendar(tasks, host=request.get_host().split(":")[0], now=timezone.now())
    audit_export(actor=request.user, what="calendar", count=len(tasks), request=request)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="pua-my-work.ics"'
    response["Cache-Control"] = "private, no-store"
    return response

