from .access import grants_for


def access_point(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_access_point": getattr(request, "access_point", None),
        "user_grants": grants_for(user),
    }
