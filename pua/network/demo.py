"""Demo data: two programmes, two territories and their networks, and one
demo login per role.

Modelled on the seed documents: INLAV Lombardia (PUA plan template) with the
Cremona ambito (Cremona/Crema seed), and NAUTILUS 2 with the socio-welfare
district B of the province of Frosinone. The Frosinone partners are named as
in the NAUTILUS 2 seed; on the Lombardy side public bodies carry their real
names and third-sector bodies and the company are invented. Municipalities
use their real ISTAT codes. No tax codes or VAT numbers: real bodies must not
get made-up identifiers, and invented ones are not needed for a demo.

``demo_load`` upserts by natural key (ISTAT code, programme code, names,
username), so loading twice duplicates nothing; reloading does put demo rows
back to the values below and resets the demo users' passwords to
``settings.DEMO_PASSWORD``. It writes models directly, with no audit entries:
this is set-up, not someone's action.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from faker import Faker

from .models import (
    AccessPoint,
    AccessPointKind,
    Membership,
    Municipality,
    Organisation,
    OrganisationKind,
    Programme,
    Role,
    Territory,
    TerritoryKind,
)

INLAV = "inlav-lombardia"
NAUTILUS = "nautilus-2"
PUA_CREMONA = "PUA Ambito di Cremona"
UTI_FROSINONE = "UTI Distretto B Frosinone"

# (ISTAT code, name, province, region)
MUNICIPALITIES = [
    # Ambito territoriale sociale di Cremona (a selection of its municipalities).
    ("019036", "Cremona", "CR", "Lombardia"),
    ("019006", "Bonemerse", "CR", "Lombardia"),
    ("019026", "Castelverde", "CR", "Lombardia"),
    ("019048", "Gerre de' Caprioli", "CR", "Lombardia"),
    ("019056", "Malagnino", "CR", "Lombardia"),
    ("019068", "Persico Dosimo", "CR", "Lombardia"),
    ("019095", "Sesto ed Uniti", "CR", "Lombardia"),
    ("019099", "Sospiro", "CR", "Lombardia"),
    ("019100", "Spinadesco", "CR", "Lombardia"),
    ("019103", "Stagno Lombardo", "CR", "Lombardia"),
    # Distretto socio-assistenziale B, provincia di Frosinone (a selection).
    ("060038", "Frosinone", "FR", "Lazio"),
    ("060009", "Arnara", "FR", "Lazio"),
    ("060024", "Ceccano", "FR", "Lazio"),
    ("060041", "Giuliano di Roma", "FR", "Lazio"),
    ("060048", "Patrica", "FR", "Lazio"),
    ("060055", "Pofi", "FR", "Lazio"),
    ("060058", "Ripi", "FR", "Lazio"),
    ("060076", "Supino", "FR", "Lazio"),
    ("060079", "Torrice", "FR", "Lazio"),
]

CREMONA = "019036"
FROSINONE = "060038"

PROGRAMMES = [
    {
        "code": INLAV,
        "name": "INLAV Lombardia – Integrazione lavoro Lombardia",
        "funder": "POC al PON Inclusione, con il contributo del Fondo Sociale Europeo 2014-2020",
        "description": (
            "Punti Unici di Accesso negli Ambiti Territoriali Sociali lombardi per l'emersione dal lavoro "
            "sommerso e il contrasto allo sfruttamento lavorativo: contatto e identificazione, presa in carico, "
            "interventi sociali, formativi e di inserimento lavorativo, housing e mobilità."
        ),
        "lead": "Regione Lombardia",
    },
    {
        "code": NAUTILUS,
        "name": "NAUTILUS 2",
        "funder": "Fondo Nazionale Lotta alla Droga (FNLD) – Provincia di Frosinone",
        "description": (
            "Rete provinciale per l'inserimento formativo e lavorativo di persone ex tossicodipendenti: "
            "quattro Unità Territoriali di Inserimento distrettuali, broker sociali, orientatori e "
            "accompagnamento al lavoro; circa 100 prese in carico e almeno 50 inserimenti."
        ),
        "lead": "Provincia di Frosinone",
    },
]

TERRITORIES = [
    {
        "name": "Ambito Territoriale Sociale di Cremona",
        "kind": TerritoryKind.SOCIAL_DISTRICT,
        "region": "Lombardia",
        "province": "CR",
        "lead": "Comune di Cremona",
        "municipalities": [code for code, _, province, _ in MUNICIPALITIES if province == "CR"],
    },
    {
        "name": "Distretto socio-assistenziale B – Frosinone",
        "kind": TerritoryKind.SOCIO_WELFARE_DISTRICT,
        "region": "Lazio",
        "province": "FR",
        "lead": "Comune di Frosinone",
        "municipalities": [code for code, _, province, _ in MUNICIPALITIES if province == "FR"],
    },
]

ACCESS_POINTS = [
    {
        "name": PUA_CREMONA,
        "kind": AccessPointKind.SINGLE_ACCESS_POINT,
        "territory": "Ambito Territoriale Sociale di Cremona",
        "programme": INLAV,
        "municipality": CREMONA,
        "email": "pua.cremona@example.org",
    },
    {
        "name": UTI_FROSINONE,
        "kind": AccessPointKind.PLACEMENT_UNIT,
        "territory": "Distretto socio-assistenziale B – Frosinone",
        "programme": NAUTILUS,
        "municipality": FROSINONE,
        "email": "uti.frosinone@example.org",
    },
]

K = OrganisationKind
# (name, kind, municipality ISTAT code or None, networks)
ORGANISATIONS = [
    # --- Cremona: public bodies with their real names.
    ("Regione Lombardia", K.PUBLIC_BODY, None, [PUA_CREMONA]),
    ("Comune di Cremona", K.PUBLIC_BODY, CREMONA, [PUA_CREMONA]),
    ("Provincia di Cremona – Settore Lavoro e Formazione", K.PUBLIC_BODY, CREMONA, [PUA_CREMONA]),
    ("ASST di Cremona – Servizio Dipendenze", K.HEALTH_SERVICE, CREMONA, [PUA_CREMONA]),
    ("Centro per l'Impiego di Cremona", K.EMPLOYMENT_CENTRE, CREMONA, [PUA_CREMONA]),
    ("CR.Forma – Azienda speciale servizi di formazione", K.TRAINING_BODY, CREMONA, [PUA_CREMONA]),
    ("CGIL – Camera del Lavoro di Cremona", K.UNION, CREMONA, [PUA_CREMONA]),
    ("Associazione Industriali della Provincia di Cremona", K.EMPLOYER_ASSOCIATION, CREMONA, [PUA_CREMONA]),
    # --- Cremona: invented third-sector bodies and company.
    ("Cooperativa sociale Porto Franco (tipo A)", K.SOCIAL_COOP_A, CREMONA, [PUA_CREMONA]),
    ("Cooperativa sociale Ponte sul Po (tipo B)", K.SOCIAL_COOP_B, "019026", [PUA_CREMONA]),
    ("Associazione Mani Aperte ODV", K.VOLUNTEER_ASSOCIATION, CREMONA, [PUA_CREMONA]),
    ("Logistica Padana S.r.l.", K.EMPLOYER, "019068", [PUA_CREMONA]),
    # --- Frosinone: the NAUTILUS 2 partnership, named as in the seed.
    ("Comune di Frosinone", K.PUBLIC_BODY, FROSINONE, [UTI_FROSINONE]),
    ("Provincia di Frosinone", K.PUBLIC_BODY, FROSINONE, [UTI_FROSINONE]),
    ("ASL Frosinone – Dipartimento 3D", K.HEALTH_SERVICE, FROSINONE, [UTI_FROSINONE]),
    ("Agenzia Frosinone Formazione", K.TRAINING_BODY, FROSINONE, [UTI_FROSINONE]),
    ("Centro per l'Impiego di Frosinone", K.EMPLOYMENT_CENTRE, FROSINONE, [UTI_FROSINONE]),
    ("Fondazione Exodus", K.FOUNDATION, None, [UTI_FROSINONE]),
    ("IAL CISL", K.TRAINING_BODY, None, [UTI_FROSINONE]),
    ("CNCA Lazio", K.SOCIAL_PROMOTION_ASSOCIATION, None, [UTI_FROSINONE]),
    ("Comunità Nuovi Orizzonti", K.VOLUNTEER_ASSOCIATION, None, [UTI_FROSINONE]),
    ("Comunità In Dialogo", K.VOLUNTEER_ASSOCIATION, None, [UTI_FROSINONE]),
    ("Cooperativa In Movimento", K.SOCIAL_COOP_B, None, [UTI_FROSINONE]),
    ("Cooperativa Diaconia", K.SOCIAL_COOP_A, None, [UTI_FROSINONE]),
    ("Gruppo Vita Serena", K.VOLUNTEER_ASSOCIATION, None, [UTI_FROSINONE]),
    ("Associazione Il Faro", K.VOLUNTEER_ASSOCIATION, None, [UTI_FROSINONE]),
    ("Associazione La Torre", K.VOLUNTEER_ASSOCIATION, None, [UTI_FROSINONE]),
    # Invented company: the seed's courses train for thermo-hydraulics.
    ("Termoidraulica Ciociara S.r.l.", K.EMPLOYER, "060024", [UTI_FROSINONE]),
]

# (username, role, organisation, access points)
USERS = [
    ("direttore", Role.DIRECTOR, "Comune di Cremona", [PUA_CREMONA]),
    ("sociale", Role.SOCIAL_EXPERT, "Comune di Cremona", [PUA_CREMONA]),
    ("lavoro", Role.LABOUR_EXPERT, "Comune di Cremona", [PUA_CREMONA]),
    ("operatore", Role.OUTREACH_OPERATOR, "Comune di Cremona", [PUA_CREMONA]),
    ("partner", Role.PARTNER_OPERATOR, "Cooperativa sociale Ponte sul Po (tipo B)", [PUA_CREMONA]),
    ("consiglio", Role.BOARD_VIEWER, "Comune di Cremona", [PUA_CREMONA]),
    ("regione", Role.REGIONAL_COORDINATOR, "Regione Lombardia", [PUA_CREMONA, UTI_FROSINONE]),
    ("admin", Role.ADMIN, "Comune di Cremona", [PUA_CREMONA]),
    ("direttore_fr", Role.DIRECTOR, "Comune di Frosinone", [UTI_FROSINONE]),
]

# Fixed seed: the same synthetic names on every load.
NAME_SEED = 2026


@dataclass
class DemoLogin:
    username: str
    role: str
    access_points: list[str]


@dataclass
class DemoResult:
    municipalities: int = 0
    programmes: int = 0
    territories: int = 0
    access_points: int = 0
    organisations: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


def demo_is_loaded() -> bool:
    return Programme.objects.filter(code=INLAV).exists()


@transaction.atomic
def demo_load(*, with_users: bool) -> DemoResult:
    """Create or update the demo data; users only when ``with_users``."""
    result = DemoResult()
    municipalities = {}
    for code, name, province, region in MUNICIPALITIES:
        municipalities[code], _ = Municipality.objects.update_or_create(
            istat_code=code, defaults={"name": name, "province": province, "region": region}
        )
    result.municipalities = len(municipalities)

    # Organisations first: programmes and territories point at their lead body.
    organisations = {}
    for name, kind, municipality, _ in ORGANISATIONS:
        organisations[name], _ = Organisation.objects.update_or_create(
            name=name,
            defaults={"kind": kind, "municipality": municipalities.get(municipality), "is_active": True},
        )
    result.organisations = len(organisations)

    programmes = {}
    for data in PROGRAMMES:
        programmes[data["code"]], _ = Programme.objects.update_or_create(
            code=data["code"],
            defaults={"name": data["name"], "funder": data["funder"], "description": data["description"],
                      "lead_organisation": organisations[data["lead"]], "is_active": True},
        )
    result.programmes = len(programmes)

    territories = {}
    for data in TERRITORIES:
        territory, _ = Territory.objects.update_or_create(
            name=data["name"],
            defaults={"kind": data["kind"], "region": data["region"], "province": data["province"],
                      "lead_organisation": organisations[data["lead"]]},
        )
        territory.municipalities.add(*(municipalities[code] for code in data["municipalities"]))
        territories[data["name"]] = territory
    result.territories = len(territories)

    access_points = {}
    for data in ACCESS_POINTS:
        access_points[data["name"]], _ = AccessPoint.objects.update_or_create(
            name=data["name"],
            defaults={"kind": data["kind"], "territory": territories[data["territory"]],
                      "programme": programmes[data["programme"]],
                      "municipality": municipalities[data["municipality"]], "email": data["email"],
                      "is_active": True},
        )
    result.access_points = len(access_points)

    # Adding (not replacing) links keeps any the demo users made themselves.
    for name, _, _, networks in ORGANISATIONS:
        organisations[name].access_points.add(*(access_points[ap] for ap in networks))

    if with_users:
        result.logins = _users_load(organisations=organisations, access_points=access_points)
    return result


def _users_load(*, organisations, access_points) -> list[DemoLogin]:
    User = get_user_model()
    fake = Faker("it_IT")
    fake.seed_instance(NAME_SEED)
    logins = []
    for username, role, organisation, aps in USERS:
        is_admin = role == Role.ADMIN
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"first_name": fake.first_name(), "last_name": fake.last_name(),
                      "email": f"{username}@example.org", "is_active": True,
                      "is_staff": is_admin, "is_superuser": is_admin, "preferred_language": "it"},
        )
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
        membership, _ = Membership.objects.update_or_create(
            user=user, organisation=organisations[organisation], role=role, defaults={"is_active": True}
        )
        membership.access_points.set([access_points[ap] for ap in aps])
        logins.append(DemoLogin(username=username, role=role.value, access_points=aps))
    return logins
