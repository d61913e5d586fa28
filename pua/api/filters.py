"""Query-string filters of the API lists.

Filters that name another object take only objects the user may see: any
other id is rejected as an invalid choice, so filters cannot be used to probe
for objects outside the user's reach.
"""

import django_filters
from django import forms
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


MAX_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """An id in the query string: a whole number within the range of ids
    (a number like 1.5e44 is a 400, not a query the database cannot run)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


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
