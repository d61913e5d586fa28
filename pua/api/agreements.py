"""API resources of the agreements area: agreements with their signed
document, and the network contact log with its counts by actor type.

As elsewhere in the API, lists read through the ``access.visible_*``
querysets (an object out of reach is a 404), ``RulesPermission`` checks each
request, and every write goes through the same services as the HTML views,
which check the rules again and write the audit trail. A new agreement or
contact belongs to the access point the client works at (its session's, or
the one named by the ``X-Access-Point`` header).
"""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.reverse import reverse

from pua.network import access, agreements_selectors, agreements_services, contacts_selectors, contacts_services, documents
from pua.network.models import (
    AccessPoint,
    ActorType,
    Agreement,
    AgreementKind,
    NetworkContact,
    Organisation,
    Service,
    ServiceLevel,
)

from .parsers import FormParser, JSONParser, MultiPartParser
from .views import ApiViewSet


def _request_user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# Filters naming another object take only objects the user may see, so they
# cannot be used to probe for others (see pua/api/filters.py).
def _visible_organisations(request):
    return access.visible_organisations(request.user) if request else Organisation.objects.none()


def _visible_access_points(request):
    return access.visible_access_points(request.user) if request else AccessPoint.objects.none()


def _operators(request):
    if request is None:
        return get_user_model().objects.none()
    return contacts_selectors.operators_with_contacts(user=request.user)


# --- agreements --------------------------------------------------------------------------------

class AgreementSerializer(serializers.ModelSerializer):
    parties = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Organisation.objects.none(), allow_empty=False,
        help_text=_("Ids of the organisations that signed (at least one)."),
    )
    services = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Service.objects.none(), required=False,
        help_text=_("Ids of the catalogue services (level “service”) the agreement concerns."),
    )
    state = serializers.ChoiceField(
        choices=agreements_selectors.STATE_CHOICES, read_only=True,
        help_text=_("The status, or “expired” once valid_until has passed, or “expiring” when in force and ending "
                    "soon. Derived, never stored."),
    )
    document = serializers.FileField(
        write_only=True, required=False,
        help_text=_("The signed document (multipart upload): PDF, ODT, DOCX, JPEG or PNG."),
    )
    document_name = serializers.SerializerMethodField()
    document_url = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = ["id", "access_point", "kind", "subject", "parties", "services", "signed_on", "valid_from",
                  "valid_until", "status", "state", "notes", "document", "document_name", "document_url", "created_at"]
        read_only_fields = ["access_point", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        user = _request_user(self)
        if user is not None:
            fields["parties"].child_relation.queryset = access.visible_organisations(user)
            fields["services"].child_relation.queryset = access.visible_services(user).filter(
                level=ServiceLevel.SERVICE
            )
        return fields

    @extend_schema_field(OpenApiTypes.STR)
    def get_document_name(self, agreement) -> str:
        return agreement.document.name.rsplit("/", 1)[-1] if agreement.document else ""

    @extend_schema_field(OpenApiTypes.URI)
    def get_document_url(self, agreement):
        if not agreement.document:
            return None
        return reverse("api:agreement-document", args=[agreement.pk], request=self.context.get("request"))


class AgreementFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AgreementKind.choices)
    state = django_filters.ChoiceFilter(choices=agreements_selectors.STATE_CHOICES,
                                        label=_("Derived state: draft, active, expiring, expired, terminated."))
    party = django_filters.ModelChoiceFilter(queryset=_visible_organisations, field_name="parties",
                                             label=_("Organisation id: only agreements it is a party to."))
    expiring = django_filters.BooleanFilter(method="filter_expiring",
                                            label=_("True: only agreements in force that end soon."))
    access_point = django_filters.ModelChoiceFilter(queryset=_visible_access_points, label=_("Access point id."))

    class Meta:
        model = Agreement
        fields = ["kind", "status", "state", "party", "expiring", "access_point"]

    def filter_expiring(self, queryset, name, value):
        if value:
            return queryset.filter(state=agreements_selectors.EXPIRING)
        return queryset.exclude(state=agreements_selectors.EXPIRING)


class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Agreements of the user's access points (not for partners). Directors of
    the access point create and edit them; the signed document is sent as a
    multipart upload and read through the audited ``document`` action."""

    model = Agreement
    audited = False
    audit_reason = "agreements between organisations: no person data"
    serializer_class = AgreementSerializer
    filterset_class = AgreementFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    search_fields = ["subject"]
    ordering_fields = ["valid_until", "valid_from", "signed_on", "created_at", "subject"]
    ordering = ["valid_until", "id"]

    def get_visible_queryset(self, user):
        return agreements_selectors.agreement_list(user=user).prefetch_related("services")

    def perform_content_negotiation(self, request, force=False):
        # A file download answers whatever the client accepts.
        return super().perform_content_negotiation(request, force=force or self.action == "document")

    def _fresh(self, agreement):
        return self.get_serializer(self.get_queryset().get(pk=agreement.pk)).data

    def create(self, request, *args, **kwargs):
        if not agreements_services.may_create_agreement_at(request.user, request.access_point):
            raise exceptions.PermissionDenied(_("You do not direct the access point you are working at."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agreement = agreements_services.agreement_create(by=request.user, access_point=request.access_point,
                                                         request=request, **serializer.validated_data)
        return Response(self._fresh(agreement), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        agreement = self.get_object()
        serializer = self.get_serializer(agreement, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        agreements_services.agreement_update(agreement=agreement, by=request.user, request=request,
                                             expected_version=self.if_match(agreement), **serializer.validated_data)
        return Response(self._fresh(agreement))

    @extend_schema(responses={
        (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The signed document."),
    })
    @action(detail=True, methods=["get"])
    def document(self, request, *args, **kwargs):
        """Download the signed document. Every download is recorded in the audit trail."""
        agreement = self.get_object()
        handle, filename = agreements_services.agreement_document_open(agreement=agreement, by=request.user,
                                                                       request=request)
        if handle is None:
            raise exceptions.NotFound(_("This agreement has no signed document."))
        return FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=documents.content_type(filename))


# --- network contact log ----------------------------------------------------------------------

class NetworkContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = NetworkContact
        fields = ["id", "access_point", "date", "organisation", "organisation_name", "actor_type", "channel",
                  "purpose", "outcome", "next_step", "next_step_due", "operator", "created_at"]
        read_only_fields = ["access_point", "operator", "created_at"]
        extra_kwargs = {
            "date": {"required": False, "help_text": _("Defaults to today.")},
            "organisation": {"help_text": _("Id of an organisation of your network; or give organisation_name.")},
            "organisation_name": {"help_text": _("An organisation not yet registered; or give organisation.")},
        }

    def get_fields(self):
        fields = super().get_fields()
        user = _request_user(self)
        if user is not None:
            fields["organisation"].queryset = access.visible_organisations(user)
        return fields


class NetworkContactFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("From this date."))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Up to this date."))
    organisation = django_filters.ModelChoiceFilter(queryset=_visible_organisations)
    operator = django_filters.ModelChoiceFilter(queryset=_operators, label=_("User id of the operator."))
    access_point = django_filters.ModelChoiceFilter(queryset=_visible_access_points, label=_("Access point id."))
    follow_ups_due = django_filters.BooleanFilter(method="filter_follow_ups_due",
                                                  label=_("True: only contacts whose next step is due."))

    class Meta:
        model = NetworkContact
        fields = ["actor_type", "channel", "date_from", "date_to", "organisation", "operator", "access_point",
                  "follow_ups_due"]

    def filter_follow_ups_due(self, queryset, name, value):
        due = {"next_step_due__lte": contacts_selectors.follow_up_horizon()}
        return queryset.filter(**due) if value else queryset.exclude(**due)


class PeriodSerializer(serializers.Serializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise serializers.ValidationError({"date_to": _("The end of the period cannot come before its start.")})
        return data


class ActorTypeCountSerializer(serializers.Serializer):
    actor_type = serializers.ChoiceField(choices=ActorType.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class NetworkContactSummarySerializer(serializers.Serializer):
    date_from = serializers.DateField(allow_null=True)
    date_to = serializers.DateField(allow_null=True)
    total = serializers.IntegerField()
    by_actor_type = ActorTypeCountSerializer(many=True, help_text=_("Every actor type, zero counts included."))


class NetworkContactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The network contact log of the user's access points, for operators and
    directors. The author or a director may edit a contact."""

    model = NetworkContact
    audited = False
    audit_reason = "contacts with organisations of the network: no person data"
    required_permission = "network.add_networkcontact"
    serializer_class = NetworkContactSerializer
    filterset_class = NetworkContactFilter
    search_fields = ["purpose", "organisation_name", "organisation__name"]
    ordering_fields = ["date", "next_step_due", "created_at"]
    ordering = ["-date", "-id"]

    def get_visible_queryset(self, user):
        return access.visible_network_contacts(user).select_related("organisation", "operator", "access_point")

    def create(self, request, *args, **kwargs):
        if not contacts_services.may_log_contacts_at(request.user, request.access_point):
            raise exceptions.PermissionDenied(_("You do not keep the contact log of the access point you are "
                                                "working at."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        contact = contacts_services.network_contact_create(by=request.user, access_point=request.access_point,
                                                           request=request, **serializer.validated_data)
        return Response(self.get_serializer(contact).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        contact = self.get_object()
        serializer = self.get_serializer(contact, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        contacts_services.network_contact_update(contact=contact, by=request.user, request=request,
                                                 expected_version=self.if_match(contact), **serializer.validated_data)
        return Response(self.get_serializer(contact).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("date_from", OpenApiTypes.DATE, description=_("From this date.")),
            OpenApiParameter("date_to", OpenApiTypes.DATE, description=_("Up to this date.")),
        ],
        responses=NetworkContactSummarySerializer,
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def summary(self, request, *args, **kwargs):
        """Contacts by actor type in a period (NAUTILUS: contacts with local businesses and other actors)."""
        period = PeriodSerializer(data=request.query_params)
        period.is_valid(raise_exception=True)
        data = contacts_selectors.network_contact_summary(user=request.user, **period.validated_data)
        return Response(NetworkContactSummarySerializer(data).data)


def register(router) -> None:
    """Add this area's viewsets to the v1 router."""
    router.register("agreements", AgreementViewSet, basename="agreement")
    router.register("network-contacts", NetworkContactViewSet, basename="network-contact")
