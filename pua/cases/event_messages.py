"""The sentences of a case's history, written when they are read.

A ``CaseEvent`` stores a message code (a key of ``MESSAGES``) and the facts
the sentence needs in ``data``; ``case_event_text`` makes the sentence in the
active language each time the line is shown, so an English-speaking operator
reads English and an Italian-speaking one Italian, whoever wrote the line.
Choice codes (statuses, roles, purposes…) become their labels at that moment.

``data`` holds codes, numbers, ids and names that are not personal (an
organisation's name, a service code, a case number), exactly what the line
said before: never a person's name, tax code or free text.

``summary`` keeps the sentence as it was written, in the writer's language:
it is what lines from before messages existed show, and the fallback when a
line's data does not fit its message any more (a status since removed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import (
    ActionStatus,
    CaseStatus,
    ConsentPurpose,
    ContactChannel,
    DocumentKind,
    GoalArea,
    InterventionKind,
    TeamRole,
)

Param = Callable[[dict], object]


@dataclass(frozen=True)
class Message:
    """``text`` with ``%(name)s`` placeholders, each filled by ``params[name](data)``.
    Without ``text`` the sentence is the only parameter alone."""

    text: Promise | None
    params: dict[str, Param] = field(default_factory=dict)
    suffix: Param | None = None

    def render(self, data: dict) -> str:
        values = {name: get(data) for name, get in self.params.items()}
        text = str(next(iter(values.values()))) if self.text is None else str(self.text) % values
        return text + (self.suffix(data) if self.suffix else "")


def _label(key: str, choices, index: int | None = None) -> Param:
    """The label of the choice code at ``data[key]`` (or ``data[key][index]``)."""
    def get(data):
        value = data[key] if index is None else data[key][index]
        return choices(value).label
    return get


def _value(key: str, index: int | None = None) -> Param:
    return lambda data: data[key] if index is None else data[key][index]


def _local_datetime(key: str) -> Param:
    def get(data):
        moment = parse_datetime(data[key])
        if moment is None:
            raise ValueError(key)
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "SHORT_DATETIME_FORMAT")
    return get


def _intervention(data) -> str:
    label = InterventionKind(data["kind"]).label
    return gettext("%(kind)s (joint)") % {"kind": label} if data.get("joint") else str(label)


def _service_code(data) -> str:
    code = data.get("service_code")
    return f" ({code})" if code else ""


_status = {"old": _label("from", CaseStatus), "new": _label("to", CaseStatus)}
_organisation = {"organisation": _value("organisation_name")}
_area = {"area": _label("area", GoalArea)}
_action = {"code": _value("service_code")}
_task_when = {"when": _local_datetime("due_at")}


def _referral(text) -> Message:
    return Message(text, _organisation, suffix=_service_code)


MESSAGES: dict[str, Message] = {
    # the case
    "case_opened": Message(_("Case opened")),
    "status_changed": Message(_("Status: %(old)s → %(new)s"), _status),
    "intake_eligible": Message(_("Intake decision: eligible")),
    "intake_not_eligible": Message(_("Intake decision: not eligible")),
    "records_merged": Message(_("Record %(merged)s merged into %(kept)s"),
                              {"merged": _value("merged_number"), "kept": _value("kept_number")}),
    # the case team
    "team_case_manager": Message(_("New case manager")),
    "team_member_added": Message(_("Added to the team as %(role)s"), {"role": _label("role", TeamRole)}),
    "team_member_left": Message(_("Left the team (%(role)s)"), {"role": _label("role", TeamRole)}),
    # contacts, consents, documents, notes
    "contact_recorded": Message(_("Contact (%(channel)s)"), {"channel": _label("channel", ContactChannel)}),
    "contact_linked": Message(_("Contact (%(channel)s) linked to the person"),
                              {"channel": _label("channel", ContactChannel)}),
    "consent_given": Message(_("Consent given: %(purpose)s"), {"purpose": _label("purpose", ConsentPurpose)}),
    "consent_withdrawn": Message(_("Consent withdrawn: %(purpose)s"),
                                 {"purpose": _label("purpose", ConsentPurpose)}),
    "privacy_notice_given": Message(_("Privacy notice given (version %(version)s)"), {"version": _value("version")}),
    "document_added": Message(_("Document added: %(kind)s"), {"kind": _label("kind", DocumentKind)}),
    "note_added": Message(_("Note added")),
    "restricted_note_added": Message(_("Restricted note added")),
    # referrals (the service code, when there is one, in brackets)
    "referral_inbound_recorded": _referral(_("Inbound referral from %(organisation)s recorded")),
    "referral_inbound_accepted": _referral(_("Inbound referral from %(organisation)s accepted")),
    "referral_inbound_declined": _referral(_("Inbound referral from %(organisation)s declined")),
    "referral_inbound_withdrawn": _referral(_("Inbound referral from %(organisation)s withdrawn")),
    "referral_outbound_sent": _referral(_("Referred to %(organisation)s")),
    "referral_outbound_accepted": _referral(_("Referral to %(organisation)s accepted")),
    "referral_outbound_declined": _referral(_("Referral to %(organisation)s declined")),
    "referral_outbound_completed": _referral(_("%(organisation)s reported back on the referral")),
    "referral_outbound_withdrawn": _referral(_("Referral to %(organisation)s withdrawn")),
    # the plan
    "plan_drafted": Message(_("Plan drafted")),
    "plan_agreed": Message(_("Plan agreed with the person")),
    "plan_cadence_changed": Message(_("Review every %(days)d days (was %(old)d)"),
                                    {"days": _value("review_every_days", 1), "old": _value("review_every_days", 0)}),
    "plan_reviewed": Message(_("Plan reviewed")),
    "goal_added": Message(_("Goal added (%(area)s)"), _area),
    "goal_changed": Message(_("Goal changed (%(area)s)"), _area),
    "goal_removed": Message(_("Goal removed (%(area)s)"), _area),
    "action_added": Message(_("Action added: %(code)s"), _action),
    "action_changed": Message(_("Action changed: %(code)s"), _action),
    "action_status_changed": Message(_("Action %(code)s: %(old)s → %(new)s"), {
        **_action, "old": _label("status", ActionStatus, 0), "new": _label("status", ActionStatus, 1)}),
    "action_outcome_updated": Message(_("Action outcome updated: %(code)s"), _action),
    # interventions
    "intervention_recorded": Message(None, {"kind": _intervention}),
    "intervention_corrected": Message(_("Intervention corrected: %(what)s"), {"what": _intervention}),
    # tasks and appointments
    "task_created": Message(_("Task created, due %(when)s"), _task_when),
    "appointment_scheduled": Message(_("Appointment scheduled for %(when)s"), _task_when),
    "task_rescheduled": Message(_("Rescheduled to %(when)s"), _task_when),
    "task_updated": Message(_("Task or appointment updated")),
    "task_linked": Message(_("Task or appointment linked to the case")),
    "task_done": Message(_("Task done")),
    "appointment_held": Message(_("Appointment held")),
    "task_reopened": Message(_("Task or appointment reopened")),
    # assessments (written by ``pua.assessments``; the title is the instrument's)
    "response_submitted": Message(_("%(title)s submitted"), {"title": _value("title")}),
    "response_amendment_submitted": Message(_("%(title)s submitted (amendment)"), {"title": _value("title")}),
    "outcome_confirmed": Message(_("Computed outcome confirmed")),
    "outcome_overridden": Message(_("Computed outcome overridden")),
}


def message_text(message: str, data: dict | None) -> str:
    """The sentence of ``message`` filled with ``data``, in the active language.
    Raises ``LookupError``/``ValueError``/``TypeError`` when they do not fit."""
    return MESSAGES[message].render(data or {})


def case_event_text(event) -> str:
    """The line of the timeline for ``event``, in the reader's language; the
    stored summary for lines without a message, or whose data no longer fits."""
    if event.message:
        try:
            return message_text(event.message, event.data if isinstance(event.data, dict) else {})
        except (LookupError, ValueError, TypeError):
            pass
    return event.summary
