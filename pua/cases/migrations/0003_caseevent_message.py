"""Timeline lines name their sentence (``CaseEvent.message``) so that each
reader sees them in their own language.

Existing lines get the message their kind and data tell, plus the
non-personal names the sentence needs (an organisation's name, a service
code, a case number) looked up by the ids they already store. A line whose
sentence cannot be told from what was stored (an assessment submitted without
its title, a task written with no due date, a goal changed without its area)
keeps no message and goes on showing its stored summary.
"""

from dataclasses import dataclass, field

from django.db import migrations, models

CASE_STATUSES = {"contact", "screening", "taken_in_charge", "plan_active", "follow_up", "closed"}
REFERRAL_STEPS = {
    "inbound": {"created": "recorded", "accepted": "accepted", "declined": "declined", "withdrawn": "withdrawn"},
    "outbound": {"created": "sent", "accepted": "accepted", "declined": "declined", "completed": "completed",
                 "withdrawn": "withdrawn"},
}
TASK_CREATED = {"appointment": "appointment_scheduled", "task": "task_created"}
TASK_COMPLETED = {"appointment": "appointment_held", "task": "task_done"}
TASK_ACTIONS = {"rescheduled": "task_rescheduled", "updated": "task_updated", "linked": "task_linked",
                "reopened": "task_reopened"}


@dataclass
class Names:
    """What the sentences name, looked up by id: organisation names, service
    codes, persons' case numbers, and the organisation, service and action
    behind referrals and plan actions."""

    organisations: dict = field(default_factory=dict)  # id -> name
    services: dict = field(default_factory=dict)  # id -> code
    case_numbers: dict = field(default_factory=dict)  # person id -> case number
    referrals: dict = field(default_factory=dict)  # id -> (organisation id, service id)
    actions: dict = field(default_factory=dict)  # plan action id -> service id


def _referral(data, object_type, object_id, names):
    direction = data.get("direction")
    step = "created" if data.get("from") is None else data.get("to")
    name = REFERRAL_STEPS.get(direction, {}).get(step)
    behind = names.referrals.get(object_id, (None, None)) if object_type == "referral" else (None, None)
    organisation = names.organisations.get(data.get("organisation") or behind[0])
    if name is None or organisation is None:
        return None
    service_id = data["service"] if "service" in data else behind[1]
    return f"referral_{direction}_{name}", {
        "organisation_name": organisation, "service_code": names.services.get(service_id, "")}


def _plan(data, object_type, names):
    if isinstance(data.get("review_every_days"), list):
        return "plan_cadence_changed", {}
    if "goal" in data:
        if "fields" in data:
            return ("goal_changed", {}) if "area" in data else None
        if "area" in data:
            return ("goal_added", {}) if object_type == "plangoal" else ("goal_removed", {})
        return None
    if "action" in data:
        code = names.services.get(data.get("service") or names.actions.get(data["action"]))
        if code is None:
            return None
        if "service" in data and "provider" in data:
            return "action_added", {"service_code": code}
        status = data.get("status")
        if isinstance(status, list) and len(status) == 2:
            if status[0] != status[1]:
                return "action_status_changed", {"service_code": code}
            return "action_outcome_updated", {"service_code": code}
        return None
    if "agreed_on" in data or data.get("status") == "agreed":
        return "plan_agreed", {}
    if data.get("version") == 1:
        return "plan_drafted", {}
    return None


def _note(data, restricted, object_type):
    if object_type == "casenote":
        return ("restricted_note_added" if restricted else "note_added"), {}
    if object_type == "response" and "confirmed_outcome" in data:
        overridden = data["confirmed_outcome"] != data.get("outcome")
        return ("outcome_overridden" if overridden else "outcome_confirmed"), {}
    if object_type == "response" and data.get("title"):
        return ("response_amendment_submitted" if data.get("amends") else "response_submitted"), {}
    return None  # a response submitted, its title not stored


def _task(data):
    action, kind = data.get("action"), data.get("kind")
    if action == "created" and "due_at" in data and kind in TASK_CREATED:
        return TASK_CREATED[kind], {}
    if action == "completed" and kind in TASK_COMPLETED:
        return TASK_COMPLETED[kind], {}
    if action == "rescheduled" and "due_at" not in data:
        return None
    return (TASK_ACTIONS[action], {}) if action in TASK_ACTIONS else None


def message_for(kind, data, *, restricted=False, object_type="", object_id=None, names=None):
    """The message an existing line says and what to add to its data, or
    None when its sentence cannot be told from what it stored."""
    data = data if isinstance(data, dict) else {}
    names = names or Names()
    if kind == "opened":
        return "case_opened", {}
    if kind in ("status_changed", "closed", "reopened"):
        ok = data.get("from") in CASE_STATUSES and data.get("to") in CASE_STATUSES
        return ("status_changed", {}) if ok else None
    if kind == "intake_decision":
        return {"eligible": ("intake_eligible", {}), "not_eligible": ("intake_not_eligible", {})}.get(
            data.get("outcome"))
    if kind == "team":
        if not data.get("role"):
            return None
        if data.get("action") == "removed":
            return "team_member_left", {}
        return ("team_case_manager", {}) if data["role"] == "case_manager" else ("team_member_added", {})
    if kind == "contact":
        if not data.get("channel"):
            return None
        return ("contact_linked" if data.get("linked") else "contact_recorded"), {}
    if kind == "consent":
        if "notice_id" in data:
            return ("privacy_notice_given", {}) if data.get("version") else None
        if not data.get("purpose"):
            return None
        withdrawn = data.get("action") == "withdrawn" or data.get("withdrawn") is True
        return ("consent_withdrawn" if withdrawn else "consent_given"), {}
    if kind == "document":
        return ("document_added", {}) if data.get("kind") else None
    if kind == "note":
        return _note(data, restricted, object_type)
    if kind == "referral":
        return _referral(data, object_type, object_id, names)
    if kind == "plan":
        return _plan(data, object_type, names)
    if kind == "review":
        return "plan_reviewed", {}
    if kind == "intervention":
        if not data.get("kind"):
            return None
        return ("intervention_corrected" if "fields" in data else "intervention_recorded"), {}
    if kind == "task":
        return _task(data)
    if kind == "merged":
        kept, merged = names.case_numbers.get(data.get("kept")), names.case_numbers.get(data.get("merged"))
        if kept is None or merged is None:
            return None
        return "records_merged", {"kept_number": kept, "merged_number": merged}
    return None


def _names(apps, events) -> Names:
    """Look up, in a few queries, what a batch of lines names."""
    def ids(key, kinds):
        return {e.data.get(key) for e in events if e.kind in kinds and isinstance(e.data, dict)} - {None}

    referral_ids = {e.object_id for e in events if e.kind == "referral" and e.object_type == "referral"}
    referrals = {r["pk"]: (r["organisation_id"], r["service_id"]) for r in apps.get_model("cases", "Referral")
                 .objects.filter(pk__in=referral_ids).values("pk", "organisation_id", "service_id")}
    actions = dict(apps.get_model("cases", "PlanAction").objects.filter(pk__in=ids("action", {"plan"}))
                   .values_list("pk", "service_id"))
    organisation_ids = ids("organisation", {"referral"}) | {o for o, _s in referrals.values()}
    service_ids = ids("service", {"referral", "plan"}) | {s for _o, s in referrals.values()} | set(actions.values())
    person_ids = ids("kept", {"merged"}) | ids("merged", {"merged"})
    return Names(
        organisations=dict(apps.get_model("network", "Organisation").objects.filter(pk__in=organisation_ids)
                           .values_list("pk", "name")),
        services=dict(apps.get_model("network", "Service").objects.filter(pk__in=service_ids - {None})
                      .values_list("pk", "code")),
        case_numbers=dict(apps.get_model("people", "Person").objects.filter(pk__in=person_ids)
                          .values_list("pk", "case_number")),
        referrals=referrals,
        actions=actions,
    )


def convert_events(apps, schema_editor=None, batch_size=1000):
    """Give every line without a message the one its kind and data tell."""
    CaseEvent = apps.get_model("cases", "CaseEvent")
    last = 0
    while True:
        events = list(CaseEvent.objects.filter(message="", pk__gt=last).order_by("pk")[:batch_size])
        if not events:
            return
        last = events[-1].pk
        names = _names(apps, events)
        changed = []
        for event in events:
            found = message_for(event.kind, event.data, restricted=event.restricted,
                                object_type=event.object_type, object_id=event.object_id, names=names)
            if found is not None:
                event.message = found[0]
                event.data = {**(event.data if isinstance(event.data, dict) else {}), **found[1]}
                changed.append(event)
        CaseEvent.objects.bulk_update(changed, ["message", "data"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0002_case_screening_flag'),
    ]

    operations = [
        migrations.AddField(
            model_name='caseevent',
            name='message',
            field=models.CharField(blank=True, max_length=40, verbose_name='message'),
        ),
        migrations.RunPython(convert_events, migrations.RunPython.noop),
    ]
