from pua.core.audit import SESSION_ACCESS_POINT_KEY

from .access import visible_access_points


class CurrentAccessPointMiddleware:
    """Attach ``request.access_point``: where the user is working now.

    The choice is kept in the session; when it is missing or no longer allowed
    the user's first access point is taken."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.access_point = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            request.access_point = _resolve(request)
        return self.get_response(request)


def _resolve(request):
    chosen = request.session.get(SESSION_ACCESS_POINT_KEY)
    qs = visible_access_points(request.user).select_related("territory", "programme").filter(is_active=True)
    access_point = None
    if chosen is not None:
        access_point = qs.filter(pk=chosen).first()
    if access_point is None:
        access_point = qs.order_by("name", "id").first()
        new_id = access_point.pk if access_point else None
        if request.session.get(SESSION_ACCESS_POINT_KEY) != new_id:
            request.session[SESSION_ACCESS_POINT_KEY] = new_id
    return access_point
