"""Where can I send this person? — the search page and the two maps.

The maps draw what the API's GeoJSON endpoints return for the same filters;
each map page also lists the same items in a table, for people who cannot
use the map."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from pua.core.pagination import paginate

from . import search_selectors
from .models import Offering
from .search_forms import OfferingSearchForm, OrganisationMapForm


def _search_form(request):
    """The search form bound to the query string; distances are measured
    from the current access point's place unless another is given."""
    data = request.GET.copy()
    default = None
    if not data.get("municipality", "").strip():
        default = search_selectors.default_origin(request.access_point)
        if default is not None:
            data["municipality"] = str(default)
    return OfferingSearchForm(data, user=request.user, default_municipality=default)


def _results_page(request, form):
    results = (
        search_selectors.offering_search(user=request.user, **form.search_kwargs())
        if form.is_valid() else Offering.objects.none()
    )
    page = paginate(request, results)
    page.object_list = list(page.object_list)
    search_selectors.mark_freshness(page.object_list)
    return page


def _filters_query(request) -> str:
    """The search's filters as a query string, for the links between the
    list and the map: the same search, from its first page."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _results_context(request, form, page) -> dict:
    """The page's results, the suspended ones apart (they come last)."""
    taking = [offering for offering in page.object_list if not offering.is_suspended]
    return {
        "form": form,
        "page": page,
        "results": taking,
        "suspended_results": [offering for offering in page.object_list if offering.is_suspended],
        "suspended_start": page.start_index() + len(taking) if page.object_list else 0,
        "origin": form.cleaned_data.get("municipality") if form.is_valid() else None,
        "searched_text": bool(form.is_valid() and form.cleaned_data.get("q", "").strip()),
        "stale_after_days": search_selectors.STALE_AFTER_DAYS,
        "filters_query": _filters_query(request),
    }


def _map_settings(geojson_url):
    return {
        "geojson_url": geojson_url,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


def _url(name, params):
    url = reverse(name)
    return f"{url}?{urlencode(params)}" if params else url


@login_required
def offering_search(request):
    form = _search_form(request)
    context = _results_context(request, form, _results_page(request, form))
    template = "network/search/search.html"
    if request.htmx and request.htmx.target == "search-results":
        template += "#results"
    return render(request, template, context)


@login_required
def map_services(request):
    form = _search_form(request)
    params = form.api_params() if form.is_valid() else {}
    return render(request, "network/search/map_services.html", {
        **_results_context(request, form, _results_page(request, form)),
        "map": _map_settings(_url("api:geojson-offering-list", params)),
    })


@login_required
def map_organisations(request):
    form = OrganisationMapForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    organisations = search_selectors.organisation_map(
        user=request.user, kind=filters.get("kind", ""), access_point=filters.get("access_point"),
    )
    page = paginate(request, organisations)
    page.object_list = [(org, *search_selectors.organisation_location(org)) for org in page.object_list]
    params = form.api_params() if form.is_valid() else {}
    return render(request, "network/search/map_organisations.html", {
        "form": form,
        "page": page,
        "map": _map_settings(_url("api:geojson-organisation-list", params)),
    })
