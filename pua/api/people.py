"""API resources of the people served: ``persons/``, with the same duplicate
check as the registration page, and what every resource of the case journey
shares (the permission class and the identity gate).

Who sees what is decided by ``pua.people.access`` and ``pua.cases.access``
exactly as for the pages:

- staff of the access point (director, experts, outreach operators) see its
  persons; names, aliases, birth date and place, tax code, phone and e-mail
  only where they hold ``people.view_person_identity`` (the director and the
  two experts), otherwise those keys are left out and ``shows_identity`` is
  false; target groups, legal status and residence permit only where they
  hold ``people.view_special_categories`` (the same three roles), otherwise
  those keys are left out and ``shows_special_categories`` is false;
- partner operators see, read-only, the persons shared with their
  organisation (active referral or plan action, and consent to share) as
  their shared view does: the id and the case number, nothing else.

The keys each audience gets are listed once, in ``pua.people.fields``, which
the person page follows too.
- everyone else (board, regional coordinators, administrators) sees nobody.

A person of another access point is a 404, as a missing one. Every retrieve
writes an audit READ entry. Persons merged into another record are history:
they are left out of the lists and cannot be changed.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.fields import SkipField
from rest_framework.relations import PKOnlyObject
from rest_framework.response import Response
from rest_framework.reverse import reverse

from pua.cases import access as cases_access
from pua.cases import merge_selectors, merge_services
from pua.network import access as network_access
from pua.network.models import AccessPoint, Language, Municipality, TargetGroup
from pua.people import fields as person_fields
from pua.people import selectors as people_selectors
from pua.people import services as people_services
from pua.people.access import special_category_access_point_ids, visible_persons
from pua.people.duplicates import find_duplicates
from pua.people.models import (
    EmploymentSituation,
    LanguageLevel,
    LegalStatus,
    Person,
    PersonLanguage,
    ResidencePermit,
    validate_country_code,
)

from .serializers import ErrorDetailSerializer
from .views import ApiViewSet

# What the person page shows only with ``people.view_person_identity``.
IDENTITY_FIELDS = person_fields.IDENTITY
# Only with ``people.view_special_categories``.
SPECIAL_CATEGORY_FIELDS = person_fields.SPECIAL_CATEGORIES


# --- shared by the journey resources -------------------------------------------------------

class JourneyPermission(permissions.BasePermission):
    """The rules permissions a journey viewset names:

    - ``list_permission`` without an object, for the list (403): the pages'
      rule for who has a list at all;
    - ``add_permission`` without an object, for POST on the list (403);
    - ``view_permission`` on the object, for every request on it (refused:
      404, the same answer as for a missing object);
    - ``object_permission`` (set per action with ``@action(object_permission=...)``)
      or else ``change_permission`` on the object, for every write (403).
    """

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if view.action == "list" and view.list_permission:
            return user.has_perm(view.list_permission)
        if view.action == "create" and view.add_permission:
            return user.has_perm(view.add_permission)
        return True

    def has_object_permission(self, request, view, obj):
        user = request.user
        if not view.may_view(user, obj):
            raise Http404
        if request.method in permissions.SAFE_METHODS and not view.object_permission:
            return True
        perm = view.object_permission or view.change_permission
        return bool(perm) and user.has_perm(perm, view.permission_object(obj))


class JourneyViewSet(ApiViewSet):
    permission_classes = [JourneyPermission]
    view_permission = ""
    change_permission = ""
    add_permission = ""
    list_permission = ""
    object_permission = ""  # set on an action to require it on the object (403)

    # ``staticmethod(<selector>)``: ``(user, pk) -> object | None``, the pages'
    # own read of one object; then ``get_object`` uses it (404 when None).
    object_selector = None

    def get_object(self):
        if self.object_selector is None:
            return super().get_object()
        pk = self.kwargs["pk"]
        obj = self.object_selector(self.request.user, pk) if str(pk).isdigit() else None
        if obj is None:
            raise Http404
        self.check_object_permissions(self.request, obj)
        return obj

    def permission_object(self, obj):
        """The object the rules are written for (a goal is checked on its plan)."""
        return obj

    def may_view(self, user, obj) -> bool:
        return user.has_perm(self.view_permission, self.permission_object(obj))

    def require(self, perm: str, obj=None, message: str | None = None) -> None:
        """403 unless the user holds ``perm`` (on ``obj``)."""
        if not self.request.user.has_perm(perm, obj):
            raise exceptions.PermissionDenied(message)

    def audit(self, obj):
        self.audit_object(obj)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "request", None) is not None:
            context["identity"] = IdentityGate(self.request.user)
        return context


class IdentityGate:
    """Whether the user may see a person's identity: one rules check per
    access point, not per row, so lists cost no extra queries."""

    def __init__(self, user):
        self.user = user
        self._by_access_point: dict[int, bool] = {}

    def __call__(self, person) -> bool:
        if person is None:
            return False
        ap = person.access_point_id
        if ap not in self._by_access_point:
            self._by_access_point[ap] = self.user.has_perm("people.view_person_identity", person)
        return self._by_access_point[ap]


def identity_gate(serializer) -> IdentityGate:
    gate = serializer.context.get("identity")
    if gate is None:
        request = serializer.context.get("request")
        gate = IdentityGate(getattr(request, "user", None))
        serializer.context["identity"] = gate
    return gate


def field_gate(serializer) -> person_fields.PersonFieldGate:
    """The person keys the requester gets (``pua.people.fields``), decided once per access point."""
    gate = serializer.context.get("person_fields")
    if gate is None:
        gate = person_fields.PersonFieldGate(request_user(serializer))
        serializer.context["person_fields"] = gate
    return gate


def request_user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def pickable_persons(user):
    """The persons a client may name in a new row: visible to the staff user, not merged."""
    return visible_persons(user).filter(merged_into__isnull=True)


class PersonRefSerializer(serializers.Serializer):
    """A person as other resources show it: by case number, with the name
    only where the user may see identities."""

    id = serializers.IntegerField()
    case_number = serializers.CharField()
    first_name = serializers.CharField(required=False, help_text=gettext_lazy("Only with identity permission."))
    last_name = serializers.CharField(required=False, help_text=gettext_lazy("Only with identity permission."))

    def to_representation(self, person):
        data = {"id": person.pk, "case_number": person.case_number}
        if identity_gate(self)(person):
            data.update(first_name=person.first_name, last_name=person.last_name)
        return data


# --- persons ------------------------------------------------------------------------------------

class AliasesField(serializers.ListField):
    child = serializers.CharField(max_length=200)

    def to_representation(self, manager):
        return [a.alias for a in manager.all()]


class CitizenshipsField(serializers.ListField):
    child = serializers.CharField(max_length=2, validators=[validate_country_code])

    def to_representation(self, manager):
        return sorted(c.country for c in manager.all())


class PersonLanguageSerializer(serializers.Serializer):
    language = serializers.SlugRelatedField(slug_field="code", queryset=Language.objects.all(),
                                            help_text=gettext_lazy("ISO 639 code, e.g. ar."))
    level = serializers.ChoiceField(choices=LanguageLevel.choices)


class CurrentPermitSerializer(serializers.ModelSerializer):
    class Meta:
        model = ResidencePermit
        fields = ["kind", "issued_on", "expires_on"]
        read_only_fields = fields


def _municipality_field():
    return serializers.SlugRelatedField(slug_field="istat_code", queryset=Municipality.objects.all(), required=False,
                                        allow_null=True, help_text=gettext_lazy("ISTAT code of the municipality."))


class PersonSerializer(serializers.ModelSerializer):
    shows_identity = serializers.SerializerMethodField(
        help_text=gettext_lazy("False: the identity fields (names, aliases, birth date and place, tax code, phone, "
                               "e-mail, notes) are left out."),
    )
    aliases = AliasesField(required=False, help_text=gettext_lazy("Other names the person is known by."))
    citizenships = CitizenshipsField(required=False, help_text=gettext_lazy("ISO 3166-1 alpha-2 codes."))
    languages = PersonLanguageSerializer(many=True, required=False)
    target_groups = serializers.SlugRelatedField(many=True, slug_field="code", queryset=TargetGroup.objects.all(),
                                                 required=False)
    residence_municipality = _municipality_field()
    domicile_municipality = _municipality_field()
    current_permit = serializers.SerializerMethodField(
        help_text=gettext_lazy("Only with special-category permission."),
    )
    shows_special_categories = serializers.SerializerMethodField(
        help_text=gettext_lazy("False: the special-category fields (target groups, legal status, residence permit) "
                               "are left out."),
    )
    # Partners get only these (``pua.people.fields.SHARED``): the rest is optional in the schema.
    always_present = person_fields.SHARED_RECORD + person_fields.SHARED

    confirm_new = serializers.BooleanField(
        write_only=True, required=False, default=False,
        help_text=gettext_lazy("Register even though possible duplicates were found (after checking them)."),
    )

    class Meta:
        model = Person
        fields = [
            "id", "case_number", "access_point", "shows_identity", "shows_special_categories", "first_name", "last_name",
            "aliases", "sex",
            "gender_identity", "birth_date", "birth_year", "birth_place", "birth_country", "citizenships", "tax_code",
            "phone", "email", "residence_municipality", "domicile_municipality", "no_fixed_abode", "legal_status",
            "education_level", "employment_situation", "target_groups", "languages", "household_notes",
            "current_permit", "merged_into", "created_at", "updated_at", "confirm_new",
        ]
        read_only_fields = ["case_number", "access_point", "merged_into", "created_at", "updated_at"]
        # The service checks the tax code (format, consistency, uniqueness).
        extra_kwargs = {"tax_code": {"validators": []}}

    def get_shows_identity(self, person) -> bool:
        return identity_gate(self)(person)

    def get_shows_special_categories(self, person) -> bool:
        return set(SPECIAL_CATEGORY_FIELDS) <= field_gate(self)(person)

    @extend_schema_field(CurrentPermitSerializer(allow_null=True))
    def get_current_permit(self, person):
        permit = next((p for p in person.permits.all() if p.is_current), None)
        return CurrentPermitSerializer(permit).data if permit else None

    def to_representation(self, person):
        # Only the keys the requester gets are even read: what is left out
        # costs no query and cannot leak through a later change.
        shown = field_gate(self)(person)
        data = {}
        for field in self._readable_fields:
            if field.field_name not in shown:
                continue
            try:
                value = field.get_attribute(person)
            except SkipField:
                continue
            empty = value.pk is None if isinstance(value, PKOnlyObject) else value is None
            data[field.field_name] = None if empty else field.to_representation(value)
        return data

    def service_values(self) -> dict:
        """The validated data as the people services take it."""
        values = dict(self.validated_data)
        values.pop("confirm_new", None)
        if "languages" in values:
            values["languages"] = [(row["language"], row["level"]) for row in values["languages"]]
        for name in ("first_name", "last_name", "gender_identity", "birth_place", "phone", "email", "household_notes",
                     "birth_country"):
            if name in values and values[name] is None:
                values[name] = ""
        return values


def _duplicate_candidate(values: dict) -> dict:
    keys = ("first_name", "last_name", "birth_date", "birth_year", "tax_code", "aliases", "citizenships")
    return {k: values.get(k) for k in keys}


class DuplicateCandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_number = serializers.CharField()
    score = serializers.FloatField(help_text=gettext_lazy("0–100; 100 is the same tax code."))
    reasons = serializers.ListField(
        child=serializers.CharField(),
        help_text=gettext_lazy("same_tax_code, similar_name, similar_alias, same_birth_year, close_birth_year, "
                               "common_citizenship."),
    )
    first_name = serializers.CharField(required=False, help_text=gettext_lazy("Only with identity permission."))
    last_name = serializers.CharField(required=False, help_text=gettext_lazy("Only with identity permission."))


class DuplicateErrorDetailSerializer(ErrorDetailSerializer):
    candidates = DuplicateCandidateSerializer(many=True, required=False,
                                              help_text=gettext_lazy("With code possible_duplicates."))
    id = serializers.IntegerField(required=False, help_text=gettext_lazy(
        "With code duplicate_tax_code: the person registered with this tax code, if you may see them."))
    url = serializers.URLField(required=False, help_text=gettext_lazy(
        "With code duplicate_tax_code: the address of that person, if you may see them."))


class DuplicateErrorSerializer(serializers.Serializer):
    error = DuplicateErrorDetailSerializer()


class PersonFilterSerializer(serializers.Serializer):
    """The filters of the person list page."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=100,
                              help_text=gettext_lazy("Case number; names, aliases and tax code where you may see "
                                                     "them."))
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices, required=False)
    employment_situation = serializers.ChoiceField(choices=EmploymentSituation.choices, required=False)
    target_group = serializers.SlugRelatedField(slug_field="code", queryset=TargetGroup.objects.all(), required=False,
                                                help_text=gettext_lazy("Target group code."))
    access_point = serializers.PrimaryKeyRelatedField(queryset=AccessPoint.objects.none(), required=False,
                                                      help_text=gettext_lazy("Access point id."))

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["access_point"].queryset = network_access.visible_access_points(user)
        return fields


class MergeSerializer(serializers.Serializer):
    into = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(),
        help_text=gettext_lazy("Id of the record to keep, at an access point you direct: this one is merged into "
                               "it and stays as read-only history."),
    )

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["into"].queryset = merge_selectors.directed_persons(user)
        return fields


def _with_profile(queryset):
    return queryset.prefetch_related(Prefetch("languages", queryset=PersonLanguage.objects.select_related("language")))


def person_list_for(user, *, q="", legal_status="", employment_situation="", target_group=None, access_point=None):
    """The page's list for staff; for partners the persons shared with them,
    matched on the case number only (they never see identities). Filters on
    special-category data keep only the access points where the user may
    see those data: otherwise the filter itself would tell them."""
    if legal_status or target_group is not None:
        # Partners hold the permission nowhere: they get no row.
        access_points = special_category_access_point_ids(user)
        if access_point is not None:
            access_points &= {access_point.pk}
        return _person_list(user, q=q, legal_status=legal_status, employment_situation=employment_situation,
                            target_group=target_group, access_point=access_point
                            ).filter(access_point_id__in=access_points)
    return _person_list(user, q=q, employment_situation=employment_situation, access_point=access_point)


def _person_list(user, *, q="", legal_status="", employment_situation="", target_group=None, access_point=None):
    if cases_access.journey_access_point_ids(user):
        persons = people_selectors.person_list(user, q=q, legal_status=legal_status,
                                               employment_situation=employment_situation, target_group=target_group,
                                               access_point=access_point)
        return _with_profile(persons.filter(merged_into__isnull=True))
    persons = cases_access.shared_persons(user)
    if access_point is not None:
        persons = persons.filter(access_point=access_point)
    if legal_status:
        persons = persons.filter(legal_status=legal_status)
    if employment_situation:
        persons = persons.filter(employment_situation=employment_situation)
    if target_group is not None:
        persons = persons.filter(target_groups=target_group)
    if q.strip():
        persons = persons.filter(case_number__icontains=q.strip())
    # Partners get the id and the case number only (``pua.people.fields.SHARED``).
    return persons.order_by("-created_at", "-id")


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, JourneyViewSet):
    """The people served. Staff of the access point register (POST, with the
    duplicate check: 409 lists the possible matches unless ``confirm_new``)
    and update them (PATCH); partners read the persons shared with them."""

    model = Person
    audited = True
    list_filters = PersonFilterSerializer
    audit_reason = "the persons served"
    serializer_class = PersonSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = []  # the page's filters, below
    list_permission = "cases.list_cases"  # staff, and partners for the persons shared with them
    add_permission = "people.add_person"
    change_permission = "people.change_person"

    def may_view(self, user, obj) -> bool:
        return user.has_perm("people.view_person", obj) or cases_access.shares_person_with_partner(user, obj)

    def get_visible_queryset(self, user):
        return visible_persons(user) | cases_access.shared_persons(user)

    def get_object(self):
        if not str(self.kwargs["pk"]).isdigit():
            raise Http404
        queryset = self.get_visible_queryset(self.request.user)
        person = _with_profile(queryset.select_related("access_point", "residence_municipality", "domicile_municipality")
                               .prefetch_related("aliases", "citizenships", "target_groups", "permits")
                               ).filter(pk=self.kwargs["pk"]).first()
        if person is None:
            raise Http404
        self.check_object_permissions(self.request, person)
        return person

    @extend_schema(parameters=[PersonFilterSerializer])
    def list(self, request, *args, **kwargs):
        params = PersonFilterSerializer(data=request.query_params, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        page = self.paginate_queryset(person_list_for(request.user, **params.validated_data))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        self.audit(person)
        return Response(self.get_serializer(person).data)

    @extend_schema(responses={
        201: PersonSerializer,
        409: OpenApiResponse(DuplicateErrorSerializer,
                             description="Possible duplicates: check them, then send again with confirm_new. "
                                         "Or the tax code is registered already (duplicate_tax_code)."),
    })
    def create(self, request, *args, **kwargs):
        user, access_point = request.user, request.access_point
        if access_point is None or not user.has_perm("people.add_person", access_point):
            raise exceptions.PermissionDenied(_("You cannot register people at the access point you are working at."))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = serializer.service_values()
        if not serializer.validated_data.get("confirm_new"):
            candidates = find_duplicates(_duplicate_candidate(values), pickable_persons(user))
            if candidates:
                return self._duplicates(candidates)
        try:
            person = people_services.person_create(by=user, access_point=access_point, request=request, **values)
        except people_services.DuplicateTaxCode as conflict:
            return self._tax_code_taken(conflict.existing)
        self.kwargs["pk"] = person.pk
        return Response(self.get_serializer(self.get_object()).data, status=status.HTTP_201_CREATED)

    def _tax_code_taken(self, existing):
        """409 for a tax code registered already: the record's id and address
        when the caller may open it, nothing about it otherwise."""
        body = {"status": status.HTTP_409_CONFLICT, "code": "duplicate_tax_code",
                "message": _("A person with this tax code is already registered.")}
        if self.get_visible_queryset(self.request.user).filter(pk=existing.pk).exists():
            body.update(id=existing.pk, url=reverse("api:person-detail", args=[existing.pk], request=self.request))
        return Response({"error": body}, status=status.HTTP_409_CONFLICT)

    def _duplicates(self, candidates):
        gate = IdentityGate(self.request.user)
        rows = []
        for person, score, reasons in candidates:
            row = {"id": person.pk, "case_number": person.case_number, "score": score, "reasons": reasons}
            if gate(person):
                row.update(first_name=person.first_name, last_name=person.last_name)
            rows.append(row)
        return Response({"error": {
            "status": status.HTTP_409_CONFLICT, "code": "possible_duplicates",
            "message": _("This person may already be registered. Check the records found; if none is the same "
                         "person, send the data again with confirm_new."),
            "candidates": rows,
        }}, status=status.HTTP_409_CONFLICT)

    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()
        if person.merged_into_id:
            raise exceptions.ValidationError({"non_field_errors": [_("This record was merged into another one and "
                                                                     "can no longer be changed.")]}, code="merged")
        serializer = self.get_serializer(person, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = serializer.service_values()
        if set(values) & set(IDENTITY_FIELDS) and not request.user.has_perm("people.view_person_identity", person):
            raise exceptions.PermissionDenied(_("Only those who may see the identity of the person may change it."))
        if (set(values) & set(SPECIAL_CATEGORY_FIELDS)
                and not request.user.has_perm("people.view_special_categories", person)):
            raise exceptions.PermissionDenied(_("Only those who may see the target groups, legal status and residence "
                                                "permit of the person may change them."))
        people_services.person_update(person, by=request.user, request=request, expected_version=self.if_match(person),
                                      **values)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=MergeSerializer, responses=PersonSerializer)
    @action(detail=True, methods=["post"], object_permission="cases.merge_person")
    def merge(self, request, *args, **kwargs):
        """Merge this record into the one named by ``into`` (directors of both
        records' access points). Answers with the record kept."""
        person = self.get_object()
        serializer = MergeSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        keep = merge_services.person_merge(keep=serializer.validated_data["into"], merge=person, by=request.user,
                                           request=request)
        self.kwargs["pk"] = keep.pk
        return Response(self.get_serializer(self.get_object()).data)


def register(router) -> None:
    """Add this area's viewsets to the v1 router."""
    router.register("persons", PersonViewSet, basename="person")
