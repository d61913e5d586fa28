"""API resources of the daily work: ``tasks/`` (tasks and appointments, with
``complete`` and ``reopen``) and ``documents/`` (metadata, multipart upload
and an audited ``download``).

The same rules, selectors and services as the pages (``pua.cases.work_*``,
``documents_*``): staff of the access point plan tasks there, the assignee
and the case staff change them; documents of a person are for the staff of
the person's access point only — partners never see them. Every download is
recorded in the audit trail by ``documents_services.document_open``; listing
and reading a document's metadata writes an audit READ of its person.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from pua.cases import access as cases_access
from pua.cases import documents_selectors, documents_services, work_selectors, work_services
from pua.cases.models import CaseDocument, DocumentKind, Referral, Task, TaskKind
from pua.network.models import Membership

from .cases import UserRefSerializer
from .parsers import FormParser, MultiPartParser
from .people import JourneyViewSet, pickable_persons, request_user

User = get_user_model()


def _staff_users(user):
    """Active staff of the access points where ``user`` works with people
    (the service checks the task's own access point)."""
    memberships = Membership.objects.filter(
        is_active=True, organisation__is_active=True, role__in=cases_access.PERSON_ROLES,
        access_points__in=cases_access.journey_access_point_ids(user),
    )
    return User.objects.filter(is_active=True, pk__in=memberships.values("user_id"))


# --- tasks ---------------------------------------------------------------------------------------

class TaskSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True, allow_null=True)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), required=False,
        help_text=gettext_lazy("User id of an operator of the access point; you, when left out."),
    )
    kind = serializers.ChoiceField(choices=TaskKind.choices, required=False, default=TaskKind.TASK)
    is_done = serializers.SerializerMethodField()

    class Meta:
        model = Task
        fields = ["id", "access_point", "case", "case_number", "kind", "title", "description", "due_at", "ends_at",
                  "location", "assignee", "done_at", "is_done", "created_at", "created_by"]
        read_only_fields = ["access_point", "done_at", "created_at", "created_by"]
        extra_kwargs = {"case": {"help_text": gettext_lazy("Id of an open case: the task is then planned at its "
                                                           "access point.")}}

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["case"].queryset = cases_access.visible_cases(user)
            assignees = _staff_users(user)
            if isinstance(self.instance, Task):
                assignees = assignees | User.objects.filter(pk=self.instance.assignee_id)
            fields["assignee"].queryset = assignees
        return fields

    def get_is_done(self, task) -> bool:
        return task.done_at is not None


class TaskFilterSerializer(serializers.Serializer):
    """The filters of the task list page."""

    state = serializers.ChoiceField(choices=[("open", "open"), ("done", "done"), ("all", "all")], required=False,
                                    default="open")
    kind = serializers.ChoiceField(choices=TaskKind.choices, required=False)
    whose = serializers.ChoiceField(
        choices=[("mine", "mine"), ("all", "all")], required=False, default="mine",
        help_text=gettext_lazy("mine: assigned to you; all: everyone's at your access points."),
    )
    case = serializers.IntegerField(required=False, help_text=gettext_lazy("Case id."))


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, JourneyViewSet):
    """Tasks and appointments: by default your own open ones, soonest first."""

    model = Task
    audited = True
    list_filters = TaskFilterSerializer
    audit_reason = "tasks and appointments about persons"
    serializer_class = TaskSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    filter_backends = []
    list_permission = "cases.add_task"
    add_permission = "cases.add_task"
    view_permission = "cases.view_task"
    change_permission = "cases.change_task"
    if_match_actions = ("complete", "reopen")

    def get_visible_queryset(self, user):
        return cases_access.visible_tasks(user).select_related("case", "assignee", "access_point", "created_by")

    object_selector = staticmethod(work_selectors.task_get)

    @extend_schema(parameters=[TaskFilterSerializer])
    def list(self, request, *args, **kwargs):
        params = TaskFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        tasks = work_selectors.task_list(request.user, state=filters["state"], kind=filters.get("kind", ""),
                                         whose=filters["whose"]).select_related("created_by")
        if "case" in filters:
            tasks = tasks.filter(case_id=filters["case"])
        page = self.paginate_queryset(tasks)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        values.setdefault("assignee", request.user)
        case = values.get("case")
        access_point = case.access_point if case is not None else request.access_point
        if access_point is None or not request.user.has_perm("cases.add_task", access_point):
            raise exceptions.PermissionDenied(_("You do not plan work at this access point."))
        task = work_services.task_create(access_point=access_point, by=request.user, request=request, **values)
        return Response(self.get_serializer(work_selectors.task_get(request.user, task.pk)).data,
                        status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        task = self.get_object()
        serializer = self.get_serializer(task, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        work_services.task_update(task=task, by=request.user, request=request, expected_version=self.if_match(task),
                                  **serializer.validated_data)
        return Response(self.get_serializer(work_selectors.task_get(request.user, task.pk)).data)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, *args, **kwargs):
        """Mark the task done (an appointment: held)."""
        task = self.get_object()
        task = work_services.task_complete(task=task, by=request.user, request=request,
                                           expected_version=self.if_match(task))
        return Response(self.get_serializer(work_selectors.task_get(request.user, task.pk)).data)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        """Open a task marked done again."""
        task = self.get_object()
        task = work_services.task_reopen(task=task, by=request.user, request=request,
                                         expected_version=self.if_match(task))
        return Response(self.get_serializer(work_selectors.task_get(request.user, task.pk)).data)


# --- documents -----------------------------------------------------------------------------------

class DocumentSerializer(serializers.ModelSerializer):
    person = serializers.PrimaryKeyRelatedField(queryset=CaseDocument.objects.none(),
                                                help_text=gettext_lazy("Id of the person the document is about."))
    file = serializers.FileField(write_only=True,
                                 help_text=gettext_lazy("The file (multipart upload): PDF, ODT, DOCX, JPEG or PNG."))
    uploaded_by = UserRefSerializer(read_only=True)
    download_name = serializers.SerializerMethodField()

    class Meta:
        model = CaseDocument
        fields = ["id", "person", "case", "referral", "kind", "title", "file", "content_type", "size",
                  "download_name", "uploaded_at", "uploaded_by"]
        read_only_fields = ["content_type", "size", "uploaded_at"]
        extra_kwargs = {
            "case": {"help_text": gettext_lazy("Id of one of the person's cases (optional).")},
            "referral": {"help_text": gettext_lazy("Id of one of the person's inbound referrals (optional).")},
        }

    def get_fields(self):
        fields = super().get_fields()
        user = request_user(self)
        if user is not None:
            fields["person"].queryset = pickable_persons(user)
            fields["case"].queryset = cases_access.visible_cases(user)
            fields["referral"].queryset = Referral.objects.filter(
                access_point_id__in=cases_access.journey_access_point_ids(user))
        return fields

    def get_download_name(self, document) -> str:
        return documents_services.download_name(document)


class DocumentFilterSerializer(serializers.Serializer):
    person = serializers.IntegerField(required=False, help_text=gettext_lazy("Person id."))
    case = serializers.IntegerField(required=False, help_text=gettext_lazy("Case id."))
    kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False)


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, JourneyViewSet):
    """Documents of the persons of your access points (staff only), newest
    first. Upload with a multipart POST; read the file with ``download``."""

    model = CaseDocument
    audited = True
    list_filters = DocumentFilterSerializer
    audit_reason = "persons' documents"
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser]
    filter_backends = []
    list_permission = "cases.add_contact"  # held by exactly the roles that work with people
    view_permission = "cases.view_document"
    change_permission = "cases.add_document"

    def get_visible_queryset(self, user):
        return cases_access.visible_documents(user).select_related("person", "case", "referral", "uploaded_by")

    object_selector = staticmethod(documents_selectors.document_get)

    def perform_content_negotiation(self, request, force=False):
        # A file download answers whatever the client accepts.
        return super().perform_content_negotiation(request, force=force or self.action == "download")

    @extend_schema(parameters=[DocumentFilterSerializer])
    def list(self, request, *args, **kwargs):
        params = DocumentFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        filters = params.validated_data
        documents = self.get_queryset().order_by("-uploaded_at", "-id")
        for name in ("person", "case", "kind"):
            if name in filters:
                documents = documents.filter(**{name: filters[name]})
        page = self.paginate_queryset(documents)
        if "person" in filters and page:
            # The person's documents, as on the person's documents page: one READ of the person.
            self.audit(page[0].person)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        document = self.get_object()
        self.audit(document.person)
        return Response(self.get_serializer(document).data)

    @extend_schema(request={"multipart/form-data": DocumentSerializer}, responses={201: DocumentSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        values = dict(serializer.validated_data)
        self.require("cases.add_document", values["person"])
        document = documents_services.document_upload(by=request.user, **values)
        return Response(self.get_serializer(self.get_queryset().get(pk=document.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses={
        (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
    })
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        """Download the file. Every download is recorded in the audit trail."""
        document = self.get_object()
        handle = documents_services.document_open(document=document, by=request.user, request=request)
        self.mark_audited(document)  # the service wrote the download entry
        if handle is None:
            raise exceptions.NotFound(_("The file of this document is missing."))
        return FileResponse(handle, as_attachment=True, filename=documents_services.download_name(document),
                            content_type=document.content_type)


def register(router) -> None:
    """Add this area's viewsets to the v1 router."""
    router.register("tasks", TaskViewSet, basename="task")
    router.register("documents", DocumentViewSet, basename="document")
