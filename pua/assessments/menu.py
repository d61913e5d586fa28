"""The assessments' pages in the main menu (see ``pua.core.menu``), each
offered to the roles its view admits."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pua.core.menu import Link, role_may


def links(request) -> list[Link]:
    user = request.user
    offered = [
        (Link("assessments", _("Instruments"), "assessments:instrument_list"),
         role_may(user, "assessments.view_instrument")),
        (Link("assessments", _("Screening figures"), "assessments:aggregates"),
         role_may(user, "assessments.view_aggregates")),
        (Link("assessments", _("Outcome overrides"), "assessments:overrides"),
         role_may(user, "assessments.view_overrides")),
    ]
    return [link for link, allowed in offered if allowed]
