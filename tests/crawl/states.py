"""Objects in the states the demo generator leaves out, written through the
services like a user would: a merged person, and referrals to the demo
partner's organisation in every state (waiting, accepted, declined, reported
on, withdrawn) at each staffed access point.

Run inside the crawl site's Django (``manage.py shell``, see ``site.py``).
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from pua.cases import consents_services, merge_services, referrals_services
from pua.cases.models import OPEN_STATUSES, Case, Consent, ConsentPurpose, Referral
from pua.network.models import Membership, Offering, Role
from pua.people.models import Person

REASON = "Attivazione del servizio concordato con la persona."


def _referrals_to(partner, *, worker) -> int:
    """One outbound referral per state to the partner's organisation, on open cases of the worker's access point."""
    organisation = partner.memberships.get().organisation
    access_point = worker.memberships.get().access_points.get()
    offering = Offering.objects.filter(organisation=organisation, is_active=True).select_related("service").first()
    cases = list(Case.objects.filter(access_point=access_point, closed_at__isnull=True, person__merged_into=None)
                 .exclude(referrals__organisation=organisation).order_by("pk")[:5])
    shared = set(Consent.objects.filter(purpose=ConsentPurpose.SHARING, organisation=organisation,
                                        withdrawn_at__isnull=True).values_list("person_id", flat=True))
    for case in cases:
        if case.person_id not in shared:
            consents_services.consent_give(person=case.person, purpose=ConsentPurpose.SHARING,
                                           organisation=organisation, by=worker)
    made = [referrals_services.referral_create_outbound(case=case, offering=offering, service=offering.service,
                                                        reason=REASON, by=worker) for case in cases]
    waiting, accepted, declined, reported, withdrawn = made
    referrals_services.referral_accept(referral=accepted, by=partner, reason="Presa in carico la prossima settimana.")
    referrals_services.referral_decline(referral=declined, by=partner, reason="Nessun posto disponibile.")
    referrals_services.referral_accept(referral=reported, by=partner)
    referrals_services.referral_report(referral=Referral.objects.get(pk=reported.pk), by=partner,
                                       report="Percorso concluso: la persona ha completato il tirocinio.")
    referrals_services.referral_withdraw(referral=withdrawn, by=worker)
    assert waiting.status == "sent"
    return len(made)


def _merge_one(director) -> None:
    access_point = director.memberships.get().access_points.get()
    # The record merged away has no tax code and only closed cases (both may not have an open one).
    candidates = Person.objects.filter(access_point=access_point, merged_into=None, tax_code__isnull=True)
    merge = candidates.exclude(cases__status__in=OPEN_STATUSES).order_by("pk").first()
    keep = candidates.exclude(pk=merge.pk).order_by("pk").first()
    merge_services.person_merge(keep=keep, merge=merge, by=director)


@transaction.atomic
def states_build() -> None:
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["direttore", "sociale", "partner", "direttore_fr", "sociale_fr", "partner_fr"])}
    assert Membership.objects.filter(role=Role.PARTNER_OPERATOR).exists()
    for suffix in ("", "_fr"):
        _referrals_to(users[f"partner{suffix}"], worker=users[f"sociale{suffix}"])
        _merge_one(users[f"direttore{suffix}"])

