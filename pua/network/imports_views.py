"""Pages to import the network from a spreadsheet and to export it.

Imports and exports act on the access point the user is working at, which
they must direct (``network.add_importjob`` and ``network.change_accesspoint``).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pua.core.forms import StyledFormMixin
from pua.core.pagination import paginate

from . import exchange, imports_services
from .models import ImportJob

ERRORS_PER_PAGE = 100
EXPORT_FORMATS = ("xlsx", "csv")


class ImportUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "An Excel workbook (.xlsx) with the sheets organisations, sites and offerings; or one CSV file "
            "(UTF-8); or the ZIP of CSV files made by the export. At most 10 MiB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.zip"}),
    )
    contents = forms.ChoiceField(
        label=gettext_lazy("What the CSV file contains"),
        required=False,
        choices=[("", gettext_lazy("Not needed for a workbook or a ZIP file"))]
        + [(name, label) for name, label in exchange.SHEET_LABELS.items()],
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            try:
                cleaned["data"], cleaned["info"] = imports_services.upload_check(
                    upload, contents=cleaned.get("contents", "")
                )
            except ValidationError as error:
                self.add_error("contents" if getattr(error, "code", "") == "contents" else "file", error)
        return cleaned


def _require_import_access_point(request):
    """The access point to import into or export from: the current one,
    which the user must direct."""
    user = request.user
    if not user.has_perm("network.add_importjob"):
        raise PermissionDenied
    access_point = request.access_point
    if access_point is None or not user.has_perm("network.change_accesspoint", access_point):
        raise PermissionDenied
    return access_point


@login_required
def import_list(request):
    access_point = _require_import_access_point(request)
    jobs = (
        imports_services.import_jobs_visible_to(request.user)
        .filter(access_point=access_point)
        .select_related("created_by")
        .order_by("-created_at", "-id")
    )
    return render(request, "network/imports/job_list.html", {
        "access_point": access_point,
        "page": paginate(request, jobs),
    })


@login_required
def import_create(request):
    access_point = _require_import_access_point(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = imports_services.import_job_create(
            by=request.user, access_point=access_point, data=data["data"], file_name=data["file"].name,
            info=data["info"], contents=data.get("contents", ""), request=request,
        )
        if imports_services.import_job_start(job, request=request):
            messages.info(request, _("The file is large: it is being imported in the background."))
        return redirect("network:import_detail", pk=job.pk)
    return render(request, "network/imports/job_form.html", {"form": form, "access_point": access_point})


@login_required
def import_detail(request, pk):
    if not request.user.has_perm("network.add_importjob"):
        raise PermissionDenied
    job = (
        imports_services.import_jobs_visible_to(request.user)
        .select_related("created_by", "access_point")
        .filter(pk=pk)
        .first()
    )
    if job is None:
        raise Http404
    if job.status == ImportJob.Status.RUNNING and imports_services.recover_stale_jobs(job_ids=[job.pk]):
        job.refresh_from_db()
    finished = job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED)
    context = {
        "job": job,
        "finished": finished,
        "percent": int(100 * job.processed_rows / job.total_rows) if job.total_rows else (100 if finished else 0),
        "applying": job.status == ImportJob.Status.RUNNING and job.processed_rows >= job.total_rows,
        "errors_page": paginate(request, _labelled_errors(job.errors), per_page=ERRORS_PER_PAGE),
        "summary": [
            (exchange.SHEET_LABELS[name], job.summary[name]) for name in exchange.SHEET_NAMES if name in job.summary
        ],
    }
    if request.htmx:
        # Polling stops when htmx receives status 286.
        return render(request, "network/imports/job_detail.html#progress", context, status=286 if finished else 200)
    return render(request, "network/imports/job_detail.html", context)


@login_required
def import_retry(request, pk):
    """POST: run again, from the same file, an import whose worker stopped."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.has_perm("network.add_importjob"):
        raise PermissionDenied
    job = imports_services.import_jobs_visible_to(request.user).select_related("access_point").filter(pk=pk).first()
    if job is None:
        raise Http404
    try:
        imports_services.import_job_retry(job, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The import will run again."))
    return redirect("network:import_detail", pk=job.pk)


def _labelled_errors(errors: list) -> list:
    return [{**e, "sheet_label": exchange.SHEET_LABELS.get(e.get("sheet"), "")} for e in errors]


@login_required
def network_export(request):
    access_point = _require_import_access_point(request)
    fmt = request.GET.get("format", "xlsx")
    if fmt not in EXPORT_FORMATS:
        raise Http404
    content, file_name, content_type = imports_services.export_network(
        by=request.user, access_point=access_point, fmt=fmt, request=request
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    return response
