"""Query-string filters of the API lists.

Filters that name another object take only objects the user may see: any
other id is rejected as an invalid choice, so filters cannot be used to probe
for objects outside the user's reach.
"""

import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pua.network import access
from pua.network.models import AccessPoint, Membership, Organisation, Role


def _visible_access_points(request):
    return access.visible_access_points(request.user) if request else AccessPoint.objects.none()


def _visible_organisations(request):
    return access.visible_organisations(request.user) if request else Organisation.objects.none()


def _visible_users(request):
    return access.visible_users(request.user) if request else get_user_model().objects.none()


class OrganisationFilter(django_filters.FilterSet):
    access_point = django_filters.ModelChoiceFilter(
        queryset=_visible_access_points, field_name="access_points", method="filter_access_point",
        label=_("Access point id: only organisations in its network."),
    )

    class Meta:
        model = Organisation
        fields = ["kind", "is_active", "access_point"]

    def filter_access_point(self, queryset, name, value):
        # A semi-join rather than a join: one row per organisation, no DISTINCT.
        return queryset.in_network_of([value.pk])


class MembershipFilter(django_filters.FilterSet):
    user = django_filters.ModelChoiceFilter(queryset=_visible_users)
    organisation = django_filters.ModelChoiceFilter(queryset=_visible_organisations)
    role = django_filters.ChoiceFilter(choices=Role.choices)
    access_point = django_filters.ModelChoiceFilter(
        queryset=_visible_access_points, field_name="access_points", label=_("Access point id."),
    )

    class Meta:
        model = Membership
        fields = ["user", "organisation", "role", "is_active", "access_point"]
