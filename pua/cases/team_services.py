"""The case team (équipe): who works on a case, and who manages it.

A user is at most once an active member of a team. Naming a new case
manager ends the previous case manager's membership (they may be added back
with another role) and updates ``Case.case_manager``; removing the case
manager leaves the case without one until a new one is named. Memberships
are never deleted: ``removed_at`` keeps the history, and the timeline shows
every change.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pua.core.audit import audit_change
from pua.core.models import AuditAction

from .case_services import event_record
from .models import Case, CaseEventKind, CaseTeamMember, TeamRole


def _lock_open_case(case: Case) -> Case:
    fresh = Case.objects.select_for_update().get(pk=case.pk)
    if fresh.is_closed:
        raise ValidationError(_("The case is closed: its team can no longer change."), code="closed")
    return fresh


@transaction.atomic
def team_member_add(*, case: Case, user, role: str, by, at=None) -> CaseTeamMember:
    """Add ``user`` to the team of ``case`` with ``role``; with the case manager
    role, they replace the current case manager."""
    if role not in TeamRole.values:
        raise ValidationError({"role": _("Choose the role in the team.")}, code="invalid")
    locked = _lock_open_case(case)
    if not user.is_active or not user.has_perm("cases.view_case_internal", locked):
        raise ValidationError({"user": _("Only staff of the case's access point can join its team.")},
                              code="not_staff")
    if role == TeamRole.CASE_MANAGER and not user.has_perm("cases.change_case", locked):
        raise ValidationError(
            {"user": _("The case manager must be the director or a social or labour expert of the access point.")},
            code="not_case_role")
    active = CaseTeamMember.objects.filter(case=locked, removed_at__isnull=True)
    current = active.filter(user=user).first()
    if current is not None and (role != TeamRole.CASE_MANAGER or current.role == TeamRole.CASE_MANAGER):
        raise ValidationError(
            {"user": _("This operator is already in the team as “%(role)s”.")
             % {"role": TeamRole(current.role).label}}, code="already_member")
    now = at or timezone.now()
    data = {"user_id": user.pk, "role": role}
    if role == TeamRole.CASE_MANAGER:
        # The new manager leaves their other role; the previous manager leaves the team.
        ended = list(active.filter(role=TeamRole.CASE_MANAGER)) + ([current] if current else [])
        for member in ended:
            member.removed_at = now
            member.save(update_fields=["removed_at"])
            audit_change(action=AuditAction.UPDATE, actor=by, obj=member, access_point_id=locked.access_point_id,
                         changes={"removed_at": [None, now.isoformat()]})
        previous = locked.case_manager_id
        data["previous_case_manager_id"] = previous
        locked.case_manager = user
        locked.save(update_fields=["case_manager"])
        case.case_manager = user
        audit_change(action=AuditAction.UPDATE, actor=by, obj=locked, access_point_id=locked.access_point_id,
                     changes={"case_manager": [previous, user.pk]})
        message = "team_case_manager"
    else:
        message = "team_member_added"
    member = CaseTeamMember.objects.create(case=locked, user=user, role=role, added_at=now)
    event_record(case=locked, kind=CaseEventKind.TEAM, actor=by, message=message, data={"action": "added", **data},
                 obj=member, occurred_at=now)
    audit_change(action=AuditAction.CREATE, actor=by, obj=member, access_point_id=locked.access_point_id,
                 changes={"user": [None, user.pk], "role": [None, role]})
    return member


@transaction.atomic
def team_member_remove(*, member: CaseTeamMember, by, at=None) -> CaseTeamMember:
    """End a membership; removing the case manager leaves the case without one."""
    locked = _lock_open_case(member.case)
    member = CaseTeamMember.objects.select_for_update().get(pk=member.pk)
    if member.removed_at is not None:
        raise ValidationError(_("This operator has already left the team."), code="already_removed")
    now = at or timezone.now()
    member.removed_at = now
    member.save(update_fields=["removed_at"])
    data = {"action": "removed", "user_id": member.user_id, "role": member.role}
    if member.role == TeamRole.CASE_MANAGER and locked.case_manager_id == member.user_id:
        locked.case_manager = None
        locked.save(update_fields=["case_manager"])
        audit_change(action=AuditAction.UPDATE, actor=by, obj=locked, access_point_id=locked.access_point_id,
                     changes={"case_manager": [member.user_id, None]})
    event_record(case=locked, kind=CaseEventKind.TEAM, actor=by, message="team_member_left", data=data, obj=member,
                 occurred_at=now)
    audit_change(action=AuditAction.UPDATE, actor=by, obj=member, access_point_id=locked.access_point_id,
                 changes={"removed_at": [None, now.isoformat()]})
    return member
