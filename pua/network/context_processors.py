from django.utils.functional import SimpleLazyObject

from .access import grants_for, visible_access_points


def access_point(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_access_point": getattr(request, "access_point", None),
        "user_grants": grants_for(user),
        "switchable_access_points": SimpleLazyObject(
            lambda: list(visible_access_points(user).filter(is_active=True).order_by("name"))
        ),
    }
