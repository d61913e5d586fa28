"""Factories for people and the case journey; synthetic data only (Faker it_IT).

They write rows directly, for arranging tests. Behaviour under test goes
through the services and real URLs.
"""

import datetime

import factory
from django.utils import timezone
from faker import Faker

from pua.cases.models import (
    Case,
    CaseStatus,
    CaseTeamMember,
    Consent,
    ConsentPurpose,
    Contact,
    ContactChannel,
    EligibilityCriterion,
    GoalArea,
    Intervention,
    InterventionKind,
    Plan,
    PlanAction,
    PlanGoal,
    Referral,
    ReferralDirection,
    Task,
    TeamRole,
)
from pua.network.models import Service
from pua.network.tests.factories import AccessPointFactory, OrganisationFactory, UserFactory
from pua.people.models import Person

fake = Faker("it_IT")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    case_number = factory.Sequence(lambda n: f"P-2026-{n + 900000:06d}")
    access_point = factory.SubFactory(AccessPointFactory)
    first_name = factory.LazyFunction(fake.first_name)
    last_name = factory.LazyFunction(fake.last_name)
    birth_year = factory.LazyFunction(lambda: fake.random_int(1960, 2005))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    access_point = factory.SubFactory(AccessPointFactory)
    occurred_at = factory.LazyFunction(timezone.now)
    channel = ContactChannel.STREET_UNIT
    operator = factory.SubFactory(UserFactory)
    alias = factory.LazyFunction(fake.first_name)


class ConsentFactory(factory.django.DjangoModelFactory):
    """A sharing consent with an organisation unless told otherwise."""

    class Meta:
        model = Consent

    person = factory.SubFactory(PersonFactory)
    purpose = ConsentPurpose.SHARING
    organisation = factory.SubFactory(OrganisationFactory)
    given_at = factory.LazyFunction(timezone.now)
    recorded_by = factory.SubFactory(UserFactory)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    access_point = factory.LazyAttribute(lambda c: c.person.access_point)
    number = factory.LazyAttribute(lambda c: f"{c.person.case_number}/1")
    status = CaseStatus.TAKEN_IN_CHARGE
    status_changed_at = factory.LazyFunction(timezone.now)
    opened_at = factory.LazyFunction(timezone.now)


class CaseTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseTeamMember

    case = factory.SubFactory(CaseFactory)
    user = factory.SubFactory(UserFactory)
    role = TeamRole.SOCIAL_EXPERT
    added_at = factory.LazyFunction(timezone.now)


def any_service() -> Service:
    """A catalogue service (the catalogue is reference data loaded by migration)."""
    return Service.objects.order_by("sort_key", "id").first()


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    direction = ReferralDirection.OUTBOUND
    person = factory.SubFactory(PersonFactory)
    access_point = factory.LazyAttribute(lambda r: r.person.access_point)
    organisation = factory.SubFactory(OrganisationFactory)
    service = factory.LazyFunction(any_service)
    reason = "Orientamento al lavoro"
    sent_at = factory.LazyFunction(timezone.now)


class EligibilityCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityCriterion

    access_point = factory.SubFactory(AccessPointFactory)
    kind = "document"
    label = factory.Sequence(lambda n: f"Documento di identità {n}")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    case = factory.SubFactory(CaseFactory)
    next_review_due = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))


class PlanGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanGoal

    plan = factory.SubFactory(PlanFactory)
    area = GoalArea.WORK
    description = "Trovare un lavoro regolare"


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanAction

    goal = factory.SubFactory(PlanGoalFactory)
    plan = factory.LazyAttribute(lambda a: a.goal.plan)
    service = factory.LazyFunction(any_service)
    provider = factory.SubFactory(OrganisationFactory)


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    case = factory.SubFactory(CaseFactory)
    occurred_on = factory.LazyFunction(timezone.localdate)
    kind = InterventionKind.SUPPORT_INTERVIEW
    duration_minutes = 45


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    access_point = factory.SubFactory(AccessPointFactory)
    title = "Richiamare per appuntamento"
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    assignee = factory.SubFactory(UserFactory)
