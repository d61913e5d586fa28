"""The organisation list runs a fixed number of queries, however long the page."""

import pytest

from pua.network.models import Organisation

URL = "/api/v1/organisations/"
# Session, user, grants, current access point, count, page, access points of
# the page, then the session save (savepoint, update, release). What matters
# is that it does not grow with the rows.
MAX_QUERIES = 10


def _bulk_organisations(count, access_points):
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Ente {n:04d}", kind="social_coop_b") for n in range(count)
    )
    Link = Organisation.access_points.through
    Link.objects.bulk_create(
        Link(organisation_id=organisation.pk, accesspoint_id=access_point.pk)
        for organisation in organisations for access_point in access_points
    )


@pytest.mark.parametrize("count", [10, 1000])
def test_it_lists_organisations_in_a_fixed_number_of_queries(api_as, world, django_assert_max_num_queries, count):
    _bulk_organisations(count, [world.ap_a, world.ap_b])
    api = api_as(world.users["director"])

    with django_assert_max_num_queries(MAX_QUERIES):
        response = api.get(URL, {"page_size": 200})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == count + 3
    assert len(body["results"]) == min(count + 3, 200)
    assert all(row["access_points"] for row in body["results"])


def test_it_issues_the_same_queries_for_ten_and_for_a_thousand_organisations(api_as, world,
                                                                            django_assert_max_num_queries):
    api = api_as(world.users["director"])
    api.get(URL)  # settle the session and the current access point
    counts = []
    for count in (10, 990):
        _bulk_organisations(count, [world.ap_a])
        with django_assert_max_num_queries(MAX_QUERIES) as captured:
            assert api.get(URL, {"page_size": 200}).status_code == 200
        counts.append(len(captured.captured_queries))

    assert counts[0] == counts[1]
