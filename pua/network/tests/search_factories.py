"""Factories for the search tests: sites and offerings placed at real
municipalities (the reference data loaded by migration has their points)."""

import factory
from django.utils import timezone

from pua.network.geo import offering_point
from pua.network.models import Language, Municipality, Offering, Service, Site, TargetGroup
from pua.network.search_text import search_text as tokens_of

from .factories import OrganisationFactory

# Real ISTAT codes, with the distance from Frosinone of their reference points.
FROSINONE = "060038"
TORRICE = "060079"    # 5.3 km
CECCANO = "060024"    # 7.6 km
VEROLI = "060085"     # 8.7 km
FERENTINO = "060033"  # 9.1 km
ALATRI = "060003"     # 10.2 km
CASSINO = "060019"    # 44 km
MILANO = "015146"     # 545 km


def municipality(istat_code) -> Municipality:
    return Municipality.objects.get(istat_code=istat_code)


def service(code) -> Service:
    return Service.objects.get(code=code, programme__isnull=True)


def _point(offering, index):
    if offering.site is None and offering.municipality is not None:
        return (offering.municipality.latitude, offering.municipality.longitude)[index]
    latitude, longitude, _ = offering_point(site=offering.site, organisation=offering.organisation)
    return (latitude, longitude)[index]


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Sede {n}")
    address = factory.Sequence(lambda n: f"Via Roma {n}")
    municipality = factory.LazyFunction(lambda: municipality(FROSINONE))


class OfferingFactory(factory.django.DjangoModelFactory):
    """``languages`` and ``target_groups`` take codes; the point defaults to
    the site's, else the municipality's (as the profile services compute it)."""

    class Meta:
        model = Offering
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    service = factory.LazyFunction(lambda: service("F2.4.c"))
    site = None
    municipality = factory.LazyAttribute(lambda o: o.site.municipality if o.site else municipality(FROSINONE))
    latitude = factory.LazyAttribute(lambda o: _point(o, 0))
    longitude = factory.LazyAttribute(lambda o: _point(o, 1))
    last_confirmed_at = factory.LazyFunction(timezone.now)
    referral_phone = "0775 000000"
    description = ""
    search_text = factory.LazyAttribute(lambda o: tokens_of(o.description))  # as the services write it

    @factory.post_generation
    def languages(self, create, extracted, **kwargs):
        if create and extracted:
            self.languages.set(Language.objects.filter(code__in=extracted))

    @factory.post_generation
    def target_groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_groups.set(TargetGroup.objects.filter(code__in=extracted))
