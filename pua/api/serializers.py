"""Shapes of the API's resources.

Serializers describe and validate; they never save. Views hand the validated
data to the services, which check the rules again and write the audit trail.
Related objects a client may pick (access points, organisations, users) are
limited to what the requesting user may see or manage, so an id outside the
user's reach reads as "does not exist", never as "exists but forbidden". The
limits are set in ``get_fields`` rather than ``__init__``: a nested serializer
only knows the request once bound to its parent.
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from pua.network import access
from pua.network.models import AccessPoint, Membership, Municipality, Organisation, Programme, Role, Territory

User = get_user_model()


def _request_user(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def _access_points_field(**kwargs):
    return serializers.PrimaryKeyRelatedField(many=True, queryset=AccessPoint.objects.none(), **kwargs)


def _municipality_field():
    return serializers.SlugRelatedField(
        slug_field="istat_code", queryset=Municipality.objects.all(), allow_null=True, required=False,
        help_text=_("ISTAT code of the municipality."),
    )


def _editable_access_points(user, instance):
    """The access points a user may link: those they manage, plus the links the
    object already has (which they may keep but not necessarily remove)."""
    queryset = access.managed_access_points(user)
    if instance is not None and getattr(instance, "pk", None):
        queryset = (queryset | AccessPoint.objects.filter(pk__in=instance.access_points.all())).distinct()
    return queryset


def _check_grantable(user, role):
    if user is not None and role not in access.grantable_roles(user):
        raise serializers.ValidationError(_("You cannot grant this role."), code="role_not_grantable")
    return role


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        required=False, child=serializers.JSONField(),
        help_text=_("Validation errors only: the messages for each field, or non_field_errors."),
    )


class ErrorSerializer(serializers.Serializer):
    """The body of every error response (see pua/api/errors.py)."""

    error = ErrorDetailSerializer()


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = ["id", "code", "name", "description", "funder", "start_date", "end_date", "lead_organisation",
                  "is_active"]
        read_only_fields = fields


class TerritorySerializer(serializers.ModelSerializer):
    municipalities = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="istat_code", help_text=_("ISTAT codes of the municipalities."),
    )

    class Meta:
        model = Territory
        fields = ["id", "name", "kind", "region", "province", "lead_organisation", "municipalities"]
        read_only_fields = fields


class AccessPointSerializer(serializers.ModelSerializer):
    municipality = _municipality_field()
    organisation_count = serializers.IntegerField(read_only=True, help_text=_("Organisations in its network."))

    class Meta:
        model = AccessPoint
        fields = ["id", "name", "kind", "territory", "programme", "address", "municipality", "email", "phone",
                  "is_active", "organisation_count"]
        read_only_fields = ["kind", "territory", "programme", "is_active"]


class OrganisationSerializer(serializers.ModelSerializer):
    municipality = _municipality_field()
    access_points = _access_points_field(
        allow_empty=False, help_text=_("Ids of the access points whose network it belongs to."),
    )
    is_active = serializers.BooleanField(
        required=False, help_text=_("False deactivates the organisation (as DELETE does); true reactivates it."),
    )

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "tax_code", "vat_number", "municipality", "address", "email", "phone",
                  "website", "access_points", "is_active", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        user = _request_user(self)
        if user is not None:
            instance = self.instance if isinstance(self.instance, Organisation) else None
            fields["access_points"].child_relation.queryset = _editable_access_points(user, instance)
        return fields


class OrganisationSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]
        read_only_fields = fields


class MembershipGrantSerializer(serializers.ModelSerializer):
    """A role in an organisation at some access points, as given to a user."""

    access_points = _access_points_field(required=False, help_text=_("Ids of the access points."))

    class Meta:
        model = Membership
        fields = ["organisation", "role", "access_points"]

    def get_fields(self):
        fields = super().get_fields()
        user = _request_user(self)
        if user is not None:
            fields["organisation"].queryset = access.visible_organisations(user).filter(is_active=True)
            fields["access_points"].child_relation.queryset = access.managed_access_points(user)
        return fields

    def validate_role(self, value):
        return _check_grantable(_request_user(self), value)


class MembershipSerializer(MembershipGrantSerializer):
    is_pending = serializers.BooleanField(
        read_only=True, help_text=_("Waiting for a second person's approval: until then the role gives no power."),
    )

    class Meta:
        model = Membership
        fields = ["id", "user", "organisation", "role", "access_points", "is_active", "created_at",
                  "is_pending", "granted_by", "approved_by", "approved_at"]
        read_only_fields = ["is_active", "created_at", "granted_by", "approved_by", "approved_at"]

    def get_fields(self):
        fields = super().get_fields()
        user = _request_user(self)
        if user is not None:
            fields["user"].queryset = access.visible_users(user)
        return fields


class MembershipUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    access_points = _access_points_field(required=False, help_text=_("Ids of the access points."))
    is_active = serializers.BooleanField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        user = _request_user(self)
        if user is not None:
            instance = self.instance if isinstance(self.instance, Membership) else None
            fields["access_points"].child_relation.queryset = _editable_access_points(user, instance)
        return fields

    def validate_role(self, value):
        return _check_grantable(_request_user(self), value)


class UserMembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationSummarySerializer(read_only=True)
    access_points = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "organisation", "role", "access_points", "is_active"]
        read_only_fields = fields


class UserSerializer(serializers.ModelSerializer):
    memberships = UserMembershipSerializer(
        many=True, read_only=True, help_text=_("The memberships the requesting user may manage."),
    )
    membership = MembershipGrantSerializer(
        write_only=True, help_text=_("The new user's first membership, created with the account."),
    )

    class Meta:
        model = User
        fields = ["id", "username", "first_name", "last_name", "email", "preferred_language", "is_active",
                  "last_login", "date_joined", "memberships", "membership"]
        read_only_fields = ["is_active", "last_login", "date_joined"]
        extra_kwargs = {"email": {"required": True, "allow_blank": False}}


class UserUpdateSerializer(serializers.Serializer):
    is_active = serializers.BooleanField(help_text=_("False deactivates the account; true reactivates it."))


class MeMembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationSummarySerializer(read_only=True)
    access_points = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Membership
        fields = ["role", "organisation", "access_points"]
        read_only_fields = fields


class PermissionSummarySerializer(serializers.Serializer):
    add_organisation = serializers.BooleanField()
    add_user = serializers.BooleanField()
    add_membership = serializers.BooleanField()
    view_auditentry = serializers.BooleanField()


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()
    preferred_language = serializers.CharField()
    is_admin = serializers.BooleanField()
    memberships = MeMembershipSerializer(many=True, help_text=_("Active memberships: where and as what you work."))
    permissions = PermissionSummarySerializer(help_text=_("What you may create anywhere."))
