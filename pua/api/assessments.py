"""API resources of the assessments: ``instruments/`` (with the parsed
definition of the published version and its ``xlsform``) and
``responses/`` (start, save a page of answers, ``submit``, ``amend``,
``review`` and the screening ``result``).

The same rules, selectors and services as the pages (``pua.assessments``):

- instruments are those the user may use or manages
  (``instrument_selectors.instrument_list``); drafts are for managers;
- responses are those whose outcome the user reads (the instrument's read
  roles at the response's access point, ``access.visible_responses``) plus
  the drafts they may continue (the instrument's fill roles); the answers
  only with ``assessments.view_response_detail`` (for the exploitation
  screening: the case team and the director), or on a draft they may fill;
- writing needs ``assessments.fill_response``; reviewing the computed
  outcome ``assessments.review_outcome``;
- partners, board members, coordinators and administrators see no response.

Reading a response or its result writes an audit READ entry, as the pages do.
"""

from __future__ import annotations

import io

from django.db.models import Prefetch, Q
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response as ApiResponse

from pua.assessments import instrument_selectors, result_selectors, selectors, services
from pua.assessments.access import published_versions, visible_responses
from pua.assessments.instrument_services import XLSX_CONTENT_TYPE
from pua.assessments.models import Instrument, InstrumentVersion, Purpose, Response, ResponseStatus, VersionStatus
from pua.cases import access as cases_access
from pua.cases.models import Case
from pua.network.access import grants_for
from pua.people.access import PERSON_ROLES, person_access_point_ids
from pua.people.models import Person

from .people import JourneyViewSet, pickable_persons, request_user

# --- instruments ------------------------------------------------------------------------------------------


class PublishedVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = InstrumentVersion
        fields = ["id", "number", "form_version", "languages", "scoring_method", "published_at"]
        read_only_fields = fields


class InstrumentSerializer(serializers.ModelSerializer):
    purpose = serializers.ChoiceField(choices=Purpose.choices, read_only=True)
    published_version = serializers.SerializerMethodField()

    class Meta:
        model = Instrument
        fields = ["id", "code", "title", "purpose", "description", "access_point", "fill_roles", "read_roles",
                  "is_active", "published_version"]
        read_only_fields = fields

    @extend_schema_field(PublishedVersionSerializer(allow_null=True))
    def get_published_version(self, instrument):
        version = _published(instrument)
        return PublishedVersionSerializer(version).data if version is not None else None


class InstrumentDetailSerializer(InstrumentSerializer):
    definition = serializers.SerializerMethodField(
        help_text=gettext_lazy("The parsed form of the published version: pages, fields, choices, languages."))

    class Meta(InstrumentSerializer.Meta):
        fields = [*InstrumentSerializer.Meta.fields, "definition"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_definition(self, instrument):
        version = _published(instrument)
        return version.definition if version is not None else None


def _published(instrument) -> InstrumentVersion | None:
    """The published version, from the prefetch the viewset made."""
    versions = getattr(instrument, "published", None)
    if versions is None:
        versions = list(instrument.versions.filter(status=VersionStatus.PUBLISHED))
    return versions[0] if versions else None


class InstrumentFilterSerializer(serializers.Serializer):
    purpose = serializers.ChoiceField(choices=Purpose.choices, required=False)


class InstrumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, JourneyViewSet):
    """The instruments the user may fill in or read (with their published
    version) and, for directors and administrators, those they manage."""

    model = Instrument
    audited = False
    audit_reason = "questionnaires, not answers: no person data"
    serializer_class = InstrumentSerializer
    filter_backends = []
    view_permission = "assessments.view_instrument"

    def get_visible_queryset(self, user):
        published = InstrumentVersion.objects.filter(status=VersionStatus.PUBLISHED).defer("source")
        return instrument_selectors.instrument_list(user).prefetch_related(
            Prefetch("versions", queryset=published, to_attr="published"))

    def get_serializer_class(self):
        return InstrumentDetailSerializer if self.action == "retrieve" else InstrumentSerializer

    @extend_schema(parameters=[InstrumentFilterSerializer])
    def list(self, request, *args, **kwargs):
        params = InstrumentFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        instruments = self.get_queryset()
        if params.validated_data.get("purpose"):
            instruments = instruments.filter(purpose=params.validated_data["purpose"])
        page = self.paginate_queryset(instruments)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(responses={
        (200, XLSX_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="The XLSForm file."),
    })
    @action(detail=True, methods=["get"])
    def xlsform(self, request, *args, **kwargs):
        """The XLSForm of the published version, as uploaded."""
        instrument = self.get_object()
        version = instrument.versions.filter(status=VersionStatus.PUBLISHED).first()
        if version is None:
            raise exceptions.NotFound(_("This instrument has no published version."))
        response = FileResponse(io.BytesIO(bytes(version.source)), as_attachment=True,
                                filename=f"{instrument.code}-v{version.number}.xlsx", content_type=XLSX_CONTENT_TYPE)
        response["X-Content-Type-Options"] = "nosniff"
        return response


# --- responses --------------------------------------------------------------------------------------------

def _fillable_drafts(user) -> Q:
    """Drafts at the access points where the user holds one of the instrument's fill roles."""
    grants = grants_for(user)
    instruments = list(Instrument.objects.values_list("pk", "fill_roles"))
    condition = Q(pk__in=[])
    for access_point_id in person_access_point_ids(user):
        roles = {r for r in PERSON_ROLES if grants.has_role_at({r}, {access_point_id})}
        ids = [pk for pk, fill_roles in instruments if roles & set(fill_roles or ())]
        if ids:
            condition |= Q(access_point_id=access_point_id, instrument_version__instrument_id__in=ids)
    return Q(status=ResponseStatus.DRAFT) & condition


def api_responses(user):
    """The responses of the list: those whose outcome the user reads and the drafts they may continue."""
    return Response.objects.filter(Q(pk__in=visible_responses(user).values("pk")) | _fillable_drafts(user))


class ResponseSerializer(serializers.ModelSerializer):
    instrument = serializers.IntegerField(source="instrument_version.instrument_id", read_only=True)
    instrument_code = serializers.CharField(source="instrument_version.instrument.code", read_only=True)
    instrument_title = serializers.CharField(source="instrument_version.instrument.title", read_only=True)
    version = serializers.IntegerField(source="instrument_version.number", read_only=True)
    case_number = serializers.CharField(source="person.case_number", read_only=True,
                                        help_text=gettext_lazy("The person's case number."))
    status = serializers.ChoiceField(choices=ResponseStatus.choices, read_only=True)
    is_overridden = serializers.BooleanField(read_only=True)

    class Meta:
        model = Response
        fields = ["id", "instrument", "instrument_code", "instrument_title", "instrument_version", "version", "person",
                  "case_number", "case", "access_point", "status", "current_page", "started_at", "started_by",
                  "submitted_at", "submitted_by", "amends", "outcome", "confirmed_outcome", "is_overridden",
                  "reviewed_at"]
        read_only_fields = fields


class ResponseDetailSerializer(ResponseSerializer):
    shows_answers = serializers.SerializerMethodField()
    answers = serializers.SerializerMethodField(
        help_text=gettext_lazy("{field name: value} as strings (several choices space-separated, dates "
                               "YYYY-MM-DD); null when you may read the outcome only."))

    class Meta(ResponseSerializer.Meta):
        fields = [*ResponseSerializer.Meta.fields, "amendment_reason", "shows_answers", "answers"]
        read_only_fields = fields

    def _shows(self, response) -> bool:
        user = request_user(self)
        return bool(user) and (user.has_perm("assessments.view_response_detail", response) or (
            response.status == ResponseStatus.DRAFT and user.has_perm("assessments.fill_response", response)))

    def get_shows_answers(self, response) -> bool:
        return self._shows(response)

    @extend_schema_field(serializers.DictField(child=serializers.CharField(), allow_null=True))
    def get_answers(self, response):
        return dict(response.answers or {}) if self._shows(response) else None


class ResponseCreateSerializer(serializers.Serializer):
    instrument = serializers.PrimaryKeyRelatedField(
        queryset=Instrument.objects.none(), help_text=gettext_lazy("Id of an instrument with a published version."))
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none())
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.none(), required=False, allow_null=True,
                                              default=None, help_text=gettext_lazy("Id of one of the person's cases."))

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["instrument"].queryset = Instrument.objects.filter(
                pk__in=published_versions(user).values("instrument_id"))
            fields["person"].queryset = pickable_persons(user)
            fields["case"].queryset = cases_access.visible_cases(user)
        return fields


class ResponsePageSerializer(serializers.Serializer):
    page = serializers.IntegerField(min_value=0, help_text=gettext_lazy("The page (0-based) the answers belong to."))
    answers = serializers.DictField(
        child=serializers.JSONField(), help_text=gettext_lazy(
            "{field name: value} of that page; an empty value clears the answer. Several choices: a list or "
            "space-separated names."))


class AmendSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=gettext_lazy("Why the submitted response is corrected."))


class ReviewSerializer(serializers.Serializer):
    confirmed_outcome = serializers.CharField(help_text=gettext_lazy("The computed outcome to confirm it, or another "
                                                                     "outcome of the rule set to override it."))
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text=gettext_lazy("Required when overriding."))


class ResponseFilterSerializer(serializers.Serializer):
    person = serializers.IntegerField(required=False)
    case = serializers.IntegerField(required=False)
    instrument = serializers.IntegerField(required=False)
    status = serializers.ChoiceField(choices=ResponseStatus.choices, required=False)
    current = serializers.BooleanField(required=False, allow_null=True, default=None, help_text=gettext_lazy(
        "True: only submitted responses no submitted amendment replaces."))


# The result: what the result page shows.

class OutcomeSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    description = serializers.CharField()
    severity = serializers.CharField()


class NextStepSerializer(serializers.Serializer):
    area = serializers.CharField()
    description = serializers.CharField()
    service_code = serializers.CharField(help_text=gettext_lazy("Catalogue code; empty for a step that is no service."))
    because = serializers.CharField(help_text=gettext_lazy("“outcome” or “art603bis_index_present”."))


class RuleSetRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    version = serializers.CharField()
    title = serializers.CharField()


class ResultSerializer(serializers.Serializer):
    response = serializers.IntegerField()
    outcome = OutcomeSerializer()
    confirmed_outcome = OutcomeSerializer(allow_null=True)
    overridden = serializers.BooleanField()
    rule_set = RuleSetRefSerializer()
    next_steps = NextStepSerializer(many=True)
    shows_detail = serializers.BooleanField()
    dimensions = serializers.ListField(child=serializers.DictField(), allow_null=True, help_text=gettext_lazy(
        "Per dimension: code, label, positive, the indicators found and why (null without the detail right)."))
    outcome_checks = serializers.ListField(child=serializers.DictField(), allow_null=True)
    art603bis = serializers.DictField(allow_null=True, help_text=gettext_lazy(
        "present, and the indices and aggravating circumstances found (null without the detail right)."))


def result_payload(response: Response, *, with_detail: bool) -> dict:
    view = result_selectors.result_view(response, with_detail=with_detail)
    rule_set = response.rule_set
    return {
        "response": response.pk,
        "outcome": view["outcome"],
        "confirmed_outcome": view["confirmed"],
        "overridden": view["overridden"],
        "rule_set": {"code": rule_set.code if rule_set else "", "version": view["rule_set"]["version"],
                     "title": view["rule_set"]["title"]},
        "next_steps": [{"area": s["area"], "description": s["description"], "service_code": s["service_code"],
                        "because": s["because"]} for s in view["next_steps"]],
        "shows_detail": with_detail,
        "dimensions": view.get("dimensions") if with_detail else None,
        "outcome_checks": [{**c, "outcome": (c["outcome"] or {}).get("code", "")} for c in view.get("checks") or ()]
        if with_detail else None,
        "art603bis": view.get("art603bis") if with_detail else None,
    }


class ResponseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, JourneyViewSet):
    """Responses to instruments. POST starts a draft of the instrument's
    published version; PATCH saves the answers of one page of a draft;
    ``submit``, ``amend`` and ``review`` act on it; ``result`` is the
    screening result of a scored response."""

    model = Response
    audited = True
    list_filters = ResponseFilterSerializer
    audit_reason = "answers about a person, incl. screening results"
    serializer_class = ResponseSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = []
    list_permission = "cases.add_contact"  # held by exactly the roles that work with people
    add_permission = "cases.add_contact"
    change_permission = "assessments.fill_response"
    if_match_actions = ("submit", "review")

    def may_view(self, user, obj) -> bool:
        return True  # the queryset already holds only what the user reads or may continue

    def get_visible_queryset(self, user):
        return api_responses(user).select_related("instrument_version__instrument", "person", "rule_set")

    def get_serializer_class(self):
        return ResponseDetailSerializer if self.action != "list" else ResponseSerializer

    def _fresh(self, response):
        # A filler who does not read the instrument loses sight of the response once it is submitted.
        response = self.get_queryset().filter(pk=response.pk).first() or response
        return ResponseDetailSerializer(response, context=self.get_serializer_context()).data

    @extend_schema(parameters=[ResponseFilterSerializer])
    def list(self, request, *args, **kwargs):
        params = ResponseFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        responses = self.get_queryset().order_by("-started_at", "-id")
        for name, lookup in (("person", "person_id"), ("case", "case_id"), ("status", "status"),
                             ("instrument", "instrument_version__instrument_id")):
            if name in filters:
                responses = responses.filter(**{lookup: filters[name]})
        if filters.get("current") is not None:
            responses = selectors.current(responses) if filters["current"] else responses.exclude(
                pk__in=selectors.current(Response.objects.all()).values("pk"))
        page = self.paginate_queryset(responses)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        response = self.get_object()
        self.audit(response)
        return ApiResponse(self.get_serializer(response).data)

    @extend_schema(request=ResponseCreateSerializer, responses={201: ResponseDetailSerializer})
    def create(self, request, *args, **kwargs):
        serializer = ResponseCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        version = published_versions(request.user).filter(instrument=data["instrument"]).first()
        response = services.response_start(version=version, person=data["person"], by=request.user, case=data["case"])
        return ApiResponse(self._fresh(response), status=status.HTTP_201_CREATED)

    @extend_schema(request=ResponsePageSerializer, responses=ResponseDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        """Save the answers of one page of a draft (no required check: drafts may be partial)."""
        response = self.get_object()
        serializer = ResponsePageSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.response_save(response=response, by=request.user, expected_version=self.if_match(response),
                               **serializer.validated_data)
        return ApiResponse(self._fresh(response))

    @extend_schema(request=None, responses=ResponseDetailSerializer)
    @action(detail=True, methods=["post"], object_permission="assessments.fill_response")
    def submit(self, request, *args, **kwargs):
        """Validate every visible answer, compute, score: the response becomes immutable.
        Per-field messages come back as a 400."""
        response = self.get_object()
        response = services.response_submit(response=response, by=request.user,
                                            expected_version=self.if_match(response))
        return ApiResponse(self._fresh(response))

    @extend_schema(request=AmendSerializer, responses={201: ResponseDetailSerializer})
    @action(detail=True, methods=["post"], object_permission="assessments.fill_response")
    def amend(self, request, *args, **kwargs):
        """A new draft correcting this submitted response, which stays as it was."""
        response = self.get_object()
        self.require("assessments.view_response_detail", response)
        serializer = AmendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        draft = services.response_amend(response=response, by=request.user, **serializer.validated_data)
        return ApiResponse(self._fresh(draft), status=status.HTTP_201_CREATED)

    @extend_schema(request=ReviewSerializer, responses=ResponseDetailSerializer)
    @action(detail=True, methods=["post"], object_permission="assessments.review_outcome")
    def review(self, request, *args, **kwargs):
        """Confirm the computed outcome, or override it with a reason."""
        response = self.get_object()
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        response = services.outcome_review(response=response, by=request.user, expected_version=self.if_match(response),
                                           **serializer.validated_data)
        return ApiResponse(self._fresh(response))

    @extend_schema(responses=ResultSerializer)
    @action(detail=True, methods=["get"], object_permission="assessments.view_response")
    def result(self, request, *args, **kwargs):
        """The screening result: outcome, next steps and the rule set version; the
        dimensions, the outcome rules tried and the art. 603-bis indices only
        with the right to read the detail."""
        response = self.get_object()
        if response.status != ResponseStatus.SUBMITTED or not response.outcome or response.rule_set_id is None:
            raise exceptions.NotFound(_("This response has no screening result."))
        self.audit(response)
        with_detail = request.user.has_perm("assessments.view_response_detail", response)
        return ApiResponse(ResultSerializer(result_payload(response, with_detail=with_detail)).data)


def register(router) -> None:
    """Add this area's viewsets to the v1 router."""
    router.register("instruments", InstrumentViewSet, basename="instrument")
    router.register("responses", ResponseViewSet, basename="response")
