"""Pages of filling in an instrument: choosing one for a person, the pages
of the form (server-rendered; with htmx every change saves the draft and
re-renders the page's questions, so skip logic and constraint messages
follow the answers), the review before submitting, the read-only response,
amending, and a person's responses.

Without JavaScript the same form posts with "Next"/"Previous", which save
the draft too. Irrelevant pages are skipped, and the progress counts only
the pages that apply to the answers given so far.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from pua.cases.access import visible_cases
from pua.core.audit import audit_read
from pua.core.audited import audit_shown, audited, not_audited
from pua.core.pagination import paginate
from pua.core.shortcuts import found, require_perm, show_errors
from pua.people.access import visible_persons

from . import engine, selectors, services
from .models import ResponseStatus
from .response_forms import (
    AmendForm,
    StartForm,
    field_context,
    language_options,
    page_answers,
    page_items,
    working_answers,
)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _person(user, pk, *, active: bool = True):
    pk = _int(pk)
    qs = visible_persons(user).select_related("access_point")
    if active:
        qs = qs.filter(merged_into__isnull=True)  # merged records are read-only history
    return found(qs.filter(pk=pk).first() if pk is not None else None)


def _error_messages(error: ValidationError) -> dict[str, str]:
    return {name: str(messages_[0]) for name, messages_ in error.update_error_dict({}).items()}


def _lang_query(request) -> str:
    lang = request.GET.get("lang", "")
    return f"?{urlencode({'lang': lang})}" if lang else ""


def _page_url(request, response, index: int) -> str:
    return reverse("assessments:response_fill", args=[response.pk, index + 1]) + _lang_query(request)


def _review_url(request, response) -> str:
    return reverse("assessments:response_review", args=[response.pk]) + _lang_query(request)


def _after_close_url(user, response) -> str:
    if user.has_perm("assessments.view_response", response) or response.status == ResponseStatus.DRAFT:
        return reverse("assessments:response_detail", args=[response.pk])
    return reverse("assessments:person_responses", args=[response.person_id])


def _relevant_pages(definition: dict, answers: dict) -> list[int]:
    """The pages that apply (``engine.page_is_relevant``: something on them is visible), in one pass."""
    return sorted({index for index, _field in engine.visible_fields(definition, answers)})


def _title(definition: dict, instrument, language: str) -> str:
    title = definition.get("title")
    if isinstance(title, dict) and title:
        return engine.label(title, language, definition.get("default_language") or language)
    return title or instrument.title


def _spoken(person) -> set[str]:
    return set(person.languages.values_list("language__code", flat=True))


# --- starting --------------------------------------------------------------------------

@audited
@login_required
@require_http_methods(["GET", "POST"])
def response_start(request):
    """``?person=<id>&case=<id>``: the published instruments the user may fill in
    for the person (and the drafts to continue); POST starts one."""
    user = request.user
    params = request.POST if request.method == "POST" else request.GET
    person = _person(user, params.get("person"))
    case = None
    if params.get("case"):
        case = found(visible_cases(user).filter(pk=_int(params.get("case")) or 0, person=person).first())
    versions = selectors.fillable_versions(user, person)
    if request.method == "POST":
        form = StartForm(request.POST)
        version = next((v for v in versions if form.is_valid() and v.pk == form.cleaned_data["version"]), None)
        if version is None:
            raise Http404
        try:
            response = services.response_start(version=version, person=person, by=user, case=case)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("assessments:response_fill", pk=response.pk, page=1)
    audit_read(actor=user, obj=person, request=request)
    return render(request, "assessments/response_start.html", {
        "person": person, "case": case, "versions": versions,
        "drafts": selectors.drafts_for_person(user, person),
        "shows_identity": user.has_perm("people.view_person_identity", person),
    })


# --- filling in ------------------------------------------------------------------------

def _fillable(request, pk):
    response = found(selectors.response_for_fill(request.user, pk))
    require_perm(request.user, "assessments.fill_response", response)
    return response


def _not_a_draft(request, response):
    messages.error(request, _("This response has been submitted and can no longer be changed: amend it instead."))
    url = _after_close_url(request.user, response)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def _fill_context(request, response, index: int, answers: dict, errors: dict, *, summary: bool, saved_at=None):
    definition = response.instrument_version.definition
    language = services.form_language(definition, request.GET.get("lang"))
    relevant = _relevant_pages(definition, answers)
    position = relevant.index(index) + 1 if index in relevant else None
    later = [i for i in relevant if i > index]
    earlier = [i for i in relevant if i < index]
    items = page_items(definition, index, answers, language, errors)
    page = definition["pages"][index]
    shown = {item["name"] for item in items}
    return {
        "response": response, "person": response.person, "definition": definition, "language": language,
        "languages": language_options(definition, language, _spoken(response.person)),
        "title": _title(definition, response.instrument_version.instrument, language),
        "page_label": engine.label(page["label"], language, definition.get("default_language") or language)
        if page.get("label") else "",
        "index": index, "number": index + 1, "position": position, "total": len(relevant),
        "percent": int(100 * (position or 0) / len(relevant)) if relevant else 0,
        "is_last": not later, "has_previous": bool(earlier),
        "items": items, "errors": [(item, errors[item["name"]]) for item in items if item["name"] in errors],
        "other_errors": [message for name, message in errors.items() if name not in shown],
        "summary": summary, "saved_at": saved_at, "lang_query": _lang_query(request),
        "action_url": _page_url(request, response, index),
    }


def _live_errors(definition: dict, index: int, answers: dict, language: str) -> dict[str, str]:
    """Constraint and type messages of the answers given so far; "required"
    is not shown on what is still empty until the user moves on."""
    return {name: message for name, message in engine.validate_page(definition, index, answers, language).items()
            if answers.get(name, "") != ""}


@audited
@login_required
@require_http_methods(["GET", "POST"])
def response_fill(request, pk, page):
    user = request.user
    response = _fillable(request, pk)
    if response.status != ResponseStatus.DRAFT:
        return _not_a_draft(request, response)
    definition = response.instrument_version.definition
    index = page - 1
    if not 0 <= index < len(definition.get("pages") or []):
        raise Http404
    template = "assessments/response_fill.html"
    if request.method == "GET":
        relevant = _relevant_pages(definition, response.answers)
        if index not in relevant:  # skip logic: go on to the next page that applies
            later = [i for i in relevant if i > index]
            return redirect(_page_url(request, response, later[0]) if later else _review_url(request, response))
        audit_read(actor=user, obj=response, request=request)
        language = services.form_language(definition, request.GET.get("lang"))
        errors = _live_errors(definition, index, response.answers, language)
        return render(request, template, _fill_context(request, response, index, response.answers, errors,
                                                       summary=False))

    posted = page_answers(definition, index, request.POST)
    action = request.POST.get("action", "")
    saved_at = None
    try:
        response = services.response_save(response=response, answers=posted, page=index, by=user)
    except ValidationError as error:
        errors = _error_messages(error)
    else:
        errors = {}
        saved_at = timezone.localtime()
    answers = working_answers(response.answers, posted)
    language = services.form_language(definition, request.GET.get("lang"))
    if request.htmx and not action:
        live = _live_errors(definition, index, answers, language)
        context = _fill_context(request, response, index, answers, {**live, **errors}, summary=False,
                                saved_at=saved_at)
        return render(request, template + "#page", context)
    if not errors:
        relevant = _relevant_pages(definition, answers)
        if action == "previous":
            earlier = [i for i in relevant if i < index]
            return redirect(_page_url(request, response, earlier[-1] if earlier else index))
        if action == "close":
            messages.success(request, _("Draft saved: you can continue it later."))
            return redirect(_after_close_url(user, response))
        if action in ("next", "review"):
            errors = engine.validate_page(definition, index, answers, language)
            if not errors:
                later = [i for i in relevant if i > index]
                if action == "next" and later:
                    return redirect(_page_url(request, response, later[0]))
                return redirect(_review_url(request, response))
        else:
            messages.success(request, _("Draft saved."))
            return redirect(_page_url(request, response, index))
    return render(request, template, _fill_context(request, response, index, answers, errors, summary=True,
                                                   saved_at=saved_at))


def _display_value(definition: dict, field: dict, value: str, language: str) -> str:
    if value in (None, ""):
        return ""
    kind = field.get("type")
    if kind in ("select_one", "select_multiple"):
        labels = {c["name"]: engine.label(c.get("label") or {}, language, definition.get("default_language") or language)
                  for c in (definition.get("choices") or {}).get(field.get("choices") or "", [])}
        return ", ".join(labels.get(name) or name for name in str(value).split())
    if kind == "date":
        try:
            return formats.date_format(datetime.date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
        except ValueError:
            return str(value)
    return str(value)


def _answer_sections(definition: dict, answers: dict, language: str, errors: dict | None = None) -> list[dict]:
    """The visible answers page by page, with each page's errors."""
    errors = errors or {}
    visible = engine.visible_fields(definition, answers)
    sections = []
    for index, page in enumerate(definition.get("pages") or []):
        rows = []
        for page_index, field in visible:
            if page_index != index or field.get("type") not in services.ANSWER_TYPES:
                continue
            context = field_context(definition, field, answers, language)
            rows.append({"name": field["name"], "label": context["label"],
                         "value": _display_value(definition, field, answers.get(field["name"], ""), language),
                         "error": errors.get(field["name"], ""), "id": context["id"]})
        if rows:
            label = engine.label(page["label"], language, definition.get("default_language") or language) \
                if page.get("label") else ""
            sections.append({"index": index, "number": index + 1, "label": label, "rows": rows,
                             "has_errors": any(r["error"] for r in rows)})
    return sections


def _review_context(request, response, errors: dict) -> dict:
    definition = response.instrument_version.definition
    language = services.form_language(definition, request.GET.get("lang"))
    answers = engine.computed(definition, response.answers) if not errors else response.answers
    return {
        "response": response, "person": response.person, "language": language,
        "languages": language_options(definition, language, _spoken(response.person)),
        "title": _title(definition, response.instrument_version.instrument, language),
        "sections": _answer_sections(definition, answers, language, errors),
        "errors": errors, "lang_query": _lang_query(request),
        "other_errors": [m for name, m in errors.items() if name not in services.all_fields(definition)],
    }


@audited
@login_required
def response_review(request, pk):
    response = _fillable(request, pk)
    if response.status != ResponseStatus.DRAFT:
        return _not_a_draft(request, response)
    audit_read(actor=request.user, obj=response, request=request)
    definition = response.instrument_version.definition
    language = services.form_language(definition, request.GET.get("lang"))
    errors = engine.validate_all(definition, response.answers, language)
    return render(request, "assessments/response_review.html", _review_context(request, response, errors))


@audited
@login_required
@require_POST
def response_submit(request, pk):
    user = request.user
    response = _fillable(request, pk)
    if response.status != ResponseStatus.DRAFT:
        return _not_a_draft(request, response)
    try:
        response = services.response_submit(response=response, by=user)
    except ValidationError as error:
        # Refused: the answers come back on the review page.
        audit_read(actor=user, obj=response, request=request)
        context = _review_context(request, response, _error_messages(error))
        return render(request, "assessments/response_review.html", context, status=400)
    messages.success(request, _("Response submitted."))
    if response.outcome and user.has_perm("assessments.view_response", response):
        return redirect("assessments:result_detail", pk=response.pk)
    return redirect(_after_close_url(user, response))


# --- reading, amending -----------------------------------------------------------------

@audited
@login_required
def response_detail(request, pk):
    user = request.user
    response = found(selectors.response_get(user, pk))
    audit_read(actor=user, obj=response, request=request)
    definition = response.instrument_version.definition
    language = services.form_language(definition, request.GET.get("lang"))
    is_draft = response.status == ResponseStatus.DRAFT
    may_fill = user.has_perm("assessments.fill_response", response)
    shows_answers = user.has_perm("assessments.view_response_detail", response) or (is_draft and may_fill)
    chain = selectors.amendment_chain(response)
    later = chain[chain.index(response) + 1:] if response in chain else []
    may_amend = (not is_draft and not later and may_fill
                 and user.has_perm("assessments.view_response_detail", response))
    return render(request, "assessments/response_detail.html", {
        "response": response, "person": response.person, "language": language,
        "languages": language_options(definition, language, _spoken(response.person)),
        "title": _title(definition, response.instrument_version.instrument, language),
        "sections": _answer_sections(definition, response.answers, language) if shows_answers else [],
        "shows_answers": shows_answers, "shows_outcome": user.has_perm("assessments.view_response", response),
        "may_continue": is_draft and may_fill, "may_amend": may_amend,
        "chain": chain if len(chain) > 1 else [], "superseded_by": next(
            (r for r in later if r.status == ResponseStatus.SUBMITTED), None),
        "amend_form": AmendForm(), "lang_query": _lang_query(request),
        "outcome_label": selectors.outcome_label(response, translation.get_language()),
        "computed_label": selectors.computed_outcome_label(response, translation.get_language()),
        "shows_identity": user.has_perm("people.view_person_identity", response.person),
    })


@not_audited(reason="a POST action that redirects; the service audits the change")
@login_required
@require_POST
def response_amend(request, pk):
    user = request.user
    response = found(selectors.response_get(user, pk))
    require_perm(user, "assessments.fill_response", response)
    require_perm(user, "assessments.view_response_detail", response)
    form = AmendForm(request.POST)
    if form.is_valid():
        try:
            draft = services.response_amend(response=response, by=user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_errors(form, error)
        else:
            messages.success(request, _("Amendment started: correct the answers and submit it."))
            return redirect("assessments:response_fill", pk=draft.pk, page=1)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("assessments:response_detail", pk=response.pk)


@audited
@login_required
def person_responses(request, person_pk):
    user = request.user
    person = _person(user, person_pk, active=False)
    page = paginate(request, selectors.person_responses(user, person))
    audit_shown(request, {"assessments.response": page.object_list}, obj=person,
                page=page.number if page.number != 1 else None)
    readable = [r for r in page.object_list
                if r.status == ResponseStatus.SUBMITTED and user.has_perm("assessments.view_response", r)]
    outcomes = selectors.outcome_labels(readable, translation.get_language())
    rows = [{
        "response": r, "shows_outcome": r in readable, "outcome": outcomes.get(r.pk, ""),
        "amended_by": list(r.amendments.all()),
    } for r in page.object_list]
    return render(request, "assessments/response_person.html", {
        "person": person, "page": page, "rows": rows,
        "may_start": person.merged_into_id is None and bool(selectors.fillable_versions(user, person)),
        "shows_identity": user.has_perm("people.view_person_identity", person),
    })
