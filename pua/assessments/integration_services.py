"""Turning a screening's proposed next step into the case's plan.

The plan is written only through ``pua.cases.plan_services`` (which
versions the plan, writes the case event and the audit entries); this
module decides which goal and which provider, and refuses clearly when it
cannot.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pua.cases import plan_services
from pua.cases.models import ACTIVE_ACTION_STATUSES, OPEN_STATUSES, Plan, PlanAction
from pua.cases.plan_selectors import catalogue_for_plans

from .integration import is_current, proposal_offerings, proposals
from .models import ResponseStatus


@transaction.atomic
def proposal_apply(*, response, service_code: str, by, offering=None) -> PlanAction:
    """Add the step of ``response``'s proposals for ``service_code`` to the
    case's plan: the plan is drafted if missing, the goal is added (or the
    same goal reused), and an action for the service by ``offering``'s
    organisation (by default the first organisation of the access point's
    network that offers it)."""
    case = response.case
    if case is None:
        raise ValidationError(_("This response is not linked to a case: there is no plan to add to."),
                              code="no_case")
    if response.status != ResponseStatus.SUBMITTED or not is_current(response):
        raise ValidationError(_("Only the current submitted response proposes steps for the plan."),
                              code="not_current")
    if case.status not in OPEN_STATUSES:
        raise ValidationError(_("The case is closed: its plan can no longer change."), code="case_closed")
    proposal = next((p for p in proposals(response) if p.service_code == service_code), None)
    if proposal is None:
        raise ValidationError(_("This step is not among those the result proposes."), code="not_proposed")
    service = catalogue_for_plans(case.access_point.programme_id).filter(code=service_code).first()
    if service is None:
        raise ValidationError(
            _("The service %(code)s is not in the catalogue of this access point: add the step to the plan by hand.")
            % {"code": service_code}, code="unknown_service")
    available = proposal_offerings(by, case=case, service_codes=[service_code])
    if offering is None:
        offering = available.first()
        if offering is None:
            raise ValidationError(
                _("No organisation of the access point's network offers %(code)s “%(service)s”: record the offering "
                  "in the network directory first, or add the step to the plan by hand.")
                % {"code": service.code, "service": service.label}, code="no_provider")
    elif not available.filter(pk=offering.pk).exists():
        raise ValidationError({"offering": ValidationError(
            _("Choose an organisation of the access point's network that offers this service."),
            code="invalid_offering")})
    plan = Plan.objects.filter(case=case).first() or plan_services.plan_create(case=case, by=by)
    if plan.actions.filter(service=service, status__in=ACTIVE_ACTION_STATUSES).exists():
        raise ValidationError(_("The plan already has an action for %(code)s.") % {"code": service.code},
                              code="already_planned")
    goal = (plan.goals.filter(area=proposal.area, description=proposal.description).first()
            or plan_services.goal_add(plan=plan, area=proposal.area, description=proposal.description, by=by))
    return plan_services.action_add(plan=plan, goal=goal, service=service, provider=offering.organisation,
                                    offering=offering, by=by)
