"""The network directory's pages in the main menu (see ``pua.core.menu``).

Each link is offered when its view would open for the user's roles: the
directory pages to anyone with a role (partners see their own organisation
and its offerings), the tools for referring and the agreements to the roles
that see the network, the contact log and imports as their views require.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pua.core.menu import Link, role_may

from .access import NETWORK_VIEW_ROLES, grants_for


def links(request) -> list[Link]:
    user = request.user
    grants = grants_for(user)
    has_role = grants.is_admin or bool(grants.grants)
    sees_network = grants.is_admin or grants.has_role(NETWORK_VIEW_ROLES)
    # Imports and exports go into the access point the user works at now, which they must direct.
    access_point = getattr(request, "access_point", None)
    imports = role_may(user, "network.add_importjob") and access_point is not None and role_may(
        user, "network.change_accesspoint", access_point)
    offered = [
        (Link("network", _("Organisations"), "network:organisation_list"), has_role),
        (Link("network", _("Where to refer"), "network:offering_search"), sees_network),
        (Link("network", _("Services"), "network:offering_list"), has_role),
        (Link("network", _("Catalogue"), "network:service_catalogue"), role_may(user, "network.view_service")),
        (Link("network", _("Maps"), "network:map_services"), sees_network),
        (Link("network", _("Agreements"), "network:agreement_list"), sees_network),
        (Link("network", _("Contact log"), "network:network_contact_list"),
         role_may(user, "network.add_networkcontact")),
        (Link("network", _("Import and export"), "network:import_list"), imports),
        (Link("administration", _("Territories and access points"), "network:access_point_list"), has_role),
        (Link("administration", _("Users"), "network:user_list"), role_may(user, "accounts.add_user")),
    ]
    return [link for link, allowed in offered if allowed]
