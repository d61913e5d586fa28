"""API resources of the profile area: the service catalogue, offerings,
sites, contact persons and organisation profiles.

As elsewhere, lists read through ``access.visible_*`` querysets (what the user
may not see is a 404) and writes go through ``pua.network.profile_services``,
which write the audit trail. The rules differ by resource, so each viewset
names its permissions instead of deriving them from the model's name:

- ``view_permission`` on the object, for every request (refused: 404);
- ``change_permission`` on the object, for every write (refused: 403);
- ``add_permission`` without an object, for POST on the list. Writes that
  attach to an organisation also need ``change_permission`` on it (403).
"""

from __future__ import annotations

import datetime
import re

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from pua.network import access
from pua.network import profile_selectors as selectors
from pua.network import profile_services as services
from pua.network.models import (
    Availability,
    ContactPerson,
    Language,
    Municipality,
    NetworkLink,
    Offering,
    Organisation,
    Service,
    ServiceLevel,
    Site,
    TargetGroup,
    Territory,
)
from pua.network.profile_forms import normalise_phone

from .filters import IdFilter
from .views import ApiViewSet


class ProfilePermission(permissions.BasePermission):
    """Rules permissions named by the viewset (see the module's docstring)."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        listed = getattr(view, "list_permission", None)
        if listed and not user.has_perm(listed):
            return False
        added = getattr(view, "add_permission", None)
        if view.action == "create" and added:
            return user.has_perm(added)
        return True

    def has_object_permission(self, request, view, obj):
        user = request.user
        if not user.has_perm(view.view_permission, obj):
            raise Http404
        if request.method in permissions.SAFE_METHODS:
            return True
        return user.has_perm(view.change_permission, obj)


class ProfileViewSet(ApiViewSet):
    permission_classes = [ProfilePermission]
    view_permission = ""
    change_permission = ""
    add_permission = ""
    list_permission = ""

    def _require_on(self, perm, obj):
        if not self.request.user.has_perm(perm, obj):
            raise exceptions.PermissionDenied


def _request_user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def _phone(value):
    try:
        return normalise_phone(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages, code="invalid_phone")


def _municipality_field(**kwargs):
    return serializers.SlugRelatedField(slug_field="istat_code", queryset=Municipality.objects.all(),
                                        help_text=gettext_lazy("ISTAT code of the municipality."), **kwargs)


# --- the catalogue ---------------------------------------------------------------------------

class ServiceSerializer(serializers.ModelSerializer):
    label = serializers.CharField(read_only=True, help_text=gettext_lazy("The label in the active language."))
    parent_code = serializers.CharField(source="parent.code", read_only=True, allow_null=True)
    is_retired = serializers.BooleanField(read_only=True)

    class Meta:
        model = Service
        fields = ["id", "code", "label", "label_it", "label_en", "level", "parent", "parent_code", "programme",
                  "is_local", "for_persons", "description", "aliases", "retired_at", "is_retired"]
        read_only_fields = fields


class ServiceCreateSerializer(serializers.Serializer):
    parent = serializers.SlugRelatedField(
        slug_field="code", queryset=Service.objects.none(),
        help_text=gettext_lazy("Code of the catalogue area the service belongs to, e.g. F2.4."),
    )
    code = serializers.CharField(max_length=30)
    label_it = serializers.CharField(max_length=300)
    label_en = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    for_persons = serializers.BooleanField(required=False, default=True)

    def get_fields(self):
        fields = super().get_fields()
        programme = self.context.get("programme")
        user = _request_user(self)
        if user is not None and programme is not None:
            fields["parent"].queryset = selectors.area_choices(user=user, programme_id=programme.pk)
        return fields


class ServiceFilter(django_filters.FilterSet):
    code = django_filters.CharFilter(method="filter_code",
                                     label=gettext_lazy("Code, or an earlier code (alias), of the entry."))
    level = django_filters.ChoiceFilter(choices=ServiceLevel.choices)
    area = django_filters.CharFilter(method="filter_area",
                                     label=gettext_lazy("Code prefix: F2.4 gives the area F2.4 and its services."))
    include_retired = django_filters.BooleanFilter(method="filter_include_retired",
                                                   label=gettext_lazy("Include retired entries."))

    class Meta:
        model = Service
        fields = ["code", "level", "area", "include_retired"]

    def filter_code(self, queryset, name, value):
        alias = rf"(^|,)\s*{re.escape(value.strip())}\s*(,|$)"
        return queryset.filter(Q(code__iexact=value.strip()) | Q(aliases__iregex=alias))

    def filter_area(self, queryset, name, value):
        value = value.strip().rstrip(".")
        return queryset.filter(Q(code__iexact=value) | Q(code__istartswith=f"{value}."))

    def filter_include_retired(self, queryset, name, value):
        return queryset  # applied in filter_queryset, which also sees it absent

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("include_retired"):
            queryset = queryset.filter(retired_at__isnull=True)
        return queryset


class ServiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ProfileViewSet):
    """The service catalogue: the shared entries and the local ones of your
    programmes. Entries are never deleted: ``retire`` and ``reactivate`` them.
    Directors add local services to the programme of their current access
    point (``X-Access-Point`` for token clients); shared entries change only
    by an administrator."""

    model = Service
    audited = False
    audit_reason = "the service catalogue: no person data"
    serializer_class = ServiceSerializer
    filterset_class = ServiceFilter
    search_fields = ["code", "label_it", "label_en"]
    ordering_fields = ["sort_key", "code"]
    ordering = ["sort_key", "id"]
    list_permission = "network.view_service"
    view_permission = "network.view_service"
    change_permission = "network.change_service"
    if_match_actions = ("retire", "reactivate")
    add_permission = "network.add_service"

    def get_visible_queryset(self, user):
        return access.visible_services(user).select_related("parent")

    def filter_queryset(self, queryset):
        # The list hides retired entries by default; a retired entry itself
        # stays readable and reactivatable at its URL.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def _programme(self):
        access_point = getattr(self.request._request, "access_point", None)
        programme = access_point.programme if access_point else None
        if programme is None or not self.request.user.has_perm("network.change_service", Service(programme=programme)):
            raise exceptions.PermissionDenied(_("Local services are added by a director of the current access "
                                                "point's programme."))
        return programme

    @extend_schema(request=ServiceCreateSerializer, responses={201: ServiceSerializer})
    def create(self, request, *args, **kwargs):
        programme = self._programme()
        serializer = ServiceCreateSerializer(data=request.data,
                                             context={**self.get_serializer_context(), "programme": programme})
        serializer.is_valid(raise_exception=True)
        service = services.service_create(by=request.user, programme=programme, request=request,
                                          **serializer.validated_data)
        return Response(ServiceSerializer(service).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ServiceSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """Retire the entry: no new offering may use it; what used it keeps it."""
        service = self.get_object()
        service = services.service_retire(service=service, by=request.user, request=request,
                                          expected_version=self.if_match(service))
        return Response(ServiceSerializer(service).data)

    @extend_schema(request=None, responses=ServiceSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        service = self.get_object()
        service = services.service_reactivate(service=service, by=request.user, request=request,
                                              expected_version=self.if_match(service))
        return Response(ServiceSerializer(service).data)


# --- offerings -------------------------------------------------------------------------------

@extend_schema_field(OpenApiTypes.STR)
class ServiceCodeField(serializers.RelatedField):
    """A catalogue service by its code (or an earlier code): the shared
    catalogue and the local entries of the current access point's programme."""

    default_error_messages = {
        "unknown": gettext_lazy("No service of the catalogue has the code {value}."),
        "invalid": gettext_lazy("Give the service's code as a string."),
    }

    def get_queryset(self):
        request = self.context.get("request")
        return access.visible_services(request.user) if request is not None else Service.objects.none()

    def to_representation(self, value):
        return value.code

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        request = self.context.get("request")
        access_point = getattr(getattr(request, "_request", request), "access_point", None)
        service = selectors.service_by_code(data, programme_id=access_point.programme_id if access_point else None)
        if service is None or not self.get_queryset().filter(pk=service.pk).exists():
            self.fail("unknown", value=data)
        return service


class OfferingSerializer(serializers.ModelSerializer):
    service = ServiceCodeField(help_text=gettext_lazy("Code of an active service (level service) of the catalogue."))
    service_id = serializers.IntegerField(read_only=True)
    service_label = serializers.CharField(source="service.label", read_only=True)
    target_groups = serializers.SlugRelatedField(many=True, slug_field="code", queryset=TargetGroup.objects.all(),
                                                 required=False)
    languages = serializers.SlugRelatedField(many=True, slug_field="code", queryset=Language.objects.all(),
                                             required=False, help_text=gettext_lazy("ISO 639-1 codes."))
    municipality = serializers.SlugRelatedField(slug_field="istat_code", read_only=True)
    is_active = serializers.BooleanField(
        required=False, help_text=gettext_lazy("False deactivates the offering (as DELETE does); true reactivates it."),
    )
    confirmed_days_ago = serializers.SerializerMethodField()
    is_stale = serializers.SerializerMethodField(
        help_text=gettext_lazy("Not confirmed for more than %(days)d days.") % {"days": selectors.STALE_AFTER_DAYS},
    )

    class Meta:
        model = Offering
        fields = [
            "id", "organisation", "service", "service_id", "service_label", "site", "description", "target_groups",
            "languages", "opening_hours", "capacity", "availability", "documents_required", "legal_status", "cost",
            "cost_notes", "referral_phone", "referral_email", "referral_url", "referral_notes", "latitude",
            "longitude", "municipality", "is_active", "last_confirmed_at", "last_confirmed_by",
            "confirmed_days_ago", "is_stale", "created_at",
        ]
        read_only_fields = ["latitude", "longitude", "last_confirmed_at", "last_confirmed_by", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        user = _request_user(self)
        if user is not None:
            visible = access.visible_organisations(user)
            fields["organisation"].queryset = visible
            fields["site"].queryset = Site.objects.filter(organisation__in=visible)
        return fields

    @extend_schema_field(OpenApiTypes.INT)
    def get_confirmed_days_ago(self, offering):
        return selectors.confirmation_age(offering)[0]

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_stale(self, offering):
        return selectors.confirmation_age(offering)[1]

    def validate_referral_phone(self, value):
        return _phone(value)

    def validate(self, attrs):
        if self.instance is not None and "organisation" in attrs and attrs["organisation"] != self.instance.organisation:
            raise serializers.ValidationError({"organisation": _("An offering cannot move to another organisation.")})
        if self.instance is not None:
            attrs.pop("organisation", None)
        return attrs


class OfferingFilter(django_filters.FilterSet):
    service = django_filters.CharFilter(method="filter_service",
                                        label=gettext_lazy("Service code, or an area or phase code (F2.4)."))
    organisation = IdFilter(field_name="organisation_id")
    availability = django_filters.ChoiceFilter(choices=Availability.choices)
    is_active = django_filters.BooleanFilter()
    stale = django_filters.BooleanFilter(method="filter_stale",
                                         label=gettext_lazy("True: only offerings to be confirmed; false: the others."))

    class Meta:
        model = Offering
        fields = ["service", "organisation", "availability", "is_active", "stale"]

    def filter_service(self, queryset, name, value):
        value = value.strip().rstrip(".")
        return queryset.filter(Q(service__code__iexact=value) | Q(service__code__istartswith=f"{value}."))

    def filter_stale(self, queryset, name, value):
        limit = timezone.now() - datetime.timedelta(days=selectors.STALE_AFTER_DAYS)
        return queryset.filter(last_confirmed_at__lt=limit) if value else queryset.filter(last_confirmed_at__gte=limit)


class OfferingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ProfileViewSet):
    """Which organisation offers which catalogue service, where and for whom.
    Partners keep their own organisation's offerings, directors those of their
    networks. DELETE deactivates; ``confirm`` records that it is still valid."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    model = Offering
    audited = False
    audit_reason = "organisations' offerings: no person data"
    serializer_class = OfferingSerializer
    filterset_class = OfferingFilter
    search_fields = ["organisation__name", "service__code", "service__label_it", "service__label_en"]
    ordering_fields = ["last_confirmed_at", "created_at"]
    ordering = ["service__sort_key", "organisation__name", "id"]
    view_permission = "network.view_offering"
    change_permission = "network.change_offering"
    if_match_actions = ("confirm",)
    add_permission = "network.add_offering"

    def get_visible_queryset(self, user):
        return selectors.offering_api_list(user=user).select_related("municipality")

    def _reloaded(self, offering):
        return self.get_visible_queryset(self.request.user).get(pk=offering.pk)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        organisation = values.pop("organisation")
        active = values.pop("is_active", True)
        self._require_on(self.change_permission, organisation)
        offering = services.offering_create(organisation=organisation, by=request.user, request=request, **values)
        if not active:
            services.offering_set_active(offering=offering, active=False, by=request.user, request=request)
        return Response(self.get_serializer(self._reloaded(offering)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        offering = self.get_object()
        serializer = self.get_serializer(offering, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        active = values.pop("is_active", None)
        expected = self.if_match(offering)
        with transaction.atomic():
            if values:
                services.offering_update(offering=offering, by=request.user, request=request,
                                         expected_version=expected, **values)
                expected = None  # the row is now claimed by this transaction
            if active is not None:
                services.offering_set_active(offering=offering, active=active, by=request.user, request=request,
                                             expected_version=expected)
        return Response(self.get_serializer(self._reloaded(offering)).data)

    def destroy(self, request, *args, **kwargs):
        offering = self.get_object()
        services.offering_set_active(offering=offering, active=False, by=request.user, request=request,
                                     expected_version=self.if_match(offering))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=OfferingSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Record that the offering is still as described, now, by you."""
        offering = self.get_object()
        offering = services.offering_confirm(offering=offering, by=request.user, request=request,
                                             expected_version=self.if_match(offering))
        return Response(self.get_serializer(self._reloaded(offering)).data)


# --- sites and contact persons ---------------------------------------------------------------

class SiteSerializer(serializers.ModelSerializer):
    municipality = _municipality_field()

    class Meta:
        model = Site
        fields = ["id", "organisation", "name", "address", "municipality", "latitude", "longitude", "phone"]
        extra_kwargs = {"latitude": {"help_text": gettext_lazy("Optional: blank means the municipality's centre.")}}
        # (organisation, name) is unique: the service's full_clean reports it.
        validators = []

    def get_fields(self):
        fields = super().get_fields()
        user = _request_user(self)
        if user is not None:
            fields["organisation"].queryset = access.visible_organisations(user)
        return fields

    def validate_phone(self, value):
        return _phone(value)

    def validate(self, attrs):
        if self.instance is not None and "organisation" in attrs and attrs["organisation"] != self.instance.organisation:
            raise serializers.ValidationError({"organisation": _("A site cannot move to another organisation.")})
        if self.instance is not None:
            attrs.pop("organisation", None)
        return attrs


class OrganisationChildFilter(django_filters.FilterSet):
    # A plain number, not a choice among all organisations: an id outside the
    # user's reach gives an empty list, as a missing one does.
    organisation = IdFilter(field_name="organisation_id", label=gettext_lazy("Organisation id."))


class _OrganisationChildViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                                mixins.UpdateModelMixin, mixins.DestroyModelMixin, ProfileViewSet):
    """Objects that belong to one organisation: created for an organisation
    the user may keep, edited and deleted through the services."""

    filterset_class = OrganisationChildFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        organisation = values.pop("organisation")
        self._require_on(self.change_permission, organisation)
        obj = self.create_object(organisation=organisation, values=values)
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        obj = self.get_object()
        serializer = self.get_serializer(obj, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        obj = self.update_object(obj=obj, values={**serializer.validated_data, "expected_version": self.if_match(obj)})
        return Response(self.get_serializer(obj).data)

    def destroy(self, request, *args, **kwargs):
        obj = self.get_object()
        self.if_match(obj)
        self.delete_object(obj=obj)
        return Response(status=status.HTTP_204_NO_CONTENT)


class SiteViewSet(_OrganisationChildViewSet):
    """Where organisations work. Coordinates are optional: offerings at a site
    without them are placed at its municipality's centre. A site may be
    deleted only while no offering refers to it."""

    model = Site
    audited = False
    audit_reason = "organisations' sites: no person data"
    serializer_class = SiteSerializer
    ordering = ["organisation_id", "name", "id"]
    # Whoever sees the organisation sees its sites (as its offerings).
    view_permission = "network.view_offering"
    change_permission = "network.change_site"

    def get_visible_queryset(self, user):
        return selectors.site_list(user=user).select_related("organisation").prefetch_related(
            "organisation__access_points"
        )

    def create_object(self, *, organisation, values):
        return services.site_create(organisation=organisation, by=self.request.user, request=self.request, **values)

    def update_object(self, *, obj, values):
        return services.site_update(site=obj, by=self.request.user, request=self.request, **values)

    def delete_object(self, *, obj):
        services.site_delete(site=obj, by=self.request.user, request=self.request)


class ContactPersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = ContactPerson
        fields = ["id", "organisation", "name", "role", "phone", "email"]

    def get_fields(self):
        fields = super().get_fields()
        user = _request_user(self)
        if user is not None:
            fields["organisation"].queryset = access.visible_organisations(user)
        return fields

    def validate_phone(self, value):
        return _phone(value)

    def validate(self, attrs):
        if self.instance is not None and "organisation" in attrs and attrs["organisation"] != self.instance.organisation:
            raise serializers.ValidationError({"organisation": _("A contact person cannot move to another "
                                                                 "organisation.")})
        if self.instance is not None:
            attrs.pop("organisation", None)
        return attrs


class ContactPersonViewSet(_OrganisationChildViewSet):
    """People to call at the organisations: for operators of the access point
    and the organisation's own partners only (not board members nor regional
    coordinators). DELETE removes the person."""

    model = ContactPerson
    audited = False
    audit_reason = "organisations' contact persons (staff of the network), not persons served"
    serializer_class = ContactPersonSerializer
    ordering = ["organisation_id", "name", "id"]
    view_permission = "network.view_contactperson"
    change_permission = "network.change_contactperson"

    def get_visible_queryset(self, user):
        return selectors.contact_person_list(user=user).select_related("organisation").prefetch_related(
            "organisation__access_points"
        )

    def create_object(self, *, organisation, values):
        return services.contact_person_create(organisation=organisation, by=self.request.user, request=self.request,
                                              **values)

    def update_object(self, *, obj, values):
        return services.contact_person_update(contact_person=obj, by=self.request.user, request=self.request,
                                              **values)

    def delete_object(self, *, obj):
        services.contact_person_delete(contact_person=obj, by=self.request.user, request=self.request)


# --- organisation profiles -------------------------------------------------------------------

class ProfileSiteSerializer(serializers.ModelSerializer):
    municipality = serializers.SlugRelatedField(slug_field="istat_code", read_only=True)

    class Meta:
        model = Site
        fields = ["id", "name", "address", "municipality", "latitude", "longitude", "phone"]
        read_only_fields = fields


class NetworkLinkSerializer(serializers.ModelSerializer):
    access_point = serializers.PrimaryKeyRelatedField(source="accesspoint", read_only=True)

    class Meta:
        model = NetworkLink
        fields = ["access_point", "relation", "role", "contributes_awareness", "contributes_outreach",
                  "contributes_promotion", "contributes_services", "since"]
        read_only_fields = fields


class OrganisationProfileSerializer(serializers.ModelSerializer):
    """An organisation's profile. The network links are those at access
    points the user works at."""

    territories = serializers.PrimaryKeyRelatedField(many=True, queryset=Territory.objects.none(), required=False,
                                                     help_text=gettext_lazy("Ids of the territories covered."))
    languages = serializers.SlugRelatedField(many=True, slug_field="code", queryset=Language.objects.all(),
                                             required=False,
                                             help_text=gettext_lazy("ISO 639-1 codes of the languages staff speak."))
    sites = ProfileSiteSerializer(many=True, read_only=True)
    network_links = NetworkLinkSerializer(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "name", "legal_form", "sector", "description", "territories", "languages", "sites",
                  "network_links"]
        read_only_fields = ["name"]

    def get_fields(self):
        fields = super().get_fields()
        user = _request_user(self)
        if user is not None:
            current = self.instance.territories.all() if isinstance(self.instance, Organisation) else []
            fields["territories"].child_relation.queryset = (
                access.visible_territories(user) | Territory.objects.filter(pk__in=[t.pk for t in current])
            ).distinct()
        return fields


class OrganisationProfileViewSet(mixins.RetrieveModelMixin, ProfileViewSet):
    """The profile of an organisation: legal form, sector, description,
    territories covered and languages (PATCH), with its sites and its place
    in your networks (read-only)."""

    model = Organisation
    audited = False
    audit_reason = "organisation profiles: no person data"
    serializer_class = OrganisationProfileSerializer
    http_method_names = ["get", "patch", "head", "options"]
    view_permission = "network.view_organisation"
    change_permission = "network.change_organisation"

    def get_visible_queryset(self, user):
        return access.visible_organisations(user)

    def get_object(self):
        organisation = selectors.organisation_profile_get(user=self.request.user, pk=self.kwargs["pk"])
        if organisation is None:
            raise Http404
        self.check_object_permissions(self.request, organisation)
        return organisation

    def partial_update(self, request, *args, **kwargs):
        organisation = self.get_object()
        serializer = self.get_serializer(organisation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.organisation_profile_update(organisation=organisation, by=request.user, request=request,
                                             expected_version=self.if_match(organisation),
                                             **serializer.validated_data)
        organisation = selectors.organisation_profile_get(user=request.user, pk=organisation.pk)
        return Response(self.get_serializer(organisation).data)


def register(router) -> None:
    """Add this area's viewsets to the v1 router."""
    router.register("services", ServiceViewSet, basename="service")
    router.register("offerings", OfferingViewSet, basename="offering")
    router.register("sites", SiteViewSet, basename="site")
    router.register("contact-persons", ContactPersonViewSet, basename="contactperson")
    router.register("organisation-profiles", OrganisationProfileViewSet, basename="organisationprofile")
