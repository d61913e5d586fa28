"""The API at /api/v1/: the network (programmes, territories, access points,
organisations) and the staff (users, memberships).

Each viewset reads through an ``access.visible_*`` queryset (directly or via
a selector), authorizes with ``RulesPermission`` and writes only through the
services, which re-check the rules and write the audit trail. Services raise
Django's ValidationError; ``pua.api.errors`` turns it into the usual 400.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, routers, status, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from pua.accounts import services as account_services
from pua.accounts.authentication import ApiTokenAuthentication
from pua.core.audit import audit_list, audit_read
from pua.network import access, selectors
from pua.network import services as network_services
from pua.network.middleware import current_access_point
from pua.network.models import AccessPoint, Membership, Organisation, Programme, Territory

from . import serializers
from .concurrency import ConcurrencyAutoSchema, ConcurrencyMixin
from .errors import validation_error_from_django
from .filters import MembershipFilter, OrganisationFilter
from .permissions import RulesPermission
from .schema import ApiAutoSchema

User = get_user_model()

# Token first: DRF answers an anonymous request with 401 only when the first
# authenticator offers a WWW-Authenticate challenge, and session auth has none.
AUTHENTICATION_CLASSES = [ApiTokenAuthentication, SessionAuthentication]


class ApiViewSet(ConcurrencyMixin, viewsets.GenericViewSet):
    """The base of every viewset of the API.

    Reads of persons' data are audited here, once for every viewset, so that
    none can forget: each viewset declares ``audited`` (True when it returns
    persons or records about them) and ``audit_reason`` (why, in a few
    words; ``pua/api/tests/test_api_audit.py`` fails on a viewset that does
    not). On an audited viewset, a successful GET

    - of the list writes one ``audit_list`` entry for the page shown (ids and
      filters; free-text search terms only as ``True``), a single INSERT
      whatever the page size;
    - on one record (its retrieve and every detail action) writes an
      ``audit_read`` of the record, unless the view already audited it.
    """

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [RulesPermission]
    schema = ConcurrencyAutoSchema()
    model = None  # the model whose rules permissions apply
    audited: bool | None = None  # every viewset says whether its reads are audited...
    audit_reason = ""  # ...and why
    # The audit entry of a list records the values of the page's parameters
    # and of the filters the list declares (``list_filters``, its filter
    # serializer), except free text; of anything else, and of free-text
    # search terms, which may identify someone, only that it was sent.
    list_filters = None
    free_text_params = frozenset({"q", "search"})
    page_params = frozenset({"page", "page_size", "ordering"})
    # Ids are numbers: anything else in their place is a 404 from the router,
    # never a lookup with a value the database cannot compare.
    lookup_value_regex = r"[0-9]{1,18}"

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Session users already have it from the middleware; token users get
        # it here, after authentication, so their audit entries are scoped too.
        if getattr(request._request, "access_point", None) is None and request.user.is_authenticated:
            request._request.access_point = current_access_point(request._request, request.user, remember=False)
        self._audit_page = None
        self._audit_object = None

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if self.action == "list":
            self._audit_page = list(page) if page is not None else list(queryset)
        return page

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        # Every ``get_object`` of the API ends here once the object may be shown.
        self._audit_object = obj

    def audit_object(self, obj):
        """``audit_read`` of ``obj`` for this request, once."""
        if self.mark_audited(obj):
            audit_read(actor=self.request.user, obj=obj, request=self.request)

    def mark_audited(self, obj) -> bool:
        """Note that ``obj`` is audited for this request (a service may have
        written the entry); False if it already was."""
        key = (obj._meta.label_lower, obj.pk)
        done = self.__dict__.setdefault("_audited_objects", set())
        if key in done:
            return False
        done.add(key)
        return True

    def audit_query(self) -> dict:
        """The filters and the page of the list, without free-text terms."""
        known = set(self.page_params)
        if self.list_filters is not None:
            known.update(self.list_filters().fields)
        query = {}
        for name in self.request.query_params:
            values = self.request.query_params.getlist(name)
            if name in self.free_text_params or name not in known:
                query[name] = any(v.strip() for v in values)
            else:
                query[name] = values[0] if len(values) == 1 else values
        return query

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (self.audited and request.method in ("GET", "HEAD") and 200 <= response.status_code < 300
                and getattr(request, "user", None) is not None and request.user.is_authenticated):
            page, obj = getattr(self, "_audit_page", None), getattr(self, "_audit_object", None)
            if page is not None:
                if page:  # an empty page shows nobody
                    audit_list(actor=request.user, model=type(page[0]), ids=[row.pk for row in page],
                               query=self.audit_query(), request=request)
            elif obj is not None:
                self.audit_object(obj)
        return response

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user, no database
            return self.model.objects.none()
        return self.get_visible_queryset(self.request.user)

    def get_visible_queryset(self, user):
        raise ImproperlyConfigured(f"{type(self).__name__} must define get_visible_queryset().")


class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Programmes the user works in (all of them for administrators)."""

    model = Programme
    audited = False
    audit_reason = "the network's programmes: no person data"
    serializer_class = serializers.ProgrammeSerializer
    search_fields = ["code", "name"]
    ordering_fields = ["name", "code", "start_date"]
    ordering = ["name", "id"]

    def get_visible_queryset(self, user):
        return selectors.programme_list(user=user)


class TerritoryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Territories of the user's access points, with their municipalities' ISTAT codes."""

    model = Territory
    audited = False
    audit_reason = "territories and municipalities: no person data"
    serializer_class = serializers.TerritorySerializer
    search_fields = ["name"]
    ordering_fields = ["name", "region"]
    ordering = ["region", "name", "id"]

    def get_visible_queryset(self, user):
        return access.visible_territories(user).prefetch_related("municipalities")


class AccessPointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Access points the user works at; their directors may edit the contact details."""

    model = AccessPoint
    audited = False
    audit_reason = "access points of the network: no person data"
    serializer_class = serializers.AccessPointSerializer
    search_fields = ["name"]
    ordering_fields = ["name"]
    ordering = ["name", "id"]

    def get_visible_queryset(self, user):
        return selectors.access_point_list(user=user)

    def partial_update(self, request, *args, **kwargs):
        access_point = self.get_object()
        serializer = self.get_serializer(access_point, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        network_services.access_point_update(access_point=access_point, by=request.user, request=request,
                                             expected_version=self.if_match(access_point),
                                             **serializer.validated_data)
        return Response(self.get_serializer(access_point).data)


class OrganisationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The network's organisations. DELETE deactivates: organisations are never
    deleted, since the history refers to them."""

    model = Organisation
    audited = False
    audit_reason = "the network directory: no person data"
    serializer_class = serializers.OrganisationSerializer
    filterset_class = OrganisationFilter
    search_fields = ["name", "=tax_code", "=vat_number"]
    ordering_fields = ["name", "kind", "created_at"]
    ordering = ["name", "id"]

    def get_visible_queryset(self, user):
        return access.visible_organisations(user).select_related("municipality").prefetch_related("access_points")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        active = values.pop("is_active", True)
        with transaction.atomic():
            organisation = network_services.organisation_create(by=request.user, request=request, **values)
            if not active:
                network_services.organisation_set_active(organisation=organisation, active=False, by=request.user,
                                                         request=request)
        return Response(self.get_serializer(organisation).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        organisation = self.get_object()
        serializer = self.get_serializer(organisation, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        active = values.pop("is_active", None)
        # Partners may edit their own organisation but not switch it off.
        switching = active is not None and active != organisation.is_active
        if switching and not request.user.has_perm("network.delete_organisation", organisation):
            raise exceptions.PermissionDenied
        expected = self.if_match(organisation)
        with transaction.atomic():
            if values:
                network_services.organisation_update(organisation=organisation, by=request.user, request=request,
                                                     expected_version=expected, **values)
                expected = None  # the row is now claimed by this transaction
            if active is not None:
                network_services.organisation_set_active(organisation=organisation, active=active,
                                                         by=request.user, request=request,
                                                         expected_version=expected)
        return Response(self.get_serializer(organisation).data)

    def destroy(self, request, *args, **kwargs):
        organisation = self.get_object()
        network_services.organisation_set_active(organisation=organisation, active=False, by=request.user,
                                                 request=request, expected_version=self.if_match(organisation))
        return Response(status=status.HTTP_204_NO_CONTENT)


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Staff accounts, for directors (those with a membership at their access
    points) and administrators. Users are never deleted, only deactivated."""

    model = User
    audited = False
    audit_reason = "staff accounts, not persons served"
    required_permission = "accounts.add_user"
    serializer_class = serializers.UserSerializer
    search_fields = ["username", "first_name", "last_name", "email"]
    ordering_fields = ["username", "last_name", "date_joined"]
    ordering = ["username"]

    def get_visible_queryset(self, user):
        # Only the memberships the requester may manage: a director of A must
        # not learn where else a colleague works.
        memberships = (
            access.visible_memberships(user).select_related("organisation").prefetch_related("access_points")
        )
        return access.visible_users(user).prefetch_related(Prefetch("memberships", queryset=memberships))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        grant = values.pop("membership")
        with transaction.atomic():
            new_user = account_services.user_create(by=request.user, request=request, **values)
            try:
                network_services.membership_create(by=request.user, user=new_user, request=request, **grant)
            except DjangoValidationError as error:
                # Report it where the client sent it; leaving the block undoes the user too.
                raise exceptions.ValidationError({"membership": validation_error_from_django(error).detail})
        return Response(self.get_serializer(self.get_queryset().get(pk=new_user.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.UserUpdateSerializer, responses=serializers.UserSerializer)
    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()
        serializer = serializers.UserUpdateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        if person.pk == request.user.pk:
            raise exceptions.PermissionDenied(_("You cannot deactivate or reactivate your own account."))
        account_services.user_set_active(user=person, active=serializer.validated_data["is_active"],
                                         by=request.user, request=request, expected_version=self.if_match(person))
        return Response(self.get_serializer(person).data)


class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """Memberships at the requester's access points, with a role a director may grant."""

    model = Membership
    audited = False
    audit_reason = "staff memberships, not persons served"
    required_permission = "network.add_membership"
    serializer_class = serializers.MembershipSerializer
    filterset_class = MembershipFilter
    ordering_fields = ["created_at", "role"]
    ordering = ["user__username", "organisation__name", "id"]

    def get_visible_queryset(self, user):
        return access.visible_memberships(user).select_related("user", "organisation").prefetch_related(
            "access_points"
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.setdefault("access_points", [])
        membership = network_services.membership_create(by=request.user, request=request, **values)
        return Response(self.get_serializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.MembershipUpdateSerializer, responses=serializers.MembershipSerializer)
    def partial_update(self, request, *args, **kwargs):
        membership = self.get_object()
        serializer = serializers.MembershipUpdateSerializer(membership, data=request.data, partial=True,
                                                            context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        network_services.membership_update(membership=membership, by=request.user, request=request,
                                           expected_version=self.if_match(membership), **serializer.validated_data)
        return Response(self.get_serializer(membership).data)

    @extend_schema(request=None, responses=serializers.MembershipSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, *args, **kwargs):
        """Approve a pending grant of a role that reads persons (the two-person
        rule): a director of its access points or an administrator, never the
        grantee nor who granted it."""
        membership = network_services.membership_approve(membership=self.get_object(), by=request.user,
                                                         request=request)
        return Response(self.get_serializer(membership).data)


class MeView(APIView):
    """The signed-in user: who they are, where and as what they work."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]
    schema = ApiAutoSchema()
    audited = False
    audit_reason = "the signed-in user's own account: no person data"

    @extend_schema(responses=serializers.MeSerializer)
    def get(self, request):
        user = request.user
        memberships = (
            Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
            .select_related("organisation")
            .prefetch_related("access_points")
            .order_by("organisation__name", "role")
        )
        data = {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "preferred_language": user.preferred_language,
            "is_admin": access.grants_for(user).is_admin,
            "memberships": memberships,
            "permissions": {
                "add_organisation": user.has_perm("network.add_organisation"),
                "add_user": user.has_perm("accounts.add_user"),
                "add_membership": user.has_perm("network.add_membership"),
                "view_auditentry": user.has_perm("core.view_auditentry"),
            },
        }
        return Response(serializers.MeSerializer(data).data)


class ApiRootView(routers.APIRootView):
    """The list of resources at /api/v1/."""

    authentication_classes = AUTHENTICATION_CLASSES
    schema = None  # not an operation of the API


class NotFoundView(APIView):
    """Any other path under /api/v1/: a 404 with the API's error body rather
    than the HTML page."""

    authentication_classes = []
    permission_classes = []
    schema = None

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise exceptions.NotFound
