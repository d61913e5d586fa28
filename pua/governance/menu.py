"""The audit trail in the main menu (see ``pua.core.menu``), for who may browse it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pua.core.menu import Link, role_may


def links(request) -> list[Link]:
    if not role_may(request.user, "core.view_auditentry"):
        return []
    return [Link("administration", _("Audit trail"), "governance:audit_list")]
