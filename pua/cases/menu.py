"""The case journey's pages in the main menu (see ``pua.core.menu``), and
the header's search box.

The casework group is for the staff of an access point and for partner
operators; nobody else works with persons. Each link asks the rule its view
asks: the roles that work with people anywhere for the lists, the partner's
own page for partners, and, for eligibility criteria and privacy notices,
the access point the user works at now (their views show that one).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pua.core.menu import Link, Search, role_may
from pua.network.access import grants_for
from pua.people.access import PERSON_ROLES

from . import access, find_selectors


def links(request) -> list[Link]:
    user = request.user
    grants = grants_for(user)
    staff = grants.has_role(PERSON_ROLES)
    partner = grants.has_role(access.PARTNER_ROLES)
    access_point = getattr(request, "access_point", None)
    offered = [
        # Staff have My work as their home page; partners have their own.
        (Link("casework", _("My work"), "home"), staff),
        (Link("casework", _("My work"), "cases:my_work"), partner and not staff),
        (Link("casework", _("People"), "people:person_list"), role_may(user, "people.add_person")),
        (Link("casework", _("Contacts"), "cases:contact_list"), role_may(user, "cases.add_contact")),
        (Link("casework", _("Cases"), "cases:case_list"), role_may(user, "cases.list_cases")),
        (Link("casework", _("Referrals"), "cases:referral_list"), staff or partner),
        (Link("casework", _("Tasks and appointments"), "cases:task_list"), role_may(user, "cases.add_task")),
        (Link("administration", _("Eligibility criteria"), "cases:eligibility_list"),
         access_point is not None and role_may(user, "cases.manage_eligibility", access_point)),
        (Link("administration", _("Privacy notices"), "cases:privacy_notice_list"),
         access_point is not None and role_may(user, "cases.view_consent", access_point)),
    ]
    return [link for link, allowed in offered if allowed]


def search(request) -> Search | None:
    """Everyone with a role searches organisations; those who work with
    persons (staff, partners) search cases and persons too."""
    kinds = find_selectors.kinds_for(request.user)
    if not kinds:
        return None
    if find_selectors.PERSONS in kinds:
        return Search("find:results", _("Search cases, people and organisations"),
                      _("Case number, name or organisation"))
    return Search("find:results", _("Search organisations"), _("Organisation name"))
