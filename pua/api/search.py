"""API resources of the search area: "where can I send this person?".

- ``offering-search/``: the offering search of the search page, paginated,
  each result with ``distance_km``;
- ``geojson/offerings/``: the same search as a GeoJSON FeatureCollection
  (every result, unpaginated), for the services map;
- ``geojson/organisations/``: the organisations the user may see, placed at
  their first site (else their municipality), for the organisations map.

All of them read through ``pua.network.search_selectors``, which starts from
the ``access.visible_*`` querysets: the answer never holds anything the user
could not see in the directory. Objects named in the parameters (territory,
access point) must be visible too, otherwise the parameter is rejected, as
for the other filters of the API.
"""

from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from pua.network import access, search_selectors
from pua.network.models import (
    Language,
    LegalStatusRequirement,
    Municipality,
    Offering,
    Organisation,
    OrganisationKind,
    ServiceLevel,
    TargetGroup,
)

from .schema import SingleDocumentSchema
from .serializers import ErrorSerializer
from .views import ApiViewSet

# Six decimals: about 10 cm, more than any address is worth.
COORDINATE_DECIMALS = 6


def _user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


# --- parameters ---------------------------------------------------------------------------

class OfferingSearchParamsSerializer(serializers.Serializer):
    """The query parameters of the offering search (all optional)."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200,
        help_text=_("Free text: words of the service's labels, the offering's description or the organisation's "
                    "name, in Italian or English; results matching more words come first."),
    )
    service = serializers.CharField(required=False, help_text=_("Service code, e.g. F2.4.c."))
    area = serializers.CharField(required=False, help_text=_("Area code, e.g. F2.4: every service of the area."))
    territory = serializers.IntegerField(
        required=False, help_text=_("Territory id: offerings delivered there or by organisations covering it."),
    )
    municipality = serializers.CharField(
        required=False, help_text=_("ISTAT code of the municipality distances are measured from. Without it and "
                                    "without lat/lon, the current access point's municipality is used."),
    )
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90,
                                 help_text=_("Latitude of the point distances are measured from (with lon)."))
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180,
                                 help_text=_("Longitude of the point distances are measured from (with lat)."))
    language = serializers.CharField(required=False, help_text=_("ISO 639-1 code of a language spoken, e.g. ar."))
    target_group = serializers.CharField(
        required=False, help_text=_("Target group code; offerings open to everyone are included."),
    )
    legal_status = serializers.ChoiceField(
        required=False, choices=LegalStatusRequirement.choices,
        help_text=_("The person's legal status: none < permit_or_application < valid_permit < citizen. Only "
                    "offerings whose requirement the person meets are returned."),
    )
    free_only = serializers.BooleanField(required=False, default=False, help_text=_("Only free offerings."))
    available_only = serializers.BooleanField(
        required=False, default=False, help_text=_("Only offerings available, with limited places or a waiting list."),
    )

    def _services(self):
        return access.visible_services(_user(self)).active()

    def validate_service(self, code):
        if not self._services().filter(code=code).exists():
            raise serializers.ValidationError(_("No service has this code."), code="unknown")
        return code

    def validate_area(self, code):
        if not self._services().filter(code=code, level__in=[ServiceLevel.PHASE, ServiceLevel.AREA]).exists():
            raise serializers.ValidationError(_("No area has this code."), code="unknown")
        return code

    def validate_territory(self, pk):
        territory = access.visible_territories(_user(self)).filter(pk=pk).first()
        if territory is None:
            raise serializers.ValidationError(_("No territory with this id."), code="unknown")
        return territory

    def validate_municipality(self, code):
        municipality = Municipality.objects.filter(istat_code=code.strip()).first()
        if municipality is None:
            raise serializers.ValidationError(_("No municipality has this ISTAT code."), code="unknown")
        return municipality

    def validate_language(self, code):
        language = Language.objects.filter(code=code.strip().lower()).first()
        if language is None:
            raise serializers.ValidationError(_("No language has this code."), code="unknown")
        return language

    def validate_target_group(self, code):
        group = TargetGroup.objects.filter(code=code.strip()).first()
        if group is None:
            raise serializers.ValidationError(_("No target group has this code."), code="unknown")
        return group

    def validate(self, attrs):
        if ("lat" in attrs) != ("lon" in attrs):
            raise serializers.ValidationError(_("Give both lat and lon, or neither."), code="incomplete_point")
        return attrs

    def search_kwargs(self, access_point) -> dict:
        """Keyword arguments for ``search_selectors.offering_search``."""
        data = self.validated_data
        point = (data["lat"], data["lon"]) if "lat" in data else None
        municipality = data.get("municipality")
        if point is None and municipality is None:
            municipality = search_selectors.default_origin(access_point)
        return {
            "q": data.get("q", ""),
            "service": data.get("service"),
            "area": data.get("area"),
            "territory": data.get("territory"),
            "municipality": municipality,
            "point": point,
            "language": data.get("language"),
            "target_group": data.get("target_group"),
            "legal_status": data.get("legal_status") or None,
            "free_only": data.get("free_only", False),
            "available_only": data.get("available_only", False),
        }


class OrganisationMapParamsSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(required=False, choices=OrganisationKind.choices, help_text=_("Organisation kind."))
    access_point = serializers.IntegerField(
        required=False, help_text=_("Access point id: only organisations in its network."),
    )

    def validate_access_point(self, pk):
        access_point = access.visible_access_points(_user(self)).filter(pk=pk).first()
        if access_point is None:
            raise serializers.ValidationError(_("No access point with this id."), code="unknown")
        return access_point


# --- results --------------------------------------------------------------------------------

class _OrganisationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "phone", "email"]
        read_only_fields = fields


class _ServiceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    label = serializers.CharField()


class _SiteRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()


class _MunicipalityRefSerializer(serializers.Serializer):
    istat_code = serializers.CharField()
    name = serializers.CharField()
    province = serializers.CharField()


class OfferingSearchResultSerializer(serializers.ModelSerializer):
    organisation = _OrganisationRefSerializer(read_only=True)
    service = _ServiceRefSerializer(read_only=True)
    site = _SiteRefSerializer(read_only=True, allow_null=True)
    municipality = _MunicipalityRefSerializer(read_only=True, allow_null=True)
    languages = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    target_groups = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code", help_text=_("Empty: open to everyone."),
    )
    distance_km = serializers.FloatField(
        read_only=True, allow_null=True, help_text=_("From the chosen point or municipality; null if unknown."),
    )
    confirmed_days_ago = serializers.IntegerField(read_only=True)
    is_stale = serializers.BooleanField(
        read_only=True,
        help_text=format_lazy(_("Not confirmed for more than {days} days."), days=search_selectors.STALE_AFTER_DAYS),
    )
    url = serializers.SerializerMethodField(help_text=_("The offering's page."))
    organisation_url = serializers.SerializerMethodField(help_text=_("The organisation's page."))

    class Meta:
        model = Offering
        fields = [
            "id", "organisation", "service", "site", "municipality", "latitude", "longitude", "distance_km",
            "description", "languages", "target_groups", "opening_hours", "availability", "capacity",
            "documents_required", "legal_status", "cost", "cost_notes", "referral_phone", "referral_email",
            "referral_url", "referral_notes", "last_confirmed_at", "confirmed_days_ago", "is_stale", "url",
            "organisation_url",
        ]
        read_only_fields = fields

    def _absolute(self, path) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_url(self, offering) -> str:
        return self._absolute(reverse("network:offering_detail", args=[offering.pk]))

    def get_organisation_url(self, offering) -> str:
        return self._absolute(reverse("network:organisation_detail", args=[offering.organisation_id]))


# GeoJSON, described for the schema; the views build the dictionaries directly.

class _PointSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='Always "Point".')
    coordinates = serializers.ListField(child=serializers.FloatField(), min_length=2, max_length=2,
                                        help_text=_("Longitude, latitude (WGS 84)."))


class _OrganisationPropertiesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    address = serializers.CharField()
    municipality = serializers.CharField(allow_null=True)
    municipality_istat_code = serializers.CharField(allow_null=True)
    url = serializers.CharField()


class _OfferingPropertiesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(help_text=_("The organisation's name."))
    organisation_id = serializers.IntegerField()
    service_code = serializers.CharField()
    service_label = serializers.CharField()
    address = serializers.CharField()
    municipality = serializers.CharField(allow_null=True)
    municipality_istat_code = serializers.CharField(allow_null=True)
    availability = serializers.CharField()
    availability_label = serializers.CharField()
    distance_km = serializers.FloatField(allow_null=True)
    url = serializers.CharField(help_text=_("The offering's page."))
    organisation_url = serializers.CharField(help_text=_("The organisation's page."))


class _OrganisationFeatureSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='Always "Feature".')
    id = serializers.IntegerField()
    geometry = _PointSerializer(allow_null=True, help_text=_("Null when the place is not known."))
    properties = _OrganisationPropertiesSerializer()


class _OfferingFeatureSerializer(_OrganisationFeatureSerializer):
    properties = _OfferingPropertiesSerializer()


class OrganisationFeatureCollectionSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='Always "FeatureCollection".')
    features = _OrganisationFeatureSerializer(many=True)


class OfferingFeatureCollectionSerializer(serializers.Serializer):
    type = serializers.CharField(help_text='Always "FeatureCollection".')
    features = _OfferingFeatureSerializer(many=True)


def _geometry(latitude, longitude):
    if latitude is None or longitude is None:
        return None
    return {"type": "Point", "coordinates": [round(longitude, COORDINATE_DECIMALS), round(latitude, COORDINATE_DECIMALS)]}


def _feature(pk, latitude, longitude, properties):
    return {"type": "Feature", "id": pk, "geometry": _geometry(latitude, longitude), "properties": properties}


_BAD_PARAMETERS = OpenApiResponse(ErrorSerializer, description="The parameters sent are not valid.")


# --- views ----------------------------------------------------------------------------------

class OfferingSearchViewSet(ApiViewSet):
    """Where can I send this person? Active offerings the user may see,
    filtered like the search page: suspended offerings last; those matching
    more words of ``q`` first; then those confirmed recently before the
    stale ones, nearest first (then the most recently confirmed); offerings
    with no known place come last."""

    model = Offering
    audited = False
    audit_reason = "offerings found for a need; the person's profile is a query, nothing of a person is returned"
    serializer_class = OfferingSearchResultSerializer
    filter_backends = []  # the parameters below, not the generic list filters

    def get_visible_queryset(self, user):
        return access.visible_offerings(user)

    def _search(self, request):
        params = OfferingSearchParamsSerializer(data=request.query_params, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        return search_selectors.offering_search(user=request.user, **params.search_kwargs(request.access_point))

    @extend_schema(parameters=[OfferingSearchParamsSerializer],
                   responses={200: OfferingSearchResultSerializer(many=True), 400: _BAD_PARAMETERS})
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self._search(request))
        search_selectors.mark_freshness(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class OfferingGeoJSONViewSet(OfferingSearchViewSet):
    """The offering search as a GeoJSON FeatureCollection, every result (no
    pages): what the services map draws. Offerings with no known place have
    a null geometry."""

    pagination_class = None
    schema = SingleDocumentSchema()

    @extend_schema(parameters=[OfferingSearchParamsSerializer],
                   responses={200: OfferingFeatureCollectionSerializer, 400: _BAD_PARAMETERS})
    def list(self, request, *args, **kwargs):
        # The map needs neither languages nor target groups: skip their queries.
        offerings = self._search(request).prefetch_related(None)
        features = [
            _feature(offering.pk, offering.latitude, offering.longitude, {
                "id": offering.pk,
                "name": offering.organisation.name,
                "organisation_id": offering.organisation_id,
                "service_code": offering.service.code,
                "service_label": offering.service.label,
                "address": (offering.site.address if offering.site else "") or offering.organisation.address,
                "municipality": str(offering.municipality) if offering.municipality else None,
                "municipality_istat_code": offering.municipality.istat_code if offering.municipality else None,
                "availability": offering.availability,
                "availability_label": str(offering.get_availability_display()),
                "distance_km": None if offering.distance_km is None else round(offering.distance_km, 3),
                "url": request.build_absolute_uri(reverse("network:offering_detail", args=[offering.pk])),
                "organisation_url": request.build_absolute_uri(
                    reverse("network:organisation_detail", args=[offering.organisation_id])
                ),
            })
            for offering in offerings
        ]
        return Response({"type": "FeatureCollection", "features": features})


class OrganisationGeoJSONViewSet(ApiViewSet):
    """Active organisations the user may see as a GeoJSON FeatureCollection,
    placed at their first site (else their municipality's centre); a null
    geometry when neither is known."""

    model = Organisation
    audited = False
    audit_reason = "organisations on the map: no person data"
    filter_backends = []
    pagination_class = None
    schema = SingleDocumentSchema()

    def get_visible_queryset(self, user):
        return access.visible_organisations(user)

    @extend_schema(parameters=[OrganisationMapParamsSerializer],
                   responses={200: OrganisationFeatureCollectionSerializer, 400: _BAD_PARAMETERS})
    def list(self, request, *args, **kwargs):
        params = OrganisationMapParamsSerializer(data=request.query_params, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        organisations = search_selectors.organisation_map(
            user=request.user, kind=params.validated_data.get("kind", ""),
            access_point=params.validated_data.get("access_point"),
        )
        features = []
        for organisation in organisations:
            latitude, longitude, municipality, address = search_selectors.organisation_location(organisation)
            features.append(_feature(organisation.pk, latitude, longitude, {
                "id": organisation.pk,
                "name": organisation.name,
                "kind": organisation.kind,
                "kind_label": str(organisation.get_kind_display()),
                "address": address,
                "municipality": str(municipality) if municipality else None,
                "municipality_istat_code": municipality.istat_code if municipality else None,
                "url": request.build_absolute_uri(reverse("network:organisation_detail", args=[organisation.pk])),
            }))
        return Response({"type": "FeatureCollection", "features": features})


def register(router) -> None:
    """Add this area's viewsets to the v1 router."""
    router.register("offering-search", OfferingSearchViewSet, basename="offering-search")
    router.register("geojson/offerings", OfferingGeoJSONViewSet, basename="geojson-offering")
    router.register("geojson/organisations", OrganisationGeoJSONViewSet, basename="geojson-organisation")
