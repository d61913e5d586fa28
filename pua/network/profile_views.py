"""HTML views of the organisation profiles: the service catalogue, profile,
sites, contact persons, network links and offerings.

Thin: parse, authorize through ``access`` rules (404 for what the user may
not see, 403 for what they see but may not change), call one service or
selector, render.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pua.core.pagination import paginate
from pua.core.shortcuts import found as _found
from pua.core.shortcuts import require_perm as _require
from pua.core.shortcuts import save_form
from pua.core.shortcuts import show_errors as _apply_errors

from . import profile_selectors as selectors
from . import profile_services as services
from .models import Service
from .profile_forms import (
    CatalogueFilterForm,
    ContactPersonForm,
    NetworkLinkForm,
    OfferingFilterForm,
    OfferingForm,
    OrganisationProfileForm,
    ServiceForm,
    SiteForm,
)
from .selectors import organisation_get


def _organisation(request, pk):
    return _found(organisation_get(user=request.user, pk=pk))


# --- the catalogue ---------------------------------------------------------------------------

@login_required
def service_catalogue(request):
    _require(request.user, "network.view_service")
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    tree = selectors.catalogue_tree(user=request.user, search=filters.get("q", ""),
                                    include_retired=filters.get("retired", False))
    context = {
        "form": form,
        "tree": tree,
        "can_add": request.user.has_perm("network.add_service") and _local_programme(request) is not None,
        # Shared entries: administrators only; local ones: their programme's directors.
        "changeable": _changeable_ids(request.user, tree),
    }
    template = "network/profile/service_catalogue.html"
    if request.htmx and request.htmx.target == "catalogue-results":
        template += "#results"
    return render(request, template, context)


def _changeable_ids(user, tree) -> set[int]:
    if not user.has_perm("network.add_service"):
        return set()
    ids, stack, decided = set(), list(tree), {}
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        key = node.service.programme_id
        if key not in decided:  # one check per programme, not per entry
            decided[key] = user.has_perm("network.change_service", node.service)
        if decided[key]:
            ids.add(node.service.pk)
    return ids


def _local_programme(request):
    """The programme a local entry is added to: that of the access point the
    director works at now — and only if they direct it."""
    access_point = getattr(request, "access_point", None)
    if access_point is None:
        return None
    programme = access_point.programme
    if not request.user.has_perm("network.change_service", Service(programme=programme)):
        return None
    return programme


@login_required
def service_create(request):
    _require(request.user, "network.add_service")
    programme = _local_programme(request)
    if programme is None:
        raise PermissionDenied
    form = ServiceForm(request.POST or None, user=request.user, programme=programme)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.service_create(by=request.user, programme=programme, request=request,
                                              **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Service %(code)s added to the catalogue.") % {"code": service.code})
            return redirect("network:service_catalogue")
    return render(request, "network/profile/service_form.html", {"form": form, "programme": programme})


def _service_for_change(request, pk):
    service = _found(selectors.service_get(user=request.user, pk=pk))
    _require(request.user, "network.change_service", service)
    return service


@require_POST
@login_required
def service_retire(request, pk):
    service = _service_for_change(request, pk)
    services.service_retire(service=service, by=request.user, request=request)
    messages.success(request, _("%(code)s retired.") % {"code": service.code})
    return redirect("network:service_catalogue")


@require_POST
@login_required
def service_reactivate(request, pk):
    service = _service_for_change(request, pk)
    services.service_reactivate(service=service, by=request.user, request=request)
    messages.success(request, _("%(code)s reactivated.") % {"code": service.code})
    return redirect("network:service_catalogue")


# --- the organisation's profile --------------------------------------------------------------

@login_required
def organisation_profile_edit(request, pk):
    organisation = _organisation(request, pk)
    _require(request.user, "network.change_organisation", organisation)
    form = OrganisationProfileForm(request.POST or None, instance=organisation, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            request, form,
            lambda data: services.organisation_profile_update(organisation=organisation, by=request.user,
                request=request, **data),
            _("Profile saved."),
        )
        if saved:
            return redirect("network:organisation_detail", pk=organisation.pk)
    return render(request, "network/profile/profile_form.html", {"form": form, "organisation": organisation})


# --- sites -----------------------------------------------------------------------------------

@require_GET
@login_required
def municipality_search(request):
    """Options for the municipality input's datalist (an htmx fragment)."""
    query = request.GET.get("q") or next((v for k, v in request.GET.items() if k.endswith("municipality")), "")
    return render(request, "network/profile/municipality_options.html",
                  {"municipalities": selectors.municipality_search(query)})


@login_required
def site_create(request, pk):
    organisation = _organisation(request, pk)
    _require(request.user, "network.change_site", organisation)
    form = SiteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            request, form,
            lambda data: services.site_create(organisation=organisation, by=request.user, request=request, **data),
            _("Site added."),
        )
        if saved:
            return redirect("network:organisation_detail", pk=organisation.pk)
    return render(request, "network/profile/site_form.html", {"form": form, "organisation": organisation})


@login_required
def site_edit(request, pk):
    site = _found(selectors.site_get(user=request.user, pk=pk))
    _require(request.user, "network.change_site", site)
    form = SiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            request, form,
            lambda data: services.site_update(site=site, by=request.user, request=request, **data),
            _("Site saved."),
        )
        if saved:
            return redirect("network:organisation_detail", pk=site.organisation_id)
    return render(request, "network/profile/site_form.html",
                  {"form": form, "organisation": site.organisation, "site": site})


@require_POST
@login_required
def site_delete(request, pk):
    site = _found(selectors.site_get(user=request.user, pk=pk))
    _require(request.user, "network.change_site", site)
    try:
        services.site_delete(site=site, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Site deleted."))
    return redirect("network:organisation_detail", pk=site.organisation_id)


# --- contact persons -------------------------------------------------------------------------

@login_required
def contact_person_create(request, pk):
    organisation = _organisation(request, pk)
    if not request.user.has_perm("network.view_contactperson", organisation):
        raise Http404
    _require(request.user, "network.change_contactperson", organisation)
    form = ContactPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.contact_person_create(organisation=organisation, by=request.user, request=request,
                                       **form.cleaned_data)
        messages.success(request, _("Contact person added."))
        return redirect("network:organisation_detail", pk=organisation.pk)
    return render(request, "network/profile/contact_person_form.html", {"form": form, "organisation": organisation})


def _contact_person_for_change(request, pk):
    person = _found(selectors.contact_person_get(user=request.user, pk=pk))
    _require(request.user, "network.change_contactperson", person)
    return person


@login_required
def contact_person_edit(request, pk):
    person = _contact_person_for_change(request, pk)
    form = ContactPersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        saved = save_form(request, form, lambda data: services.contact_person_update(
            contact_person=person, by=request.user, request=request, **data), _("Contact person saved."))
        if saved:
            return redirect("network:organisation_detail", pk=person.organisation_id)
    return render(request, "network/profile/contact_person_form.html",
                  {"form": form, "organisation": person.organisation, "contact_person": person})


@require_POST
@login_required
def contact_person_delete(request, pk):
    person = _contact_person_for_change(request, pk)
    organisation_id = person.organisation_id
    services.contact_person_delete(contact_person=person, by=request.user, request=request)
    messages.success(request, _("Contact person removed."))
    return redirect("network:organisation_detail", pk=organisation_id)


# --- network links ---------------------------------------------------------------------------

@login_required
def network_link_edit(request, pk):
    link = _found(selectors.network_link_get(user=request.user, pk=pk))
    # Each access point's director sets their own network's terms.
    if not request.user.has_perm("network.change_accesspoint", link.accesspoint):
        raise PermissionDenied
    _require(request.user, "network.change_networklink", link.organisation)
    form = NetworkLinkForm(request.POST or None, instance=link)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            request, form,
            lambda data: services.network_link_update(link=link, by=request.user, request=request, **data),
            _("Network relation saved."),
        )
        if saved:
            return redirect("network:organisation_detail", pk=link.organisation_id)
    return render(request, "network/profile/network_link_form.html", {"form": form, "link": link})


# --- offerings -------------------------------------------------------------------------------

@login_required
def offering_list(request):
    form = OfferingFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    organisation = filters.get("organisation")
    offerings = selectors.offering_list(
        user=request.user,
        service=filters.get("service"),
        organisation_id=organisation.pk if organisation else None,
        availability=filters.get("availability", ""),
        active=filters.get("active") or "1",
        search=filters.get("q", ""),
        stale=filters.get("stale", False),
    )
    page = paginate(request, offerings)
    page.object_list = selectors.with_confirmation_age(page.object_list)
    context = {"form": form, "page": page, "organisation": organisation,
               "stale_after_days": selectors.STALE_AFTER_DAYS}
    template = "network/profile/offering_list.html"
    if request.htmx and request.htmx.target == "offering-results":
        template += "#results"
    return render(request, template, context)


@login_required
def offering_detail(request, pk):
    offering = _found(selectors.offering_get(user=request.user, pk=pk))
    offering.confirmed_days_ago, offering.is_stale = selectors.confirmation_age(offering)
    return render(request, "network/profile/offering_detail.html", {
        "offering": offering,
        "can_change": request.user.has_perm("network.change_offering", offering),
        "stale_after_days": selectors.STALE_AFTER_DAYS,
    })


@login_required
def offering_create(request, pk):
    organisation = _organisation(request, pk)
    # Partners for their own organisation, directors for their networks.
    _require(request.user, "network.add_offering")
    _require(request.user, "network.change_offering", organisation)
    form = OfferingForm(request.POST or None, user=request.user, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        offering = save_form(
            request, form,
            lambda data: services.offering_create(organisation=organisation, by=request.user, request=request, **data),
            _("Offering added."),
        )
        if offering:
            return redirect("network:offering_detail", pk=offering.pk)
    return render(request, "network/profile/offering_form.html", {"form": form, "organisation": organisation})


def _offering_for_change(request, pk):
    offering = _found(selectors.offering_get(user=request.user, pk=pk))
    _require(request.user, "network.change_offering", offering)
    return offering


@login_required
def offering_edit(request, pk):
    offering = _offering_for_change(request, pk)
    form = OfferingForm(request.POST or None, instance=offering, user=request.user,
                        organisation=offering.organisation)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            request, form,
            lambda data: services.offering_update(offering=offering, by=request.user, request=request, **data),
            _("Offering saved."),
        )
        if saved:
            return redirect("network:offering_detail", pk=offering.pk)
    return render(request, "network/profile/offering_form.html",
                  {"form": form, "organisation": offering.organisation, "offering": offering})


@require_POST
@login_required
def offering_confirm(request, pk):
    offering = _offering_for_change(request, pk)
    services.offering_confirm(offering=offering, by=request.user, request=request)
    messages.success(request, _("Offering confirmed as still valid."))
    return redirect("network:offering_detail", pk=offering.pk)


@require_POST
@login_required
def offering_set_active(request, pk):
    offering = _offering_for_change(request, pk)
    active = request.POST.get("active") == "1"
    services.offering_set_active(offering=offering, active=active, by=request.user, request=request)
    messages.success(request, _("Offering reactivated.") if active else _("Offering deactivated."))
    return redirect("network:offering_detail", pk=offering.pk)
