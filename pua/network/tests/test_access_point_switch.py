"""The access-point switch: it goes back to the page it was used on, never
to another site, and a bad value is a clear message, not an error page."""

import pytest
from django.urls import reverse

from pua.core.audit import SESSION_ACCESS_POINT_KEY
from pua.network.models import Membership

SWITCH = reverse("network:access_point_switch")


@pytest.fixture
def two_places(world):
    director = world.users["director"]
    Membership.objects.get(user=director).access_points.add(world.ap_b)
    return director


def test_it_returns_to_the_page_it_was_used_on(world, login, two_places):
    response = login(two_places).post(SWITCH, {"access_point": world.ap_b.pk, "next": "/people/?page=2"})
    assert response.status_code == 302 and response.url == "/people/?page=2"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "http://evil.example/people/",
                                    "javascript:alert(1)", "https:///evil.example"])
def test_it_never_sends_to_another_site(world, login, two_places, target):
    client = login(two_places)
    response = client.post(SWITCH, {"access_point": world.ap_b.pk, "next": target})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session[SESSION_ACCESS_POINT_KEY] == world.ap_b.pk


@pytest.mark.parametrize("value", ["abc", "", "1.5", "-1", "9" * 30])
def test_a_bad_access_point_is_a_message_not_an_error(world, login, two_places, english_personas, value):
    client = login(two_places)
    response = client.post(SWITCH, {"access_point": value, "next": "/people/"}, follow=True)
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert "Choose an access point from the list." in response.content.decode()
