"""The audit trail and the record of processing activities in the main menu
(see ``pua.core.menu``), for who may open them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pua.core.menu import Link, role_may


def links(request) -> list[Link]:
    result = []
    if role_may(request.user, "core.view_auditentry"):
        result.append(Link("administration", _("Audit trail"), "governance:audit_list"))
    if role_may(request.user, "governance.view_processing_record"):
        result.append(Link("administration", _("Record of processing activities"), "privacy:processing_record"))
    return result
