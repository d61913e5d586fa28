"""Writes on tasks and appointments: create, update, complete, reopen.

A task belongs to an access point (the case's, when it is linked to one) and
is assigned to one of its staff. Titles, descriptions and places are free
text that may name people: the audit trail and the case timeline record that
they changed, never their values.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change, diff, snapshot
from pua.core.concurrency import claim
from pua.core.models import AuditAction

from .case_services import event_record
from .models import CaseEventKind, Task, TaskKind
from .work_selectors import assignable_users

TASK_FIELDS = ("kind", "title", "description", "due_at", "ends_at", "location", "assignee", "case")
FREE_TEXT = frozenset({"title", "description", "location"})
_AUDITED = [*TASK_FIELDS, "access_point", "done_at"]


def _audit_changes(before: dict, after: dict) -> dict:
    """The diff, with free text reduced to the fact that it changed."""
    return {name: ["[text]", "[text]"] if name in FREE_TEXT else values for name, values in diff(before, after).items()}


def _check(task: Task) -> None:
    errors: dict[str, list[str]] = {}
    task.title = (task.title or "").strip()
    if not task.title:
        errors.setdefault("title", []).append(_("Give the task a title."))
    if task.kind not in TaskKind.values:
        errors.setdefault("kind", []).append(_("Choose whether this is a task or an appointment."))
    if task.due_at is None:
        errors.setdefault("due_at", []).append(_("Say when it is due or when it starts."))
    elif task.ends_at is not None and task.ends_at < task.due_at:
        errors.setdefault("ends_at", []).append(_("The end cannot come before the start."))
    if task.case_id is not None and task.case.access_point_id != task.access_point_id:
        errors.setdefault("case", []).append(_("The case belongs to another access point."))
    if task.assignee_id is None or not assignable_users(task.access_point).filter(pk=task.assignee_id).exists():
        errors.setdefault("assignee", []).append(_("Assign it to an operator of the access point."))
    if errors:
        raise ValidationError(errors)


def _event(task: Task, *, by, message: str, action: str) -> None:
    if task.case_id is None:
        return
    event_record(case=task.case, kind=CaseEventKind.TASK, actor=by, message=message, obj=task,
                 data={"action": action, "task": task.pk, "kind": task.kind, "due_at": task.due_at.isoformat(),
                       "assignee": task.assignee_id, "done": task.done_at is not None})


@transaction.atomic
def task_create(*, access_point, by, kind: str, title: str, due_at, assignee, description: str = "", ends_at=None,
                location: str = "", case=None, request=None) -> Task:
    """Create a task or an appointment; with a case, at the case's access point."""
    if case is not None:
        access_point = case.access_point
        if case.is_closed:
            raise ValidationError({"case": _("The case is closed: reopen it before planning work on it.")},
                                  code="case_closed")
    if access_point is None or not by.has_perm("cases.add_task", access_point):
        raise PermissionDenied
    task = Task(access_point=access_point, case=case, kind=kind, title=title, description=description or "",
                due_at=due_at, ends_at=ends_at, location=location or "", assignee=assignee, created_by=by)
    _check(task)
    task.save()
    audit_change(action=AuditAction.CREATE, actor=by, obj=task, access_point_id=task.access_point_id,
                 changes=_audit_changes({}, snapshot(task, _AUDITED)), request=request)
    message = "appointment_scheduled" if task.kind == TaskKind.APPOINTMENT else "task_created"
    _event(task, by=by, message=message, action="created")
    return task


@transaction.atomic
def task_update(*, task: Task, by, request=None, expected_version: int | None = None, **values) -> Task:
    """Change the fields of ``TASK_FIELDS`` given in ``values``."""
    if not by.has_perm("cases.change_task", task):
        raise PermissionDenied
    before = snapshot(Task.objects.get(pk=task.pk), _AUDITED)
    for name, value in values.items():
        if name in TASK_FIELDS:
            setattr(task, name, value)
    task.description = task.description or ""
    task.location = task.location or ""
    new_case = task.case if task.case_id is not None and task.case_id != before["case"] else None
    if new_case is not None and new_case.is_closed:
        raise ValidationError({"case": _("The case is closed: reopen it before planning work on it.")},
                              code="case_closed")
    _check(task)
    claim(task, expected_version)
    task.save()
    changes = _audit_changes(before, snapshot(task, _AUDITED))
    if changes:
        audit_change(action=AuditAction.UPDATE, actor=by, obj=task, access_point_id=task.access_point_id,
                     changes=changes, request=request)
        if "due_at" in changes or "ends_at" in changes:
            _event(task, by=by, message="task_rescheduled", action="rescheduled")
        elif changes.keys() - {"case"}:
            _event(task, by=by, message="task_updated", action="updated")
        if "case" in changes and task.case_id is not None and before["case"] != task.case_id:
            _event(task, by=by, message="task_linked", action="linked")
    return task


def _locked(task: Task) -> Task:
    fresh = Task.objects.select_for_update().get(pk=task.pk)
    task.done_at = fresh.done_at
    return task


@transaction.atomic
def task_complete(*, task: Task, by, at=None, request=None, expected_version: int | None = None) -> Task:
    """Mark the task done (an appointment: held)."""
    if not by.has_perm("cases.change_task", task):
        raise PermissionDenied
    task = _locked(task)
    if task.done_at is not None:
        raise ValidationError(_("This is already marked as done."), code="already_done")
    task.done_at = at or timezone.now()
    claim(task, expected_version)
    task.save(update_fields=["done_at"])
    audit_change(action=AuditAction.UPDATE, actor=by, obj=task, access_point_id=task.access_point_id,
                 changes={"done_at": [None, task.done_at.isoformat()]}, request=request)
    message = "appointment_held" if task.kind == TaskKind.APPOINTMENT else "task_done"
    _event(task, by=by, message=message, action="completed")
    return task


@transaction.atomic
def task_reopen(*, task: Task, by, request=None, expected_version: int | None = None) -> Task:
    """Undo ``task_complete``: the task is open again."""
    if not by.has_perm("cases.change_task", task):
        raise PermissionDenied
    task = _locked(task)
    if task.done_at is None:
        raise ValidationError(_("This is still open."), code="not_done")
    old = task.done_at
    task.done_at = None
    claim(task, expected_version)
    task.save(update_fields=["done_at"])
    audit_change(action=AuditAction.UPDATE, actor=by, obj=task, access_point_id=task.access_point_id,
                 changes={"done_at": [old.isoformat(), None]},
                 request=request)
    _event(task, by=by, message="task_reopened", action="reopened")
    return task
