"""Eligibility criteria (the director's settings of an access point) and
the intake decision on a case."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pua.core.audit import audit_read
from pua.core.audited import audited, not_audited
from pua.core.shortcuts import found, require_perm, save_form

from . import intake_selectors as selectors
from . import intake_services as services
from .intake_forms import CriterionForm, IntakeForm
from .models import CaseStatus


def _may_manage(user, access_point) -> bool:
    """The rule as the user's roles grant it. Not ``user.has_perm``: Django
    grants a superuser every permission, and the administrator's account is a
    superuser, while eligibility criteria are the director's (docs/permissions.md)."""
    return rules.has_perm("cases.manage_eligibility", user, access_point)


def _managed_access_point(request):
    """Criteria are set for the access point the director is working at now."""
    access_point = request.access_point
    if access_point is None or not _may_manage(request.user, access_point):
        raise PermissionDenied
    return access_point


@not_audited(reason="settings of the access point; no person data")
@login_required
def eligibility_list(request):
    access_point = _managed_access_point(request)
    criteria = list(selectors.criteria_of(access_point.pk))
    return render(request, "cases/eligibility_list.html", {
        "access_point": access_point,
        "active": [c for c in criteria if c.is_active],
        "inactive": [c for c in criteria if not c.is_active],
    })


@not_audited(reason="settings of the access point; no person data")
@login_required
def eligibility_create(request):
    access_point = _managed_access_point(request)
    form = CriterionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = save_form(
            request, form,
            lambda data: services.criterion_create(access_point=access_point, by=request.user, **data),
            _("Criterion added."))
        if created:
            return redirect("cases:eligibility_list")
    return render(request, "cases/eligibility_form.html", {"form": form, "access_point": access_point})


def _criterion(request, pk):
    criterion = found(selectors.criterion_get(request.user, pk))
    if not _may_manage(request.user, criterion):
        raise PermissionDenied
    return criterion


@not_audited(reason="settings of the access point; no person data")
@login_required
def eligibility_edit(request, pk):
    criterion = _criterion(request, pk)
    form = CriterionForm(request.POST or None, instance=criterion)
    if request.method == "POST" and form.is_valid():
        saved = save_form(request, form,
                          lambda data: services.criterion_update(criterion=criterion, by=request.user, **data),
                          _("Criterion saved."))
        if saved:
            return redirect("cases:eligibility_list")
    return render(request, "cases/eligibility_form.html", {
        "form": form, "criterion": criterion, "access_point": criterion.access_point,
    })


@not_audited(reason="settings of the access point; no person data")
@login_required
@require_POST
def eligibility_deactivate(request, pk):
    criterion = _criterion(request, pk)
    services.criterion_set_active(criterion=criterion, by=request.user, active=False)
    messages.success(request, _("Criterion deactivated: it no longer appears in new intake decisions."))
    return redirect("cases:eligibility_list")


@not_audited(reason="settings of the access point; no person data")
@login_required
@require_POST
def eligibility_activate(request, pk):
    criterion = _criterion(request, pk)
    services.criterion_set_active(criterion=criterion, by=request.user, active=True)
    messages.success(request, _("Criterion reactivated."))
    return redirect("cases:eligibility_list")


@not_audited(reason="settings of the access point; no person data")
@login_required
@require_POST
def eligibility_move(request, pk):
    criterion = _criterion(request, pk)
    try:
        services.criterion_move(criterion=criterion, by=request.user, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect(f"{reverse('cases:eligibility_list')}#criterion-{criterion.pk}")


@audited
@login_required
def intake_decide(request, case_pk):
    user = request.user
    case = found(selectors.intake_case_get(user, case_pk))
    require_perm(user, "cases.decide_intake", case)
    audit_read(actor=user, obj=case, request=request)
    open_for_decision = case.status in (CaseStatus.CONTACT, CaseStatus.SCREENING)
    criteria = list(selectors.criteria_of(case.access_point_id, active=True))
    form = IntakeForm(request.POST or None, criteria=criteria, user=user, access_point_id=case.access_point_id)
    if request.method == "POST" and form.is_valid():
        decision = save_form(request, form,
                             lambda data: services.intake_decide(case=case, by=user, **form.service_kwargs()),
                             _("Intake decision recorded."))
        if decision:
            return redirect("cases:intake_detail", pk=decision.pk)
        form.flag_unchecked()
    return render(request, "cases/intake_form.html", {
        "case": case, "form": form, "open_for_decision": open_for_decision,
        "decisions": selectors.decisions_of(case),
        "shows_identity": user.has_perm("people.view_person_identity", case.person),
        "can_manage_criteria": user.has_perm("cases.manage_eligibility", case.access_point),
    })


@audited
@login_required
def intake_detail(request, pk):
    decision = found(selectors.decision_get(request.user, pk))
    require_perm(request.user, "cases.view_case_internal", decision.case)
    audit_read(actor=request.user, obj=decision.case, request=request)
    return render(request, "cases/intake_detail.html", {
        "decision": decision, "case": decision.case,
        "referrals": selectors.referrals_of_decision(decision),
    })
