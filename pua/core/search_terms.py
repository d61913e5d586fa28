"""Search terms that may identify someone stay out of URLs.

A name or a tax code typed in a search box would otherwise travel in the
query string, and so land in the server's access logs and in the browser's
history. The search forms post them instead (with the CSRF token); the view
keeps them in the session under a short random key and redirects to the same
page with ``?s=<key>`` in place of the terms. Filters that identify nobody
(status, dates, team, page) stay in the query string as they were, so
pagination, the back button and bookmarks of a filter keep working; a key
the session no longer holds simply finds no terms.

A view reads its form's data through ``search_data``::

    data, moved = search_data(request, ("q",))
    if moved:
        return moved
    form = FilterForm(data or None)
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode

from django.http import HttpResponseRedirect, QueryDict

SESSION_KEY = "search_terms"
PARAM = "s"
# The hidden field that tells a posted search from the other forms a page may post.
SUBMIT = "search"
KEEP = 30
_NOT_FILTERS = {"csrfmiddlewaretoken", SUBMIT, PARAM, "page"}


def stash(request, terms: dict[str, str]) -> str:
    """Keep ``terms`` in the session; the key that finds them again."""
    stored = dict(request.session.get(SESSION_KEY) or {})
    terms = {name: value for name, value in terms.items() if value}
    # The same search again (the live search posts at every pause in typing) keeps its key.
    key = next((k for k, v in stored.items() if v == terms), None) or secrets.token_urlsafe(6)
    stored.pop(key, None)
    stored[key] = terms
    # The oldest go first: a session holds the last few searches, not a history.
    request.session[SESSION_KEY] = dict(list(stored.items())[-KEEP:])
    return key


def recall(request, key: str | None = None) -> dict[str, str]:
    """The terms kept under ``key`` (by default the page's ``?s=``), or none."""
    key = key if key is not None else request.GET.get(PARAM, "")
    if not key or getattr(request, "session", None) is None:
        return {}
    return dict((request.session.get(SESSION_KEY) or {}).get(key) or {})


def url_with_terms(request, path: str, terms: dict[str, str], **filters) -> str:
    """``path`` with ``filters`` in the query string and ``terms`` behind a key."""
    params = {name: value for name, value in filters.items() if value not in (None, "")}
    terms = {name: value for name, value in terms.items() if value}
    if terms:
        params[PARAM] = stash(request, terms)
    return f"{path}?{urlencode(params)}" if params else path


def is_search_post(request) -> bool:
    return request.method == "POST" and SUBMIT in request.POST


def search_data(request, fields: tuple[str, ...] = ("q",)) -> tuple[QueryDict | None, HttpResponseRedirect | None]:
    """The data of the page's filter form, terms included, or a redirect.

    - a posted search (its form carries the hidden ``search`` field): the
      terms go to the session and the answer is a redirect to the page with
      the other filters and ``?s=<key>``;
    - a query string still holding a term (an old bookmark, a link from
      elsewhere): the same redirect, so the term leaves the address bar;
    - otherwise the query string with the terms of ``?s=`` put back in."""
    source = request.POST if is_search_post(request) else request.GET
    terms = {name: source.get(name, "").strip() for name in fields}
    if is_search_post(request) or any(name in request.GET for name in fields):
        filters = [(name, value) for name, values in source.lists() for value in values
                   if name not in _NOT_FILTERS and name not in fields and value != ""]
        if any(terms.values()):
            filters.append((PARAM, stash(request, terms)))
        query = urlencode(filters)
        return None, HttpResponseRedirect(f"{request.path}?{query}" if query else request.path)
    return with_recalled_terms(request, fields), None


def with_recalled_terms(request, fields: tuple[str, ...] = ("q",)) -> QueryDict | None:
    """The query string with the terms of its ``?s=`` key put back in, or
    None when nothing is left: the data of an unbound form."""
    data = request.GET.copy()
    for name, value in recall(request).items():
        if name in fields:
            data[name] = value
    data.pop(PARAM, None)
    return data or None
