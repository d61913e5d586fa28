"""The aggregates page and its CSV and XLSX exports: counts of outcomes and
indicators by fixed period, with small counts suppressed for those outside
the case work (see ``aggregate_selectors`` and ``pua.core.disclosure``). A
small hidden count reads "<5"; a count hidden only to protect another one
reads "—" on the page and ``suppressed`` in the files. The three render the
same table."""

from __future__ import annotations

import csv
import io

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from openpyxl import Workbook

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


def _export(request, extension: str, content_type: str, write):
    form, filters, table = _form_and_table(request)
    code = filters.instrument.code if filters is not None else "none"
    period = str(filters.period) if filters is not None else "none"
    lines = selectors.aggregate_export_rows(table) if table is not None else []
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="aggregates-{code}-{period}.{extension}"'
    write(response, lines)
    audit_export(actor=request.user, what=f"assessment_aggregates:{code}", count=len(table.rows) if table else 0,
                 request=request)
    return response


def _write_csv(response, lines):
    response.write("\ufeff")  # spreadsheets open UTF-8 correctly with a BOM
    csv.writer(response).writerows(lines)


def _write_xlsx(response, lines):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Aggregates"
    for line in lines:
        # Shown counts as numbers, marks ("<5", "suppressed") and labels as text.
        sheet.append([int(value) if value.isdigit() else value for value in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response.write(buffer.getvalue())


@audited
@login_required
def aggregates_csv(request):
    return _export(request, "csv", "text/csv; charset=utf-8", _write_csv)


@audited
@login_required
def aggregates_xlsx(request):
    return _export(request, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _write_xlsx)
