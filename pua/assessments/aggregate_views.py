"""The aggregates page and its CSV export: counts of outcomes and
indicators, with small counts suppressed for those outside the case work
(see ``aggregate_selectors``). A small hidden count reads "<5"; a count
hidden only to protect another one reads "—" on the page and
``suppressed`` in the CSV."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pua.core.audit import audit_export
from pua.core.audited import audited, not_audited
from pua.core.shortcuts import require_perm

from . import aggregate_selectors as selectors
from .aggregate_forms import AggregateFilterForm


def _form_and_table(request):
    user = request.user
    require_perm(user, "assessments.view_aggregates")
    instrument = selectors.instrument_for(user, request.GET.get("instrument"))
    data = None
    if request.GET:
        data = request.GET.copy()
        if instrument is not None and not data.get("instrument"):
            data["instrument"] = instrument.pk  # the select shows the instrument counted
    form = AggregateFilterForm(data, user=user, sectors=selectors.sector_choices_for(instrument),
                               initial={"instrument": instrument.pk if instrument else None})
    filters = form.filters()
    return form, filters, (selectors.aggregate_table(user, filters) if filters is not None else None)


@not_audited(reason="counts by group, never a record of a person; the CSV download is audited")
@login_required
def aggregates(request):
    form, filters, table = _form_and_table(request)
    template = "assessments/aggregate_list.html"
    if request.htmx and request.htmx.target == "aggregate-results":
        template += "#results"
    return render(request, template, {
        "form": form, "filters": filters, "table": table,
        "query": request.GET.urlencode(), "secondary_csv": selectors.SECONDARY_CSV,
    })


@audited
@login_required
def aggregates_csv(request):
    form, filters, table = _form_and_table(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    code = filters.instrument.code if filters is not None else "none"
    response["Content-Disposition"] = (
        f'attachment; filename="aggregates-{code}-{timezone.localdate():%Y%m%d}.csv"')
    response.write("\ufeff")  # spreadsheets open UTF-8 correctly with a BOM
    lines = selectors.aggregate_csv_rows(table) if table is not None else []
    csv.writer(response).writerows(lines)
    audit_export(actor=request.user, what=f"assessment_aggregates:{code}", count=max(len(lines) - 1, 0),
                 request=request)
    return response
