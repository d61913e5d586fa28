"""Factories for organisation profiles (sites, contact persons, offerings);
synthetic data only. The catalogue comes from the reference migration."""

import factory
from django.utils import timezone

from pua.network.models import ContactPerson, Municipality, Offering, Service, Site


def catalogue(code: str) -> Service:
    """A shared catalogue entry by code."""
    return Service.objects.get(code=code, programme__isnull=True)


def cremona() -> Municipality:
    return Municipality.objects.get(istat_code="019036")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"Sede {n}")
    address = "Via Roma 1"
    municipality = factory.LazyFunction(cremona)


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson

    name = factory.Sequence(lambda n: f"Referente {n}")
    role = "Coordinatrice"
    phone = "+39 0372 123456"
    email = factory.Sequence(lambda n: f"referente{n}@example.org")


class OfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offering

    service = factory.LazyFunction(lambda: catalogue("F2.4.c"))
    last_confirmed_at = factory.LazyFunction(timezone.now)
