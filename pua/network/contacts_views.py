"""HTML views of the network contact log: summary and list, log, detail, edit."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pua.core.pagination import paginate
from pua.core.shortcuts import found as _found
from pua.core.shortcuts import save_form

from . import contacts_selectors as selectors
from . import contacts_services as services
from .contacts_forms import NetworkContactFilterForm, NetworkContactForm


def _require_operator(user):
    # The log is for operators: partners and board members have no business here.
    if not user.has_perm("network.add_networkcontact"):
        raise PermissionDenied


@login_required
def network_contact_list(request):
    _require_operator(request.user)
    form = NetworkContactFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    period = {"date_from": filters.get("date_from"), "date_to": filters.get("date_to")}
    contacts = selectors.network_contact_list(
        user=request.user,
        actor_type=filters.get("actor_type", ""),
        organisation=filters.get("organisation"),
        operator=filters.get("operator"),
        follow_ups_due=filters.get("follow_ups_due", False),
        **period,
    )
    context = {
        "form": form,
        "page": paginate(request, contacts),
        "summary": selectors.network_contact_summary(user=request.user, **period),
        "can_add": services.may_log_contacts_at(request.user, request.access_point),
    }
    template = "network/contacts/contact_list.html"
    if request.htmx and request.htmx.target == "contact-results":
        template += "#results"
    return render(request, template, context)


@login_required
def network_contact_create(request):
    _require_operator(request.user)
    if not services.may_log_contacts_at(request.user, request.access_point):
        raise PermissionDenied
    form = NetworkContactForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        contact = save_form(
            request, form,
            lambda data: services.network_contact_create(by=request.user, access_point=request.access_point,
                request=request, **data),
            _("Contact logged."),
        )
        if contact:
            return redirect("network:network_contact_detail", pk=contact.pk)
    return render(request, "network/contacts/contact_form.html", {"form": form})


@login_required
def network_contact_detail(request, pk):
    contact = _found(selectors.network_contact_get(user=request.user, pk=pk))
    return render(request, "network/contacts/contact_detail.html", {
        "contact": contact,
        "can_change": request.user.has_perm("network.change_networkcontact", contact),
    })


@login_required
def network_contact_edit(request, pk):
    contact = _found(selectors.network_contact_get(user=request.user, pk=pk))
    if not request.user.has_perm("network.change_networkcontact", contact):
        raise PermissionDenied
    form = NetworkContactForm(request.POST or None, instance=contact, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            request, form,
            lambda data: services.network_contact_update(contact=contact, by=request.user, request=request, **data),
            _("Contact saved."),
        )
        if saved:
            return redirect("network:network_contact_detail", pk=contact.pk)
    return render(request, "network/contacts/contact_form.html", {"form": form, "contact": contact})
