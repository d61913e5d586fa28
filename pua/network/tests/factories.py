"""Factories for the network; synthetic data only (Faker it_IT)."""

import factory
from django.contrib.auth import get_user_model
from faker import Faker

from pua.network.models import (
    AccessPoint,
    Membership,
    Municipality,
    Organisation,
    OrganisationKind,
    Programme,
    Territory,
)
from pua.network.search_text import search_text as tokens_of

fake = Faker("it_IT")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyFunction(fake.first_name)
    last_name = factory.LazyFunction(fake.last_name)
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("Test-Password-2026!")
    preferred_language = "it"


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["istat_code"]

    istat_code = factory.Sequence(lambda n: f"{900000 + n:06d}")
    name = factory.LazyFunction(fake.city)
    province = "CR"
    region = "Lombardia"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"programme-{n}")
    name = factory.Sequence(lambda n: f"Programme {n}")


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Ambito {n}")
    kind = "social_district"
    region = "Lombardia"
    province = "CR"


class AccessPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessPoint

    name = factory.Sequence(lambda n: f"PUA {n}")
    territory = factory.SubFactory(TerritoryFactory)
    programme = factory.SubFactory(ProgrammeFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.LazyFunction(lambda: f"{fake.company()} {fake.unique.random_int(1, 10**6)}")
    kind = OrganisationKind.SOCIAL_COOP_B
    search_text = factory.LazyAttribute(lambda o: tokens_of(o.name))  # as the services write it

    @factory.post_generation
    def access_points(self, create, extracted, **kwargs):
        if create and extracted:
            self.access_points.set(extracted)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "social_expert"

    @factory.post_generation
    def access_points(self, create, extracted, **kwargs):
        if create and extracted:
            self.access_points.set(extracted)
