"""API resources of the personalised plan (PIP) and the diary:
``plans/`` (with ``agree``, ``reviews`` and ``versions``), ``plan-goals/``,
``plan-actions/`` (with ``status``) and ``interventions/``.

The same rules, selectors and services as the plan and intervention pages
(``pua.cases.plan_*``, ``interventions_*``): staff of the access point read
plans and the diary, the director and the experts change them; every change
of the plan's content makes a new version. Partner operators see only the
plan actions their organisation provides (``access.shared_plan_actions``)
and update their status and outcome — nothing else of the plan, never the
diary. Reading a plan, an action or the diary writes an audit READ of the
case, as the pages do; restricted intervention notes show only to the case
team and the director.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from pua.cases import access as cases_access
from pua.cases import interventions_selectors, interventions_services, plan_selectors, plan_services
from pua.cases.models import (
    ACTIVE_ACTION_STATUSES,
    ActionStatus,
    Case,
    Intervention,
    InterventionKind,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    PlanStatus,
    PlanVersion,
)
from pua.network import access as network_access
from pua.network.models import Language, Membership

from .cases import UserRefSerializer
from .parsers import FormParser, JSONParser, MultiPartParser
from .people import JourneyViewSet, request_user

User = get_user_model()


def _staff_users(user):
    """Active staff of the access points where ``user`` works with people;
    the services check the case's own access point."""
    return User.objects.filter(is_active=True, pk__in=_staff_ids(user))


def _staff_ids(user):
    return Membership.objects.filter(
        is_active=True, organisation__is_active=True, role__in=cases_access.PERSON_ROLES,
        access_points__in=cases_access.journey_access_point_ids(user),
    ).values("user_id")


def visible_plans(user):
    return Plan.objects.filter(case__in=cases_access.visible_cases(user))


def _is_overdue(action, today) -> bool:
    return bool(action.status in ACTIVE_ACTION_STATUSES and action.planned_end and action.planned_end < today)


# --- serializers --------------------------------------------------------------------------------

# What a partner operator gets of an action their organisation provides: what
# their page of the plan shows (service and site, dates, status, outcome, the
# case number). The plan, the goal and the responsible operator stay with
# the case team.
SHARED_ACTION_FIELDS = ("id", "case", "case_number", "service", "service_code", "provider", "provider_name",
                        "offering", "planned_start", "planned_end", "status", "outcome_note", "is_overdue",
                        "updated_at")


def _access_point_of(action) -> int | None:
    """The access point of the action's case when already loaded (the list
    loads it; a plan's own actions need no look-up: only staff read plans)."""
    plan = action._state.fields_cache.get("plan")
    case = plan._state.fields_cache.get("case") if plan is not None else None
    return case.access_point_id if case is not None else None


class PlanActionSerializer(serializers.ModelSerializer):
    """An action of a plan. Partner operators get their shared view only
    (``SHARED_ACTION_FIELDS``); the other keys are left out."""

    always_present = SHARED_ACTION_FIELDS  # the rest is optional in the schema (partners)
    case = serializers.IntegerField(source="plan.case_id", read_only=True)
    case_number = serializers.CharField(source="plan.case.number", read_only=True)
    service_code = serializers.CharField(source="service.code", read_only=True)
    provider_name = serializers.CharField(source="provider.name", read_only=True)
    is_overdue = serializers.SerializerMethodField(help_text=gettext_lazy("Planned or running past its planned end."))
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False, default=ActionStatus.PLANNED)
    outcome_note = serializers.CharField(required=False, allow_blank=True, default="")

    class Meta:
        model = PlanAction
        fields = ["id", "plan", "case", "case_number", "goal", "service", "service_code", "provider", "provider_name",
                  "offering", "responsible", "planned_start", "planned_end", "status", "outcome_note", "is_overdue",
                  "updated_at"]
        read_only_fields = ["updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            plans = visible_plans(user)
            fields["plan"].queryset = plans
            fields["goal"].queryset = PlanGoal.objects.filter(plan__in=plans)
            fields["service"].queryset = network_access.visible_services(user)
            fields["provider"].queryset = network_access.visible_organisations(user)
            fields["offering"].queryset = network_access.visible_offerings(user)
            fields["responsible"].queryset = _staff_users(user)
        return fields

    def get_is_overdue(self, action) -> bool:
        return _is_overdue(action, timezone.localdate())

    def to_representation(self, action):
        data = super().to_representation(action)
        user = request_user(self)
        if user is None:
            return data
        staff_at = self.context.get("journey_access_points")
        if staff_at is None:
            staff_at = self.context["journey_access_points"] = cases_access.journey_access_point_ids(user)
        if not staff_at or _access_point_of(action) not in staff_at | {None}:
            return {name: data[name] for name in SHARED_ACTION_FIELDS}
        return data

    def validate(self, attrs):
        if self.instance is not None and "plan" in attrs and attrs["plan"] != self.instance.plan:
            raise serializers.ValidationError({"plan": _("An action cannot move to another plan.")})
        return attrs


class PlanGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanGoal
        fields = ["id", "plan", "area", "description", "evaluation", "sort_order"]
        read_only_fields = ["evaluation", "sort_order"]

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["plan"].queryset = visible_plans(user)
        return fields

    def validate(self, attrs):
        if self.instance is not None and "plan" in attrs and attrs["plan"] != self.instance.plan:
            raise serializers.ValidationError({"plan": _("A goal cannot move to another plan.")})
        return attrs


class PlanGoalWithActionsSerializer(serializers.ModelSerializer):
    actions = PlanActionSerializer(many=True, read_only=True)

    class Meta:
        model = PlanGoal
        fields = ["id", "area", "description", "evaluation", "sort_order", "actions"]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer):
    case = serializers.PrimaryKeyRelatedField(queryset=Case.objects.none(),
                                              help_text=gettext_lazy("Id of a case taken in charge (on create)."))
    agreed_language = serializers.SlugRelatedField(slug_field="code", read_only=True)
    goals = PlanGoalWithActionsSerializer(many=True, read_only=True)
    review_overdue = serializers.SerializerMethodField()
    review_every_days = serializers.IntegerField(required=False, default=30, min_value=1)

    class Meta:
        model = Plan
        fields = ["id", "case", "status", "version", "agreed_on", "agreed_language", "signed_document",
                  "review_every_days", "next_review_due", "review_overdue", "goals", "created_at", "updated_at",
                  "created_by"]
        read_only_fields = ["status", "version", "agreed_on", "signed_document", "next_review_due", "created_at",
                            "updated_at", "created_by"]
        validators = []  # one plan per case: the service says so clearly

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["case"].queryset = cases_access.visible_cases(user)
        return fields

    def get_review_overdue(self, plan) -> bool:
        return bool(plan.next_review_due and plan.next_review_due < timezone.localdate())


class PlanUpdateSerializer(serializers.Serializer):
    review_every_days = serializers.IntegerField(min_value=1, help_text=gettext_lazy("How often the plan is reviewed."))


class PlanAgreementSerializer(serializers.Serializer):
    agreed_on = serializers.DateField()
    language = serializers.SlugRelatedField(slug_field="code", queryset=Language.objects.all(), required=False,
                                            allow_null=True, default=None,
                                            help_text=gettext_lazy("ISO 639 code of the language of the agreement."))
    signed_file = serializers.FileField(required=False, allow_null=True, default=None,
                                        help_text=gettext_lazy("The signed plan (multipart upload)."))


class PlanReviewSerializer(serializers.ModelSerializer):
    reviewed_by = UserRefSerializer(read_only=True)
    next_review_due = serializers.DateField(required=False, allow_null=True, default=None,
                                            help_text=gettext_lazy("After the plan's cadence, when left out."))
    notes = serializers.CharField(required=False, allow_blank=True, default="")

    class Meta:
        model = PlanReview
        fields = ["id", "plan", "reviewed_on", "reviewed_by", "notes", "next_review_due"]
        read_only_fields = ["plan"]


class PlanVersionSerializer(serializers.ModelSerializer):
    created_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = PlanVersion
        fields = ["number", "created_at", "created_by", "change"]
        read_only_fields = fields


class PlanVersionDetailSerializer(PlanVersionSerializer):
    class Meta(PlanVersionSerializer.Meta):
        fields = [*PlanVersionSerializer.Meta.fields, "snapshot"]
        read_only_fields = fields


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    outcome_note = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


# --- plans ---------------------------------------------------------------------------------------

class PlanFilterSerializer(serializers.Serializer):
    case = serializers.IntegerField(required=False, help_text=gettext_lazy("Case id."))
    status = serializers.ChoiceField(choices=PlanStatus.choices, required=False)
    review_due = serializers.BooleanField(required=False, allow_null=True, default=None,
                                          help_text=gettext_lazy("True: only plans whose review is due by today."))


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, JourneyViewSet):
    """The plans of the cases of the user's access points (staff only:
    partners use ``plan-actions``), with goals and actions."""

    model = Plan
    audited = True
    list_filters = PlanFilterSerializer
    audit_reason = "persons' plans"
    serializer_class = PlanSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filter_backends = []
    list_permission = "cases.add_contact"  # held by exactly the roles that work with people
    view_permission = "cases.view_case_internal"
    change_permission = "cases.change_plan"
    if_match_actions = ("agree",)

    def get_visible_queryset(self, user):
        actions = PlanAction.objects.select_related("service", "provider", "plan__case").order_by("planned_start",
                                                                                                   "id")
        return visible_plans(user).select_related("case", "agreed_language").prefetch_related(
            Prefetch("goals", queryset=PlanGoal.objects.prefetch_related(Prefetch("actions", queryset=actions))))

    @extend_schema(parameters=[PlanFilterSerializer])
    def list(self, request, *args, **kwargs):
        params = PlanFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        plans = self.get_queryset().order_by("next_review_due", "id")
        if "case" in filters:
            plans = plans.filter(case_id=filters["case"])
        if filters.get("status"):
            plans = plans.filter(status=filters["status"])
        if filters.get("review_due") is not None:
            due = {"next_review_due__lte": timezone.localdate()}
            plans = plans.filter(**due) if filters["review_due"] else plans.exclude(**due)
        page = self.paginate_queryset(plans)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        plan = self.get_object()
        self.audit(plan.case)
        return Response(self.get_serializer(plan).data)

    def _fresh(self, plan):
        return self.get_serializer(self.get_queryset().get(pk=plan.pk)).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = serializer.validated_data["case"]
        self.require("cases.change_plan", case)
        plan = plan_services.plan_create(case=case, by=request.user,
                                         review_every_days=serializer.validated_data["review_every_days"])
        return Response(self._fresh(plan), status=status.HTTP_201_CREATED)

    @extend_schema(request=PlanUpdateSerializer, responses=PlanSerializer)
    def partial_update(self, request, *args, **kwargs):
        plan = self.get_object()
        serializer = PlanUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan_services.plan_set_review_cadence(plan=plan, by=request.user, expected_version=self.if_match(plan),
                                              **serializer.validated_data)
        return Response(self._fresh(plan))

    @extend_schema(request={"application/json": PlanAgreementSerializer, "multipart/form-data": PlanAgreementSerializer},
                   responses=PlanSerializer)
    @action(detail=True, methods=["post"], object_permission="cases.change_plan")
    def agree(self, request, *args, **kwargs):
        """Record the agreement with the person (date, language, signed copy as a
        multipart upload): the plan becomes active."""
        plan = self.get_object()
        serializer = PlanAgreementSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan_services.plan_agree(plan=plan, by=request.user, expected_version=self.if_match(plan),
                                 **serializer.validated_data)
        return Response(self._fresh(plan))

    @extend_schema(methods=["GET"], responses=PlanReviewSerializer(many=True))
    @extend_schema(methods=["POST"], request=PlanReviewSerializer, responses={201: PlanReviewSerializer})
    @action(detail=True, methods=["get", "post"])
    def reviews(self, request, *args, **kwargs):
        """The plan's reviews, newest first; POST records one (the next review moves)."""
        plan = self.get_object()
        if request.method == "POST":
            self.require("cases.change_plan", plan)
            serializer = PlanReviewSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            review = plan_services.plan_review_record(plan=plan, by=request.user, **serializer.validated_data)
            return Response(PlanReviewSerializer(review).data, status=status.HTTP_201_CREATED)
        self.audit(plan.case)
        page = self.paginate_queryset(plan.reviews.select_related("reviewed_by").order_by("-reviewed_on", "-id"))
        return self.get_paginated_response(PlanReviewSerializer(page, many=True).data)

    @extend_schema(responses=PlanVersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, *args, **kwargs):
        """Every version of the plan, newest first."""
        plan = self.get_object()
        self.audit(plan.case)
        page = self.paginate_queryset(plan_selectors.plan_versions(plan))
        return self.get_paginated_response(PlanVersionSerializer(page, many=True).data)

    @extend_schema(responses=PlanVersionDetailSerializer)
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>\d+)")
    def version(self, request, *args, number=None, **kwargs):
        """One version with its frozen content (goals and actions)."""
        plan = self.get_object()
        version = plan.versions.select_related("created_by").filter(number=number).first()
        if version is None:
            raise exceptions.NotFound
        self.audit(plan.case)
        return Response(PlanVersionDetailSerializer(version).data)


# --- goals ---------------------------------------------------------------------------------------

class PlanGoalFilterSerializer(serializers.Serializer):
    plan = serializers.IntegerField(required=False, help_text=gettext_lazy("Plan id."))


class PlanGoalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.DestroyModelMixin, JourneyViewSet):
    """The goals of the plans (staff). DELETE removes a goal without actions."""

    model = PlanGoal
    audited = True
    list_filters = PlanGoalFilterSerializer
    audit_reason = "goals of persons' plans"
    serializer_class = PlanGoalSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = []
    list_permission = "cases.add_contact"
    view_permission = "cases.view_case_internal"
    change_permission = "cases.change_plan"

    def permission_object(self, goal):
        return goal.plan  # the rules are written for plans

    def get_visible_queryset(self, user):
        return PlanGoal.objects.filter(plan__in=visible_plans(user)).select_related("plan__case")

    @extend_schema(parameters=[PlanGoalFilterSerializer])
    def list(self, request, *args, **kwargs):
        params = PlanGoalFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        goals = self.get_queryset().order_by("plan_id", "sort_order", "id")
        if "plan" in params.validated_data:
            goals = goals.filter(plan_id=params.validated_data["plan"])
        page = self.paginate_queryset(goals)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        plan = values.pop("plan")
        self.require("cases.change_plan", plan)
        goal = plan_services.goal_add(plan=plan, by=request.user, **values)
        return Response(self.get_serializer(goal).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        goal = self.get_object()
        serializer = self.get_serializer(goal, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        goal = plan_services.goal_update(goal=goal, by=request.user, area=data.get("area", goal.area),
                                         description=data.get("description", goal.description),
                                         expected_version=self.if_match(goal))
        return Response(self.get_serializer(goal).data)

    def destroy(self, request, *args, **kwargs):
        goal = self.get_object()
        plan_services.goal_remove(goal=goal, by=request.user, expected_version=self.if_match(goal))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- actions -------------------------------------------------------------------------------------

class PlanActionFilterSerializer(serializers.Serializer):
    plan = serializers.IntegerField(required=False, help_text=gettext_lazy("Plan id."))
    case = serializers.IntegerField(required=False, help_text=gettext_lazy("Case id."))
    status = serializers.ChoiceField(choices=ActionStatus.choices, required=False)
    provider = serializers.IntegerField(required=False, help_text=gettext_lazy("Organisation id."))
    overdue = serializers.BooleanField(required=False, allow_null=True, default=None,
                                       help_text=gettext_lazy("True: only planned or running actions past their end."))


class PlanActionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, JourneyViewSet):
    """Plan actions: all of the plans for the staff; for partner operators,
    those their organisation provides for persons shared with them. The
    ``status`` action is what providers update."""

    model = PlanAction
    audited = True
    list_filters = PlanActionFilterSerializer
    audit_reason = "actions of persons' plans"
    serializer_class = PlanActionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = []
    list_permission = "cases.list_cases"  # staff, and partners for the actions they provide
    view_permission = "cases.view_plan"
    change_permission = "cases.change_plan"
    if_match_actions = ("update_status",)

    def may_view(self, user, obj) -> bool:
        return user.has_perm(self.view_permission, obj.plan.case)

    def get_visible_queryset(self, user):
        staff = PlanAction.objects.filter(plan__in=visible_plans(user))
        return (staff | cases_access.shared_plan_actions(user)).select_related(
            "plan__case__person", "plan__case__access_point", "service", "provider", "goal", "offering",
            "responsible")

    @extend_schema(parameters=[PlanActionFilterSerializer])
    def list(self, request, *args, **kwargs):
        params = PlanActionFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        actions = self.get_queryset().order_by("planned_end", "id")
        for name, lookup in (("plan", "plan_id"), ("case", "plan__case_id"), ("status", "status"),
                             ("provider", "provider_id")):
            if name in filters:
                actions = actions.filter(**{lookup: filters[name]})
        if filters.get("overdue") is not None:
            overdue = {"status__in": ACTIVE_ACTION_STATUSES, "planned_end__lt": timezone.localdate()}
            actions = actions.filter(**overdue) if filters["overdue"] else actions.exclude(**overdue)
        page = self.paginate_queryset(actions)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        plan_action = self.get_object()
        self.audit(plan_action.plan.case)
        return Response(self.get_serializer(plan_action).data)

    def _fresh(self, plan_action):
        # A partner sees the actions still running: the one they have just
        # closed (done, not delivered) is shown as saved, not looked up again.
        fresh = self.get_queryset().filter(pk=plan_action.pk).first()
        if fresh is None:
            plan_action.refresh_from_db()
            fresh = plan_action
        return self.get_serializer(fresh).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        plan = values.pop("plan")
        self.require("cases.change_plan", plan)
        plan_action = plan_services.action_add(plan=plan, by=request.user, **values)
        return Response(self._fresh(plan_action), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        plan_action = self.get_object()
        serializer = self.get_serializer(plan_action, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {name: getattr(plan_action, name) for name in plan_services.ACTION_FIELDS}
        values.update({k: v for k, v in serializer.validated_data.items() if k != "plan"})
        plan_services.action_update(action=plan_action, by=request.user, expected_version=self.if_match(plan_action),
                                    **values)
        return Response(self._fresh(plan_action))

    @extend_schema(request=ActionStatusSerializer, responses=PlanActionSerializer)
    @action(detail=True, methods=["post"], url_path="status", object_permission="cases.update_action")
    def update_status(self, request, *args, **kwargs):
        """The status and the outcome of the action: case staff and the provider's partner operators."""
        plan_action = self.get_object()
        serializer = ActionStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        plan_services.action_set_status(action=plan_action, by=request.user,
                                        expected_version=self.if_match(plan_action), **serializer.validated_data)
        return Response(self._fresh(plan_action))


# --- interventions -------------------------------------------------------------------------------

class InterventionSerializer(serializers.ModelSerializer):
    operators = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.none(),
                                                   help_text=gettext_lazy("User ids of the operators present."))
    notes = serializers.CharField(required=False, allow_blank=True, default="",
                                  help_text=gettext_lazy("Left out when restricted and you are not in the case team."))
    service_code = serializers.CharField(source="service.code", read_only=True, allow_null=True)

    class Meta:
        model = Intervention
        fields = ["id", "case", "occurred_on", "duration_minutes", "kind", "joint", "operators", "plan_action",
                  "service", "service_code", "notes", "notes_restricted", "created_at", "created_by"]
        read_only_fields = ["created_at", "created_by"]

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["case"].queryset = cases_access.visible_cases(user)
            fields["operators"].child_relation.queryset = _staff_users(user)
            fields["plan_action"].queryset = PlanAction.objects.filter(plan__in=visible_plans(user))
            fields["service"].queryset = network_access.visible_services(user)
        return fields

    def to_representation(self, intervention):
        data = super().to_representation(intervention)
        if intervention.notes_restricted and intervention.case_id not in self.context.get("restricted_ok", set()):
            data.pop("notes", None)
        return data

    def validate(self, attrs):
        if self.instance is not None and "case" in attrs and attrs["case"] != self.instance.case:
            raise serializers.ValidationError({"case": _("An intervention cannot move to another case.")})
        return attrs


class InterventionFilterSerializer(serializers.Serializer):
    case = serializers.IntegerField(help_text=gettext_lazy("Case id: the diary of one case, as on its page."))
    kind = serializers.ChoiceField(choices=InterventionKind.choices, required=False)
    joint = serializers.BooleanField(required=False, allow_null=True, default=None)


class InterventionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          JourneyViewSet):
    """The diary of a case (staff only; never partners). The director and the
    experts record and correct interventions; a joint one needs a social and
    a labour expert among the operators."""

    model = Intervention
    audited = True
    list_filters = InterventionFilterSerializer
    audit_reason = "the diary of persons' cases"
    serializer_class = InterventionSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = []
    list_permission = "cases.add_contact"  # held by exactly the roles that work with people
    view_permission = "cases.view_intervention"
    change_permission = "cases.change_intervention"

    def get_visible_queryset(self, user):
        return Intervention.objects.filter(case__in=cases_access.visible_cases(user)).select_related(
            "case", "service").prefetch_related("operators")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "request", None) is not None and self.request.user.is_authenticated:
            context["restricted_ok"] = set(cases_access.restricted_visible_case_ids(self.request.user)
                                           .values_list("pk", flat=True))
        return context

    def _case(self, pk):
        case = cases_access.visible_cases(self.request.user).filter(pk=pk).first()
        if case is None:
            raise exceptions.ValidationError({"case": [_("No case of yours has this id.")]})
        return case

    @extend_schema(parameters=[InterventionFilterSerializer])
    def list(self, request, *args, **kwargs):
        params = InterventionFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        case = self._case(filters["case"])
        if not request.user.has_perm("cases.view_intervention", case):
            raise exceptions.PermissionDenied
        self.audit(case)
        interventions = interventions_selectors.intervention_list(case, kind=filters.get("kind", ""),
                                                                  joint=filters.get("joint"))
        page = self.paginate_queryset(interventions)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        intervention = self.get_object()
        self.audit(intervention.case)
        return Response(self.get_serializer(intervention).data)

    def _fresh(self, intervention):
        return self.get_serializer(self.get_queryset().get(pk=intervention.pk)).data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        self.require("cases.add_intervention", values["case"])
        intervention = interventions_services.intervention_record(by=request.user, **values)
        return Response(self._fresh(intervention), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        intervention = self.get_object()
        serializer = self.get_serializer(intervention, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        values = {name: getattr(intervention, name) for name in (
            "occurred_on", "kind", "duration_minutes", "joint", "plan_action", "service", "notes", "notes_restricted")}
        values["operators"] = list(intervention.operators.all())
        values.update({k: v for k, v in serializer.validated_data.items() if k != "case"})
        interventions_services.intervention_update(intervention=intervention, by=request.user,
                                                   expected_version=self.if_match(intervention), **values)
        return Response(self._fresh(intervention))


def register(router) -> None:
    """Add this area's viewsets to the v1 router."""
    router.register("plans", PlanViewSet, basename="plan")
    router.register("plan-goals", PlanGoalViewSet, basename="plangoal")
    router.register("plan-actions", PlanActionViewSet, basename="planaction")
    router.register("interventions", InterventionViewSet, basename="intervention")
