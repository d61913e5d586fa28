"""Every HTML view of the apps that hold person data says whether it audits.

``@audited`` marks a view that writes an audit entry whenever it shows person
data (``audit_read`` for one record, ``audit_list`` for a page of them,
``audit_export`` for a file); ``@not_audited(reason=...)`` marks a view that
shows none (a form that only writes, a page of settings...). A test walks
every URL pattern and fails on a view of those apps that carries neither, so
a new page cannot forget the audit trail silently.

``audit_page`` is the one call a list view makes: the ids of the records on
the page and the filters that produced it, free-text terms reduced to "there
was one".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import models

from .audit import _plain, audit_list, audit_record
from .models import AuditAction

# The view modules whose views must carry a marker.
PERSON_DATA_MODULES = (
    "pua.people.",
    "pua.cases.",
    "pua.assessments.",
    "pua.governance.",
)

# Filter names whose values may identify someone: only their presence is recorded.
FREE_TEXT = frozenset({"q", "search", "name", "tax_code"})

_MARK = "audit_marker"


class Marker:
    def __init__(self, audited: bool, reason: str = ""):
        self.audited = audited
        self.reason = reason

    def __repr__(self) -> str:
        return "audited" if self.audited else f"not_audited({self.reason!r})"


def audited(view: Callable) -> Callable:
    """The view writes an audit entry for the person data it shows."""
    setattr(view, _MARK, Marker(True))
    return view


def not_audited(*, reason: str) -> Callable[[Callable], Callable]:
    """The view shows no person data; ``reason`` says why, for the reviewer."""
    if not reason.strip():
        raise ValueError("not_audited needs a reason")

    def mark(view: Callable) -> Callable:
        setattr(view, _MARK, Marker(False, reason))
        return view

    return mark


def marker(view: Callable) -> Marker | None:
    """The view's marker, looked for through the decorators wrapped around it."""
    seen = set()
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        found = getattr(view, _MARK, None)
        if found is not None:
            return found
        view = getattr(view, "__wrapped__", None)
    return None


def loggable_filters(filters: dict[str, Any] | None, **extra: Any) -> dict[str, Any]:
    """The filters as the audit trail keeps them: empty ones left out, objects
    by id, free-text terms only as ``True``."""
    kept: dict[str, Any] = {}
    for name, value in {**(filters or {}), **extra}.items():
        if value in (None, "", False, [], ()):
            continue
        if name in FREE_TEXT:
            kept[name] = True
        elif isinstance(value, models.Model):
            kept[name] = value.pk
        elif isinstance(value, models.QuerySet | list | tuple | set):
            kept[name] = sorted(getattr(v, "pk", v) for v in value)
        else:
            kept[name] = value
    return kept


def audit_page(request, rows: Iterable, *, model: type[models.Model] | None = None, filters: dict | None = None,
               page=None, id_of: Callable[[Any], Any] | None = None, **extra: Any):
    """One ``audit_list`` entry for the records a list page shows.

    ``rows`` are the records (or anything ``id_of`` maps to an id), ``model``
    their model when it cannot be told from the first row, ``page`` the
    paginator's page (its number is recorded). Nothing is written for an
    empty page."""
    rows = list(rows)
    if not rows:
        return None
    if id_of is None:
        id_of = _pk
    if model is None:
        model = type(rows[0])
    query = loggable_filters(filters, **extra)
    if page is not None and getattr(page, "number", 1) != 1:
        query["page"] = page.number
    ids = list(dict.fromkeys(id_of(row) for row in rows))
    return audit_list(actor=request.user, model=model, ids=ids, query=query, request=request)


def _pk(row):
    return row.pk


def audit_shown(request, shown: dict[str, Iterable], *, obj: models.Model | None = None,
                filters: dict | None = None, **extra: Any):
    """One READ entry for a page showing records of several kinds (My work,
    the journey page, the search results): ``shown`` maps a model label
    (``"cases.case"``) to the records or ids shown. With ``obj`` the entry is
    about that record (the person of the journey page) and names what was
    shown alongside it. Nothing is written for a page that shows nothing."""
    ids = {}
    for label, rows in shown.items():
        row_ids = [str(getattr(row, "pk", row)) for row in rows]
        if row_ids:
            ids[label] = list(dict.fromkeys(row_ids))
    if obj is None and not ids:
        return None
    changes = {"shown": ids}
    query = loggable_filters(filters, **extra)
    if query:
        changes["list"] = {name: _plain(value) for name, value in sorted(query.items())}
    return audit_record(action=AuditAction.READ, actor=request.user, obj=obj, changes=changes, request=request)
