"""Referral pages: the list (the staff's register, the partners' inbox), one
referral with its answer and report forms, recording an inbound referral
and referring a case's person to a network organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pua.core.audit import audit_read
from pua.core.audited import audit_page, audited, not_audited
from pua.core.concurrency import parse_version
from pua.core.pagination import paginate
from pua.core.search_terms import search_data
from pua.core.shortcuts import found, require_perm, save_form
from pua.network.access import grants_for, visible_offerings
from pua.network.models import Offering
from pua.people import selectors as people_selectors
from pua.people.access import PERSON_ROLES, visible_persons

from . import access
from . import referrals_selectors as selectors
from . import referrals_services as services
from .models import OPEN_STATUSES, ReferralDirection, ReferralStatus
from .referrals_forms import (
    AnswerForm,
    InboundReferralForm,
    OutboundReferralForm,
    PersonPickForm,
    ReferralFilterForm,
    ReportForm,
    ServicePickForm,
)

OFFERINGS_SHOWN = 30
PICKER_ROWS = 20


def _identity_by_access_point(user, referrals) -> dict[int, bool]:
    """One permission check per access point, not per row."""
    decided: dict[int, bool] = {}
    for referral in referrals:
        if referral.access_point_id not in decided:
            decided[referral.access_point_id] = user.has_perm("people.view_person_identity", referral.access_point)
    return decided


@audited
@login_required
def referral_list(request):
    user = request.user
    if not grants_for(user).has_role(PERSON_ROLES | access.PARTNER_ROLES):
        raise PermissionDenied
    form = ReferralFilterForm(request.GET or None, organisations=selectors.filter_organisations(user))
    filters = form.cleaned_data if form.is_valid() else {}
    referrals = selectors.referral_list(
        user, direction=filters.get("direction", ""), status=filters.get("status", ""),
        organisation=filters.get("organisation"), q=filters.get("q", ""),
    )
    page = paginate(request, referrals)
    page.object_list = list(page.object_list)
    audit_page(request, page.object_list, filters=filters, page=page)
    staff_identity = _identity_by_access_point(user, page.object_list)
    shared = selectors.partner_shared_person_ids(
        user, [r.person_id for r in page.object_list if not access.works_with_journey(user, r)])
    # (referral, shows the name, links the name to the person's page: staff only)
    rows = [(r, staff_identity[r.access_point_id] or r.person_id in shared, staff_identity[r.access_point_id])
            for r in page.object_list]
    is_partner = not access.journey_access_point_ids(user)
    template = "cases/referral_list.html"
    if request.htmx and request.htmx.target == "referral-results":
        template += "#results"
    return render(request, template, {
        "form": form, "page": page, "rows": rows, "is_partner": is_partner,
        "shows_names": any(shows for _r, shows, _links in rows),
    })


def _render_detail(request, referral, *, answer_form=None, report_form=None):
    user = request.user
    staff = access.works_with_journey(user, referral)
    if staff:
        shows_identity = user.has_perm("people.view_person_identity", referral.person)
    else:
        shows_identity = access.shares_person_with_partner(user, referral.person)
    if shows_identity:
        audit_read(actor=user, obj=referral.person, request=request)
    waiting = referral.status == ReferralStatus.SENT
    can_report = (referral.direction == ReferralDirection.OUTBOUND and referral.status == ReferralStatus.ACCEPTED
                  and user.has_perm("cases.report_referral", referral))
    return render(request, "cases/referral_detail.html", {
        "referral": referral,
        "staff": staff,
        "shows_identity": shows_identity,
        "history": selectors.referral_history(referral),
        "documents": list(referral.documents.all()) if staff and user.has_perm("cases.view_document", referral.person)
        else None,
        "can_upload": staff and user.has_perm("cases.add_document", referral.person),
        "can_answer": waiting and user.has_perm("cases.answer_referral", referral),
        "can_withdraw": waiting and staff and user.has_perm("cases.withdraw_referral", referral),
        "can_report": can_report,
        "answer_form": answer_form or AnswerForm(version=referral.version),
        "report_form": report_form or ReportForm(version=referral.version),
    })


def _get(request, pk):
    referral = found(selectors.referral_get(request.user, pk))
    require_perm(request.user, "cases.view_referral", referral)
    return referral


@audited
@login_required
def referral_detail(request, pk):
    referral = _get(request, pk)
    audit_read(actor=request.user, obj=referral, request=request)
    return _render_detail(request, referral)


def _answer(request, pk, *, perm, write, done, form_class, form_key):
    referral = _get(request, pk)
    require_perm(request.user, perm, referral)
    form = form_class(request.POST, version=referral.version)
    if form.is_valid() and save_form(request, form, lambda data: write(referral, data), done):
        return redirect("cases:referral_detail", pk=referral.pk)
    if form.non_field_errors() and not any(name in form.errors for name in form.fields):
        # The referral is no longer in a state for this step: the form is gone from the page, say why there.
        for message in form.non_field_errors():
            messages.error(request, message)
        return redirect("cases:referral_detail", pk=referral.pk)
    audit_read(actor=request.user, obj=referral, request=request)
    return _render_detail(request, selectors.referral_get(request.user, pk), **{form_key: form})


@audited
@login_required
@require_POST
def referral_accept(request, pk):
    return _answer(
        request, pk, perm="cases.answer_referral", form_class=AnswerForm, form_key="answer_form",
        write=lambda referral, data: services.referral_accept(referral=referral, by=request.user,
                                                              reason=data["reason"],
                                                              expected_version=data.get("expected_version")),
        done=_("Referral accepted."))


@audited
@login_required
@require_POST
def referral_decline(request, pk):
    return _answer(
        request, pk, perm="cases.answer_referral", form_class=AnswerForm, form_key="answer_form",
        write=lambda referral, data: services.referral_decline(referral=referral, by=request.user,
                                                               reason=data["reason"],
                                                               expected_version=data.get("expected_version")),
        done=_("Referral declined."))


@audited
@login_required
@require_POST
def referral_report(request, pk):
    return _answer(
        request, pk, perm="cases.report_referral", form_class=ReportForm, form_key="report_form",
        write=lambda referral, data: services.referral_report(referral=referral, by=request.user,
                                                              report=data["report"],
                                                              expected_version=data.get("expected_version")),
        done=_("Report sent: the referral is completed."))


@not_audited(reason="a POST action that redirects; the service audits the change")
@login_required
@require_POST
def referral_withdraw(request, pk):
    referral = _get(request, pk)
    require_perm(request.user, "cases.withdraw_referral", referral)
    try:
        services.referral_withdraw(referral=referral, by=request.user,
                                   expected_version=parse_version(request.POST.get("version")))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Referral withdrawn."))
    return redirect("cases:referral_detail", pk=referral.pk)


def _person_param(request):
    value = request.GET.get("person", "")
    if not value.isdigit():
        raise Http404
    return found(visible_persons(request.user).filter(pk=int(value), merged_into__isnull=True)
                 .select_related("access_point").first())


def _offering_param(request):
    """The directory offering a referral starts from (its "Refer" button), if any."""
    value = request.GET.get("offering", "")
    if not value.isdigit():
        return None
    return (visible_offerings(request.user).active().select_related("organisation", "service")
            .filter(pk=int(value)).first())


def _person_picker(request):
    """No person chosen yet: search among the persons of the access points where the user works on cases.
    Coming from a directory offering, each person leads to the outbound referral of their open case."""
    user = request.user
    require_perm(user, "cases.add_case")  # held by exactly the roles that record referrals, somewhere
    offering = _offering_param(request)
    data, moved = search_data(request, ("q",))
    if moved:
        return moved
    form = PersonPickForm(data if data and "q" in data else None)
    rows = None
    if form.is_valid():
        persons = people_selectors.person_list(user, q=form.cleaned_data["q"]).filter(
            merged_into__isnull=True, access_point_id__in=access.journey_access_point_ids(user, access.CASE_ROLES))
        if offering is not None:
            open_cases = access.visible_cases(user).filter(person=OuterRef("pk"), status__in=OPEN_STATUSES)
            persons = persons.annotate(open_case_id=Subquery(open_cases.order_by("-opened_at", "-id").values("pk")[:1]))
        persons = list(persons[:PICKER_ROWS])
        audit_page(request, persons, q=True, picker="referral")
        rows = [(p, user.has_perm("people.view_person_identity", p.access_point), getattr(p, "open_case_id", None))
                for p in persons]
    return render(request, "cases/referral_person_pick.html", {"form": form, "rows": rows, "offering": offering})


@audited
@login_required
def referral_create_inbound(request):
    user = request.user
    if "person" not in request.GET:
        return _person_picker(request)
    person = _person_param(request)
    require_perm(user, "cases.add_referral", person)
    shows_identity = user.has_perm("people.view_person_identity", person)
    audit_read(actor=user, obj=person, request=request)
    form = InboundReferralForm(request.POST or None, access_point_id=person.access_point_id)
    if request.method == "POST" and form.is_valid():
        referral = save_form(
            request, form,
            lambda data: services.referral_create_inbound(person=person, by=user, **form.service_kwargs()),
            _("Inbound referral recorded. Accept or decline it when the access point has decided."))
        if referral:
            return redirect("cases:referral_detail", pk=referral.pk)
    return render(request, "cases/referral_inbound_form.html", {
        "form": form, "person": person, "shows_identity": shows_identity,
    })


@audited
@login_required
def referral_create_outbound(request, case_pk):
    """Choose a service, see the matching offerings of the network, pick one and say why."""
    user = request.user
    case = found(access.visible_cases(user).select_related("person", "access_point").filter(pk=case_pk).first())
    require_perm(user, "cases.add_referral", case)
    audit_read(actor=user, obj=case, request=request)
    data = request.POST if request.method == "POST" else request.GET
    pick = ServicePickForm(data if "service" in data else None, user=user)
    service = pick.cleaned_data["service"] if pick.is_valid() else None
    offerings = (selectors.offerings_for_referral(user, service=service, access_point=case.access_point)
                 if service is not None else Offering.objects.none())
    # Preselected when the referral starts from the directory's "Refer" button.
    chosen = request.GET.get("offering", "")
    chosen = int(chosen) if chosen.isdigit() else None
    form = OutboundReferralForm(request.POST or None, initial={"service": service, "offering": chosen}, user=user,
                                offerings=offerings, access_point_id=case.access_point_id)
    if request.method == "POST" and form.is_valid():
        referral = save_form(
            request, form,
            lambda d: services.referral_create_outbound(case=case, service=d["service"], offering=d["offering"],
                                                        organisation=d["organisation"], reason=d["reason"], by=user),
            _("Referral sent. The organisation will see it in its referral inbox."))
        if referral:
            return redirect("cases:referral_detail", pk=referral.pk)
    shown = list(offerings[:OFFERINGS_SHOWN]) if service is not None else []
    if chosen is not None and service is not None and all(o.pk != chosen for o in shown):
        shown = list(offerings.filter(pk=chosen)) + shown  # listed even when not among the nearest
    template = "cases/referral_outbound_form.html"
    if request.htmx and request.htmx.target == "referral-step":
        template += "#step"
    return render(request, template, {
        "case": case, "pick": pick, "service": service, "form": form, "offerings": shown,
        "more_offerings": service is not None and len(shown) == OFFERINGS_SHOWN,
        "shows_identity": user.has_perm("people.view_person_identity", case.person),
        "selected_offering": str(form["offering"].value() or ""),
    })
