from django.utils.functional import SimpleLazyObject

from pua.core.menu import header_search, main_menu

from .access import grants_for, visible_access_points


def access_point(request):
    """What the header of every page shows: where the user works, the main
    menu (only the pages the user may open) and the search box."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "current_access_point": getattr(request, "access_point", None),
        "user_grants": grants_for(user),
        "switchable_access_points": SimpleLazyObject(
            lambda: list(visible_access_points(user).filter(is_active=True).order_by("name"))
        ),
        "main_menu": SimpleLazyObject(lambda: main_menu(request)),
        "header_search": SimpleLazyObject(lambda: header_search(request)),
    }
