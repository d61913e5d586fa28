"""A network edit form opened before someone else's change is refused on
save with the shared conflict notice — never a silent overwrite."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from pua.network import services
from pua.network.models import Organisation


@pytest.fixture(autouse=True)
def _english(settings, world):
    settings.LANGUAGE_CODE = "en"
    get_user_model().objects.update(preferred_language="en")


def _posted(form, **overrides):
    """What a browser would send back for ``form`` as opened, with ``overrides``."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else value
    data.update(overrides)
    return data


def test_a_stale_organisation_form_shows_who_changed_what_and_keeps_the_input(world, client):
    director, other = world.users["director"], world.users["social_expert"]
    url = reverse("network:organisation_edit", args=[world.org_a.pk])
    client.force_login(director)
    opened = client.get(url).context["form"]
    services.organisation_update(organisation=Organisation.objects.get(pk=world.org_a.pk), by=other,
                                 name="Cooperativa Alfa Sociale")

    response = client.post(url, _posted(opened, name="Cooperativa Alfa ETS"))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Changed by {other.get_full_name()} at " in page and "since you opened it" in page
    assert "Not saved: this record changed meanwhile" in page
    rows = {row["label"]: (row["yours"], row["stored"]) for row in response.context["form"].conflict["rows"]}
    assert rows["Name"] == ("Cooperativa Alfa ETS", "Cooperativa Alfa Sociale")
    assert 'value="Cooperativa Alfa ETS"' in page
    stored = Organisation.objects.get(pk=world.org_a.pk)
    assert stored.name == "Cooperativa Alfa Sociale"
    assert f'name="version" value="{stored.version}"' in page
