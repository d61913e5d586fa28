"""The case page's "Add to the plan" for a step a screening proposes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pua.core.audited import not_audited
from pua.core.shortcuts import found, require_perm

from .access import visible_responses
from .integration import proposal_offerings
from .integration_services import proposal_apply


@not_audited(reason="a POST action that redirects; the service audits the change")
@login_required
@require_POST
def proposal_apply_view(request, pk):
    user = request.user
    response = found(visible_responses(user).select_related("case__access_point", "rule_set", "instrument_version")
                     .filter(pk=pk).first())
    require_perm(user, "assessments.view_response", response)
    if response.case is None:
        messages.error(request, _("This response is not linked to a case: there is no plan to add to."))
        return redirect("cases:person_journey", response.person_id)
    require_perm(user, "cases.change_plan", response.case)
    service_code = request.POST.get("service_code", "")
    offering = None
    if request.POST.get("offering"):
        offering = proposal_offerings(user, case=response.case, service_codes=[service_code]).filter(
            pk=request.POST["offering"]).first() if request.POST["offering"].isdigit() else None
        if offering is None:
            messages.error(request, _("Choose an organisation of the access point's network that offers this service."))
            return redirect("cases:case_detail", response.case_id)
    try:
        action = proposal_apply(response=response, service_code=service_code, by=user, offering=offering)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Added to the plan: %(code)s with %(provider)s.")
                         % {"code": action.service.code, "provider": action.provider.name})
    return redirect("cases:case_detail", response.case_id)
