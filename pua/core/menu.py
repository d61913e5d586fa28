"""The main menu: groups of links, each link shown only to who may open it.

Apps depend one way and ``core`` on none of them, yet the menu gathers pages
of every app. So each app contributes its links through a function named in
``settings.MAIN_MENU`` (a dotted path looked up by name, as for
``CASE_PAGE_PANELS``): it takes the request and returns the ``Link``s the
user may open, deciding each with the same rule the page's view applies.
The menu is computed here, in Python, once per page; templates only loop.

Groups
    ``GROUPS`` fixes the groups and their order. A group shows only when at
    least one app gave it a link this user may open: the *employment*,
    *programme* and *monitoring* groups are declared for the apps that will
    fill them and stay hidden until then. An app adding a group adds it here,
    in its place, and names its function in ``settings.MAIN_MENU``.

Current page
    The link whose URL is the request's path is the current page
    (``aria-current="page"``). On a page below a link (a case under "Cases")
    the link with the longest matching URL is marked as the current section
    (``aria-current="true"``), and so is the group holding either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Group:
    key: str
    label: str


GROUPS = (
    Group("casework", _("Casework")),
    Group("network", _("Network")),
    Group("assessments", _("Assessments")),
    Group("employment", _("Employment")),
    Group("programme", _("Programme")),
    Group("monitoring", _("Monitoring")),
    Group("administration", _("Administration")),
)
_GROUP_KEYS = {group.key for group in GROUPS}


@dataclass(frozen=True)
class Link:
    """A page an app offers in the main menu, in one of ``GROUPS``."""

    group: str
    label: str
    url_name: str

    def __post_init__(self):
        if self.group not in _GROUP_KEYS:
            raise ValueError(f"Unknown main menu group {self.group!r}: declare it in pua.core.menu.GROUPS")


@dataclass
class MenuLink:
    label: str
    url: str
    current: str = ""  # "page", "true" (a page below this one) or ""


@dataclass
class MenuGroup:
    key: str
    label: str
    links: list[MenuLink] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)


def role_may(user, perm: str, obj=None) -> bool:
    """The permission ``perm`` as the user's roles grant it — the same answer
    as ``user.has_perm``, which no longer lets a superuser bypass the role
    rules (see ``pua.accounts.models.User.has_perm``)."""
    return user.has_perm(perm, obj)


@dataclass(frozen=True)
class Search:
    """The search box of the header: where it sends the query, its label and
    an example of what to type (the placeholder)."""

    url_name: str
    label: str
    placeholder: str = ""


def header_search(request) -> Search | None:
    """The app named in ``settings.MAIN_MENU_SEARCH`` decides whether the user
    gets a search box and what it searches."""
    user = getattr(request, "user", None)
    path = getattr(settings, "MAIN_MENU_SEARCH", "")
    if user is None or not user.is_authenticated or not path:
        return None
    return import_string(path)(request)


def _contributed_links(request) -> list[Link]:
    links: list[Link] = []
    for path in getattr(settings, "MAIN_MENU", ()):
        links.extend(import_string(path)(request))
    return links


def _mark_current(groups: list[MenuGroup], path: str) -> None:
    links = [link for group in groups for link in group.links]
    exact = [link for link in links if link.url == path]
    if exact:
        exact[0].current = "page"
        return
    # A page below a menu entry; "/" would be below everything, so it only counts exactly.
    below = [link for link in links if link.url != "/" and path.startswith(link.url)]
    if below:
        max(below, key=lambda link: len(link.url)).current = "true"


def main_menu(request) -> list[MenuGroup]:
    """The groups of links the signed-in user may open, in ``GROUPS`` order;
    empty groups are left out. The same URL is listed once."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    by_group = {group.key: MenuGroup(group.key, group.label) for group in GROUPS}
    seen: set[str] = set()
    for link in _contributed_links(request):
        url = reverse(link.url_name)
        if url in seen:
            continue
        seen.add(url)
        by_group[link.group].links.append(MenuLink(link.label, url))
    groups = [by_group[group.key] for group in GROUPS if by_group[group.key].links]
    _mark_current(groups, request.path)
    return groups
