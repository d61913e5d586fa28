"""Every view of the apps that hold person data says whether it audits what it shows."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from pua.core.audited import PERSON_DATA_MODULES, audited, marker, not_audited


def _patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def _person_data_views():
    return [(route, view) for route, view in _patterns(get_resolver())
            if view.__module__.startswith(PERSON_DATA_MODULES)]


def test_every_view_of_the_person_data_apps_is_marked_audited_or_not_audited():
    views = _person_data_views()
    assert len(views) > 80  # the walk reaches the people, cases, assessments and governance pages
    unmarked = [f"{route} ({view.__module__}.{view.__name__})" for route, view in views if marker(view) is None]
    assert unmarked == []


def test_every_not_audited_view_gives_its_reason():
    for _route, view in _person_data_views():
        found = marker(view)
        assert found.audited or found.reason.strip()


def test_a_marker_is_found_through_the_decorators_around_the_view():
    from django.contrib.auth.decorators import login_required
    from django.views.decorators.http import require_POST

    @login_required
    @require_POST
    @audited
    def inner(request):
        return None

    @audited
    @login_required
    def outer(request):
        return None

    @login_required
    def bare(request):
        return None

    assert marker(inner).audited and marker(outer).audited
    assert marker(bare) is None


def test_not_audited_refuses_an_empty_reason():
    with pytest.raises(ValueError):
        not_audited(reason=" ")
