"""The API documentation in the main menu (see ``pua.core.menu``): for
anyone with a role, since the API answers each user as the pages do."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pua.core.menu import Link
from pua.network.access import grants_for


def links(request) -> list[Link]:
    grants = grants_for(request.user)
    if not (grants.is_admin or grants.grants):
        return []
    return [Link("administration", _("API documentation"), "api:docs")]
