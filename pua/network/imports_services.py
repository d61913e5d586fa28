"""Imports of organisations, sites and offerings from a spreadsheet.

An import is all or nothing. Every row of every sheet is checked first —
types, codes, required cells, identifiers, duplicate keys, references between
sheets — and every problem is collected as (sheet, row, column, message). If
there is any, nothing is written. If there is none, everything is written in
one transaction, with an audit entry for each object created or changed.

Rows are matched to what already exists by natural keys (see
``docs/import-format.md``): organisations by tax code or ``org-<id>`` key
among the organisations the importer can see, sites by (organisation, name),
offerings by (organisation, service, site). Nothing is ever deleted.

Validation does a fixed number of queries whatever the size of the file:
every lookup (municipalities, languages, target groups, services, existing
organisations, sites and offerings) is loaded once up front.

Progress: ``ImportJob.processed_rows`` advances while rows are checked. The
writes happen in one transaction, which other connections cannot see into
until it commits, so the job page shows that phase as "applying".
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pua.core.audit import audit_change, audit_export, audit_record, diff, snapshot
from pua.core.models import AuditAction
from pua.core.text import has_control_characters

from . import access, exchange
from .exchange import OFFERINGS, ORGANISATIONS, SITES, SPEC
from .geo import offering_point
from .models import (
    ImportJob,
    Language,
    Municipality,
    NetworkLink,
    Offering,
    Organisation,
    Service,
    ServiceLevel,
    Site,
    TargetGroup,
)
from .search_text import search_text

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
PROGRESS_EVERY = 50

ORGANISATION_FIELDS = [
    "name", "kind", "legal_form", "sector", "description", "tax_code", "vat_number", "email", "phone", "website",
    "municipality", "address",
]
LINK_FIELDS = list(exchange.ORGANISATION_LINK_COLUMNS)
SITE_FIELDS = ["name", "address", "municipality", "latitude", "longitude", "phone"]
OFFERING_FIELDS = [
    "service", "site", "description", "opening_hours", "capacity", "availability", "documents_required",
    "legal_status", "cost", "cost_notes", "referral_phone", "referral_email", "referral_url", "referral_notes",
    "is_active",
]
_ORG_ID_KEY = re.compile(r"^org-(\d+)$", re.IGNORECASE)
# Columns without which a row cannot be matched or referred to: if one of
# them is wrong, the rest of the row is not checked further.
_IDENTIFYING = {
    ORGANISATIONS: {"key"},
    SITES: {"organisation_key", "name"},
    OFFERINGS: {"organisation_key", "service_code"},
}


# What to say when a file's content does not match its extension.
_EXTENSION_MISMATCH = {
    "xlsx": gettext_lazy("The file is not a valid Excel workbook (.xlsx)."),
    "csv": gettext_lazy("The file is not a CSV file encoded in UTF-8."),
    "zip": gettext_lazy("The ZIP archive must hold the CSV files of an export (organisations.csv, sites.csv, "
                        "offerings.csv)."),
}


def sync_max_rows() -> int:
    return getattr(settings, "IMPORT_SYNC_MAX_ROWS", 200)


def max_rows() -> int:
    return getattr(settings, "IMPORT_MAX_ROWS", 50_000)


# --- upload -------------------------------------------------------------------------------

def upload_check(upload, *, contents: str = "") -> tuple[bytes, exchange.UploadInfo]:
    """The bytes of an uploaded file and what it holds; ``ValidationError``
    with a message for the person if it is not something we can import."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 10 MiB: split it into smaller files."))
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension == "xls":
        raise ValidationError(_("This is an old Excel file (.xls): save it as .xlsx and upload it again."), code="file")
    if extension not in _EXTENSION_MISMATCH:
        raise ValidationError(_("The file must be an Excel workbook (.xlsx), a CSV file (.csv) or a ZIP of CSV "
                                "files (.zip)."), code="file")
    data = upload.read()
    try:
        try:
            fmt = exchange.detect_format(data)
        except exchange.UnreadableFile:
            if extension == "xlsx" and not data.startswith(exchange.OLE_SIGNATURE):
                fmt = ""  # anything but a workbook: say so
            else:
                raise
        if fmt != extension:
            raise ValidationError(_EXTENSION_MISMATCH[extension], code="file")
        if fmt == "csv" and contents not in SPEC:
            raise ValidationError(_("Choose what the CSV file contains."), code="contents")
        info = exchange.inspect_upload(data, contents=contents)
    except exchange.UnreadableFile as error:
        raise ValidationError(str(error), code="file")
    if info.estimated_rows > max_rows():
        raise ValidationError(_("The file has more than %(max)s rows: split it into smaller files.")
                              % {"max": max_rows()})
    return data, info


@transaction.atomic
def import_job_create(*, by, access_point, data: bytes, file_name: str, info: exchange.UploadInfo,
                      contents: str = "", request=None) -> ImportJob:
    if not (by.has_perm("network.add_importjob") and by.has_perm("network.change_accesspoint", access_point)):
        raise PermissionDenied
    job = ImportJob(
        access_point=access_point, created_by=by, file_name=file_name[:200], total_rows=info.estimated_rows,
        summary={"contents": contents} if info.format == "csv" else {},
    )
    # The stored name only needs to be recognisable; the full one is in file_name.
    job.file.save(file_name[-60:] or "import", ContentFile(data), save=False)
    job.save()
    audit_change(action=AuditAction.CREATE, actor=by, obj=job, request=request, changes={
        "file_name": [None, job.file_name], "access_point": [None, access_point.pk],
        "rows": [None, info.estimated_rows],
    })
    return job


def import_job_start(job: ImportJob, *, request=None) -> bool:
    """Run a small import at once; queue a large one for the worker.
    Returns True if the job went to the background."""
    if job.total_rows > sync_max_rows():
        from .tasks import import_job_task

        import_job_task.enqueue(job.pk)
        return True
    import_job_run(job.pk, request=request)
    return False


def import_job_run(job_id: int, *, request=None) -> ImportJob:
    """Check and apply one import. Safe to call twice: only a waiting job runs."""
    job = ImportJob.objects.select_related("created_by", "access_point").get(pk=job_id)
    if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PENDING).update(
        status=ImportJob.Status.RUNNING, processed_rows=0, heartbeat_at=timezone.now()
    ):
        return job
    language = getattr(job.created_by, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            status, errors, summary, total = _run(job, request=request)
        except IntegrityError:
            logger.warning("Import job %s collided with a concurrent change", job.pk, exc_info=True)
            status, total, summary = ImportJob.Status.FAILED, job.total_rows, {}
            errors = [_error("", None, "", _("The data changed while the file was being imported: nothing was "
                                              "changed. Run the import again."))]
        except Exception:
            logger.exception("Import job %s failed", job.pk)
            status, total, summary = ImportJob.Status.FAILED, job.total_rows, {}
            errors = [_error("", None, "", _("The import stopped because of an unexpected error: nothing was "
                                              "changed. Try again, or ask an administrator."))]
    summary = {**{k: v for k, v in job.summary.items() if k == "contents"}, **summary}
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, errors=errors, summary=summary, total_rows=total,
        processed_rows=total if status == ImportJob.Status.DONE else _job_processed(job.pk),
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


# --- jobs whose worker stopped ----------------------------------------------------------------

def stale_after() -> datetime.timedelta:
    """How long a running job may go without a heartbeat before its worker is
    taken for dead. The heartbeat advances while rows are checked; writing
    them is one transaction without heartbeats, so this exceeds the time
    the largest allowed file takes to be written."""
    return datetime.timedelta(seconds=getattr(settings, "IMPORT_JOB_STALE_SECONDS", 900))


def _stopped_error() -> list[dict]:
    return [_error("", None, "", _("The worker stopped while importing the file: nothing was changed. "
                                   "Try again."))]


def recover_stale_jobs(*, older_than: datetime.timedelta | None = None, job_ids=None) -> list[int]:
    """Mark failed the running imports whose worker stopped (no heartbeat for
    ``older_than``, by default ``stale_after()``), with their queued task.
    Their writes, if any had begun, were rolled back with the worker's
    transaction. Returns the ids of the jobs recovered."""
    cutoff = timezone.now() - (stale_after() if older_than is None else older_than)
    stale = ImportJob.objects.filter(status=ImportJob.Status.RUNNING).filter(
        Q(heartbeat_at__lte=cutoff) | Q(heartbeat_at__isnull=True, created_at__lte=cutoff))
    if job_ids is not None:
        stale = stale.filter(pk__in=job_ids)
    recovered = []
    for job_id in stale.values_list("pk", flat=True):
        with transaction.atomic():
            # Only if still running and still stale: a worker may have finished meanwhile.
            if ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).filter(
                    Q(heartbeat_at__lte=cutoff) | Q(heartbeat_at__isnull=True)).update(
                    status=ImportJob.Status.FAILED, worker_stopped=True, errors=_stopped_error(),
                    finished_at=timezone.now()):
                recovered.append(job_id)
                logger.warning("Import job %s: its worker stopped; marked failed", job_id)
    if recovered:
        _fail_task_results(recovered)
    return recovered


def _fail_task_results(job_ids: list[int]) -> None:
    """The worker's own records of those tasks, left running, are closed too."""
    from django_tasks_db.models import DBTaskResult

    from .tasks import import_job_task

    wanted = set(job_ids)
    running = DBTaskResult.objects.filter(status="RUNNING", task_path=import_job_task.module_path)
    for result in running.only("pk", "args_kwargs"):
        if set((result.args_kwargs or {}).get("args", [])) & wanted:
            DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(
                status="FAILED", finished_at=timezone.now(), exception_class_path="builtins.SystemExit",
                traceback="The worker stopped while running the task.")


def import_job_retry(job: ImportJob, *, by, request=None) -> ImportJob:
    """Run again, from the same uploaded file, an import whose worker stopped:
    at once if small, through the worker otherwise (as when first uploaded)."""
    if not (by.has_perm("network.add_importjob") and by.has_perm("network.change_accesspoint", job.access_point)):
        raise PermissionDenied
    with transaction.atomic():
        if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.FAILED, worker_stopped=True).update(
                status=ImportJob.Status.PENDING, worker_stopped=False, errors=[], processed_rows=0,
                finished_at=None, heartbeat_at=None):
            raise ValidationError(_("Only an import whose worker stopped can be tried again."))
        audit_change(action=AuditAction.UPDATE, actor=by, obj=job, request=request,
                     changes={"status": [ImportJob.Status.FAILED, ImportJob.Status.PENDING]})
    job.refresh_from_db()
    import_job_start(job, request=request)
    job.refresh_from_db()
    return job


def _job_processed(job_id: int) -> int:
    return ImportJob.objects.filter(pk=job_id).values_list("processed_rows", flat=True).first() or 0


def _run(job: ImportJob, *, request):
    by, access_point = job.created_by, job.access_point
    with job.file.open("rb") as handle:
        data = handle.read()
    try:
        tables = exchange.read_upload(data, contents=job.summary.get("contents", ""))
    except exchange.UnreadableFile as error:
        return ImportJob.Status.FAILED, [_error("", None, "", str(error))], {}, 0
    total = sum(len(t.rows) for t in tables)
    ImportJob.objects.filter(pk=job.pk).update(total_rows=total)
    if not (by.is_active and by.has_perm("network.add_importjob")
            and by.has_perm("network.change_accesspoint", access_point)):
        return ImportJob.Status.FAILED, [_error("", None, "", _("You may no longer import into this access "
                                                                "point."))], {}, total
    if total > max_rows():
        message = _("The file has more than %(max)s rows: split it into smaller files.") % {"max": max_rows()}
        return ImportJob.Status.FAILED, [_error("", None, "", message)], {}, total

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, heartbeat_at=timezone.now())

    plan = validate(tables, by=by, access_point=access_point, progress=progress)
    if plan.errors:
        return ImportJob.Status.FAILED, plan.errors, {}, total
    summary = apply(plan, by=by, access_point=access_point, request=request)
    return ImportJob.Status.DONE, [], summary, total


# --- validation ---------------------------------------------------------------------------

def _error(sheet: str, row: int | None, column: str, message) -> dict:
    return {"sheet": sheet, "row": row, "column": column, "message": str(message)}


@dataclass
class OrgItem:
    instance: Organisation
    is_new: bool
    row: int | None = None  # None: an existing organisation only referred to by sites/offerings
    before: dict = field(default_factory=dict)
    languages: list | None = None
    before_languages: list = field(default_factory=list)
    link: NetworkLink | None = None
    link_is_new: bool = False
    link_before: dict = field(default_factory=dict)


@dataclass
class SiteItem:
    instance: Site
    is_new: bool
    org: OrgItem
    row: int
    before: dict = field(default_factory=dict)


@dataclass
class OfferingItem:
    instance: Offering
    is_new: bool
    org: OrgItem
    site: SiteItem | Site | None
    row: int
    before: dict = field(default_factory=dict)
    target_groups: list | None = None
    before_target_groups: list = field(default_factory=list)
    languages: list | None = None
    before_languages: list = field(default_factory=list)


@dataclass
class Plan:
    errors: list = field(default_factory=list)
    organisations: list[OrgItem] = field(default_factory=list)
    sites: list[SiteItem] = field(default_factory=list)
    offerings: list[OfferingItem] = field(default_factory=list)


class _Lookups:
    """Everything the rows refer to, loaded in a fixed number of queries."""

    def __init__(self, tables, *, by, access_point):
        by_sheet = {t.sheet: t for t in tables}
        istat, tax_codes, keys = set(), set(), set()
        for table in tables:
            for row in table.rows:
                if "municipality" in row.values:
                    istat.add(_quiet_parse(table.sheet, "municipality", row.values["municipality"]))
                for name in ("key", "organisation_key"):
                    if name in row.values:
                        keys.add(exchange.cell_text(row.values[name]).lower())
                if table.sheet == ORGANISATIONS and "tax_code" in row.values:
                    tax_codes.add(_quiet_parse(ORGANISATIONS, "tax_code", row.values["tax_code"]))
        # A key may itself be a tax code.
        tax_codes |= {k.upper() for k in keys}
        tax_codes.discard("")
        key_ids = {int(m.group(1)) for k in keys if (m := _ORG_ID_KEY.match(k))}

        self.municipalities = {m.istat_code: m for m in Municipality.objects.filter(istat_code__in=istat - {""})}
        self.languages = {lang.code.lower(): lang for lang in Language.objects.all()}
        self.target_groups = {g.code.lower(): g for g in TargetGroup.objects.all()}
        self.services: dict[str, Service] = {}
        services = Service.objects.for_programme(access_point.programme_id).order_by(
            F("programme_id").asc(nulls_first=True), "sort_key"
        )
        services = list(services)
        # Codes before aliases, the shared catalogue before local entries: an
        # alias or a local entry never hides a code of the catalogue.
        for service in services:
            self.services.setdefault(service.code.strip().upper(), service)
        for service in services:
            for alias in service.aliases.split(","):
                self.services.setdefault(alias.strip().upper(), service)
        self.services.pop("", None)

        owners = dict(Organisation.objects.filter(tax_code__in=tax_codes).values_list("tax_code", "id"))
        visible = (
            access.visible_organisations(by)
            .filter(Q(pk__in=key_ids) | Q(pk__in=owners.values()))
            .select_related("municipality")
            .prefetch_related("access_points", "languages")
        )
        self.visible_by_id = {o.pk: o for o in visible}
        self.tax_owner = owners  # tax code → organisation id, visible or not
        self.links = {
            link.organisation_id: link
            for link in NetworkLink.objects.filter(accesspoint=access_point, organisation_id__in=self.visible_by_id)
        }
        ids = list(self.visible_by_id)
        self.sites = {
            (s.organisation_id, s.name): s
            for s in Site.objects.filter(organisation_id__in=ids).select_related("municipality")
        } if SITES in by_sheet or OFFERINGS in by_sheet else {}
        self.offerings: dict[tuple, list[Offering]] = {}
        if OFFERINGS in by_sheet:
            for offering in Offering.objects.filter(organisation_id__in=ids).prefetch_related(
                "languages", "target_groups"
            ).order_by("pk"):
                self.offerings.setdefault((offering.organisation_id, offering.service_id, offering.site_id),
                                          []).append(offering)

    def existing_by_key(self, key: str) -> Organisation | None:
        """A visible organisation referred to by an ``org-<id>`` key or by its tax code."""
        match = _ORG_ID_KEY.match(key)
        if match:
            return self.visible_by_id.get(int(match.group(1)))
        owner = self.tax_owner.get(key.upper())
        return self.visible_by_id.get(owner) if owner else None


def _quiet_parse(sheet: str, name: str, raw) -> str:
    try:
        return exchange.parse_cell(SPEC[sheet].column(name), raw) or ""
    except exchange.CellError:
        return ""


class _Validator:
    def __init__(self, tables, *, by, access_point, progress):
        self.by = by
        self.access_point = access_point
        self.tables = tables
        self.progress = progress or (lambda done: None)
        self.done = 0
        self.plan = Plan()
        self.lookups = _Lookups(tables, by=by, access_point=access_point)
        self.org_by_key: dict[str, OrgItem] = {}
        self.org_by_pk: dict[int, OrgItem] = {}
        self.org_rows: dict[str, int] = {}  # key → row, valid or not
        self.new_tax_codes: dict[str, int] = {}  # tax code of a new organisation → row
        self.site_by_key: dict[tuple, SiteItem] = {}
        self.site_rows: set[tuple] = set()  # (organisation, name) of every site row, valid or not
        self.offering_by_key: dict[tuple, OfferingItem] = {}
        self.failed: set = set()  # columns of the current row whose cells are wrong

    def error(self, sheet, row, column, message):
        self.plan.errors.append(_error(sheet, row, column, message))

    def tick(self):
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            self.progress(self.done)

    def run(self) -> Plan:
        for table in self.tables:
            columns_ok = self.check_header(table)
            check_row = {ORGANISATIONS: self.organisation_row, SITES: self.site_row, OFFERINGS: self.offering_row}
            for row in table.rows:
                if columns_ok:
                    values, failed = self.parse_row(table, row)
                    if not failed & _IDENTIFYING[table.sheet]:
                        # Check the rest of the row even if a cell is wrong, to
                        # report all its errors at once; it is applied only if
                        # nothing failed.
                        self.failed = failed
                        check_row[table.sheet](row.number, values, not failed)
                self.tick()
        self.progress(self.done)
        return self.plan

    # header and cells

    def check_header(self, table) -> bool:
        spec = SPEC[table.sheet]
        seen = set()
        for name in table.header:
            if not name:
                continue
            if name in seen:
                self.error(table.sheet, 1, name, _("This column appears twice."))
            elif spec.column(name) is None:
                self.error(table.sheet, 1, name, _("Unknown column; the columns of this sheet are: %(columns)s.")
                           % {"columns": ", ".join(spec.column_names)})
            seen.add(name)
        missing = [c.name for c in spec.columns if c.required and c.name not in seen]
        for name in missing:
            self.error(table.sheet, 1, name, _("This column is required and missing."))
        return not missing

    def parse_row(self, table, row) -> tuple[dict, set]:
        """The typed values of the row's valid cells, and the names of the
        columns whose cells are wrong or missing (errors are recorded)."""
        spec = SPEC[table.sheet]
        values, failed = {}, set()
        if "" in row.values:
            self.error(table.sheet, row.number, "", _("This row has cells beyond the last named column."))
            failed.add("")
        for name, raw in row.values.items():
            column = spec.column(name) if name else None
            if column is None:
                continue
            if isinstance(raw, str) and has_control_characters(raw):
                self.error(table.sheet, row.number, name, _("Control characters (such as NUL) are not allowed."))
                failed.add(name)
                continue
            try:
                value = exchange.parse_cell(column, raw)
            except exchange.CellError as error:
                self.error(table.sheet, row.number, name, str(error))
                failed.add(name)
                continue
            if column.required and value in ("", None):
                self.error(table.sheet, row.number, name, _("This cell is required."))
                failed.add(name)
                continue
            values[name] = value
        return values, failed

    def lookup_codes(self, sheet, row, column, codes) -> list | None:
        """Languages or target groups by code; None after recording the unknown ones."""
        table = self.lookups.languages if column == "languages" else self.lookups.target_groups
        unknown = [c for c in codes if c.lower() not in table]
        if unknown:
            if column == "languages":
                message = _("Unknown language code: %(codes)s. Use ISO 639-1 codes such as it, en, fr.")
            else:
                message = _("Unknown target group code: %(codes)s.")
            self.error(sheet, row, column, message % {"codes": ", ".join(unknown)})
            return None
        return sorted((table[c.lower()] for c in codes), key=lambda o: o.code)

    def municipality(self, sheet, row, values) -> tuple[bool, Any]:
        code = values.get("municipality")
        if not code:
            return True, None
        found = self.lookups.municipalities.get(code)
        if found is None:
            self.error(sheet, row, "municipality", _("No municipality has the ISTAT code %(code)s.") % {"code": code})
            return False, None
        return True, found

    def clean(self, sheet, row, instance, exclude) -> bool:
        """Field validation of the model (lengths, choices, e-mail and web
        addresses, tax code and VAT check digits), without queries; columns
        already reported as wrong are not checked again."""
        try:
            instance.clean_fields(exclude=[*exclude, *self.failed])
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    self.error(sheet, row, name, message)
            return False
        return True

    def resolve(self, sheet, row, key: str, perm: str) -> OrgItem | None:
        """The organisation a sites/offerings row refers to."""
        norm = key.lower()
        item = self.org_by_key.get(norm)
        if item is not None:
            return item
        if norm in self.org_rows:
            return None  # that row has errors of its own
        existing = self.lookups.existing_by_key(norm)
        if existing is None:
            self.error(sheet, row, "organisation_key",
                       _("No organisation has the key “%(key)s”, in the file or in your network.") % {"key": key})
            return None
        item = self.org_by_pk.get(existing.pk)
        if item is not None:
            return item
        if not self.by.has_perm(perm, existing):
            self.error(sheet, row, "organisation_key", _("You may not change this organisation."))
            return None
        item = OrgItem(instance=existing, is_new=False)
        self.org_by_pk[existing.pk] = item
        return item

    # organisations

    def organisation_row(self, row: int, values: dict, ok: bool) -> None:
        sheet, lookups = ORGANISATIONS, self.lookups
        key = values["key"]
        norm = key.lower()
        if norm in self.org_rows:
            self.error(sheet, row, "key", _("The key “%(key)s” is also used on row %(row)s.")
                       % {"key": key, "row": self.org_rows[norm]})
            return
        self.org_rows[norm] = row
        tax_code = values.get("tax_code", "")
        existing = None
        if tax_code:
            owner = lookups.tax_owner.get(tax_code)
            if owner is not None and owner not in lookups.visible_by_id:
                self.error(sheet, row, "tax_code", _("An organisation with this tax code is already registered "
                                                     "outside your network: ask an administrator to add it to "
                                                     "your network."))
                return
            existing = lookups.visible_by_id.get(owner) if owner else None
        if existing is None:
            existing = lookups.existing_by_key(norm)
        if existing is not None and existing.pk in self.org_by_pk:
            other = self.org_by_pk[existing.pk]
            self.error(sheet, row, "key", _("Row %(row)s already refers to this organisation.") % {"row": other.row})
            return
        if existing is not None and not self.by.has_perm("network.change_organisation", existing):
            self.error(sheet, row, "key", _("You may not change this organisation."))
            return
        if tax_code and existing is None:
            if tax_code in self.new_tax_codes:
                self.error(sheet, row, "tax_code", _("Row %(row)s has the same tax code.")
                           % {"row": self.new_tax_codes[tax_code]})
                return
            self.new_tax_codes[tax_code] = row
        if existing is not None and tax_code and tax_code != existing.tax_code:
            owner = lookups.tax_owner.get(tax_code)
            if owner is not None and owner != existing.pk:
                self.error(sheet, row, "tax_code", _("Another organisation already has this tax code."))
                return

        found, municipality = self.municipality(sheet, row, values)
        ok = ok and found
        languages = None
        if "languages" in values:
            languages = self.lookup_codes(sheet, row, "languages", values["languages"])
            ok = ok and languages is not None
        if existing is None:
            item = OrgItem(instance=Organisation(), is_new=True, row=row)
        else:
            item = OrgItem(
                instance=existing, is_new=False, row=row, before=snapshot(existing, ORGANISATION_FIELDS),
                before_languages=sorted(lang.code for lang in existing.languages.all()),
            )
        org = item.instance
        _assign(org, {k: v for k, v in values.items() if k in ORGANISATION_FIELDS and k != "municipality"})
        if "municipality" in values:
            org.municipality = municipality
        item.languages = languages
        link = lookups.links.get(existing.pk) if existing is not None else None
        item.link_is_new = link is None
        if link is None:
            link = NetworkLink(accesspoint=self.access_point)
        else:
            item.link_before = snapshot(link, LINK_FIELDS)
        _assign(link, {k: v for k, v in values.items() if k in LINK_FIELDS})
        item.link = link
        ok = self.clean(sheet, row, org, ["municipality", "languages", "territories", "access_points"]) and ok
        ok = self.clean(sheet, row, link, ["organisation", "accesspoint"]) and ok
        if ok:
            self.org_by_key[norm] = item
            if existing is not None:
                self.org_by_pk[existing.pk] = item
            self.plan.organisations.append(item)

    # sites

    def site_row(self, row: int, values: dict, ok: bool) -> None:
        sheet = SITES
        org_item = self.resolve(sheet, row, values["organisation_key"], "network.change_site")
        if org_item is None:
            return
        name = values["name"]
        site_key = (id(org_item), name)
        if site_key in self.site_rows:
            self.error(sheet, row, "name", _("Another row has a site with the same name for this organisation."))
            return
        self.site_rows.add(site_key)
        found, municipality = self.municipality(sheet, row, values)
        ok = ok and found
        latitude, longitude = values.get("latitude"), values.get("longitude")
        if latitude is not None and not -90 <= latitude <= 90:
            self.error(sheet, row, "latitude", _("A latitude is between -90 and 90."))
            ok = False
        if longitude is not None and not -180 <= longitude <= 180:
            self.error(sheet, row, "longitude", _("A longitude is between -180 and 180."))
            ok = False
        if ("latitude" in values or "longitude" in values) and (latitude is None) != (longitude is None):
            self.error(sheet, row, "latitude" if latitude is None else "longitude",
                       _("Give both latitude and longitude, or neither."))
            ok = False
        existing = None if org_item.is_new else self.lookups.sites.get((org_item.instance.pk, name))
        if existing is None:
            item = SiteItem(instance=Site(), is_new=True, org=org_item, row=row)
        else:
            item = SiteItem(instance=existing, is_new=False, org=org_item, row=row,
                            before=snapshot(existing, SITE_FIELDS))
        site = item.instance
        _assign(site, {k: v for k, v in values.items() if k in SITE_FIELDS and k != "municipality"})
        if municipality is not None:
            site.municipality = municipality
        ok = self.clean(sheet, row, site, ["organisation", "municipality"]) and ok
        if ok:
            self.site_by_key[site_key] = item
            self.plan.sites.append(item)

    # offerings

    def offering_row(self, row: int, values: dict, row_ok: bool) -> None:
        sheet, lookups = OFFERINGS, self.lookups
        org_item = self.resolve(sheet, row, values["organisation_key"], "network.change_offering")
        code = values["service_code"]
        service = lookups.services.get(code.upper())
        ok = org_item is not None
        if service is None:
            self.error(sheet, row, "service_code", _("No service of the catalogue has the code %(code)s.")
                       % {"code": code})
            ok = False
        elif service.level != ServiceLevel.SERVICE:
            self.error(sheet, row, "service_code", _("%(code)s is a phase or an area of the catalogue: choose one "
                                                     "of its services.") % {"code": code})
            ok = False
        site_name = values.get("site_name", "")
        site = None
        if ok and site_name:
            site = self.site_by_key.get((id(org_item), site_name))
            if site is None and not org_item.is_new:
                site = lookups.sites.get((org_item.instance.pk, site_name))
            if site is None and (id(org_item), site_name) in self.site_rows:
                return  # that site's row has errors of its own
            if site is None:
                self.error(sheet, row, "site_name", _("This organisation has no site named “%(name)s”.")
                           % {"name": site_name})
                ok = False
        target_groups = languages = None
        if "target_groups" in values:
            target_groups = self.lookup_codes(sheet, row, "target_groups", values["target_groups"])
            ok = ok and target_groups is not None
        if "languages" in values:
            languages = self.lookup_codes(sheet, row, "languages", values["languages"])
            ok = ok and languages is not None
        if not ok:
            return
        offering_key = (id(org_item), service.pk, site_name)
        if offering_key in self.offering_by_key:
            self.error(sheet, row, "service_code",
                       _("Row %(row)s has the same organisation, service and site.")
                       % {"row": self.offering_by_key[offering_key].row})
            return
        existing = None
        site_is_new = isinstance(site, SiteItem) and site.is_new
        site_pk = None if site is None else site.instance.pk if isinstance(site, SiteItem) else site.pk
        if not org_item.is_new and not site_is_new:
            matches = lookups.offerings.get((org_item.instance.pk, service.pk, site_pk), [])
            if len(matches) > 1:
                self.error(sheet, row, "service_code",
                           _("This organisation already has %(count)s offerings of this service at this site: "
                             "keep one of them before importing.") % {"count": len(matches)})
                return
            existing = matches[0] if matches else None
        if existing is None:
            if service.is_retired:
                self.error(sheet, row, "service_code", _("The service %(code)s has been retired.") % {"code": code})
                return
            item = OfferingItem(instance=Offering(service=service), is_new=True, org=org_item, site=site, row=row)
        else:
            item = OfferingItem(
                instance=existing, is_new=False, org=org_item, site=site, row=row,
                before=snapshot(existing, OFFERING_FIELDS),
                before_target_groups=sorted(g.code for g in existing.target_groups.all()),
                before_languages=sorted(lang.code for lang in existing.languages.all()),
            )
        item.target_groups, item.languages = target_groups, languages
        offering = item.instance
        _assign(offering, {k: v for k, v in values.items() if k in OFFERING_FIELDS})
        if self.clean(sheet, row, offering, ["organisation", "service", "site", "municipality", "last_confirmed_at",
                                             "last_confirmed_by", "target_groups", "languages"]) and row_ok:
            self.offering_by_key[offering_key] = item
            self.plan.offerings.append(item)


def _assign(instance, values: dict) -> None:
    """Set field values; text that differs only by surrounding blanks or line
    endings is left as stored, so that an unchanged file changes nothing."""
    for name, value in values.items():
        current = getattr(instance, name)
        if isinstance(current, str) and isinstance(value, str) and exchange.normalise_text(current) == value:
            continue
        setattr(instance, name, value)


def validate(tables, *, by, access_point, progress=None) -> Plan:
    """Check every row; the plan lists the errors, or what to write."""
    return _Validator(tables, by=by, access_point=access_point, progress=progress).run()


# --- application --------------------------------------------------------------------------

def _codes(objects) -> list[str]:
    return sorted(o.code for o in objects)


def _m2m_changes(changes: dict, name: str, before: list, wanted) -> bool:
    if wanted is None:
        return False
    after = _codes(wanted)
    if after != before:
        changes[name] = [before, after]
        return True
    return False


@transaction.atomic
def apply(plan: Plan, *, by, access_point, request=None) -> dict:
    """Write a plan without errors; returns counts per sheet."""
    now = timezone.now()
    summary = {name: {"created": 0, "updated": 0, "unchanged": 0} for name in exchange.SHEET_NAMES}

    def audit(action, obj, changes):
        audit_record(action=action, actor=by, obj=obj, changes=changes, request=request,
                     access_point_id=access_point.pk)

    def count(sheet, created, changed):
        summary[sheet]["created" if created else "updated" if changed else "unchanged"] += 1

    # Organisations and their link to the access point's network.
    relocated_orgs = set()
    new_orgs = [item for item in plan.organisations if item.is_new]
    for item in plan.organisations:
        item.instance.search_text = search_text(item.instance.name)
    Organisation.objects.bulk_create([item.instance for item in new_orgs])
    Through = Organisation.languages.through
    Through.objects.bulk_create([
        Through(organisation_id=item.instance.pk, language_id=lang.pk)
        for item in new_orgs for lang in item.languages or []
    ])
    for item in plan.organisations:
        org = item.instance
        after = snapshot(org, ORGANISATION_FIELDS)
        if item.is_new:
            changes = diff({}, after)
            if item.languages:
                changes["languages"] = [None, _codes(item.languages)]
            changes["access_points"] = [None, [access_point.pk]]
            audit(AuditAction.CREATE, org, changes)
        else:
            changes = diff(item.before, after)
            if changes:
                org.save(update_fields=[*changes, "updated_at", *(["search_text"] if "name" in changes else [])])
                if "municipality" in changes:
                    relocated_orgs.add(org.pk)
            if _m2m_changes(changes, "languages", item.before_languages, item.languages):
                org.languages.set(item.languages)
            if changes:
                audit(AuditAction.UPDATE, org, changes)
        link = item.link
        link.organisation = org
        link_changes = diff(item.link_before, snapshot(link, LINK_FIELDS))
        if item.link_is_new:
            link.save()
            audit(AuditAction.CREATE, link, {"organisation": [None, org.pk], "accesspoint": [None, access_point.pk],
                                             **diff({}, snapshot(link, LINK_FIELDS))})
        elif link_changes:
            link.save(update_fields=list(link_changes))
            audit(AuditAction.UPDATE, link, link_changes)
        count(ORGANISATIONS, item.is_new, bool(changes) or item.link_is_new or bool(link_changes))

    # Sites.
    relocated_sites = set()
    for item in plan.sites:
        item.instance.organisation = item.org.instance
    Site.objects.bulk_create([item.instance for item in plan.sites if item.is_new])
    for item in plan.sites:
        site = item.instance
        after = snapshot(site, SITE_FIELDS)
        if item.is_new:
            audit(AuditAction.CREATE, site, {"organisation": [None, site.organisation_id], **diff({}, after)})
            count(SITES, True, True)
            continue
        changes = diff(item.before, after)
        if changes:
            site.save(update_fields=list(changes))
            audit(AuditAction.UPDATE, site, changes)
            if {"municipality", "latitude", "longitude"} & set(changes):
                relocated_sites.add(site.pk)
        count(SITES, False, bool(changes))

    # Offerings, with the point where they are delivered.
    old_points = {}
    for item in plan.offerings:
        offering = item.instance
        old_points[id(item)] = (offering.latitude, offering.longitude, offering.municipality_id)
        offering.organisation = item.org.instance
        offering.site = item.site.instance if isinstance(item.site, SiteItem) else item.site
        offering.latitude, offering.longitude, offering.municipality = offering_point(
            site=offering.site, organisation=offering.organisation)
        offering.search_text = search_text(offering.description)
    new_offerings = [item for item in plan.offerings if item.is_new]
    for item in new_offerings:
        item.instance.last_confirmed_at, item.instance.last_confirmed_by = now, by
    Offering.objects.bulk_create([item.instance for item in new_offerings])
    for name, model_field in (("languages", "language_id"), ("target_groups", "targetgroup_id")):
        through = getattr(Offering, name).through
        through.objects.bulk_create([
            through(offering_id=item.instance.pk, **{model_field: obj.pk})
            for item in new_offerings for obj in getattr(item, name) or []
        ])
    in_file = set()
    for item in plan.offerings:
        offering = item.instance
        in_file.add(offering.pk)
        after = snapshot(offering, OFFERING_FIELDS)
        if item.is_new:
            changes = {"organisation": [None, offering.organisation_id], **diff({}, after)}
            for name in ("target_groups", "languages"):
                if getattr(item, name):
                    changes[name] = [None, _codes(getattr(item, name))]
            audit(AuditAction.CREATE, offering, changes)
            count(OFFERINGS, True, True)
            continue
        changes = diff(item.before, after)
        moved = old_points[id(item)] != (offering.latitude, offering.longitude, offering.municipality_id)
        if changes:
            # Whoever sends changed data confirms it.
            offering.last_confirmed_at, offering.last_confirmed_by = now, by
        if changes or moved:
            offering.save(update_fields=[*changes, "latitude", "longitude", "municipality"]
                          + (["last_confirmed_at", "last_confirmed_by"] if changes else [])
                          + (["search_text"] if "description" in changes else []))
        if _m2m_changes(changes, "target_groups", item.before_target_groups, item.target_groups):
            offering.target_groups.set(item.target_groups)
        if _m2m_changes(changes, "languages", item.before_languages, item.languages):
            offering.languages.set(item.languages)
        if changes:
            audit(AuditAction.UPDATE, offering, changes)
        count(OFFERINGS, False, bool(changes))
    _relocate_offerings(relocated_orgs, relocated_sites, exclude=in_file)
    return summary


def _relocate_offerings(org_ids, site_ids, *, exclude) -> None:
    """Keep the stored point of offerings right when their organisation or
    site moved but the offering itself was not in the file."""
    if not org_ids and not site_ids:
        return
    offerings = (
        Offering.objects.filter(Q(organisation_id__in=org_ids) | Q(site_id__in=site_ids))
        .exclude(pk__in=exclude)
        .select_related("site__municipality", "organisation__municipality")
    )
    moved = []
    for offering in offerings:
        point = offering_point(site=offering.site, organisation=offering.organisation)
        if (offering.latitude, offering.longitude, offering.municipality_id) != (
            point[0], point[1], point[2].pk if point[2] else None
        ):
            offering.latitude, offering.longitude, offering.municipality = point
            moved.append(offering)
    Offering.objects.bulk_update(moved, ["latitude", "longitude", "municipality"])


# --- reads for the pages ------------------------------------------------------------------

def import_jobs_visible_to(user):
    """Jobs of the access points the user directs (all for administrators)."""
    return ImportJob.objects.filter(access_point__in=access.managed_access_points(user))


def export_network(*, by, access_point, fmt: str, request=None) -> tuple[bytes, str, str]:
    """The network of ``access_point`` as a file: (content, file name, MIME type).

    Audited as an export."""
    organisations = access.visible_organisations(by).in_network_of([access_point.pk]).filter(is_active=True)
    tables = exchange.network_tables(organisations, access_point=access_point)
    rows = sum(len(rows) for rows in tables.values())
    audit_export(actor=by, what="network", count=rows, request=request)
    stem = f"network-{access_point.pk}-{timezone.localdate().isoformat()}"
    if fmt == "csv":
        return exchange.write_csv_zip(tables), f"{stem}.zip", "application/zip"
    return (exchange.write_xlsx(tables), f"{stem}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
