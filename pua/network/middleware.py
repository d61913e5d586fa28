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
            request.access_point = current_access_point(request, user, remember=True)
        return self.get_response(request)


def current_access_point(request, user, *, remember: bool):
    """The access point ``user`` works at for this request.

    API clients authenticated by token have no meaningful session; they may
    name one with the ``X-Access-Point`` header, and nothing is remembered."""
    qs = visible_access_points(user).select_related("territory", "programme").filter(is_active=True)
    chosen = request.headers.get("X-Access-Point") if not remember else request.session.get(SESSION_ACCESS_POINT_KEY)
    access_point = None
    if chosen and str(chosen).isdigit():
        access_point = qs.filter(pk=chosen).first()
    if access_point is None:
        access_point = qs.order_by("name", "id").first()
    if remember:
        new_id = access_point.pk if access_point else None
        if request.session.get(SESSION_ACCESS_POINT_KEY) != new_id:
            request.session[SESSION_ACCESS_POINT_KEY] = new_id
    return access_point
