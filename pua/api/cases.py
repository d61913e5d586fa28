"""API resources of the case: ``cases/`` with its state machine as actions
(``transition``, ``close``, ``reopen``), its ``timeline``, its ``team`` and
its ``notes``.

The same rules as the case pages (``pua.cases.case_views``): staff of the
access point read their cases through ``case_selectors.case_list`` /
``case_get``; the director and the experts change them; partner operators
read only the cases shared with them (``shared_case_list``), without the
internal fields (case manager, closure, next steps) nor the timeline, team
and notes. Every write goes through the services (``case_services``,
``team_services``, ``notes_services``): their refusals come back as the
usual 400 with the service's message. Reading a case, its timeline, team or
notes writes an audit READ entry, as the pages do.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from pua.cases import access as cases_access
from pua.cases import (
    case_selectors,
    case_services,
    intake_selectors,
    intake_services,
    notes_services,
    team_services,
)
from pua.cases.event_messages import case_event_text
from pua.cases.models import (
    Case,
    CaseEventKind,
    CaseNote,
    CaseStatus,
    CaseTeamMember,
    ClosureReason,
    CriterionCheck,
    GoalEvaluation,
    IntakeOutcome,
    TeamRole,
)
from pua.cases.notes_services import NOTE_MAX_LENGTH
from pua.network import access as network_access
from pua.network.models import Membership, Organisation, Service

from .people import JourneyViewSet, PersonRefSerializer, pickable_persons, request_user

User = get_user_model()

# What partners, who see the shared view only, do not get.
INTERNAL_CASE_FIELDS = ("case_manager", "closed_at", "closure_reason", "closure_outcome", "allowed_transitions",
                        "created_by", "status_changed_at", "opened_at")
# What they get: the partner's shared case pages (list and detail) show the
# case number and the status, and link the case by its id. The person, their
# access point and the rest stay with the staff.
SHARED_CASE_FIELDS = ("id", "number", "status")


def case_workers(user):
    """Active users who work on cases (director, experts) at the access points
    where ``user`` does: whom a new case may be given to."""
    memberships = Membership.objects.filter(
        is_active=True, organisation__is_active=True, role__in=cases_access.CASE_ROLES,
        access_points__in=cases_access.journey_access_point_ids(user),
    )
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))


class UserRefSerializer(serializers.Serializer):
    """An operator: staff names are not personal data of the persons served."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()

    def to_representation(self, user):
        return {"id": user.pk, "username": user.get_username(), "full_name": user.get_full_name()}


# --- cases ----------------------------------------------------------------------------------

class CaseSerializer(serializers.ModelSerializer):
    """A case. Partner operators get their shared view only: ``id``,
    ``number`` and ``status``; the other keys are left out."""

    person = serializers.PrimaryKeyRelatedField(
        queryset=Case.objects.none(), help_text=gettext_lazy("Id of the person (on create)."),
    )
    person_ref = PersonRefSerializer(source="person", read_only=True)
    always_present = SHARED_CASE_FIELDS  # the rest is optional in the schema (partners)
    initial_status = serializers.ChoiceField(
        choices=[(CaseStatus.CONTACT, CaseStatus.CONTACT.label), (CaseStatus.SCREENING, CaseStatus.SCREENING.label)],
        write_only=True, required=False, default=CaseStatus.CONTACT,
        help_text=gettext_lazy("Where the new case starts: contact (default) or screening. The status then changes "
                               "through the actions."),
    )
    case_manager = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), required=False,
        help_text=gettext_lazy("User id of the case manager (a director or expert of the access point); you, when "
                               "left out. Not shown to partners."),
    )
    allowed_transitions = serializers.SerializerMethodField(
        help_text=gettext_lazy("The statuses the transition action may move the case to. Not shown to partners."),
    )

    class Meta:
        model = Case
        fields = ["id", "number", "person", "person_ref", "access_point", "status", "initial_status",
                  "status_changed_at", "opened_at", "case_manager", "closed_at", "closure_reason", "closure_outcome",
                  "allowed_transitions", "created_by"]
        read_only_fields = ["number", "access_point", "status", "status_changed_at", "opened_at", "closed_at",
                            "closure_reason", "closure_outcome", "created_by"]

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["person"].queryset = pickable_persons(user)
            # The person's access point is checked in validate().
            fields["case_manager"].queryset = case_workers(user)
        return fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=CaseStatus.choices)))
    def get_allowed_transitions(self, case):
        return case_selectors.next_steps(case)

    def to_representation(self, case):
        data = super().to_representation(case)
        user = request_user(self)
        if user is not None and not user.has_perm("cases.view_case_internal", case):
            return {name: data[name] for name in SHARED_CASE_FIELDS}
        return data

    def validate(self, attrs):
        manager, person = attrs.get("case_manager"), attrs.get("person")
        if manager is not None and person is not None and not manager.has_perm("cases.change_case", person):
            raise serializers.ValidationError({"case_manager": _(
                "The case manager must be the director or a social or labour expert of the access point.")})
        return attrs


class CaseFilterSerializer(serializers.Serializer):
    """The filters of the case list page (partners: q and status only)."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=100,
                              help_text=gettext_lazy("Case number; names where you may see them."))
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    mine = serializers.BooleanField(required=False, default=False,
                                    help_text=gettext_lazy("True: only the cases you manage."))
    opened_from = serializers.DateField(required=False)
    opened_to = serializers.DateField(required=False)
    person = serializers.IntegerField(required=False, help_text=gettext_lazy("Person id: only their cases."))

    def validate(self, attrs):
        start, end = attrs.get("opened_from"), attrs.get("opened_to")
        if start and end and end < start:
            raise serializers.ValidationError({"opened_to": _("The end of the period comes before its start.")})
        return attrs


class TransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=CaseStatus.choices, help_text=gettext_lazy("The new status."))


class CloseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ClosureReason.choices)
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    goal_evaluations = serializers.DictField(
        child=serializers.ChoiceField(choices=GoalEvaluation.choices), required=False, default=dict,
        help_text=gettext_lazy("Goal id → evaluation, for every goal of the plan."),
    )


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=gettext_lazy("Why the case is reopened."))


class TimelineEventSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="event.id")
    kind = serializers.ChoiceField(source="event.kind", choices=CaseEventKind.choices)
    occurred_at = serializers.DateTimeField(source="event.occurred_at")
    actor = UserRefSerializer(source="event.actor", allow_null=True)
    summary = serializers.SerializerMethodField(
        help_text=gettext_lazy("The line of the history in the reader's language (Accept-Language or profile)."))
    detail = serializers.CharField(help_text=gettext_lazy("A line more: why the case was closed or reopened."))
    data = serializers.JSONField(source="event.data", help_text=gettext_lazy("Ids, statuses and other facts."))
    object_type = serializers.CharField(source="event.object_type")
    object_id = serializers.IntegerField(source="event.object_id", allow_null=True)
    restricted = serializers.BooleanField(source="event.restricted")
    member = UserRefSerializer(allow_null=True, help_text=gettext_lazy("The operator a team change concerns."))
    page_url = serializers.CharField(source="url", allow_null=True,
                                     help_text=gettext_lazy("The page of the object, when it has one."))


    def get_summary(self, entry) -> str:
        return case_event_text(entry.event)


class TimelineFilterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseEventKind.choices, required=False)


class TeamMemberSerializer(serializers.ModelSerializer):
    user = UserRefSerializer(read_only=True)

    class Meta:
        model = CaseTeamMember
        fields = ["id", "user", "role", "added_at", "removed_at"]
        read_only_fields = fields


class TeamMemberAddSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), help_text=gettext_lazy("User id: staff of the case's access point."),
    )
    role = serializers.ChoiceField(choices=TeamRole.choices)

    def get_fields(self):
        fields = super().get_fields()
        case = self.context.get("case")
        if case is not None:
            fields["user"].queryset = cases_access.case_team_candidates(case)
        return fields


class NoteSerializer(serializers.ModelSerializer):
    author = UserRefSerializer(read_only=True)
    text = serializers.CharField(max_length=NOTE_MAX_LENGTH)
    restricted = serializers.BooleanField(
        required=False, default=False,
        help_text=gettext_lazy("For the case team and the director only (only they may write one)."),
    )

    class Meta:
        model = CaseNote
        fields = ["id", "case", "author", "text", "restricted", "created_at"]
        read_only_fields = ["case", "created_at"]


class CriterionCheckSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(help_text=gettext_lazy("Id of an active eligibility criterion."))
    criterion_label = serializers.CharField(source="criterion.label", read_only=True)
    result = serializers.ChoiceField(choices=CriterionCheck.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)

    def to_representation(self, check):
        return {"criterion": check.criterion_id, "criterion_label": check.criterion.label, "result": check.result,
                "note": check.note}


class IntakeDecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    outcome = serializers.ChoiceField(choices=IntakeOutcome.choices)
    rationale = serializers.CharField()
    checks = CriterionCheckSerializer(
        many=True, help_text=gettext_lazy("One check per active criterion of the access point."),
    )
    referred_to = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.none(), required=False, allow_null=True, default=None,
        help_text=gettext_lazy("Not eligible: the network organisation the person is referred to."),
    )
    referred_to_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    referral_service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.none(), required=False, allow_null=True, default=None, write_only=True,
        help_text=gettext_lazy("Not eligible: send an outbound referral to referred_to for this service."),
    )
    decided_at = serializers.DateTimeField(read_only=True)
    decided_by = UserRefSerializer(read_only=True)

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["referred_to"].queryset = network_access.visible_organisations(user)
            fields["referral_service"].queryset = network_access.visible_services(user)
        return fields

    def to_representation(self, decision):
        data = super().to_representation(decision)
        data["referred_to"] = decision.referred_to_id
        data["checks"] = [CriterionCheckSerializer().to_representation(c) for c in decision.checks.all()]
        return data

    def service_values(self) -> dict:
        values = dict(self.validated_data)
        values["checks"] = {c["criterion"]: (c["result"], c["note"]) for c in values["checks"]}
        return values


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, JourneyViewSet):
    """Cases of the user's access points (partners: those shared with them).
    Open a case with POST; move it with ``transition``, ``close`` and ``reopen``."""

    model = Case
    audited = True
    list_filters = CaseFilterSerializer
    audit_reason = "cases of persons"
    serializer_class = CaseSerializer
    filter_backends = []  # the page's filters, below
    list_permission = "cases.list_cases"
    view_permission = "cases.view_case"
    change_permission = "cases.change_case"
    if_match_actions = ("transition", "close", "reopen")
    add_permission = "cases.add_case"

    def get_visible_queryset(self, user):
        return cases_access.visible_cases(user) | cases_access.shared_cases(user)

    def get_object(self):
        user = self.request.user
        pk = self.kwargs["pk"]
        if not str(pk).isdigit():
            raise Http404
        case = case_selectors.case_get(user, pk) or case_selectors.shared_case_get(user, pk)
        if case is None:
            raise Http404
        self.check_object_permissions(self.request, case)
        return case

    def _fresh(self, case):
        return self.get_serializer(case_selectors.case_get(self.request.user, case.pk)).data

    @extend_schema(parameters=[CaseFilterSerializer])
    def list(self, request, *args, **kwargs):
        user = request.user
        params = CaseFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        if cases_access.journey_access_point_ids(user):
            cases = case_selectors.case_list(
                user, q=filters.get("q", ""), status=filters.get("status", ""),
                manager=user if filters.get("mine") else None,
                opened_from=filters.get("opened_from"), opened_to=filters.get("opened_to"),
            ).select_related("created_by")
        else:
            cases = case_selectors.shared_case_list(user, q=filters.get("q", ""), status=filters.get("status", ""))
            cases = cases.defer(None).select_related("person", "access_point")
        if "person" in filters:
            cases = cases.filter(person_id=filters["person"])
        page = self.paginate_queryset(cases)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        case = self.get_object()
        self.audit(case)
        return Response(self.get_serializer(case).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        self.require("cases.add_case", data["person"])
        case = case_services.case_open(person=data["person"], by=request.user,
                                       case_manager=data.get("case_manager", request.user),
                                       status=data["initial_status"])
        return Response(self._fresh(case), status=status.HTTP_201_CREATED)

    @extend_schema(request=TransitionSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, *args, **kwargs):
        """Move the case along a plain transition (see ``allowed_transitions``).
        Taking in charge (intake decision) and closing have their own steps."""
        case = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case_services.case_transition(case=case, to=serializer.validated_data["to"], by=request.user,
                                      expected_version=self.if_match(case))
        return Response(self._fresh(case))

    @extend_schema(request=CloseSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        """Close the case with a reason, an outcome and an evaluation of each goal of the plan."""
        case = self.get_object()
        serializer = CloseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case_services.case_close(case=case, by=request.user, expected_version=self.if_match(case),
                                 **serializer.validated_data)
        return Response(self._fresh(case))

    @extend_schema(request=ReopenSerializer, responses=CaseSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        """Reopen a closed case in the state it was closed from."""
        case = self.get_object()
        serializer = ReopenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case_services.case_reopen(case=case, by=request.user, reason=serializer.validated_data["reason"],
                                  expected_version=self.if_match(case))
        return Response(self._fresh(case))

    @extend_schema(methods=["GET"], responses=IntakeDecisionSerializer(many=True))
    @extend_schema(methods=["POST"], request=IntakeDecisionSerializer, responses={201: IntakeDecisionSerializer})
    @action(detail=True, methods=["get", "post"], object_permission="cases.view_case_internal",
            pagination_class=None)
    def intake(self, request, *args, **kwargs):
        """The intake decisions of the case, newest first. POST decides: eligible
        takes the case in charge; not eligible refers the person elsewhere and
        closes the case."""
        case = self.get_object()
        context = self.get_serializer_context()
        if request.method == "POST":
            self.require("cases.decide_intake", case)
            serializer = IntakeDecisionSerializer(data=request.data, context=context)
            serializer.is_valid(raise_exception=True)
            decision = intake_services.intake_decide(case=case, by=request.user, **serializer.service_values())
            return Response(IntakeDecisionSerializer(intake_selectors.decision_get(request.user, decision.pk),
                                                     context=context).data, status=status.HTTP_201_CREATED)
        self.audit(case)
        return Response(IntakeDecisionSerializer(intake_selectors.decisions_of(case), many=True, context=context).data)

    @extend_schema(parameters=[TimelineFilterSerializer], responses=TimelineEventSerializer(many=True))
    @action(detail=True, methods=["get"], object_permission="cases.view_case_internal")
    def timeline(self, request, *args, **kwargs):
        """The case's history, oldest first; restricted lines only for the case team and the director."""
        case = self.get_object()
        params = TimelineFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        self.audit(case)
        entries = case_selectors.case_timeline(request.user, case, kind=params.validated_data.get("kind", ""))
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(TimelineEventSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], responses=TeamMemberSerializer(many=True))
    @extend_schema(methods=["POST"], request=TeamMemberAddSerializer, responses={201: TeamMemberSerializer})
    @action(detail=True, methods=["get", "post"], object_permission="cases.view_case_internal", pagination_class=None)
    def team(self, request, *args, **kwargs):
        """The case team, former members included (``removed_at``). POST adds
        an operator; with the case manager role they replace the current one."""
        case = self.get_object()
        if request.method == "POST":
            self.require("cases.change_case", case)
            serializer = TeamMemberAddSerializer(data=request.data, context={**self.get_serializer_context(),
                                                                             "case": case})
            serializer.is_valid(raise_exception=True)
            member = team_services.team_member_add(case=case, by=request.user, **serializer.validated_data)
            return Response(TeamMemberSerializer(member).data, status=status.HTTP_201_CREATED)
        self.audit(case)
        return Response(TeamMemberSerializer(case_selectors.case_team(case, include_removed=True), many=True).data)

    @extend_schema(request=None, responses={200: TeamMemberSerializer})
    @action(detail=True, methods=["delete"], url_path=r"team/(?P<member_pk>\d+)",
            object_permission="cases.change_case")
    def team_member(self, request, *args, member_pk=None, **kwargs):
        """An operator leaves the team (the membership is kept, with ``removed_at``)."""
        case = self.get_object()
        member = case_selectors.team_member_get(case, member_pk)
        if member is None:
            raise Http404
        member = team_services.team_member_remove(member=member, by=request.user)
        return Response(TeamMemberSerializer(member).data)

    @extend_schema(methods=["GET"], responses=NoteSerializer(many=True))
    @extend_schema(methods=["POST"], request=NoteSerializer, responses={201: NoteSerializer})
    @action(detail=True, methods=["get", "post"], object_permission="cases.view_case_internal")
    def notes(self, request, *args, **kwargs):
        """The case notes, newest first; restricted ones only for the case team and the director."""
        case = self.get_object()
        if request.method == "POST":
            self.require("cases.change_case", case)
            serializer = NoteSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            note = notes_services.note_add(case=case, by=request.user, **serializer.validated_data)
            return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
        self.audit(case)
        page = self.paginate_queryset(case_selectors.case_notes(request.user, case))
        return self.get_paginated_response(NoteSerializer(page, many=True).data)

    @extend_schema(responses=NoteSerializer)
    @action(detail=True, methods=["get"], url_path=r"notes/(?P<note_pk>\d+)",
            object_permission="cases.view_case_internal")
    def note(self, request, *args, note_pk=None, **kwargs):
        """One note (audited)."""
        case = self.get_object()
        note = case_selectors.case_notes(request.user, case).filter(pk=note_pk).first()
        if note is None:
            raise exceptions.NotFound
        self.audit(note)
        return Response(NoteSerializer(note).data)


def register(router) -> None:
    """Add this area's viewsets to the v1 router."""
    router.register("cases", CaseViewSet, basename="case")
