"""Reads for eligibility criteria and intake decisions, scoped through ``access``."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from . import access
from .models import Case, EligibilityCriterion, IntakeCriterionCheck, IntakeDecision, Referral, ReferralDirection


def criteria_of(access_point_id, *, active: bool | None = None) -> QuerySet[EligibilityCriterion]:
    """An access point's criteria in their order (all, or only active / inactive ones)."""
    qs = EligibilityCriterion.objects.filter(access_point_id=access_point_id)
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("sort_order", "id")


def criterion_get(user, pk) -> EligibilityCriterion | None:
    """A criterion of an access point where the user works with people; None otherwise."""
    return (EligibilityCriterion.objects.filter(access_point_id__in=access.journey_access_point_ids(user))
            .select_related("access_point").filter(pk=pk).first())


def intake_case_get(user, pk) -> Case | None:
    return access.visible_cases(user).select_related("person", "access_point").filter(pk=pk).first()


def _decisions() -> QuerySet[IntakeDecision]:
    checks = IntakeCriterionCheck.objects.select_related("criterion").order_by("criterion__sort_order", "id")
    return IntakeDecision.objects.select_related("case", "case__person", "decided_by", "referred_to").prefetch_related(
        Prefetch("checks", queryset=checks))


def decisions_of(case) -> list[IntakeDecision]:
    """The case's intake decisions, newest first (a reopened case may have several)."""
    return list(_decisions().filter(case=case).order_by("-decided_at", "-id"))


def decision_get(user, pk) -> IntakeDecision | None:
    return _decisions().filter(case__in=access.visible_cases(user), pk=pk).first()


def referrals_of_decision(decision) -> list[Referral]:
    """The outbound referrals to the organisation a person not eligible was sent to."""
    if decision.referred_to_id is None:
        return []
    return list(Referral.objects.filter(case_id=decision.case_id, direction=ReferralDirection.OUTBOUND,
                                        organisation_id=decision.referred_to_id).select_related("organisation", "service"))
