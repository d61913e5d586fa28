"""A person with a little of everything PUA holds, written through the
people service (so the audit trail is the real one) and the factories;
for these tests and the browser test of the erasure."""

import datetime

from codicefiscale import codicefiscale
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from pua.cases.models import CaseDocument, CaseEvent, CaseNote, ReferralStatus
from pua.cases.tests.factories import (
    CaseFactory,
    ConsentFactory,
    ContactFactory,
    InterventionFactory,
    PlanActionFactory,
    PlanFactory,
    PlanGoalFactory,
    ReferralFactory,
    TaskFactory,
)
from pua.people.services import person_create, residence_permit_add

FIRST, LAST = "Ermenegildo", "Zappacosta"
BIRTH_DATE = datetime.date(1984, 3, 9)
TAX_CODE = codicefiscale.encode(lastname=LAST, firstname=FIRST, gender="M", birthdate="09/03/1984",
                                birthplace="Cremona")


def make_subject(world):
    """The data subject, at access point A, with a case shared with the partner organisation."""
    director = world.users["director"]
    person = person_create(
        by=director, access_point=world.ap_a, first_name=FIRST, last_name=LAST, sex="male", birth_date=BIRTH_DATE,
        birth_place="Cremona", tax_code=TAX_CODE, phone="+39 333 918 2745", email="e.zappacosta@example.org",
        household_notes=f"Vive con la sorella di {FIRST}", aliases=["Gildo Zappa"])
    residence_permit_add(person, by=director, kind="work", number="ZX9918273",
                         expires_on=timezone.localdate() + datetime.timedelta(days=400))
    case = CaseFactory(person=person, number=f"{person.case_number}/1", closure_outcome="")
    CaseEvent.objects.create(case=case, kind="status", occurred_at=timezone.now(), actor=director,
                             summary="Presa in carico", data={"reason": f"Colloquio con {LAST} in sede"})
    CaseNote.objects.create(case=case, author=director, text=f"{FIRST} ha chiesto aiuto", restricted=True)
    ContactFactory(access_point=world.ap_a, person=person, alias="Gildo Zappa", operator=director,
                   needs_expressed=f"{FIRST} cerca lavoro")
    ConsentFactory(person=person, organisation=world.partner_org, recorded_by=director)
    ReferralFactory(person=person, access_point=world.ap_a, case=case, organisation=world.partner_org,
                    status=ReferralStatus.ACCEPTED, reason=f"Inserimento lavorativo per {LAST}")
    plan = PlanFactory(case=case)
    goal = PlanGoalFactory(plan=plan, description=f"Patente per {FIRST}")
    PlanActionFactory(goal=goal, plan=plan, provider=world.partner_org, outcome_note="")
    InterventionFactory(case=case, notes=f"Nota riservata su {LAST}", notes_restricted=True)
    TaskFactory(access_point=world.ap_a, case=case, assignee=director, title=f"Chiamare {LAST}")
    CaseDocument.objects.create(
        person=person, case=case, kind="identity", title=f"Carta d'identita {LAST}",
        file=SimpleUploadedFile("carta.pdf", b"%PDF-1.4 synthetic identity card"), content_type="application/pdf",
        size=32, uploaded_by=director)
    person.refresh_from_db()
    return person
