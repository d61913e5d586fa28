"""API resources of the first steps of the journey: ``contacts/``,
``consents/`` and ``referrals/``.

The same rules, selectors and services as the pages
(``pua.cases.contacts_*``, ``consents_*``, ``referrals_*``):

- contacts: staff of the access point record, read (audited, and the
  linked person too) and correct them, and link them to a person;
- consents: staff give and withdraw them (never deleted: a withdrawal is a
  date, and sharing stops from then);
- referrals: the staff's register and the partners' inbox. Inbound
  referrals are recorded for a person, outbound ones sent from an open case;
  the receiving side accepts or declines, the partner reports back on an
  outbound one, the access point withdraws one still waiting. Partners see
  the referrals made to their organisation, with the person's names only
  while the person's sharing consent with them is active, as on the page.

A new row belongs to the access point of its person or, for an anonymous
contact, to the one the client works at (session or ``X-Access-Point``).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from pua.cases import access as cases_access
from pua.cases import (
    consents_selectors,
    consents_services,
    contacts_selectors,
    contacts_services,
    referrals_selectors,
    referrals_services,
)
from pua.cases.models import (
    Consent,
    ConsentPurpose,
    Contact,
    ContactChannel,
    Referral,
    ReferralDirection,
    ReferralStatus,
)
from pua.network import access as network_access
from pua.network.models import Agreement, Language, Membership, Municipality, Offering, Organisation, Service
from pua.people.models import validate_country_code

from .people import IdentityGate, JourneyViewSet, PersonRefSerializer, pickable_persons, request_user

User = get_user_model()


def journey_staff(user):
    """Active users who work with people at the access points where ``user``
    does: who may be named as a contact's operator (the service checks the
    contact's own access point)."""
    memberships = Membership.objects.filter(
        is_active=True, organisation__is_active=True, role__in=cases_access.PERSON_ROLES,
        access_points__in=cases_access.journey_access_point_ids(user),
    )
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))


def _date_range_error(attrs, start="date_from", end="date_to"):
    if attrs.get(start) and attrs.get(end) and attrs[end] < attrs[start]:
        raise serializers.ValidationError({end: _("The end of the period comes before its start.")})


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# --- contacts ---------------------------------------------------------------------------------

class ContactSerializer(serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(
        queryset=Contact.objects.none(), required=False, allow_null=True,
        help_text=gettext_lazy("Id of the person, when known (on create; later, use the link action). The "
                               "contact then belongs to the person's access point."),
    )
    person_ref = PersonRefSerializer(source="person", read_only=True, allow_null=True)
    occurred_at = serializers.DateTimeField(required=False, help_text=gettext_lazy("Now, when left out."))
    municipality = serializers.SlugRelatedField(
        slug_field="istat_code", queryset=Municipality.objects.all(), required=False, allow_null=True,
        help_text=gettext_lazy("ISTAT code of the municipality."),
    )
    operator = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), required=False,
        help_text=gettext_lazy("User id of the operator; you, when left out."),
    )
    language = serializers.SlugRelatedField(slug_field="code", queryset=Language.objects.all(), required=False,
                                            allow_null=True, help_text=gettext_lazy("ISO 639 code."))
    materials_languages = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Language.objects.all(), required=False,
        help_text=gettext_lazy("ISO 639 codes of the materials given."),
    )
    nationality = serializers.CharField(max_length=2, required=False, allow_blank=True,
                                        validators=[validate_country_code],
                                        help_text=gettext_lazy("ISO 3166-1 alpha-2 code."))

    class Meta:
        model = Contact
        fields = ["id", "access_point", "person", "person_ref", "occurred_at", "channel", "municipality",
                  "place_description", "operator", "language", "interpreter_present", "needs_expressed",
                  "information_given", "materials_languages", "follow_up_agreed", "alias", "approximate_age",
                  "gender", "nationality", "created_at", "created_by"]
        read_only_fields = ["access_point", "created_at", "created_by"]

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["person"].queryset = pickable_persons(user)
            operators = journey_staff(user)
            if isinstance(self.instance, Contact):
                operators = operators | User.objects.filter(pk=self.instance.operator_id)
            fields["operator"].queryset = operators
        return fields

    def validate(self, attrs):
        if self.instance is not None and "person" in attrs:
            raise serializers.ValidationError({"person": _("Link the contact to a person with the link action.")})
        return attrs


class ContactFilterSerializer(serializers.Serializer):
    """The filters of the contact list page."""

    channel = serializers.ChoiceField(choices=ContactChannel.choices, required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    anonymous = serializers.BooleanField(required=False, default=False,
                                         help_text=gettext_lazy("True: only contacts not linked to a person."))
    operator = serializers.PrimaryKeyRelatedField(queryset=User.objects.none(), required=False,
                                                  help_text=gettext_lazy("User id of the operator."))
    person = serializers.IntegerField(required=False, help_text=gettext_lazy("Person id: only their contacts."))

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["operator"].queryset = contacts_selectors.operators_with_contacts(user)
        return fields

    def validate(self, attrs):
        _date_range_error(attrs)
        return attrs


class ContactLinkSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Contact.objects.none(),
                                                help_text=gettext_lazy("Id of a person of the contact's access point."))

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["person"].queryset = pickable_persons(user)
        return fields


class ContactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, JourneyViewSet):
    """First contacts through any door, anonymous until linked to a person."""

    model = Contact
    audited = True
    list_filters = ContactFilterSerializer
    audit_reason = "contacts with persons"
    serializer_class = ContactSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = []  # the page's filters, below
    list_permission = "cases.add_contact"  # held by exactly the roles that work with contacts
    add_permission = "cases.add_contact"
    view_permission = "cases.view_contact"
    change_permission = "cases.change_contact"
    if_match_actions = ("link",)

    def get_visible_queryset(self, user):
        return cases_access.visible_contacts(user)

    object_selector = staticmethod(contacts_selectors.contact_get)

    def _fresh(self, contact):
        return self.get_serializer(contacts_selectors.contact_get(self.request.user, contact.pk)).data

    @extend_schema(parameters=[ContactFilterSerializer])
    def list(self, request, *args, **kwargs):
        params = ContactFilterSerializer(data=request.query_params, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        contacts = contacts_selectors.contact_list(
            request.user, channel=filters.get("channel", ""), date_from=filters.get("date_from"),
            date_to=filters.get("date_to"), anonymous_only=filters.get("anonymous", False),
            operator=filters.get("operator"),
        ).select_related("created_by").prefetch_related("materials_languages")
        if "person" in filters:
            contacts = contacts.filter(person_id=filters["person"])
        page = self.paginate_queryset(contacts)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        contact = self.get_object()
        self.audit(contact)
        if contact.person_id:
            self.audit(contact.person)
        return Response(self.get_serializer(contact).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        person = values.pop("person", None)
        access_point = person.access_point if person is not None else request.access_point
        if access_point is None or not request.user.has_perm("cases.add_contact", access_point):
            raise exceptions.PermissionDenied(_("You do not record contacts at this access point."))
        contact = contacts_services.contact_create(by=request.user, access_point=access_point, person=person,
                                                   request=request, **values)
        return Response(self._fresh(contact), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        contact = self.get_object()
        serializer = self.get_serializer(contact, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        contacts_services.contact_update(contact=contact, by=request.user, request=request,
                                         expected_version=self.if_match(contact), **serializer.validated_data)
        return Response(self._fresh(contact))

    @extend_schema(request=ContactLinkSerializer, responses=ContactSerializer)
    @action(detail=True, methods=["post"])
    def link(self, request, *args, **kwargs):
        """Link the contact to a person of its access point (or move it, when linked by mistake)."""
        contact = self.get_object()
        serializer = ContactLinkSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        contacts_services.contact_link(contact=contact, person=serializer.validated_data["person"], by=request.user,
                                       request=request, expected_version=self.if_match(contact))
        return Response(self._fresh(contact))


# --- consents ---------------------------------------------------------------------------------

class ConsentSerializer(serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Consent.objects.none(), help_text=gettext_lazy("Person id."))
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), required=False, allow_null=True,
        help_text=gettext_lazy("For sharing only: the organisation the data may be shared with."),
    )
    given_at = serializers.DateTimeField(required=False, help_text=gettext_lazy("Now, when left out."))
    is_active = serializers.BooleanField(read_only=True, help_text=gettext_lazy("Not withdrawn."))

    class Meta:
        model = Consent
        fields = ["id", "person", "purpose", "organisation", "notice", "given_at", "recorded_by", "withdrawn_at",
                  "withdrawn_by", "notes", "is_active"]
        read_only_fields = ["recorded_by", "withdrawn_at", "withdrawn_by"]

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["person"].queryset = pickable_persons(user)
            fields["organisation"].queryset = network_access.visible_organisations(user)
            fields["notice"].queryset = cases_access.visible_privacy_notices(user)
        return fields


class ConsentFilterSerializer(serializers.Serializer):
    person = serializers.IntegerField(required=False, help_text=gettext_lazy("Person id."))
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices, required=False)
    organisation = serializers.IntegerField(required=False, help_text=gettext_lazy("Organisation id."))
    active = serializers.BooleanField(required=False, allow_null=True, default=None,
                                      help_text=gettext_lazy("True: only active consents; false: only withdrawn."))


class WithdrawSerializer(serializers.Serializer):
    withdrawn_at = serializers.DateTimeField(required=False, help_text=gettext_lazy("Now, when left out."))


class ConsentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, JourneyViewSet):
    """The consents of the persons of the user's access points (staff only):
    active ones and, as history, the withdrawn ones."""

    model = Consent
    audited = True
    list_filters = ConsentFilterSerializer
    audit_reason = "persons' consents"
    serializer_class = ConsentSerializer
    filter_backends = []
    list_permission = "cases.add_contact"  # held by exactly the roles that work with people
    add_permission = "cases.add_contact"
    view_permission = "cases.view_consent"
    change_permission = "cases.change_consent"
    if_match_actions = ("withdraw",)

    def get_visible_queryset(self, user):
        return cases_access.visible_consents(user).select_related("person", "organisation")

    @extend_schema(parameters=[ConsentFilterSerializer])
    def list(self, request, *args, **kwargs):
        params = ConsentFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        consents = self.get_queryset().order_by("-given_at", "-id")
        for name in ("person", "purpose", "organisation"):
            if name in filters:
                consents = consents.filter(**{name: filters[name]})
        if filters.get("active") is not None:
            consents = consents.filter(withdrawn_at__isnull=filters["active"])
        page = self.paginate_queryset(consents)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.require("cases.change_consent", serializer.validated_data["person"])
        consent = consents_services.consent_give(by=request.user, request=request, **serializer.validated_data)
        return Response(self.get_serializer(consent).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawSerializer, responses=ConsentSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        """Withdraw the consent (now, or from ``withdrawn_at``): sharing stops from then."""
        consent = self.get_object()
        serializer = WithdrawSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = consents_services.consent_withdraw(consent=consent, by=request.user, request=request,
                                                     at=serializer.validated_data.get("withdrawn_at"),
                                                     expected_version=self.if_match(consent))
        return Response(self.get_serializer(consents_selectors.consent_get(request.user, consent.pk)).data)


# --- referrals --------------------------------------------------------------------------------

@extend_schema_field(PersonRefSerializer)
class ReferralPersonField(serializers.Field):
    """The person of a referral: names for staff with the identity permission,
    and for partners while the person's sharing consent with them is active."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, referral):
        person = referral.person
        data = {"id": person.pk, "case_number": person.case_number}
        shown = self.parent.context.get("shows_names", set())
        if referral.pk in shown:
            data.update(first_name=person.first_name, last_name=person.last_name)
        return data


class ReferralSerializer(serializers.ModelSerializer):
    person_ref = ReferralPersonField(help_text=gettext_lazy("Names only where the page shows them."))
    service_code = serializers.CharField(source="service.code", read_only=True, allow_null=True)

    class Meta:
        model = Referral
        fields = ["id", "direction", "access_point", "person", "person_ref", "case", "organisation", "service",
                  "service_code", "offering", "agreement", "referrer_name", "referrer_contact", "reason", "work_done",
                  "status", "sent_at", "answered_at", "answered_by", "answer_reason", "report", "reported_at",
                  "created_by"]
        read_only_fields = fields


class InboundReferralSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Referral.objects.none(),
                                                help_text=gettext_lazy("Id of the person referred."))
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none(),
                                                      help_text=gettext_lazy("Id of the referring body."))
    reason = serializers.CharField()
    work_done = serializers.CharField(required=False, allow_blank=True, default="")
    referrer_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    referrer_contact = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    agreement = serializers.PrimaryKeyRelatedField(queryset=Agreement.objects.none(), required=False,
                                                   allow_null=True, default=None)
    sent_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                        help_text=gettext_lazy("Now, when left out."))

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["person"].queryset = pickable_persons(user)
            fields["organisation"].queryset = network_access.visible_organisations(user)
            fields["agreement"].queryset = network_access.visible_agreements(user)
        return fields


class OutboundReferralSerializer(serializers.Serializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Referral.objects.none(),
                                              help_text=gettext_lazy("Id of the open case of the person referred."))
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.none(), required=False, allow_null=True,
                                                 default=None,
                                                 help_text=gettext_lazy("Catalogue service id (or give offering)."))
    offering = serializers.PrimaryKeyRelatedField(queryset=Offering.objects.none(), required=False, allow_null=True,
                                                  default=None, help_text=gettext_lazy("Directory offering id."))
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), required=False, allow_null=True, default=None,
        help_text=gettext_lazy("Receiving organisation id, when no offering is given."),
    )
    reason = serializers.CharField()

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["case"].queryset = cases_access.visible_cases(user)
            fields["service"].queryset = network_access.visible_services(user)
            fields["offering"].queryset = network_access.visible_offerings(user)
            fields["organisation"].queryset = network_access.visible_organisations(user)
        return fields


class ReferralFilterSerializer(serializers.Serializer):
    """The filters of the referral list page."""

    direction = serializers.ChoiceField(choices=ReferralDirection.choices, required=False)
    status = serializers.ChoiceField(choices=ReferralStatus.choices, required=False)
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.none(), required=False,
                                                      help_text=gettext_lazy("Organisation id."))
    q = serializers.CharField(required=False, allow_blank=True, max_length=100,
                              help_text=gettext_lazy("Case number (of the person or of the case)."))
    person = serializers.IntegerField(required=False, help_text=gettext_lazy("Person id."))

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["organisation"].queryset = referrals_selectors.filter_organisations(user)
        return fields


class ReportSerializer(serializers.Serializer):
    report = serializers.CharField(allow_blank=True, help_text=gettext_lazy("The report for the access point."))


class ReferralViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, JourneyViewSet):
    """Referrals, both ways: the staff's register and the partners' inbox.
    Create them with ``inbound`` and ``outbound``; answer with the actions."""

    model = Referral
    audited = True
    list_filters = ReferralFilterSerializer
    audit_reason = "referrals of persons"
    serializer_class = ReferralSerializer
    filter_backends = []
    list_permission = "cases.list_cases"  # staff, and partners for their inbox
    view_permission = "cases.view_referral"
    change_permission = "cases.answer_referral"
    if_match_actions = ("accept", "decline", "report", "withdraw")

    def get_visible_queryset(self, user):
        return cases_access.visible_referrals(user)

    object_selector = staticmethod(referrals_selectors.referral_get)

    def _shows_names(self, referrals) -> set[int]:
        """The referrals whose person's names the user may see, as on the pages."""
        user = self.request.user
        gate = IdentityGate(user)
        partner_rows = [r for r in referrals if not cases_access.works_with_journey(user, r)]
        shared = referrals_selectors.partner_shared_person_ids(user, [r.person_id for r in partner_rows])
        return {r.pk for r in referrals
                if (r.person_id in shared if r in partner_rows else gate(r.person))}

    def _data(self, referrals, many=False):
        rows = list(referrals) if many else [referrals]
        serializer = self.get_serializer(referrals, many=many)
        serializer.context["shows_names"] = self._shows_names(rows)
        return serializer.data

    def _fresh(self, referral):
        return self._data(referrals_selectors.referral_get(self.request.user, referral.pk))

    @extend_schema(parameters=[ReferralFilterSerializer])
    def list(self, request, *args, **kwargs):
        params = ReferralFilterSerializer(data=request.query_params, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        referrals = referrals_selectors.referral_list(
            request.user, direction=filters.get("direction", ""), status=filters.get("status", ""),
            organisation=filters.get("organisation"), q=filters.get("q", ""),
        )
        if "person" in filters:
            referrals = referrals.filter(person_id=filters["person"])
        page = self.paginate_queryset(referrals)
        return self.get_paginated_response(self._data(page, many=True))

    def retrieve(self, request, *args, **kwargs):
        referral = self.get_object()
        self.audit(referral)
        data = self._data(referral)
        if "last_name" in data["person_ref"]:
            self.audit(referral.person)
        return Response(data)

    def _created(self, referral):
        return Response(self._fresh(referral), status=status.HTTP_201_CREATED)

    @extend_schema(request=InboundReferralSerializer, responses={201: ReferralSerializer})
    @action(detail=False, methods=["post"])
    def inbound(self, request, *args, **kwargs):
        """Record a referral a network organisation sent to the person's access point."""
        serializer = InboundReferralSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        self.require("cases.add_referral", serializer.validated_data["person"])
        referral = referrals_services.referral_create_inbound(by=request.user, **serializer.validated_data)
        return self._created(referral)

    @extend_schema(request=OutboundReferralSerializer, responses={201: ReferralSerializer})
    @action(detail=False, methods=["post"])
    def outbound(self, request, *args, **kwargs):
        """Refer the person of an open case to a network organisation for a catalogue service."""
        serializer = OutboundReferralSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        self.require("cases.add_referral", serializer.validated_data["case"])
        referral = referrals_services.referral_create_outbound(by=request.user, **serializer.validated_data)
        return self._created(referral)

    @extend_schema(request=ReasonSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, *args, **kwargs):
        """Accept a waiting referral (inbound: the case staff; outbound: the receiving organisation)."""
        referral = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = referrals_services.referral_accept(referral=referral, by=request.user,
                                                      reason=serializer.validated_data["reason"],
                                                      expected_version=self.if_match(referral))
        return Response(self._fresh(referral))

    @extend_schema(request=ReasonSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, *args, **kwargs):
        """Decline a waiting referral, saying why."""
        referral = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = referrals_services.referral_decline(referral=referral, by=request.user,
                                                       reason=serializer.validated_data["reason"],
                                                       expected_version=self.if_match(referral))
        return Response(self._fresh(referral))

    @extend_schema(request=ReportSerializer, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], object_permission="cases.report_referral")
    def report(self, request, *args, **kwargs):
        """The receiving organisation reports back on an accepted outbound referral, which is then completed."""
        referral = self.get_object()
        serializer = ReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = referrals_services.referral_report(referral=referral, by=request.user,
                                                      report=serializer.validated_data["report"],
                                                      expected_version=self.if_match(referral))
        return Response(self._fresh(referral))

    @extend_schema(request=None, responses=ReferralSerializer)
    @action(detail=True, methods=["post"], object_permission="cases.withdraw_referral")
    def withdraw(self, request, *args, **kwargs):
        """The access point takes back a referral still waiting for an answer."""
        referral = self.get_object()
        referral = referrals_services.referral_withdraw(referral=referral, by=request.user,
                                                        expected_version=self.if_match(referral))
        return Response(self._fresh(referral))


def register(router) -> None:
    """Add this area's viewsets to the v1 router."""
    router.register("contacts", ContactViewSet, basename="contact")
    router.register("consents", ConsentViewSet, basename="consent")
    router.register("referrals", ReferralViewSet, basename="referral")
