"""HTML pages of the interventions diary of a case: the list (filtered,
paged) and the form to record or correct an intervention.

Access point staff read the diary (``cases.view_intervention``), the
director and the experts write it (``cases.add_intervention`` /
``cases.change_intervention``); partner operators never see it (404).
Restricted notes show only with ``cases.view_restricted``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pua.core.audit import audit_read
from pua.core.audited import audited
from pua.core.pagination import paginate
from pua.core.shortcuts import require_perm, save_form

from . import interventions_selectors as selectors
from . import interventions_services as services
from .interventions_forms import InterventionFilterForm, InterventionForm
from .plan_selectors import staff_case_get


def _page(request, case, **extra) -> dict:
    return {
        "case": case,
        "person": case.person,
        "shows_identity": request.user.has_perm("people.view_person_identity", case.person),
        **extra,
    }


@audited
@login_required
def intervention_list(request, case_pk):
    user = request.user
    case = staff_case_get(user, case_pk)
    require_perm(user, "cases.view_intervention", case)
    audit_read(actor=user, obj=case, request=request)
    form = InterventionFilterForm(request.GET or None)
    page = paginate(request, selectors.intervention_list(case, **form.filters()))
    context = _page(request, case, form=form, page=page, totals=selectors.intervention_totals(case),
                    can_add=user.has_perm("cases.add_intervention", case) and not case.is_closed,
                    can_view_restricted=user.has_perm("cases.view_restricted", case))
    # One check per row would be a query per row: who may change a restricted row follows from the two above.
    context["can_change_restricted"] = context["can_add"] and context["can_view_restricted"]
    template = "cases/intervention_list.html"
    if request.htmx and request.htmx.target == "intervention-results":
        template += "#results"
    return render(request, template, context)


def _form_data(data: dict) -> dict:
    return {**data, "operators": list(data["operators"])}


@audited
@login_required
def intervention_add(request, case_pk):
    user = request.user
    case = staff_case_get(user, case_pk)
    require_perm(user, "cases.add_intervention", case)
    audit_read(actor=user, obj=case, request=request)
    initial = {"operators": [user.pk]}
    if request.GET.get("plan_action", "").isdigit():
        initial["plan_action"] = int(request.GET["plan_action"])
    form = InterventionForm(request.POST or None, case=case, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = save_form(request, form, lambda data: services.intervention_record(case=case, by=user,
                                                                                    **_form_data(data)),
                          _("Intervention recorded."))
        if saved:
            return redirect("cases:intervention_list", case_pk=case.pk)
    return render(request, "cases/intervention_form.html", _page(request, case, form=form))


@audited
@login_required
def intervention_edit(request, case_pk, pk):
    user = request.user
    case = staff_case_get(user, case_pk)
    intervention = selectors.intervention_get(case, pk)
    require_perm(user, "cases.change_intervention", intervention)
    audit_read(actor=user, obj=case, request=request)
    initial = {
        "occurred_on": intervention.occurred_on, "kind": intervention.kind,
        "duration_minutes": intervention.duration_minutes, "joint": intervention.joint,
        "operators": list(intervention.operators.values_list("pk", flat=True)),
        "plan_action": intervention.plan_action_id, "service": intervention.service_id, "notes": intervention.notes,
        "notes_restricted": intervention.notes_restricted,
    }
    form = InterventionForm(request.POST or None, case=case, intervention=intervention, initial=initial,
                            version=intervention.version)
    if request.method == "POST" and form.is_valid():
        saved = save_form(request, form, lambda data: services.intervention_update(intervention=intervention, by=user,
                                                                                    **_form_data(data)),
                          _("Intervention saved."))
        if saved:
            return redirect("cases:intervention_list", case_pk=case.pk)
    return render(request, "cases/intervention_form.html", _page(request, case, form=form, intervention=intervention))
