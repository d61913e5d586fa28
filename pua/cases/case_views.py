"""HTML pages of the case: list, opening, detail (or the partner's shared
view), state changes, team, notes, timeline, closure and reopening.

Staff pages fetch through ``access.visible_cases`` (another access point's
case is a 404); only the detail falls back to ``access.shared_cases`` for
partner operators, who get the shared view.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pua.core.audit import audit_read
from pua.core.audited import audit_page, audited, not_audited
from pua.core.concurrency import parse_version
from pua.core.pagination import paginate
from pua.core.search_terms import search_data
from pua.core.shortcuts import found, require_perm, save_form
from pua.people.access import screening_flag_access_point_ids, visible_persons

from . import access, case_services, notes_services, team_services
from . import case_selectors as selectors
from .case_forms import (
    CaseFilterForm,
    ClosureForm,
    NoteForm,
    ReopenForm,
    SharedCaseFilterForm,
    TeamMemberForm,
    TimelineFilterForm,
)
from .models import CaseStatus

LATEST_NOTES = 3
LATEST_EVENTS = 5


def _identity_by_access_point(user, cases) -> dict[int, bool]:
    """One permission check per access point, not per row."""
    decided: dict[int, bool] = {}
    for case in cases:
        if case.access_point_id not in decided:
            decided[case.access_point_id] = user.has_perm("people.view_person_identity", case.access_point)
    return decided


def _filters(form) -> dict:
    """The valid filters of a filter form; invalid ones are shown as errors and ignored."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return form.cleaned_data


def page_panels(setting: str, request, obj) -> list[dict]:
    """Blocks that apps coming after ``cases`` add to a page, named in
    ``settings.<setting>`` (e.g. ``CASE_PAGE_PANELS``) and looked up by name so
    that ``cases`` never imports them. Each function takes the request and the
    page's object and returns ``{"template": ..., "context": {...}}`` or None."""
    panels = []
    for path in getattr(settings, setting, ()):
        panel = import_string(path)(request, obj)
        if panel:
            panels.append(panel)
    return panels


def _results_template(request, template: str) -> str:
    if request.htmx and request.htmx.target == "case-results":
        return template + "#results"
    return template


@audited
@login_required
def case_list(request):
    user = request.user
    require_perm(user, "cases.list_cases")
    # Names and case numbers are posted and kept in the session, never in the URL.
    data, moved = search_data(request, ("q",))
    if moved:
        return moved
    if not access.journey_access_point_ids(user):
        return _shared_case_list(request, data)
    form = CaseFilterForm(data)
    filters = _filters(form)
    cases = selectors.case_list(
        user,
        q=filters.get("q", ""),
        status=filters.get("status", ""),
        manager=user if filters.get("mine") else None,
        opened_from=filters.get("opened_from"),
        opened_to=filters.get("opened_to"),
    )
    page = paginate(request, cases)
    audit_page(request, page.object_list, filters=filters, page=page)
    identity = _identity_by_access_point(user, page.object_list)
    rows = [(case, identity[case.access_point_id]) for case in page.object_list]
    flag_aps = screening_flag_access_point_ids(user)
    return render(request, _results_template(request, "cases/case_list.html"), {
        "form": form, "page": page, "rows": rows, "shows_names": any(identity.values()),
        "flag_access_point_ids": flag_aps, "shows_flags": bool(flag_aps),
        "filtered": any(v not in ("", None, False) for v in filters.values()),
    })


def _shared_case_list(request, data):
    form = SharedCaseFilterForm(data)
    filters = _filters(form)
    cases = selectors.shared_case_list(request.user, q=filters.get("q", ""), status=filters.get("status", ""))
    page = paginate(request, cases)
    audit_page(request, page.object_list, filters=filters, page=page, shared=True)
    return render(request, _results_template(request, "cases/case_list_shared.html"), {
        "form": form, "page": page,
    })


def _journey_url(person) -> str:
    try:
        return reverse("cases:person_journey", args=[person.pk])
    except NoReverseMatch:  # the journey page is another feature's; the person page always exists
        return reverse("people:person_detail", args=[person.pk])


@not_audited(reason="a POST action that redirects; the service audits the change")
@login_required
@require_POST
def case_open(request, person_pk):
    person = found(visible_persons(request.user).filter(pk=person_pk).first())
    require_perm(request.user, "cases.add_case", person)
    try:
        case = case_services.case_open(person=person, by=request.user, case_manager=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_journey_url(person))
    messages.success(request, _("Case %(number)s opened: you are its case manager.") % {"number": case.number})
    return redirect("cases:case_detail", pk=case.pk)


def _staff_case(request, pk, perm: str = "cases.view_case_internal"):
    """A case of the user's access points (404 otherwise), with ``perm`` (403 otherwise)."""
    case = found(selectors.case_get(request.user, pk))
    require_perm(request.user, perm, case)
    return case


@audited
@login_required
def case_detail(request, pk):
    user = request.user
    case = selectors.case_get(user, pk) or found(selectors.shared_case_get(user, pk))
    require_perm(user, "cases.view_case", case)
    audit_read(actor=user, obj=case, request=request)
    if not user.has_perm("cases.view_case_internal", case):
        return render(request, "cases/case_shared.html", {"case": case, **selectors.shared_case_view(user, case)})
    can_change = user.has_perm("cases.change_case", case)
    is_open = not case.is_closed
    notes = selectors.case_notes(user, case)
    return render(request, "cases/case_detail.html", {
        "case": case,
        "shows_identity": user.has_perm("people.view_person_identity", case.person),
        "shows_flag": user.has_perm("cases.view_screening_flag", case),
        "todo": selectors.case_todo(user, case),
        "can_change": can_change,
        "next_steps": [CaseStatus(s) for s in selectors.next_steps(case)] if can_change else [],
        "can_take_in_charge": (case.status in (CaseStatus.CONTACT, CaseStatus.SCREENING)
                               and user.has_perm("cases.decide_intake", case)),
        "can_close": can_change and is_open,
        "can_reopen": can_change and not is_open,
        "team": selectors.case_team(case),
        "notes": list(notes[:LATEST_NOTES]),
        "notes_count": notes.count(),
        "note_form": NoteForm(may_restrict=user.has_perm("cases.view_restricted", case)) if can_change else None,
        "events": selectors.case_timeline(user, case, limit=LATEST_EVENTS, newest_first=True),
        "panels": page_panels("CASE_PAGE_PANELS", request, case),
    })


@not_audited(reason="a POST action that redirects; the service audits the change")
@login_required
@require_POST
def case_transition(request, pk):
    case = _staff_case(request, pk, "cases.change_case")
    try:
        case_services.case_transition(case=case, to=request.POST.get("to", ""), by=request.user,
                                      expected_version=parse_version(request.POST.get("version")))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The case is now “%(status)s”.") % {"status": case.get_status_display()})
    return redirect("cases:case_detail", pk=case.pk)


@audited
@login_required
def case_team(request, pk):
    case = _staff_case(request, pk)
    can_change = request.user.has_perm("cases.change_case", case) and not case.is_closed
    form = None
    if can_change:
        form = TeamMemberForm(request.POST or None, case=case)
        if request.method == "POST" and form.is_valid() and save_form(
            request, form,
            lambda data: team_services.team_member_add(case=case, user=data["user"], role=data["role"],
                                                       by=request.user),
            _("Team updated."),
        ):
            return redirect("cases:case_team", pk=case.pk)
    elif request.method == "POST":
        require_perm(request.user, "cases.change_case", case)
        messages.error(request, _("The case is closed: its team can no longer change."))
        return redirect("cases:case_team", pk=case.pk)
    audit_read(actor=request.user, obj=case, request=request)
    members = selectors.case_team(case, include_removed=True)
    return render(request, "cases/case_team.html", {
        "case": case, "form": form, "can_change": can_change,
        "members": [m for m in members if m.removed_at is None],
        "former": [m for m in members if m.removed_at is not None],
    })


@not_audited(reason="a POST action that redirects; the service audits the change")
@login_required
@require_POST
def case_team_remove(request, pk, member_pk):
    case = _staff_case(request, pk, "cases.change_case")
    member = found(selectors.team_member_get(case, member_pk))
    try:
        team_services.team_member_remove(member=member, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The operator has left the team."))
    return redirect("cases:case_team", pk=case.pk)


@audited
@login_required
def case_notes(request, pk):
    user = request.user
    case = _staff_case(request, pk)
    can_change = user.has_perm("cases.change_case", case)
    if request.method == "POST":
        require_perm(user, "cases.change_case", case)
    form = NoteForm(request.POST or None, may_restrict=user.has_perm("cases.view_restricted", case)) \
        if can_change else None
    if request.method == "POST" and form.is_valid() and save_form(
        request, form,
        lambda data: notes_services.note_add(case=case, text=data["text"], restricted=data.get("restricted", False),
                                             by=user),
        _("Note saved."),
    ):
        return redirect("cases:case_notes", pk=case.pk)
    audit_read(actor=user, obj=case, request=request)
    return render(request, "cases/case_notes.html", {
        "case": case, "form": form, "page": paginate(request, selectors.case_notes(user, case)),
    })


@audited
@login_required
def case_timeline(request, pk):
    user = request.user
    case = _staff_case(request, pk)
    audit_read(actor=user, obj=case, request=request)
    form = TimelineFilterForm(request.GET or None)
    kind = _filters(form).get("kind", "")
    return render(request, "cases/timeline.html", {
        "case": case, "form": form, "kind": kind,
        "entries": selectors.case_timeline(user, case, kind=kind),
        "shows_restricted": user.has_perm("cases.view_restricted", case),
    })


@audited
@login_required
def case_close(request, pk):
    case = _staff_case(request, pk, "cases.change_case")
    if case.is_closed:
        messages.info(request, _("The case is already closed."))
        return redirect("cases:case_detail", pk=case.pk)
    form = ClosureForm(request.POST or None, goals=selectors.closure_goals(case), version=case.version)
    if request.method == "POST" and form.is_valid() and save_form(
        request, form,
        lambda data: case_services.case_close(case=case, by=request.user, reason=data["reason"],
                                              outcome=data["outcome"], goal_evaluations=form.goal_evaluations(),
                                              expected_version=data.get("expected_version")),
        _("Case closed."),
    ):
        return redirect("cases:case_detail", pk=case.pk)
    audit_read(actor=request.user, obj=case, request=request)
    return render(request, "cases/case_close.html", {"case": case, "form": form})


@audited
@login_required
def case_reopen(request, pk):
    case = _staff_case(request, pk, "cases.change_case")
    if not case.is_closed:
        messages.info(request, _("The case is open."))
        return redirect("cases:case_detail", pk=case.pk)
    form = ReopenForm(request.POST or None, version=case.version)
    if request.method == "POST" and form.is_valid() and save_form(
        request, form,
        lambda data: case_services.case_reopen(case=case, by=request.user, reason=data["reason"],
                                               expected_version=data.get("expected_version")),
        _("Case reopened."),
    ):
        return redirect("cases:case_detail", pk=case.pk)
    audit_read(actor=request.user, obj=case, request=request)
    return render(request, "cases/case_reopen.html", {"case": case, "form": form})
