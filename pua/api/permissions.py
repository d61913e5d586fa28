"""Authorization for the API: the rules permissions of ``pua.network.access``,
chosen by HTTP method.

The viewset's queryset comes from an ``access.visible_*`` function, so an
object the user may not see is already a 404. On the objects left, each
request is checked with ``user.has_perm("<app>.<action>_<model>", obj)``:
GET → view, POST → add (no object yet), PATCH/PUT → change, DELETE → delete.
A user who may see an object but not change it gets 403; one who may not even
view it gets 404, the same answer as for a missing object.
"""

from django.http import Http404
from rest_framework import permissions

METHOD_ACTIONS = {
    "GET": "view",
    "HEAD": "view",
    "OPTIONS": "view",
    "POST": "add",
    "PUT": "change",
    "PATCH": "change",
    "DELETE": "delete",
}


def rules_permission(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class RulesPermission(permissions.BasePermission):
    """Needs ``view.model``. ``view.required_permission``, when set, is checked
    (without an object) before anything else: it closes a whole resource to
    roles that have no business there, e.g. staff lists to non-directors."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        required = getattr(view, "required_permission", None)
        if required and not user.has_perm(required):
            return False
        if request.method == "POST":
            return user.has_perm(rules_permission(view.model, "add"))
        return True

    def has_object_permission(self, request, view, obj):
        user = request.user
        action = METHOD_ACTIONS.get(request.method)
        if action is None:
            return False
        if user.has_perm(rules_permission(view.model, action), obj):
            return True
        if action == "view" or not user.has_perm(rules_permission(view.model, "view"), obj):
            raise Http404
        return False
