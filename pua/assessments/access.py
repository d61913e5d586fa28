"""Who manages instruments, fills them in and reads the answers.

Instruments
    Administrators manage every instrument; a director manages the
    instruments of the access points they direct. Shipped instruments (no
    access point) are managed by administrators only. Every staff member who
    works with people sees the published instruments available at their
    access points.

Responses
    Filling in needs one of the instrument's ``fill_roles`` at the person's
    access point. Reading the answers needs one of its ``read_roles`` there.
    The *detail* of a screening marked ``restricted_detail`` (the
    exploitation screening) is for the case team of the response's case and
    the director; others allowed to read see the outcome only.
    Partners, board members, regional coordinators and administrators never
    see a response; board members and coordinators see suppressed aggregates.
"""

from __future__ import annotations

import rules
from django.db.models import Exists, OuterRef, Q, QuerySet

from pua.cases.models import CaseTeamMember
from pua.network.access import grants_for
from pua.network.models import AccessPoint, Role
from pua.people.access import PERSON_ROLES, restriction_condition
from pua.people.models import Person

from .models import Instrument, InstrumentVersion, Purpose, Response, VersionStatus

DIRECTOR_ROLES = frozenset({Role.DIRECTOR})
AGGREGATE_ROLES = frozenset({Role.DIRECTOR, Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.BOARD_VIEWER,
                             Role.REGIONAL_COORDINATOR})
# Purposes whose answers, beyond the outcome, stay within the case team.
RESTRICTED_DETAIL_PURPOSES = frozenset({Purpose.EXPLOITATION_SCREENING})


def _instrument_of(obj) -> Instrument | None:
    if isinstance(obj, Instrument):
        return obj
    if isinstance(obj, InstrumentVersion):
        return obj.instrument
    if isinstance(obj, Response):
        return obj.instrument_version.instrument
    return None


def _access_point_id(obj) -> int | None:
    if isinstance(obj, AccessPoint):
        return obj.pk
    if isinstance(obj, (Person, Response)):
        return obj.access_point_id
    return None


@rules.predicate
def manages_instrument(user, obj=None) -> bool:
    grants = grants_for(user)
    if grants.is_admin:
        return True
    instrument = _instrument_of(obj)
    if obj is None:
        return grants.has_role(DIRECTOR_ROLES)
    if instrument is None or instrument.access_point_id is None:
        return False
    return grants.has_role_at(DIRECTOR_ROLES, {instrument.access_point_id})


@rules.predicate
def sees_instrument(user, obj=None) -> bool:
    grants = grants_for(user)
    if obj is None:  # anywhere: may open the list of instruments
        return grants.is_admin or grants.has_role(PERSON_ROLES)
    instrument = _instrument_of(obj)
    if instrument is None:
        return False
    if instrument.access_point_id is None:
        return grants.has_role(PERSON_ROLES) or manages_instrument(user, instrument)
    return grants.has_role_at(PERSON_ROLES, {instrument.access_point_id}) or manages_instrument(user, instrument)


def _holds_listed_role(user, roles, access_point_id) -> bool:
    listed = set(roles or ()) & set(PERSON_ROLES)
    return access_point_id is not None and grants_for(user).has_role_at(listed, {access_point_id})


def may_fill(user, instrument: Instrument, person: Person) -> bool:
    """May ``user`` fill in ``instrument`` about ``person``?"""
    if instrument.access_point_id not in (None, person.access_point_id) or person.merged_into_id:
        return False
    if person.restricted_at is not None or person.erased_at is not None:  # frozen (people.access)
        return False
    return _holds_listed_role(user, instrument.fill_roles, person.access_point_id)


@rules.predicate
def fills_response(user, response) -> bool:
    return isinstance(response, Response) and may_fill(user, response.instrument_version.instrument, response.person)


@rules.predicate
def reads_response(user, response) -> bool:
    if not isinstance(response, Response):
        return False
    instrument = response.instrument_version.instrument
    return _holds_listed_role(user, instrument.read_roles, response.access_point_id)


@rules.predicate
def reads_response_detail(user, response) -> bool:
    if not reads_response(user, response):
        return False
    if response.instrument_version.instrument.purpose not in RESTRICTED_DETAIL_PURPOSES:
        return True
    if grants_for(user).has_role_at(DIRECTOR_ROLES, {response.access_point_id}):
        return True
    return response.case_id is not None and CaseTeamMember.objects.filter(
        case_id=response.case_id, user_id=user.pk, removed_at__isnull=True).exists()


@rules.predicate
def sees_aggregates(user) -> bool:
    return grants_for(user).is_admin or grants_for(user).has_role(AGGREGATE_ROLES)


rules.add_perm("assessments.manage_instrument", manages_instrument)
rules.add_perm("assessments.view_instrument", sees_instrument)
rules.add_perm("assessments.fill_response", fills_response)
rules.add_perm("assessments.view_response", reads_response)
rules.add_perm("assessments.view_response_detail", reads_response_detail)
rules.add_perm("assessments.review_outcome", reads_response_detail & fills_response)
rules.add_perm("assessments.view_aggregates", sees_aggregates)


@rules.predicate
def directs_an_access_point(user) -> bool:
    return grants_for(user).has_role(DIRECTOR_ROLES)


# The report of overridden screening outcomes ("overrides are reported"): it
# lists persons' screenings, so directors only; administrators never.
rules.add_perm("assessments.view_overrides", directs_an_access_point)


def may_view_overrides(user) -> bool:
    """The rule above as the user's roles grant it. Not ``user.has_perm``:
    Django grants a superuser every permission, and the administrator's
    account is a superuser that must see no response."""
    return rules.has_perm("assessments.view_overrides", user)


# --- querysets --------------------------------------------------------------------------

def visible_instruments(user) -> QuerySet[Instrument]:
    grants = grants_for(user)
    if grants.is_admin:
        return Instrument.objects.all()
    aps = grants.access_point_ids(PERSON_ROLES)
    condition = Q(access_point_id__in=aps)
    if aps:
        condition |= Q(access_point__isnull=True)
    return Instrument.objects.filter(condition)


def managed_instruments(user) -> QuerySet[Instrument]:
    grants = grants_for(user)
    if grants.is_admin:
        return Instrument.objects.all()
    return Instrument.objects.filter(access_point_id__in=grants.access_point_ids(DIRECTOR_ROLES))


def published_versions(user) -> QuerySet[InstrumentVersion]:
    return InstrumentVersion.objects.filter(instrument__in=visible_instruments(user), instrument__is_active=True,
                                            status=VersionStatus.PUBLISHED)


def visible_responses(user) -> QuerySet[Response]:
    """Responses whose outcome the user may read: a read role listed by the
    instrument, held at the response's access point. Instruments are few, so
    their role lists are read in one query (JSON containment is not portable)."""
    grants = grants_for(user)
    roles = set(grants.roles()) & set(PERSON_ROLES)
    condition = Q(pk__in=[])
    if roles:
        instruments = list(Instrument.objects.values_list("pk", "read_roles"))
        for role in roles:
            ids = [pk for pk, read_roles in instruments if role in (read_roles or ())]
            if ids:
                condition |= Q(access_point_id__in=grants.access_point_ids({role}),
                               instrument_version__instrument_id__in=ids)
    return Response.objects.filter(condition).filter(restriction_condition(user, "person__"))


def detail_condition(user) -> Q:
    """Of ``visible_responses``: those whose detail the user may read."""
    grants = grants_for(user)
    in_team = Exists(CaseTeamMember.objects.filter(case_id=OuterRef("case_id"), user_id=user.pk,
                                                   removed_at__isnull=True))
    return (~Q(instrument_version__instrument__purpose__in=RESTRICTED_DETAIL_PURPOSES)
            | Q(access_point_id__in=grants.access_point_ids(DIRECTOR_ROLES)) | in_team)


def directed_responses(user) -> QuerySet[Response]:
    """Of ``visible_responses``: those of the access points ``user`` directs."""
    return visible_responses(user).filter(access_point_id__in=grants_for(user).access_point_ids(DIRECTOR_ROLES))
