"""Pages of first contacts: the quick form for the street, the full form,
the list, the detail (audited) and linking a contact to a person."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pua.core.audit import audit_read
from pua.core.audited import audit_page, audit_shown, audited
from pua.core.pagination import paginate
from pua.core.search_terms import search_data
from pua.core.shortcuts import found, require_perm, save_form
from pua.people.access import visible_persons
from pua.people.duplicates import find_duplicates
from pua.people.forms import PersonForm, country_name

from . import contacts_selectors as selectors
from . import contacts_services as services
from .contacts_forms import (
    ContactFilterForm,
    ContactForm,
    PersonSearchForm,
    QuickContactForm,
    gender_label,
    person_initial,
)


def _may_add_at(user, access_point) -> bool:
    return access_point is not None and user.has_perm("cases.add_contact", access_point)


def _visible_person(user, pk):
    """A person the user may see and who is not merged away, or 404."""
    if not str(pk).isdigit():
        raise Http404
    return found(visible_persons(user).filter(pk=pk, merged_into__isnull=True).select_related("access_point").first())


@audited
@login_required
def contact_quick(request):
    """One screen on a phone: channel, time (now), place, alias, needs; the rest folded."""
    user, access_point = request.user, request.access_point
    if not _may_add_at(user, access_point):
        raise PermissionDenied
    if request.method == "POST":
        form = QuickContactForm(request.POST, access_point=access_point, user=user)
    else:
        # "Record another": the channel and the place of the last one stay.
        sticky = {"channel": request.GET.get("channel", ""), "place_description": request.GET.get("place", ""),
                  "municipality": request.GET.get("municipality", "")}
        form = QuickContactForm(initial={k: v for k, v in sticky.items() if v}, access_point=access_point, user=user)
    if request.method == "POST" and form.is_valid():
        contact = save_form(
            request, form,
            lambda data: services.contact_create(by=user, access_point=access_point, request=request, **data),
            _("Contact recorded. You can record another one."),
        )
        if contact:
            params = {"last": contact.pk, "channel": contact.channel, "place": contact.place_description,
                      "municipality": str(contact.municipality) if contact.municipality_id else ""}
            return redirect(f"{reverse('cases:contact_quick')}?{urlencode({k: v for k, v in params.items() if v})}")
    last = request.GET.get("last", "")
    last_contact = selectors.contact_get(user, last) if last.isdigit() else None
    if last_contact is not None:
        audit_read(actor=user, obj=last_contact, request=request)
    return render(request, "cases/contact_quick.html", {
        "form": form, "access_point": access_point, "last_contact": last_contact,
    })


@audited
@login_required
def contact_list(request):
    require_perm(request.user, "cases.add_contact")  # held by exactly the roles that work with contacts
    form = ContactFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    contacts = selectors.contact_list(
        request.user,
        channel=filters.get("channel", ""),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
        anonymous_only=filters.get("anonymous", False),
        operator=filters.get("operator"),
    )
    page = paginate(request, contacts)
    audit_page(request, page.object_list, filters=filters, page=page)
    context = {
        "form": form,
        "page": page,
        "can_add": _may_add_at(request.user, request.access_point),
    }
    template = "cases/contact_list.html"
    if request.htmx and request.htmx.target == "contact-results":
        template += "#results"
    return render(request, template, context)


@audited
@login_required
def contact_create(request):
    """The full form; with ``?person=<pk>`` the contact is recorded for a known person."""
    user = request.user
    person = None
    if request.GET.get("person"):
        person = _visible_person(user, request.GET["person"])
        access_point = person.access_point
    else:
        access_point = request.access_point
    if not _may_add_at(user, access_point):
        raise PermissionDenied
    if person is not None:
        audit_read(actor=user, obj=person, request=request)
    form = ContactForm(request.POST or None, access_point=access_point, user=user)
    if request.method == "POST" and form.is_valid():
        contact = save_form(
            request, form,
            lambda data: services.contact_create(by=user, access_point=access_point, person=person, request=request,
                                                 **data),
            _("Contact recorded."),
        )
        if contact:
            return redirect("cases:contact_detail", pk=contact.pk)
    return render(request, "cases/contact_form.html", {
        "form": form, "access_point": access_point, "person": person,
        "shows_identity": person is not None and user.has_perm("people.view_person_identity", person),
    })


@audited
@login_required
def contact_detail(request, pk):
    contact = found(selectors.contact_get(request.user, pk))
    require_perm(request.user, "cases.view_contact", contact)
    audit_read(actor=request.user, obj=contact, request=request)
    shows_identity = False
    if contact.person_id:
        audit_read(actor=request.user, obj=contact.person, request=request)
        shows_identity = request.user.has_perm("people.view_person_identity", contact.person)
    return render(request, "cases/contact_detail.html", {
        "contact": contact,
        "shows_identity": shows_identity,
        "gender": gender_label(contact.gender) if contact.gender else "",
        "nationality": country_name(contact.nationality) if contact.nationality else "",
        "can_change": request.user.has_perm("cases.change_contact", contact),
    })


@audited
@login_required
def contact_edit(request, pk):
    contact = found(selectors.contact_get(request.user, pk))
    require_perm(request.user, "cases.change_contact", contact)
    audit_read(actor=request.user, obj=contact, request=request)
    form = ContactForm(request.POST or None, access_point=contact.access_point, user=request.user, contact=contact,
                       version=contact.version)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            request, form,
            lambda data: services.contact_update(contact=contact, by=request.user, request=request, **data),
            _("Contact saved."),
        )
        if saved:
            return redirect("cases:contact_detail", pk=contact.pk)
    return render(request, "cases/contact_form.html", {"form": form, "contact": contact,
                                                       "access_point": contact.access_point})


@audited
@login_required
def contact_link(request, pk):
    """Link the contact to a person: search an existing one or register a new one
    (with the duplicate check of the person registration)."""
    user = request.user
    contact = found(selectors.contact_get(user, pk))
    require_perm(user, "cases.change_contact", contact)
    can_register = user.has_perm("people.add_person", contact.access_point)
    data, moved = search_data(request, ("q",))
    if moved:
        return moved
    action = request.POST.get("action", "") if request.method == "POST" else ""
    search = PersonSearchForm(data)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    person_form = PersonForm(request.POST if action == "register" else None, initial=person_initial(contact))
    link_error, duplicates = "", []

    if action == "link":
        person = _visible_person(user, request.POST.get("person", ""))
        try:
            services.contact_link(contact=contact, person=person, by=user, request=request)
        except ValidationError as error:
            link_error = " ".join(error.messages)
        else:
            messages.success(request, _("Contact linked to %(number)s.") % {"number": person.case_number})
            return redirect("cases:person_journey", pk=person.pk)
    elif action == "register":
        if not can_register:
            raise PermissionDenied
        if person_form.is_valid():
            if request.POST.get("confirm_new") != "1":
                pool = visible_persons(user).filter(access_point=contact.access_point, merged_into__isnull=True)
                duplicates = [person for person, _score, _reasons in
                              find_duplicates(person_form.duplicate_candidate(), pool)]
            if not duplicates:
                person = save_form(
                    request, person_form,
                    lambda data: services.contact_link_new_person(contact=contact, by=user, request=request, **data),
                    _("Person registered and contact linked."),
                )
                if person:
                    return redirect("cases:person_journey", pk=person.pk)

    candidates = selectors.link_candidates(user, contact, q)
    audit_shown(request, {"people.person": candidates}, obj=contact, q=q)
    return render(request, "cases/contact_link.html", {
        "contact": contact,
        "search": search,
        "q": q,
        "candidates": candidates,
        "duplicates": duplicates,
        "shows_identity": user.has_perm("people.view_person_identity", contact.access_point),
        "person_form": person_form,
        "can_register": can_register,
        "link_error": link_error,
        "register_open": action == "register",
    })
