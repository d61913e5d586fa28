"""HTML views of the network area: thin — parse, authorize, call, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pua.accounts import services as account_services
from pua.core.audit import SESSION_ACCESS_POINT_KEY
from pua.core.pagination import paginate
from pua.core.redirects import safe_next_url
from pua.core.search_terms import with_recalled_terms
from pua.core.shortcuts import found as _found
from pua.core.shortcuts import require_perm as _require
from pua.core.shortcuts import save_form
from pua.core.shortcuts import show_errors as _apply_errors

from . import access, agreements_selectors, contacts_selectors, profile_selectors, selectors, services
from .forms import (
    AccessPointForm,
    MembershipEditForm,
    MembershipForm,
    OrganisationFilterForm,
    OrganisationForm,
    UserCreateForm,
    UserFilterForm,
)


@login_required
def home(request):
    context = selectors.home_summary(user=request.user)
    # Alerts, each a bounded query: agreements about to end, my follow-ups due.
    context["agreements_expiring"] = agreements_selectors.agreements_expiring(user=request.user)
    context["agreement_alert_days"] = agreements_selectors.expiry_alert_days()
    context["follow_ups_due"] = contacts_selectors.follow_ups_due(user=request.user)
    context["today"] = timezone.localdate()
    return render(request, "network/home.html", context)


@require_POST
@login_required
def access_point_switch(request):
    next_url = safe_next_url(request, request.POST.get("next"))
    chosen = request.POST.get("access_point", "")
    if not chosen.isdigit() or len(chosen) > 18:
        messages.error(request, _("Choose an access point from the list."))
        return redirect(next_url)
    access_point = selectors.access_point_get(user=request.user, pk=int(chosen))
    if access_point is None or not access_point.is_active:
        raise Http404
    request.session[SESSION_ACCESS_POINT_KEY] = access_point.pk
    messages.info(request, _("You are now working at %(name)s.") % {"name": access_point.name})
    return redirect(next_url)


@login_required
def organisation_list(request):
    # "See all" from the header's search names its terms by a key (pua.core.search_terms).
    form = OrganisationFilterForm(with_recalled_terms(request), user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    access_point = filters.get("access_point")
    organisations = selectors.organisation_list(
        user=request.user,
        search=filters.get("q", ""),
        kind=filters.get("kind", ""),
        access_point_id=access_point.pk if access_point else None,
        active=filters.get("active") or "1",
    )
    page = paginate(request, organisations)
    context = {"form": form, "page": page, "can_add": request.user.has_perm("network.add_organisation")}
    template = "network/organisation_list.html"
    if request.htmx and request.htmx.target == "organisation-results":
        template += "#results"
    return render(request, template, context)


@login_required
def organisation_detail(request, pk):
    organisation = _found(selectors.organisation_get(user=request.user, pk=pk))
    user = request.user
    return render(request, "network/organisation_detail.html", {
        "organisation": organisation,
        "can_change": user.has_perm("network.change_organisation", organisation),
        "can_deactivate": user.has_perm("network.delete_organisation", organisation),
        "can_change_sites": user.has_perm("network.change_site", organisation),
        "can_change_contacts": user.has_perm("network.change_contactperson", organisation),
        "can_add_offering": user.has_perm("network.add_offering")
        and user.has_perm("network.change_offering", organisation),
        "profile": profile_selectors.organisation_profile(user=user, organisation=organisation),
    })


@login_required
def organisation_create(request):
    _require(request.user, "network.add_organisation")
    form = OrganisationForm(request.POST or None, user=request.user,
                            initial={"access_points": [request.access_point] if request.access_point else []})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            organisation = services.organisation_create(by=request.user, request=request, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Organisation created."))
            return redirect("network:organisation_detail", pk=organisation.pk)
    return render(request, "network/organisation_form.html", {"form": form})


@login_required
def organisation_edit(request, pk):
    organisation = _found(selectors.organisation_get(user=request.user, pk=pk))
    _require(request.user, "network.change_organisation", organisation)
    form = OrganisationForm(request.POST or None, instance=organisation, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.organisation_update(organisation=organisation, by=request.user, request=request, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Organisation saved."))
            return redirect("network:organisation_detail", pk=organisation.pk)
    return render(request, "network/organisation_form.html", {"form": form, "organisation": organisation})


@require_POST
@login_required
def organisation_set_active(request, pk):
    organisation = _found(selectors.organisation_get(user=request.user, pk=pk))
    _require(request.user, "network.delete_organisation", organisation)
    active = request.POST.get("active") == "1"
    services.organisation_set_active(organisation=organisation, active=active, by=request.user, request=request)
    messages.success(request, _("Organisation reactivated.") if active else _("Organisation deactivated."))
    return redirect("network:organisation_detail", pk=organisation.pk)


@login_required
def access_point_list(request):
    return render(request, "network/access_point_list.html", {
        "access_points": selectors.access_point_list(user=request.user),
        "territories": selectors.territory_list(user=request.user),
        "programmes": selectors.programme_list(user=request.user),
    })


@login_required
def access_point_detail(request, pk):
    access_point = _found(selectors.access_point_get(user=request.user, pk=pk))
    return render(request, "network/access_point_detail.html", {
        "access_point": access_point,
        "can_change": request.user.has_perm("network.change_accesspoint", access_point),
        "organisations": selectors.organisation_list(user=request.user, access_point_id=access_point.pk)[:50],
    })


@login_required
def access_point_edit(request, pk):
    access_point = _found(selectors.access_point_get(user=request.user, pk=pk))
    _require(request.user, "network.change_accesspoint", access_point)
    form = AccessPointForm(request.POST or None, instance=access_point)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            request, form,
            lambda data: services.access_point_update(access_point=access_point, by=request.user, request=request,
                **data),
            _("Access point saved."),
        )
        if saved:
            return redirect("network:access_point_detail", pk=access_point.pk)
    return render(request, "network/access_point_form.html", {"form": form, "access_point": access_point})


@login_required
def territory_detail(request, pk):
    territory = _found(selectors.territory_get(user=request.user, pk=pk))
    return render(request, "network/territory_detail.html", {"territory": territory})


@login_required
def user_list(request):
    _require(request.user, "accounts.add_user")
    form = UserFilterForm(request.GET or None)
    search = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page = paginate(request, selectors.user_list(user=request.user, search=search))
    rows = [(u, access.user_openable_from_list(request.user, u)) for u in page.object_list]
    pending = [(m, request.user.has_perm("network.approve_membership", m))
               for m in selectors.pending_membership_list(user=request.user)]
    return render(request, "network/user_list.html", {"form": form, "page": page, "rows": rows,
                                                      "pending": pending})


@login_required
def user_detail(request, pk):
    person = _found(selectors.user_get(user=request.user, pk=pk))
    _require(request.user, "accounts.view_user", person)
    memberships = [
        (m, request.user.has_perm("network.change_membership", m),
         request.user.has_perm("network.approve_membership", m))
        for m in person.memberships.all()
    ]
    return render(request, "network/user_detail.html", {
        "staff_user": person,
        "memberships": memberships,
        "can_change": request.user.has_perm("accounts.change_user", person),
        # Nobody grants themselves a role.
        "can_add_membership": request.user.has_perm("network.add_membership") and person.pk != request.user.pk,
    })


@login_required
def user_create(request):
    _require(request.user, "accounts.add_user")
    user_form = UserCreateForm(request.POST or None, prefix="user")
    membership_form = MembershipForm(request.POST or None, user=request.user, prefix="membership",
                                     initial={"access_points": [request.access_point] if request.access_point else []})
    if request.method == "POST" and user_form.is_valid() and membership_form.is_valid():
        try:
            new_user = _create_user_with_membership(request, user_form.cleaned_data, membership_form.cleaned_data)
        except ValidationError as error:
            _apply_errors(membership_form, error)
        else:
            messages.success(request, _("User created. They can set their password with “Forgot your password?”."))
            return redirect("network:user_detail", pk=new_user.pk)
    return render(request, "network/user_form.html", {"user_form": user_form, "membership_form": membership_form})


def _create_user_with_membership(request, user_data, membership_data):
    with transaction.atomic():
        new_user = account_services.user_create(by=request.user, request=request, **user_data)
        services.membership_create(by=request.user, user=new_user, request=request, **membership_data)
    return new_user


@login_required
def membership_add(request, user_pk):
    person = _found(selectors.user_get(user=request.user, pk=user_pk))
    _require(request.user, "network.add_membership")
    form = MembershipForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            request, form,
            lambda data: services.membership_create(by=request.user, user=person, request=request, **data),
            _("Membership added."),
        )
        if saved:
            return redirect("network:user_detail", pk=person.pk)
    return render(request, "network/membership_form.html", {"form": form, "staff_user": person})


@login_required
def membership_edit(request, pk):
    membership = _found(selectors.membership_get(user=request.user, pk=pk))
    _require(request.user, "network.change_membership", membership)
    form = MembershipEditForm(request.POST or None, instance=membership, user=request.user,
                              initial={"access_points": list(membership.access_points.all())})
    if request.method == "POST" and form.is_valid():
        saved = save_form(
            request, form,
            lambda data: services.membership_update(membership=membership, by=request.user, request=request, **data),
            _("Membership saved."),
        )
        if saved:
            return redirect("network:user_detail", pk=membership.user_id)
    return render(request, "network/membership_form.html", {"form": form, "staff_user": membership.user,
                                                           "membership": membership})


@require_POST
@login_required
def membership_approve(request, pk):
    """The second person's approval of a pending grant (the two-person rule)."""
    membership = _found(selectors.membership_get(user=request.user, pk=pk))
    _require(request.user, "network.view_membership", membership)
    try:
        services.membership_approve(membership=membership, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Membership approved: %(user)s is now %(role)s.") % {
            "user": membership.user.get_full_name() or membership.user.username,
            "role": membership.get_role_display()})
    next_url = request.POST.get("next")
    if next_url == "detail":
        return redirect("network:user_detail", pk=membership.user_id)
    return redirect("network:user_list")


@require_POST
@login_required
def user_set_active(request, pk):
    person = _found(selectors.user_get(user=request.user, pk=pk))
    _require(request.user, "accounts.change_user", person)
    if person.pk == request.user.pk:
        raise PermissionDenied
    active = request.POST.get("active") == "1"
    account_services.user_set_active(user=person, active=active, by=request.user, request=request)
    messages.success(request, _("User reactivated.") if active else _("User deactivated."))
    return redirect("network:user_detail", pk=person.pk)


