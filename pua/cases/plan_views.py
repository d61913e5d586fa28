"""HTML pages of the personalised plan (PIP): the plan, its goals and
actions, the agreement, the reviews and the versions.

Access point staff see the whole plan (``cases.view_plan``); the director
and the experts change it (``cases.change_plan``). A partner operator of a
provider organisation sees only the actions their organisation provides and
updates their status and outcome (``cases.update_action``). Every page shows
the case, so every page audits the read.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pua.core.audit import audit_read
from pua.core.audited import audited, not_audited
from pua.core.pagination import paginate
from pua.core.shortcuts import found, require_perm, save_form

from . import plan_selectors as selectors
from . import plan_services as services
from .access import shared_cases
from .plan_forms import (
    ActionForm,
    ActionStatusForm,
    AgreementForm,
    CadenceForm,
    GoalForm,
    PlanCreateForm,
    ReviewForm,
)


def _plan_url(case, anchor: str = "") -> str:
    url = reverse("cases:plan_detail", args=[case.pk])
    return f"{url}#{anchor}" if anchor else url


def _page(request, case, **extra) -> dict:
    """What the header of every plan page needs."""
    return {
        "case": case,
        "person": case.person,
        "shows_identity": request.user.has_perm("people.view_person_identity", case.person),
        **extra,
    }


def _staff_plan(request, case_pk, perm: str = "cases.change_plan"):
    """The case (staff only, else 404), its plan (404 if none yet), the permission checked."""
    case = selectors.staff_case_get(request.user, case_pk)
    plan = found(selectors.plan_of(case))
    plan.case = case
    require_perm(request.user, perm, plan)
    return case, plan


def _show_refusal(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@audited
@login_required
def plan_detail(request, case_pk):
    user = request.user
    case, shared = selectors.plan_case_get(user, case_pk)
    require_perm(user, "cases.view_plan", case)
    audit_read(actor=user, obj=case, request=request)
    if shared:
        return render(request, "cases/plan_shared.html", _page(request, case,
                                                               actions=selectors.partner_actions(user, case)))
    plan = selectors.plan_of(case)
    context = _page(request, case, plan=plan, can_change=user.has_perm("cases.change_plan", case))
    if plan is None:
        context["can_create"] = context["can_change"] and case.status in services.PLAN_CASE_STATUSES
        context["create_form"] = PlanCreateForm()
    else:
        plan.case = case
        context.update(selectors.plan_page(plan))
    return render(request, "cases/plan_detail.html", context)


@not_audited(reason="a POST action that redirects; the service audits the change")
@login_required
@require_POST
def plan_create(request, case_pk):
    case = selectors.staff_case_get(request.user, case_pk)
    require_perm(request.user, "cases.change_plan", case)
    form = PlanCreateForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(_plan_url(case))
    try:
        services.plan_create(case=case, by=request.user, review_every_days=form.cleaned_data["review_every_days"])
    except ValidationError as error:
        _show_refusal(request, error)
    else:
        messages.success(request, _("Plan drafted: add the goals and the actions."))
    return redirect(_plan_url(case))


# --- goals -----------------------------------------------------------------------------------------

@audited
@login_required
def goal_add(request, case_pk):
    case, plan = _staff_plan(request, case_pk)
    audit_read(actor=request.user, obj=case, request=request)
    form = GoalForm(request.POST or None, initial={"area": request.GET.get("area", "")})
    if request.method == "POST" and form.is_valid():
        goal = save_form(request, form, lambda data: services.goal_add(plan=plan, by=request.user, **data),
                         _("Goal added."))
        if goal:
            return redirect(_plan_url(case, f"goal-{goal.pk}"))
    return render(request, "cases/plan_goal_form.html", _page(request, case, plan=plan, form=form))


@audited
@login_required
def goal_edit(request, case_pk, pk):
    case, plan = _staff_plan(request, case_pk)
    goal = selectors.goal_get(plan, pk)
    audit_read(actor=request.user, obj=case, request=request)
    form = GoalForm(request.POST or None, initial={"area": goal.area, "description": goal.description},
                    version=goal.version)
    if request.method == "POST" and form.is_valid():
        saved = save_form(request, form, lambda data: services.goal_update(goal=goal, by=request.user, **data),
                          _("Goal saved."))
        if saved:
            return redirect(_plan_url(case, f"goal-{goal.pk}"))
    return render(request, "cases/plan_goal_form.html", _page(request, case, plan=plan, form=form, goal=goal))


@not_audited(reason="a POST action that redirects; the service audits the change")
@login_required
@require_POST
def goal_remove(request, case_pk, pk):
    case, plan = _staff_plan(request, case_pk)
    goal = selectors.goal_get(plan, pk)
    try:
        services.goal_remove(goal=goal, by=request.user)
    except ValidationError as error:
        _show_refusal(request, error)
        return redirect(_plan_url(case, f"goal-{goal.pk}"))
    messages.success(request, _("Goal removed."))
    return redirect(_plan_url(case))


# --- actions ---------------------------------------------------------------------------------------

def _chosen_service(case, raw, action=None):
    """The service whose providers the form offers: the one submitted or asked for, else the action's."""
    if raw and str(raw).isdigit():
        if action is not None and int(raw) == action.service_id:
            return action.service
        chosen = selectors.catalogue_for_plans(case.access_point.programme_id).filter(pk=raw).first()
        if chosen is not None:
            return chosen
    return action.service if action is not None else None


def _action_form(request, case, plan, *, action=None, url: str):
    """Bound on a real submission; on a "show providers" submission, unbound
    with what was typed, so that nothing is saved and no error shows."""
    refreshing = request.method == "POST" and "refresh" in request.POST
    submitted = request.method == "POST" and not refreshing
    raw_service = request.POST.get("service") if request.method == "POST" else request.GET.get("service")
    service = _chosen_service(case, raw_service, action)
    if refreshing:
        initial = request.POST.dict()
    elif action is not None:
        initial = {"goal": action.goal_id, "service": action.service_id, "provider": ActionForm.provider_value(action),
                   "responsible": action.responsible_id, "planned_start": action.planned_start,
                   "planned_end": action.planned_end, "status": action.status, "outcome_note": action.outcome_note}
    else:
        initial = {"goal": request.GET.get("goal"), "service": raw_service}
    form = ActionForm(request.POST if submitted else None, initial=initial, plan=plan, user=request.user,
                      service=service, action=action, refresh_url=url,
                      version=action.version if action is not None else None)
    return form, submitted


def _render_action_form(request, case, plan, form, action=None):
    template = "cases/plan_action_form.html"
    if request.htmx and request.htmx.target == "provider-field":
        template += "#provider-field"
    return render(request, template, _page(request, case, plan=plan, form=form, action=action))


@audited
@login_required
def action_add(request, case_pk):
    case, plan = _staff_plan(request, case_pk)
    audit_read(actor=request.user, obj=case, request=request)
    form, submitted = _action_form(request, case, plan, url=reverse("cases:plan_action_add", args=[case.pk]))
    if submitted and form.is_valid():
        action = save_form(request, form, lambda data: services.action_add(plan=plan, by=request.user,
                                                                            **form.service_data()), _("Action added."))
        if action:
            return redirect(_plan_url(case, f"action-{action.pk}"))
    return _render_action_form(request, case, plan, form)


@audited
@login_required
def action_edit(request, case_pk, pk):
    case, plan = _staff_plan(request, case_pk)
    action = selectors.action_get(plan, pk)
    audit_read(actor=request.user, obj=case, request=request)
    form, submitted = _action_form(request, case, plan, action=action,
                                   url=reverse("cases:plan_action_edit", args=[case.pk, action.pk]))
    if submitted and form.is_valid():
        saved = save_form(request, form, lambda data: services.action_update(action=action, by=request.user,
                                                                              **form.service_data()), _("Action saved."))
        if saved:
            return redirect(_plan_url(case, f"action-{action.pk}"))
    return _render_action_form(request, case, plan, form, action)


@audited
@login_required
def action_status(request, case_pk, pk):
    """Status and outcome of one action: case staff, and the provider's partner operators."""
    user = request.user
    case, shared = selectors.plan_case_get(user, case_pk)
    if shared:
        action = selectors.shared_action_get(user, case, pk)
    else:
        plan = found(selectors.plan_of(case))
        plan.case = case
        action = selectors.action_get(plan, pk)
    require_perm(user, "cases.update_action", action)
    audit_read(actor=user, obj=case, request=request)
    form = ActionStatusForm(request.POST or None, initial={"status": action.status, "outcome_note": action.outcome_note},
                            version=action.version)
    if request.method == "POST" and form.is_valid():
        saved = save_form(request, form, lambda data: services.action_set_status(action=action, by=user, **data),
                          _("Action updated."))
        if saved:
            if shared and not shared_cases(user).filter(pk=case.pk).exists():
                # Their last active action is over: the person is no longer shared with them.
                return redirect("cases:my_work")
            return redirect(_plan_url(case, f"action-{action.pk}"))
    return render(request, "cases/plan_action_status.html", _page(request, case, action=action, form=form,
                                                                  shared=shared))


# --- agreement, cadence, reviews ---------------------------------------------------------------------

@audited
@login_required
def plan_agree(request, case_pk):
    case, plan = _staff_plan(request, case_pk)
    audit_read(actor=request.user, obj=case, request=request)
    if plan.agreed_on:
        initial = {"agreed_on": plan.agreed_on, "language": plan.agreed_language_id}
    else:
        known = case.person.languages.order_by("id").values_list("language_id", flat=True).first()
        initial = {"language": known}
    form = AgreementForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = save_form(request, form, lambda data: services.plan_agree(
            plan=plan, by=request.user, agreed_on=data["agreed_on"], language=data["language"],
            signed_file=data["signed_file"]), _("Agreement recorded: the plan is active."))
        if saved:
            return redirect(_plan_url(case))
    return render(request, "cases/plan_agree.html", _page(request, case, plan=plan, form=form))


@audited
@login_required
def plan_cadence(request, case_pk):
    case, plan = _staff_plan(request, case_pk)
    audit_read(actor=request.user, obj=case, request=request)
    form = CadenceForm(request.POST or None, initial={"review_every_days": plan.review_every_days},
                       version=plan.version)
    if request.method == "POST" and form.is_valid():
        saved = save_form(request, form, lambda data: services.plan_set_review_cadence(plan=plan, by=request.user,
                                                                                        **data),
                          _("Review cadence saved."))
        if saved:
            return redirect(_plan_url(case, "reviews"))
    return render(request, "cases/plan_cadence.html", _page(request, case, plan=plan, form=form))


@audited
@login_required
def review_add(request, case_pk):
    case, plan = _staff_plan(request, case_pk)
    audit_read(actor=request.user, obj=case, request=request)
    form = ReviewForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        saved = save_form(request, form, lambda data: services.plan_review_record(plan=plan, by=request.user, **data),
                          _("Review recorded."))
        if saved:
            return redirect(_plan_url(case, "reviews"))
    return render(request, "cases/plan_review_form.html", _page(request, case, plan=plan, form=form))


# --- versions -----------------------------------------------------------------------------------------

@audited
@login_required
def plan_versions(request, case_pk):
    case, plan = _staff_plan(request, case_pk, perm="cases.view_case_internal")
    audit_read(actor=request.user, obj=case, request=request)
    return render(request, "cases/plan_versions.html", _page(
        request, case, plan=plan, page=paginate(request, selectors.plan_versions(plan))))


@audited
@login_required
def plan_version(request, case_pk, number):
    case, plan = _staff_plan(request, case_pk, perm="cases.view_case_internal")
    version, previous = selectors.plan_version_get(plan, number)
    audit_read(actor=request.user, obj=case, request=request)
    return render(request, "cases/plan_version.html", _page(
        request, case, plan=plan, version=version, previous=previous,
        content=selectors.snapshot_view(version.snapshot),
        diff=selectors.version_diff(previous.snapshot if previous else None, version.snapshot)))
