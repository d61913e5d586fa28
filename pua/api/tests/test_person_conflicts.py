"""A tax code registered already is a conflict (409) carrying the record the
caller may see — also when ten registrations of the same person race, where
the database's unique constraint decides and exactly one is created."""

import contextlib
import threading

import pytest
from codicefiscale import codicefiscale
from django.db import connection
from rest_framework.test import APIClient

from pua.people.models import Person
from pua.people.services import person_create

from .assertions import assert_error

URL = "/api/v1/persons/"
CODE = codicefiscale.encode(lastname="Quaglieri", firstname="Settimio", gender="M", birthdate="14/02/1979",
                            birthplace="Cremona")
PAYLOAD = {"first_name": "Settimio", "last_name": "Quaglieri", "sex": "male", "birth_date": "1979-02-14",
           "tax_code": CODE, "confirm_new": True}


def test_it_answers_409_with_the_person_already_registered_with_the_tax_code(api_as, world):
    existing = person_create(by=world.users["director"], access_point=world.ap_a, first_name="Settimio",
                             last_name="Quaglieri", sex="male", tax_code=CODE)

    error = assert_error(api_as(world.users["director"]).post(URL, PAYLOAD, format="json"), 409,
                         "duplicate_tax_code")

    assert error["id"] == existing.pk and error["url"].endswith(f"{URL}{existing.pk}/")
    assert Person.objects.count() == 1


def test_it_answers_a_bare_409_when_the_holder_of_the_tax_code_is_out_of_sight(api_as, world):
    person_create(by=world.other_director, access_point=world.ap_b, first_name="Settimio", last_name="Quaglieri",
                  sex="male", tax_code=CODE)

    error = assert_error(api_as(world.users["director"]).post(URL, PAYLOAD, format="json"), 409,
                         "duplicate_tax_code")

    assert "id" not in error and "url" not in error
    assert Person.objects.count() == 1


def test_the_person_page_shows_the_record_already_registered_with_the_tax_code(client, world):
    existing = person_create(by=world.users["director"], access_point=world.ap_a, first_name="Settimio",
                             last_name="Quaglieri", sex="male", tax_code=CODE)
    client.force_login(world.users["director"])

    response = client.post("/people/new/", {
        "first_name": "Settimio", "last_name": "Quaglieri", "sex": "male", "birth_date": "1979-02-14",
        "tax_code": CODE, "legal_status": "unknown", "education_level": "unknown",
        "employment_situation": "unknown", "confirm_new": "1"})

    assert response.status_code == 200
    assert existing.case_number in response.content.decode()
    assert "tax_code" in response.context["form"].errors
    assert Person.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_registrations_of_one_tax_code_create_one_person(reference_data, world):
    # SQLite's in-memory test database locks whole tables between
    # connections: there the requests take turns; PostgreSQL runs them at once.
    turns = threading.Lock() if connection.vendor == "sqlite" else contextlib.nullcontext()
    start = threading.Barrier(10, timeout=60)
    statuses = []

    def register():
        try:
            with turns:
                api = APIClient()
                api.force_login(world.users["director"])
            if connection.vendor != "sqlite":
                start.wait()
            with turns:
                statuses.append(api.post(URL, PAYLOAD, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [201] + [409] * 9
    assert Person.objects.filter(tax_code=CODE).count() == 1
