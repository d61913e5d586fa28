"""The result of a scored screening: the outcome in force (the operator's
confirmed or overridden outcome, else the computed one marked as not yet
reviewed), the computed outcome with its rule set, the reviews, the
explanation and next steps, and the review form; the directors' report of
overrides.

Who sees what: the outcome and its next steps need ``view_response``; the
dimensions, the art. 603-bis indices and the override reason need
``view_response_detail`` (the case team and the director, for the
exploitation screening); the review form needs ``review_outcome``. The
overrides report is for directors only (``access.may_view_overrides``).
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pua.core.audit import audit_read
from pua.core.audited import audit_page, audited
from pua.core.pagination import paginate
from pua.core.shortcuts import found, require_perm, save_form

from . import result_selectors as selectors
from . import services
from .access import may_view_overrides
from .result_forms import OutcomeReviewForm, OverridesFilterForm

ANTI_TRAFFICKING_NUMBER = "800 290 290"


def _review_form(response, data=None):
    return OutcomeReviewForm(data, outcomes=selectors.outcome_choices(response),
                             initial={"confirmed_outcome": response.confirmed_outcome or response.outcome})


def _render(request, response, form=None, status=200):
    user = request.user
    audit_read(actor=user, obj=response, request=request)
    with_detail = user.has_perm("assessments.view_response_detail", response)
    may_review = user.has_perm("assessments.review_outcome", response)
    if may_review and form is None:
        form = _review_form(response)
    return render(request, "assessments/result_detail.html", {
        "response": response, "person": response.person, "result": selectors.result_view(response, with_detail=with_detail),
        "history": selectors.review_history(response, with_reason=with_detail),
        "superseded_by": selectors.superseding(response),
        "may_review": may_review, "form": form if may_review else None,
        "shows_identity": user.has_perm("people.view_person_identity", response.person),
        "anti_trafficking_number": ANTI_TRAFFICKING_NUMBER,
    }, status=status)


@audited
@login_required
def result_detail(request, pk):
    response = found(selectors.result_get(request.user, pk))
    require_perm(request.user, "assessments.view_response", response)
    return _render(request, response)


@audited
@login_required
@require_POST
def result_review(request, pk):
    user = request.user
    response = found(selectors.result_get(user, pk))
    require_perm(user, "assessments.review_outcome", response)
    form = _review_form(response, request.POST)
    if form.is_valid():
        overriding = form.cleaned_data["confirmed_outcome"] != response.outcome
        message = _("The outcome was overridden.") if overriding else _("The computed outcome was confirmed.")
        if save_form(request, form, lambda data: services.outcome_review(response=response, by=user, **data), message):
            return redirect("assessments:result_detail", pk=response.pk)
    return _render(request, response, form=form)


@audited
@login_required
def overrides(request):
    user = request.user
    if not may_view_overrides(user):
        raise PermissionDenied
    outcomes = selectors.known_outcomes()
    form = OverridesFilterForm(request.GET or None, outcomes=outcomes)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, selectors.overrides_report(
        user, reviewed_from=filters.get("reviewed_from"), reviewed_to=filters.get("reviewed_to"),
        outcome=filters.get("outcome", "")))
    audit_page(request, page.object_list, filters=filters, page=page)
    labels = dict(outcomes)
    rows = [{"response": r, "outcome": labels.get(r.outcome, r.outcome),
             "confirmed": labels.get(r.confirmed_outcome, r.confirmed_outcome)} for r in page.object_list]
    return render(request, "assessments/result_overrides.html", {"form": form, "page": page, "rows": rows})
