"""Demo data: two programmes, their territories and networks, a directory of
services, and one demo login per role.

Modelled on the seed documents: INLAV Lombardia (PUA plan template, seed 000)
with the Cremona ambito, and NAUTILUS 2 (seed 003) with the four
socio-welfare districts A–D of the province of Frosinone, each with its
territorial placement unit (UTI). The Frosinone partners are named as in the
NAUTILUS 2 seed, with their district and the role the seed gives them; on the
Lombardy side public bodies carry their real names and third-sector bodies and
the company are invented. Sites, offerings, contact persons, agreements and
network contacts are illustrative: plausible for each body's role in the
seeds, not a description of what it really runs. Phones (``0775 000…``,
``0372 000…``), e-mails (``@example.org``) and people's names (Faker, fixed
seed) are synthetic. No tax codes or VAT numbers: real bodies must not get
made-up identifiers, and invented ones are not needed for a demo.

Municipalities are reference data loaded by migration; the demo only links
them by ISTAT code. District membership follows the Lazio socio-welfare
districts, a selection of municipalities each.

``demo_load`` upserts by natural key (programme code, names, username,
organisation + site name, organisation + service + site, access point +
subject or purpose), so loading twice duplicates nothing; reloading does put
demo rows back to the values below (dates are relative to today) and resets
the demo users' passwords to ``settings.DEMO_PASSWORD``. Network links,
territories, target groups, languages and agreement parties are added, never
replaced, so links the demo users made themselves stay (and so do links an
earlier version of the demo made). Network contacts need a demo user as
operator and are skipped without one. It writes models directly, with no
audit entries: this is set-up, not someone's action.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from .geo import offering_point
from .models import (
    AccessPoint,
    AccessPointKind,
    ActorType,
    Agreement,
    AgreementKind,
    AgreementStatus,
    Availability,
    ContactChannel,
    ContactPerson,
    Cost,
    Language,
    LegalStatusRequirement,
    Membership,
    Municipality,
    NetworkContact,
    NetworkLink,
    NetworkRelation,
    Offering,
    Organisation,
    OrganisationKind,
    Programme,
    Role,
    Service,
    ServiceLevel,
    Site,
    TargetGroup,
    Territory,
    TerritoryKind,
)
from .search_text import search_text

INLAV = "inlav-lombardia"
NAUTILUS = "nautilus-2"
PUA_CREMONA = "PUA Ambito di Cremona"
UTI_A = "UTI Distretto A Alatri"
UTI_FROSINONE = "UTI Distretto B Frosinone"
UTI_C = "UTI Distretto C Sora"
UTI_D = "UTI Distretto D Cassino"
NAUTILUS_UTIS = [UTI_A, UTI_FROSINONE, UTI_C, UTI_D]

AMBITO_CREMONA = "Ambito Territoriale Sociale di Cremona"
DISTRICT_A = "Distretto socio-assistenziale A – Alatri"
DISTRICT_B = "Distretto socio-assistenziale B – Frosinone"
DISTRICT_C = "Distretto socio-assistenziale C – Sora"
DISTRICT_D = "Distretto socio-assistenziale D – Cassino"
FROSINONE_DISTRICTS = [DISTRICT_A, DISTRICT_B, DISTRICT_C, DISTRICT_D]

# ISTAT codes of the municipalities named below.
MILANO, ROMA = "015146", "058091"
CREMONA, CASTELVERDE, PERSICO_DOSIMO, SESTO_ED_UNITI, SOSPIRO = "019036", "019026", "019068", "019095", "019099"
ALATRI, ANAGNI, TRIVIGLIANO = "060003", "060006", "060081"
FROSINONE, CECCANO, FERENTINO = "060038", "060024", "060033"
SORA, ISOLA_DEL_LIRI = "060074", "060043"
CASSINO, PONTECORVO = "060019", "060056"

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
        "name": AMBITO_CREMONA, "kind": TerritoryKind.SOCIAL_DISTRICT, "region": "Lombardia", "province": "CR",
        "lead": "Comune di Cremona",
        # Cremona, Bonemerse, Castelverde, Gerre de' Caprioli, Malagnino, Persico Dosimo, Sesto ed Uniti,
        # Sospiro, Spinadesco, Stagno Lombardo.
        "municipalities": [CREMONA, "019006", CASTELVERDE, "019048", "019056", PERSICO_DOSIMO, SESTO_ED_UNITI,
                           SOSPIRO, "019100", "019103"],
    },
    {
        "name": DISTRICT_A, "kind": TerritoryKind.SOCIO_WELFARE_DISTRICT, "region": "Lazio", "province": "FR",
        "lead": "Comune di Alatri",
        # Alatri, Anagni, Acuto, Collepardo, Fiuggi, Guarcino, Paliano, Piglio, Trivigliano, Vico nel Lazio.
        "municipalities": [ALATRI, ANAGNI, "060002", "060028", "060035", "060042", "060046", "060053",
                           TRIVIGLIANO, "060087"],
    },
    {
        "name": DISTRICT_B, "kind": TerritoryKind.SOCIO_WELFARE_DISTRICT, "region": "Lazio", "province": "FR",
        "lead": "Comune di Frosinone",
        # Frosinone, Arnara, Ceccano, Ferentino, Giuliano di Roma, Patrica, Pofi, Ripi, Supino, Torrice.
        "municipalities": [FROSINONE, "060009", CECCANO, FERENTINO, "060041", "060048", "060055", "060058",
                           "060076", "060079"],
    },
    {
        "name": DISTRICT_C, "kind": TerritoryKind.SOCIO_WELFARE_DISTRICT, "region": "Lazio", "province": "FR",
        "lead": "AIPES",
        # Sora, Isola del Liri, Alvito, Arpino, Atina, Broccostella, Castelliri, Fontana Liri, Pescosolido,
        # San Donato Val di Comino.
        "municipalities": [SORA, ISOLA_DEL_LIRI, "060004", "060010", "060011", "060015", "060020", "060036",
                           "060049", "060062"],
    },
    {
        "name": DISTRICT_D, "kind": TerritoryKind.SOCIO_WELFARE_DISTRICT, "region": "Lazio", "province": "FR",
        "lead": "Consorzio dei Comuni del Cassinate",
        # Cassino, Pontecorvo, Aquino, Castrocielo, Cervaro, Esperia, Piedimonte San Germano, Roccasecca,
        # Sant'Elia Fiumerapido, San Vittore del Lazio.
        "municipalities": [CASSINO, PONTECORVO, "060007", "060022", "060026", "060031", "060052", "060060",
                           "060068", "060070"],
    },
]

ACCESS_POINTS = [
    {"name": PUA_CREMONA, "kind": AccessPointKind.SINGLE_ACCESS_POINT, "territory": AMBITO_CREMONA,
     "programme": INLAV, "municipality": CREMONA, "email": "pua.cremona@example.org", "phone": "0372 000100"},
    {"name": UTI_A, "kind": AccessPointKind.PLACEMENT_UNIT, "territory": DISTRICT_A,
     "programme": NAUTILUS, "municipality": ALATRI, "email": "uti.alatri@example.org", "phone": "0775 000101"},
    {"name": UTI_FROSINONE, "kind": AccessPointKind.PLACEMENT_UNIT, "territory": DISTRICT_B,
     "programme": NAUTILUS, "municipality": FROSINONE, "email": "uti.frosinone@example.org", "phone": "0775 000102"},
    {"name": UTI_C, "kind": AccessPointKind.PLACEMENT_UNIT, "territory": DISTRICT_C,
     "programme": NAUTILUS, "municipality": SORA, "email": "uti.sora@example.org", "phone": "0775 000103"},
    {"name": UTI_D, "kind": AccessPointKind.PLACEMENT_UNIT, "territory": DISTRICT_D,
     "programme": NAUTILUS, "municipality": CASSINO, "email": "uti.cassino@example.org", "phone": "0775 000104"},
]

K = OrganisationKind
# (name, kind, municipality ISTAT code, handle for synthetic e-mails, legal form)
ORGANISATIONS = [
    # --- Cremona: public bodies with their real names.
    ("Regione Lombardia", K.PUBLIC_BODY, MILANO, "regione-lombardia", ""),
    ("Regione Lazio", K.PUBLIC_BODY, ROMA, "regione-lazio", ""),
    ("Comune di Cremona", K.PUBLIC_BODY, CREMONA, "comune-cremona", ""),
    ("Provincia di Cremona – Settore Lavoro e Formazione", K.PUBLIC_BODY, CREMONA, "provincia-cremona", ""),
    ("ASST di Cremona – Servizio Dipendenze", K.HEALTH_SERVICE, CREMONA, "asst-cremona", ""),
    ("Centro per l'Impiego di Cremona", K.EMPLOYMENT_CENTRE, CREMONA, "cpi-cremona", ""),
    ("CR.Forma – Azienda speciale servizi di formazione", K.TRAINING_BODY, CREMONA, "crforma", "Azienda speciale"),
    ("CGIL – Camera del Lavoro di Cremona", K.UNION, CREMONA, "cgil-cremona", ""),
    ("Associazione Industriali della Provincia di Cremona", K.EMPLOYER_ASSOCIATION, CREMONA,
     "industriali-cremona", ""),
    # --- Cremona: invented third-sector bodies and company.
    ("Cooperativa sociale Porto Franco (tipo A)", K.SOCIAL_COOP_A, CREMONA, "portofranco", "Cooperativa sociale"),
    ("Cooperativa sociale Ponte sul Po (tipo B)", K.SOCIAL_COOP_B, CASTELVERDE, "pontesulpo", "Cooperativa sociale"),
    ("Associazione Mani Aperte ODV", K.VOLUNTEER_ASSOCIATION, CREMONA, "maniaperte", "ODV"),
    ("Associazione Babele – Mediazione interculturale APS", K.SOCIAL_PROMOTION_ASSOCIATION, CREMONA, "babele",
     "APS"),
    ("Casa dell'Accoglienza ODV", K.VOLUNTEER_ASSOCIATION, CREMONA, "casaaccoglienza", "ODV"),
    ("Logistica Padana S.r.l.", K.EMPLOYER, PERSICO_DOSIMO, "logisticapadana", "S.r.l."),
    # --- Frosinone, public partners of NAUTILUS 2: the four district lead bodies and the Nautilus network.
    ("Comune di Alatri", K.PUBLIC_BODY, ALATRI, "comune-alatri", ""),
    ("Comune di Frosinone", K.PUBLIC_BODY, FROSINONE, "comune-frosinone", ""),
    ("AIPES", K.PUBLIC_BODY, SORA, "aipes", "Azienda intercomunale"),
    ("Consorzio dei Comuni del Cassinate", K.PUBLIC_BODY, CASSINO, "consorzio-cassinate", "Consorzio di comuni"),
    ("Provincia di Frosinone", K.PUBLIC_BODY, FROSINONE, "provincia-frosinone", ""),
    ("ASL Frosinone – Dipartimento 3D", K.HEALTH_SERVICE, FROSINONE, "asl-fr-3d", ""),
    ("ASL Frosinone – Dipartimento di Salute Mentale", K.HEALTH_SERVICE, FROSINONE, "asl-fr-dsm", ""),
    ("ASL Frosinone – Dipartimento Integrazione Socio-Sanitaria", K.HEALTH_SERVICE, FROSINONE, "asl-fr-diss", ""),
    ("Agenzia Frosinone Formazione", K.TRAINING_BODY, FROSINONE, "agenzia-formazione-fr", ""),
    ("Centro per l'Impiego di Frosinone", K.EMPLOYMENT_CENTRE, FROSINONE, "cpi-frosinone", ""),
    ("Centro per l'Impiego di Anagni", K.EMPLOYMENT_CENTRE, ANAGNI, "cpi-anagni", ""),
    ("Centro per l'Impiego di Sora", K.EMPLOYMENT_CENTRE, SORA, "cpi-sora", ""),
    ("Centro per l'Impiego di Cassino", K.EMPLOYMENT_CENTRE, CASSINO, "cpi-cassino", ""),
    # --- Frosinone, the private and social-private partners, named as in the seed.
    ("Fondazione Exodus", K.FOUNDATION, CASSINO, "exodus", "Fondazione"),
    ("IAL CISL", K.TRAINING_BODY, FROSINONE, "ial-cisl", ""),
    ("CNCA Lazio", K.SOCIAL_PROMOTION_ASSOCIATION, ROMA, "cnca-lazio", ""),
    ("Consorzio Ex.it", K.SOCIAL_COOP_A, CASSINO, "exit", "Consorzio di cooperative sociali"),
    ("Comunità Nuovi Orizzonti", K.VOLUNTEER_ASSOCIATION, FROSINONE, "nuovi-orizzonti", ""),
    ("Comunità In Dialogo", K.VOLUNTEER_ASSOCIATION, TRIVIGLIANO, "in-dialogo", ""),
    ("Cooperativa I Naviganti", K.SOCIAL_COOP_A, FROSINONE, "i-naviganti", "Cooperativa sociale"),
    ("Cooperativa In Movimento", K.SOCIAL_COOP_B, FROSINONE, "in-movimento", "Cooperativa sociale"),
    ("Cooperativa Diaconia", K.SOCIAL_COOP_A, FROSINONE, "diaconia", "Cooperativa sociale"),
    ("Cooperativa Spep", K.SOCIAL_COOP_B, FROSINONE, "spep", "Cooperativa sociale"),
    ("Cooperativa Kelle Terre", K.SOCIAL_COOP_B, CASSINO, "kelle-terre", "Cooperativa sociale"),
    ("Gruppo Vita Serena", K.VOLUNTEER_ASSOCIATION, CECCANO, "vita-serena", ""),
    ("Associazione Il Faro", K.VOLUNTEER_ASSOCIATION, SORA, "il-faro", ""),
    ("Associazione La Torre", K.VOLUNTEER_ASSOCIATION, FROSINONE, "la-torre", ""),
    ("Associazione Libera Mente", K.VOLUNTEER_ASSOCIATION, FROSINONE, "libera-mente", ""),
    ("Technical Partners", K.EMPLOYER, FROSINONE, "technical-partners", "Società di consulenza industriale"),
    ("Caritas – Diocesi di Frosinone", K.VOLUNTEER_ASSOCIATION, FROSINONE, "caritas-frosinone",
     "Ente ecclesiastico"),
    # --- Frosinone, the wider network: business organisations and one (invented) company.
    ("Ciociaria Sviluppo", K.PUBLIC_BODY, FROSINONE, "ciociaria-sviluppo", "Società consortile"),
    ("Unione Industriale della Provincia di Frosinone", K.EMPLOYER_ASSOCIATION, FROSINONE, "unione-industriale",
     ""),
    ("CNA Frosinone", K.EMPLOYER_ASSOCIATION, FROSINONE, "cna-frosinone", ""),
    # Invented company: the seed's courses train for thermo-hydraulics.
    ("Termoidraulica Ciociara S.r.l.", K.EMPLOYER, CECCANO, "termoidraulica-ciociara", "S.r.l."),
]

FORMAL, INFORMAL = NetworkRelation.FORMAL_PARTNER, NetworkRelation.INFORMAL_NETWORK
AWARENESS, OUTREACH, PROMOTION, SERVICES = "awareness", "outreach", "promotion", "services"
ALL_UTI = NAUTILUS_UTIS
_FNLD_ROLE = "svolge le attività previste nel Progetto Nautilus"

# (organisation, relation, access points, role or contract, contributions).
# INLAV follows the two tables of seed 000: formal partners with the services
# they offer, the informal network with its possible contribution. NAUTILUS
# follows seed 003: the partnership with each partner's role and district;
# partners with no district in the seed work in the whole province.
NETWORK = [
    # --- INLAV, Ambito di Cremona: formal partners.
    ("Regione Lombardia", FORMAL, [PUA_CREMONA],
     "Capofila del progetto INLAV Lombardia: coordinamento, monitoraggio e rendicontazione", [PROMOTION]),
    ("Comune di Cremona", FORMAL, [PUA_CREMONA],
     "Ente capofila dell'Ambito: istituisce il PUA, presa in carico, interventi sociali e housing",
     [PROMOTION, SERVICES]),
    ("Cooperativa sociale Porto Franco (tipo A)", FORMAL, [PUA_CREMONA],
     "Contratto di servizio: unità di strada, outreach, mediazione linguistica e protezione delle vittime",
     [OUTREACH, SERVICES]),
    ("Cooperativa sociale Ponte sul Po (tipo B)", FORMAL, [PUA_CREMONA],
     "Convenzione: tirocini, borse lavoro e accompagnamento all'inserimento lavorativo", [SERVICES]),
    ("CR.Forma – Azienda speciale servizi di formazione", FORMAL, [PUA_CREMONA],
     "Accordo di rete: corsi di formazione professionale, italiano per stranieri, certificazione delle competenze",
     [SERVICES]),
    ("Associazione Babele – Mediazione interculturale APS", FORMAL, [PUA_CREMONA],
     "Incarico di mediazione linguistico-culturale e materiali informativi in più lingue", [OUTREACH, SERVICES]),
    # --- INLAV, Ambito di Cremona: informal network.
    ("Provincia di Cremona – Settore Lavoro e Formazione", INFORMAL, [PUA_CREMONA],
     "Politiche attive del lavoro, orientamento e certificazione delle competenze", [PROMOTION, SERVICES]),
    ("Centro per l'Impiego di Cremona", INFORMAL, [PUA_CREMONA],
     "Servizi per il lavoro: iscrizione, patto di servizio, tirocini", [SERVICES]),
    ("ASST di Cremona – Servizio Dipendenze", INFORMAL, [PUA_CREMONA],
     "Accesso ai servizi socio-sanitari; segnalazione al PUA di persone a rischio", [OUTREACH, SERVICES]),
    ("CGIL – Camera del Lavoro di Cremona", INFORMAL, [PUA_CREMONA],
     "Sensibilizzazione sui diritti, sportello vertenze e assistenza legale", [AWARENESS, OUTREACH, SERVICES]),
    ("Associazione Industriali della Provincia di Cremona", INFORMAL, [PUA_CREMONA],
     "Promozione del progetto presso le imprese associate; raccolta di posizioni aperte", [AWARENESS, PROMOTION]),
    ("Associazione Mani Aperte ODV", INFORMAL, [PUA_CREMONA],
     "Beni di prima necessità, scuola di italiano, primo contatto con persone a rischio", [OUTREACH, SERVICES]),
    ("Casa dell'Accoglienza ODV", INFORMAL, [PUA_CREMONA],
     "Accoglienza notturna e centro di ascolto; segnalazione al PUA", [OUTREACH, SERVICES]),
    ("Logistica Padana S.r.l.", INFORMAL, [PUA_CREMONA],
     "Impresa del territorio: tirocini e inserimenti nella logistica", [PROMOTION, SERVICES]),
    # --- NAUTILUS 2: public partners.
    ("Comune di Alatri", FORMAL, [UTI_A],
     f"Ente capofila del Distretto socio-assistenziale A; {_FNLD_ROLE}", [SERVICES]),
    ("Comune di Frosinone", FORMAL, [UTI_FROSINONE],
     f"Ente capofila del Distretto socio-assistenziale B; {_FNLD_ROLE}", [SERVICES]),
    ("AIPES", FORMAL, [UTI_C], f"Ente capofila del Distretto socio-assistenziale C; {_FNLD_ROLE}", [SERVICES]),
    ("Consorzio dei Comuni del Cassinate", FORMAL, [UTI_D],
     f"Ente capofila del Distretto socio-assistenziale D; {_FNLD_ROLE}", [SERVICES]),
    ("Regione Lazio", INFORMAL, ALL_UTI,
     "Programmazione regionale delle politiche sociali e del lavoro; monitoraggio degli ambiti", [PROMOTION]),
    ("Provincia di Frosinone", FORMAL, ALL_UTI,
     "Settore Politiche Sociali: coordinamento generale del progetto e delle azioni di rete", [AWARENESS, PROMOTION]),
    ("ASL Frosinone – Dipartimento 3D", FORMAL, ALL_UTI, f"{_FNLD_ROLE.capitalize()}; ente inviante all'UTI",
     [OUTREACH, SERVICES]),
    ("Agenzia Frosinone Formazione", FORMAL, ALL_UTI, f"Provincia – Agenzia Frosinone Formazione: {_FNLD_ROLE}",
     [SERVICES]),
    ("Centro per l'Impiego di Anagni", FORMAL, [UTI_A], f"Provincia – Centri per l'Impiego: {_FNLD_ROLE}", [SERVICES]),
    ("Centro per l'Impiego di Frosinone", FORMAL, [UTI_FROSINONE], f"Provincia – Centri per l'Impiego: {_FNLD_ROLE}",
     [SERVICES]),
    ("Centro per l'Impiego di Sora", FORMAL, [UTI_C], f"Provincia – Centri per l'Impiego: {_FNLD_ROLE}", [SERVICES]),
    ("Centro per l'Impiego di Cassino", FORMAL, [UTI_D], f"Provincia – Centri per l'Impiego: {_FNLD_ROLE}",
     [SERVICES]),
    # --- NAUTILUS 2: private and social-private partners.
    ("Fondazione Exodus", FORMAL, ALL_UTI,
     "Capofila del progetto, esprime il Direttore Tecnico; accompagnamento al lavoro, broker sociale e orientatore "
     "nel Distretto D; ente inviante all'UTI; favorisce l'inserimento lavorativo con la propria rete di contatti",
     [OUTREACH, SERVICES]),
    ("IAL CISL", FORMAL, ALL_UTI,
     "Ente di formazione: progetta e gestisce il corso per gli utenti dei Distretti C e D, presso la Fondazione "
     "Exodus, sul settore termoidraulico e sulle energie alternative", [SERVICES]),
    ("CNCA Lazio", FORMAL, ALL_UTI,
     "Aggiornamento formativo di broker e orientatori; scambio di esperienze con i progetti analoghi nelle altre "
     "province del Lazio", [AWARENESS]),
    ("Consorzio Ex.it", FORMAL, ALL_UTI,
     "Diffusione e informazione: sito internet del progetto, newsletter e foglio informativo per la rete dei partner",
     [AWARENESS, PROMOTION]),
    ("Comunità Nuovi Orizzonti", FORMAL, [UTI_A, UTI_FROSINONE],
     "Coordina la proposta formativa per l'autoimprenditorialità nei Distretti A e B; broker sociale per il "
     "Distretto A; ente inviante all'UTI; favorisce l'inserimento lavorativo con la propria rete di contatti",
     [OUTREACH, SERVICES]),
    ("Comunità In Dialogo", FORMAL, [UTI_A],
     "Accompagnamento al lavoro per il Distretto A; ente inviante all'UTI; favorisce l'inserimento lavorativo con "
     "la propria rete di contatti", [OUTREACH, SERVICES]),
    ("Cooperativa I Naviganti", FORMAL, ALL_UTI,
     "Consulenza per la diffusione e l'informazione, con Ex.it nella gestione del sito e del foglio informativo",
     [AWARENESS, PROMOTION]),
    ("Cooperativa In Movimento", FORMAL, [UTI_A, UTI_FROSINONE, UTI_D],
     "Orientatore nei Distretti A e B; mette a disposizione la propria struttura per tirocini, stage ed eventuali "
     "inserimenti lavorativi", [SERVICES]),
    ("Cooperativa Diaconia", FORMAL, [UTI_FROSINONE],
     "Broker sociale per il Distretto B; mette a disposizione la propria struttura per tirocini, stage ed eventuali "
     "inserimenti lavorativi", [SERVICES]),
    ("Gruppo Vita Serena", FORMAL, [UTI_FROSINONE, UTI_C],
     "Accompagnamento al lavoro per i Distretti B e C; mette a disposizione la propria struttura per tirocini, "
     "stage ed eventuali inserimenti lavorativi", [SERVICES]),
    ("Associazione Il Faro", FORMAL, [UTI_C],
     "Broker sociale e orientatore per il Distretto C; struttura per tirocini e stage; ente inviante all'UTI; "
     "favorisce l'inserimento lavorativo con la propria rete di contatti", [OUTREACH, SERVICES]),
    ("Associazione La Torre", FORMAL, ALL_UTI,
     "Ente inviante all'UTI; favorisce l'inserimento lavorativo attraverso la propria rete di contatti", [OUTREACH]),
    ("Associazione Libera Mente", FORMAL, ALL_UTI,
     "Partner storico della rete FNLD; centro di ascolto, ente inviante all'UTI", [OUTREACH]),
    ("Technical Partners", FORMAL, ALL_UTI,
     "Consulenza tecnica nella formazione degli utenti; consulente per l'autoimprenditorialità nelle energie "
     "alternative e nel risparmio energetico", [SERVICES]),
    ("Cooperativa Kelle Terre", FORMAL, [UTI_D], "Partner operativo nel Distretto D", [SERVICES]),
    ("Cooperativa Spep", FORMAL, ALL_UTI, "Partner del privato sociale del partenariato NAUTILUS 2", [SERVICES]),
    ("Caritas – Diocesi di Frosinone", FORMAL, [UTI_A, UTI_FROSINONE],
     "Partner del privato sociale del partenariato NAUTILUS 2", [OUTREACH, SERVICES]),
    # --- NAUTILUS 2: the wider network (rete Nautilus and business organisations).
    ("ASL Frosinone – Dipartimento di Salute Mentale", INFORMAL, ALL_UTI,
     "Rete Nautilus: componente del Gruppo di coordinamento provinciale", [SERVICES]),
    ("ASL Frosinone – Dipartimento Integrazione Socio-Sanitaria", INFORMAL, ALL_UTI,
     "Rete Nautilus: componente del Gruppo di coordinamento provinciale", [SERVICES]),
    ("Ciociaria Sviluppo", INFORMAL, ALL_UTI,
     "Ente economico di Provincia, Unione Industriale e organizzazioni economiche: collaborazione operativa e "
     "apertura delle imprese aderenti al progetto", [PROMOTION]),
    ("Unione Industriale della Provincia di Frosinone", INFORMAL, ALL_UTI,
     "Organizzazione datoriale (Confindustria): rapporto stabile con il partenariato", [AWARENESS, PROMOTION]),
    ("CNA Frosinone", INFORMAL, ALL_UTI, "Organizzazione datoriale: progettualità comuni (Progetto CREDAF)",
     [PROMOTION]),
    ("Termoidraulica Ciociara S.r.l.", INFORMAL, [UTI_FROSINONE],
     "Impresa del settore termoidraulico: tirocini per gli utenti formati nei corsi del progetto", [SERVICES]),
]

NETWORK_SINCE = {INLAV: (2024, 6, 1), NAUTILUS: (2025, 3, 1)}

# Sites where they differ from one "Sede" in the organisation's municipality:
# organisation -> [(site name, ISTAT code)].
SITES = {
    "Regione Lombardia": [("Ufficio Territoriale Regionale Val Padana", CREMONA)],
    "Comune di Cremona": [("Servizi sociali – sede centrale", CREMONA), ("Sportello PUA di quartiere", CREMONA)],
    "CGIL – Camera del Lavoro di Cremona": [("Camera del Lavoro", CREMONA), ("Recapito di Sesto ed Uniti",
                                                                               SESTO_ED_UNITI)],
    "Cooperativa sociale Porto Franco (tipo A)": [("Sede operativa", CREMONA),
                                                  ("Presidio mobile di Castelverde", CASTELVERDE)],
    "Cooperativa sociale Ponte sul Po (tipo B)": [("Laboratorio di Castelverde", CASTELVERDE)],
    "Associazione Mani Aperte ODV": [("Emporio solidale", CREMONA), ("Punto di ascolto di Sospiro", SOSPIRO)],
    "Casa dell'Accoglienza ODV": [("Dormitorio e centro di ascolto", CREMONA)],
    "Logistica Padana S.r.l.": [("Magazzino di Persico Dosimo", PERSICO_DOSIMO)],
    "Comune di Alatri": [("Ufficio di Piano del Distretto A", ALATRI)],
    "Comune di Frosinone": [("Servizio sociale professionale", FROSINONE)],
    "AIPES": [("Sede di Sora", SORA), ("Sportello sociale di Isola del Liri", ISOLA_DEL_LIRI)],
    "Consorzio dei Comuni del Cassinate": [("Sede del Consorzio", CASSINO), ("Sportello sociale di Pontecorvo",
                                                                            PONTECORVO)],
    "ASL Frosinone – Dipartimento 3D": [("Ser.D. Frosinone", FROSINONE), ("Ser.D. Cassino", CASSINO)],
    "ASL Frosinone – Dipartimento di Salute Mentale": [("Centro di Salute Mentale di Frosinone", FROSINONE)],
    "Fondazione Exodus": [("Comunità di Cassino", CASSINO), ("Punto lavoro di Pontecorvo", PONTECORVO)],
    "IAL CISL": [("Sede di Frosinone", FROSINONE), ("Aula presso la Fondazione Exodus", CASSINO)],
    "CNCA Lazio": [("Sede regionale", ROMA)],
    "Comunità Nuovi Orizzonti": [("Cittadella Cielo", FROSINONE), ("Punto di ascolto di Anagni", ANAGNI)],
    "Comunità In Dialogo": [("Comunità di Trivigliano", TRIVIGLIANO)],
    "Cooperativa In Movimento": [("Sede di Frosinone", FROSINONE), ("Sede di Alatri", ALATRI)],
    "Gruppo Vita Serena": [("Sede di Ceccano", CECCANO), ("Sede di Sora", SORA)],
    "Associazione Il Faro": [("Centro di ascolto di Sora", SORA), ("Laboratorio di Isola del Liri", ISOLA_DEL_LIRI)],
    "Caritas – Diocesi di Frosinone": [("Centro di ascolto diocesano", FROSINONE), ("Mensa di Ferentino", FERENTINO)],
}
DEFAULT_SITE = "Sede"
# At most this far from the municipality's centre, in degrees (about 350 m).
SITE_OFFSET = 0.0032

P = LegalStatusRequirement
# Legal status most offerings of a service ask for; an offering may say otherwise.
LEGAL_STATUS = {
    "F2.5.b": P.PERMIT_OR_APPLICATION, "F2.5.c": P.PERMIT_OR_APPLICATION, "F2.5.d": P.VALID_PERMIT,
    "F2.5.e": P.VALID_PERMIT, "F2.5.f": P.VALID_PERMIT, "F2.5.g": P.VALID_PERMIT, "F2.6.a": P.PERMIT_OR_APPLICATION,
}
OPENING_HOURS = [
    "lun–ven 9:00–13:00", "lun–ven 9:00–13:00; mar e gio 15:00–17:30", "lun, mer, ven 9:30–12:30",
    "mar e gio 14:30–18:00", "lun–ven 8:30–16:30", "su appuntamento", "lun–sab 9:00–12:00",
]
CAPACITY_SERVICES = {"F2.2.a", "F2.5.c", "F2.5.e", "F2.5.f", "F2.6.a"}
MEDIATION_LANGUAGES = ["ar", "fr", "en", "ro", "ur", "pa", "bn", "wo"]

PROGRAMME_DEFAULTS = {
    NAUTILUS: {"target_groups": ["addiction", "disadvantaged_381"], "languages": ["it"],
               "documents_required": "Documento d'identità; scheda di invio del servizio inviante",
               "referral_notes": "Invio all'UTI del distretto con la scheda di invio; colloquio di accoglienza entro "
                                 "due settimane"},
    INLAV: {"target_groups": ["exploitation_victim", "migrant"], "languages": ["it"],
            "documents_required": "",
            "referral_notes": "Segnalazione tramite il PUA dell'Ambito o accesso diretto"},
}


def _offer(organisation, code, description, *, site=0, **options):
    return (organisation, code, site, description, options)


_WORKERS = ["addiction", "disadvantaged_381", "long_term_unemployed"]
_EXPLOITED = ["exploitation_victim", "migrant", "asylum_seeker"]
# The directory: catalogue services of phase F2 each organisation plausibly
# offers. ``site`` is the index in the organisation's sites.
OFFERINGS = [
    # --- NAUTILUS 2, public partners.
    _offer("Comune di Alatri", "F2.4.b", "Segretariato sociale del Distretto A: informazioni sui servizi sociali, "
           "sanitari e per il lavoro.", target_groups=_WORKERS),
    _offer("Comune di Alatri", "F2.4.d", "Servizio sociale professionale: contributi economici e accesso ai servizi "
           "di prima assistenza.", target_groups=_WORKERS),
    _offer("Comune di Frosinone", "F2.4.b", "Segretariato sociale e sportello informativo dell'UTI del Distretto B.",
           target_groups=_WORKERS),
    _offer("Comune di Frosinone", "F2.4.d", "Contributi economici straordinari e accesso alla mensa cittadina.",
           target_groups=["disadvantaged_381", "homeless", "addiction"]),
    _offer("Comune di Frosinone", "F2.6.a", "Orientamento all'edilizia residenziale pubblica e ai contributi per "
           "l'affitto.", target_groups=["disadvantaged_381", "homeless"]),
    _offer("AIPES", "F2.4.b", "Segretariato sociale del Distretto C.", target_groups=_WORKERS),
    _offer("AIPES", "F2.4.d", "Sportello sociale: prima assistenza e contributi economici.", site=1),
    _offer("AIPES", "F2.5.g", "Voucher per servizi educativi e di cura, per conciliare famiglia e lavoro.",
           target_groups=["women", "disadvantaged_381"]),
    _offer("Consorzio dei Comuni del Cassinate", "F2.4.b", "Segretariato sociale del Distretto D.",
           target_groups=_WORKERS),
    _offer("Consorzio dei Comuni del Cassinate", "F2.4.d", "Sportello sociale: prima assistenza e contributi "
           "economici.", site=1),
    _offer("Consorzio dei Comuni del Cassinate", "F2.6.b", "Agevolazioni sul trasporto pubblico locale per "
           "raggiungere il luogo di lavoro o di tirocinio."),
    _offer("Provincia di Frosinone", "F2.4.b", "Sportello informativo della rete Nautilus sui percorsi di "
           "inserimento per persone in uscita dalle dipendenze."),
    _offer("ASL Frosinone – Dipartimento 3D", "F2.4.e", "Ser.D.: accoglienza, diagnosi e trattamento delle "
           "dipendenze; invio all'UTI.", target_groups=["addiction"], documents_required="Tessera sanitaria",
           referral_notes="Accesso diretto, senza impegnativa"),
    _offer("ASL Frosinone – Dipartimento 3D", "F2.4.e", "Ser.D.: accoglienza, diagnosi e trattamento delle "
           "dipendenze; invio all'UTI.", site=1, target_groups=["addiction"], documents_required="Tessera sanitaria",
           referral_notes="Accesso diretto, senza impegnativa"),
    _offer("ASL Frosinone – Dipartimento 3D", "F2.2.a", "Programma terapeutico individualizzato e progetto di "
           "inserimento condiviso con l'UTI.", target_groups=["addiction"]),
    _offer("ASL Frosinone – Dipartimento di Salute Mentale", "F2.4.e", "Centro di Salute Mentale: presa in carico "
           "di persone con doppia diagnosi.", target_groups=["addiction", "disability"],
           documents_required="Tessera sanitaria"),
    _offer("ASL Frosinone – Dipartimento Integrazione Socio-Sanitaria", "F2.4.b", "Punto unico di accesso "
           "socio-sanitario: informazioni e orientamento ai servizi.", target_groups=_WORKERS),
    _offer("Agenzia Frosinone Formazione", "F2.5.c", "Corsi di formazione professionale e di alfabetizzazione "
           "informatica.", target_groups=["disadvantaged_381", "young_neet", "long_term_unemployed"]),
    _offer("Agenzia Frosinone Formazione", "F2.5.b", "Certificazione delle competenze acquisite in percorsi "
           "formali e non formali."),
    _offer("Centro per l'Impiego di Frosinone", "F2.5.d", "Iscrizione, patto di servizio e incrocio tra domanda e "
           "offerta di lavoro.", target_groups=[*_WORKERS, "protected_68"]),
    _offer("Centro per l'Impiego di Frosinone", "F2.5.a", "Orientamento di base e specialistico al lavoro.",
           target_groups=_WORKERS),
    _offer("Centro per l'Impiego di Frosinone", "F2.5.f", "Attivazione di tirocini extracurricolari.",
           target_groups=_WORKERS),
    _offer("Centro per l'Impiego di Anagni", "F2.5.d", "Iscrizione, patto di servizio e preselezione.",
           target_groups=_WORKERS),
    _offer("Centro per l'Impiego di Sora", "F2.5.d", "Iscrizione, patto di servizio e preselezione.",
           target_groups=_WORKERS),
    _offer("Centro per l'Impiego di Cassino", "F2.5.d", "Iscrizione, patto di servizio e preselezione.",
           target_groups=_WORKERS),
    _offer("Centro per l'Impiego di Cassino", "F2.5.a", "Orientamento di base e specialistico al lavoro.",
           target_groups=_WORKERS),
    # --- NAUTILUS 2, private and social-private partners.
    _offer("Fondazione Exodus", "F2.5.f", "Tirocini e borse lavoro nella comunità e nelle aziende della rete."),
    _offer("Fondazione Exodus", "F2.2.a", "Progetto personale di inserimento con il broker sociale e "
           "l'orientatore del Distretto D."),
    _offer("Fondazione Exodus", "F2.5.a", "Orientamento individuale: ricostruzione del curriculum e bilancio "
           "delle competenze.", site=1),
    _offer("Fondazione Exodus", "F2.5.d", "Accompagnamento al lavoro e tutoraggio in azienda.", site=1),
    _offer("IAL CISL", "F2.5.c", "Corsi di formazione professionale e di alfabetizzazione informatica.",
           target_groups=[*_WORKERS, "young_neet"]),
    _offer("IAL CISL", "F2.5.c", "Corso per installatori di impianti termoidraulici e ad energie rinnovabili, per "
           "gli utenti dei Distretti C e D.", site=1, capacity=15),
    _offer("IAL CISL", "F2.5.b", "Attestazione delle competenze al termine dei corsi."),
    _offer("Consorzio Ex.it", "F2.1.f", "Informazione sul progetto con il sito internet, la newsletter e i social "
           "network.", target_groups=_WORKERS, opening_hours="online"),
    _offer("Cooperativa I Naviganti", "F2.1.g", "Foglio informativo periodico sui servizi della rete, distribuito "
           "nei servizi invianti."),
    _offer("Comunità Nuovi Orizzonti", "F2.5.e", "Percorso formativo e tutoraggio per l'autoimprenditorialità "
           "(Distretti A e B)."),
    _offer("Comunità Nuovi Orizzonti", "F2.2.a", "Broker sociale del Distretto A: progetto personale e invio "
           "all'UTI."),
    _offer("Comunità Nuovi Orizzonti", "F2.1.b", "Punto di ascolto e accoglienza.", site=1),
    _offer("Comunità In Dialogo", "F2.2.a", "Programma residenziale e progetto di reinserimento."),
    _offer("Comunità In Dialogo", "F2.5.d", "Accompagnamento al lavoro nel Distretto A."),
    _offer("Cooperativa In Movimento", "F2.5.a", "Orientatore per il Distretto B."),
    _offer("Cooperativa In Movimento", "F2.5.a", "Orientatore per il Distretto A.", site=1),
    _offer("Cooperativa In Movimento", "F2.5.f", "Tirocini e inserimenti lavorativi nella manutenzione del verde e "
           "nelle pulizie."),
    _offer("Cooperativa Diaconia", "F2.2.a", "Broker sociale del Distretto B: progetto personale e patteggiamento "
           "con l'ente inviante."),
    _offer("Cooperativa Diaconia", "F2.5.f", "Tirocini e stage nella struttura della cooperativa."),
    _offer("Gruppo Vita Serena", "F2.5.d", "Accompagnamento al lavoro nel Distretto B."),
    _offer("Gruppo Vita Serena", "F2.5.d", "Accompagnamento al lavoro nel Distretto C.", site=1),
    _offer("Gruppo Vita Serena", "F2.5.f", "Tirocini nella struttura dell'associazione."),
    _offer("Associazione Il Faro", "F2.1.b", "Centro di ascolto per persone con dipendenze e per le famiglie."),
    _offer("Associazione Il Faro", "F2.5.a", "Orientatore e broker sociale per il Distretto C."),
    _offer("Associazione Il Faro", "F2.5.f", "Tirocini nel laboratorio dell'associazione.", site=1),
    _offer("Associazione La Torre", "F2.1.b", "Centro di ascolto per persone con dipendenze e per le famiglie."),
    _offer("Associazione La Torre", "F2.1.c", "Linea telefonica di ascolto.", opening_hours="lun–sab 9:00–20:00"),
    _offer("Associazione Libera Mente", "F2.1.b", "Centro di ascolto e primo orientamento."),
    _offer("Technical Partners", "F2.5.e", "Consulenza per avviare cooperative nelle energie alternative e nel "
           "risparmio energetico.", cost_notes="A carico del progetto"),
    _offer("Cooperativa Kelle Terre", "F2.5.f", "Borse lavoro in agricoltura sociale."),
    _offer("Cooperativa Spep", "F2.5.f", "Tirocini di inserimento nei servizi della cooperativa."),
    _offer("Caritas – Diocesi di Frosinone", "F2.4.d", "Mensa e distribuzione di pacchi alimentari.", site=1,
           target_groups=["homeless", "migrant", "disadvantaged_381"], languages=["it", "ar", "ro", "en", "fr"],
           documents_required="Nessuno"),
    _offer("Caritas – Diocesi di Frosinone", "F2.1.b", "Centro di ascolto diocesano.",
           target_groups=["homeless", "migrant", "addiction"], languages=["it", "en", "fr"],
           documents_required="Nessuno"),
    _offer("Caritas – Diocesi di Frosinone", "F2.6.a", "Accoglienza temporanea e aiuto nella ricerca di un "
           "alloggio.", target_groups=["homeless", "migrant"], legal_status=P.NONE),
    _offer("Caritas – Diocesi di Frosinone", "F2.4.c", "Mediazione linguistica al centro di ascolto.",
           target_groups=["migrant", "asylum_seeker"], languages=["it", "ar", "ro", "fr", "en"]),
    # --- NAUTILUS 2, the wider network.
    _offer("Ciociaria Sviluppo", "F2.5.e", "Sportello per la creazione d'impresa e l'accesso al credito."),
    _offer("CNA Frosinone", "F2.5.e", "Servizi di avvio d'impresa artigiana.", cost=Cost.CONTRIBUTION,
           cost_notes="Primo colloquio gratuito; servizi successivi a tariffa associativa"),
    _offer("Unione Industriale della Provincia di Frosinone", "F2.5.d", "Segnalazione delle posizioni aperte "
           "nelle imprese associate."),
    _offer("Termoidraulica Ciociara S.r.l.", "F2.5.f", "Tirocini per installatori termoidraulici formati nei corsi "
           "del progetto.", capacity=2),
    # --- INLAV, Ambito di Cremona.
    _offer("Comune di Cremona", "F2.1.e", "Sportello PUA di quartiere: primo contatto e identificazione.", site=1,
           target_groups=[*_EXPLOITED, "women"], languages=["it", "en", "fr"]),
    _offer("Comune di Cremona", "F2.2.a", "Piano individuale per l'emersione e l'integrazione socio-lavorativa.",
           target_groups=_EXPLOITED),
    _offer("Comune di Cremona", "F2.4.b", "Informazioni sull'accesso ai servizi sociali e sanitari.",
           target_groups=[*_EXPLOITED, "homeless"]),
    _offer("Comune di Cremona", "F2.4.d", "Contributi economici e accesso ai servizi di prima assistenza.",
           target_groups=["migrant", "homeless", "women"], legal_status=P.PERMIT_OR_APPLICATION),
    _offer("Comune di Cremona", "F2.6.a", "Ricerca di un alloggio e contributi per l'affitto.",
           target_groups=["migrant", "homeless"]),
    _offer("Comune di Cremona", "F2.5.g", "Voucher per nidi, centri estivi e servizi di cura.",
           target_groups=["women", "migrant"]),
    _offer("Comune di Cremona", "F2.6.b", "Agevolazioni sul trasporto pubblico locale.", site=1),
    _offer("Provincia di Cremona – Settore Lavoro e Formazione", "F2.5.b", "Certificazione delle competenze "
           "acquisite sul lavoro."),
    _offer("Provincia di Cremona – Settore Lavoro e Formazione", "F2.5.a", "Orientamento specialistico su "
           "formazione e lavoro."),
    _offer("ASST di Cremona – Servizio Dipendenze", "F2.4.e", "Servizio dipendenze e assistenza sanitaria con "
           "codice STP per stranieri senza permesso.", target_groups=["addiction", "migrant", "homeless"],
           languages=["it", "en", "fr"], documents_required="Tessera sanitaria o codice STP"),
    _offer("Centro per l'Impiego di Cremona", "F2.5.d", "Iscrizione, dichiarazione di immediata disponibilità e "
           "patto di servizio.", target_groups=[*_EXPLOITED, "long_term_unemployed"],
           documents_required="Documento d'identità; permesso di soggiorno; codice fiscale"),
    _offer("Centro per l'Impiego di Cremona", "F2.5.f", "Tirocini extracurricolari.", target_groups=_EXPLOITED),
    _offer("Centro per l'Impiego di Cremona", "F2.5.a", "Orientamento di base al lavoro.",
           target_groups=_EXPLOITED),
    _offer("CR.Forma – Azienda speciale servizi di formazione", "F2.5.c", "Corsi di qualifica (logistica, "
           "ristorazione, saldatura) e di alfabetizzazione informatica.", cost=Cost.CONTRIBUTION,
           cost_notes="Gratuito per i beneficiari INLAV"),
    _offer("CR.Forma – Azienda speciale servizi di formazione", "F2.4.f", "Corsi di italiano per adulti stranieri.",
           languages=["it", "en", "ar", "fr"], legal_status=P.NONE),
    _offer("CR.Forma – Azienda speciale servizi di formazione", "F2.5.b", "Attestazione delle competenze."),
    _offer("CGIL – Camera del Lavoro di Cremona", "F2.4.a", "Informazioni sui diritti: contratti, buste paga, "
           "lavoro nero e grigio.", languages=["it", "en", "fr", "ro", "ar"]),
    _offer("CGIL – Camera del Lavoro di Cremona", "F2.4.g", "Ufficio vertenze e assistenza legale.",
           cost=Cost.CONTRIBUTION, cost_notes="Contributo per la vertenza, gratuito per gli iscritti",
           languages=["it", "en", "fr"]),
    _offer("CGIL – Camera del Lavoro di Cremona", "F2.4.h", "Recupero crediti di lavoro e orientamento sui "
           "diritti abitativi.", site=1),
    _offer("CGIL – Camera del Lavoro di Cremona", "F2.4.a", "Informazioni sui diritti nel lavoro agricolo.",
           site=1, languages=["it", "pa", "ur", "hi"]),
    _offer("Cooperativa sociale Porto Franco (tipo A)", "F2.1.a", "Unità di strada nelle zone agricole e della "
           "logistica.", site=1, target_groups=[*_EXPLOITED, "trafficking_victim"],
           languages=["it", "ar", "ur", "pa", "bn", "wo", "ro"], opening_hours="mar e ven 5:30–9:00; sab 18:00–22:00"),
    _offer("Cooperativa sociale Porto Franco (tipo A)", "F2.1.d", "Outreach nei luoghi di lavoro e di ritrovo.",
           target_groups=_EXPLOITED, languages=["it", "ar", "ro", "en"]),
    _offer("Cooperativa sociale Porto Franco (tipo A)", "F2.4.c", "Mediazione linguistica per i colloqui al PUA e "
           "nei servizi.", target_groups=_EXPLOITED, languages=MEDIATION_LANGUAGES),
    _offer("Cooperativa sociale Porto Franco (tipo A)", "F2.3.a", "Protezione e accoglienza di vittime di tratta e "
           "di sfruttamento lavorativo.", target_groups=["trafficking_victim", "exploitation_victim", "women"],
           languages=["it", "en", "fr", "ro"], opening_hours="reperibilità 24 ore su 24"),
    _offer("Cooperativa sociale Porto Franco (tipo A)", "F2.1.h", "Aiuto nella compilazione di documenti e "
           "pratiche.", target_groups=_EXPLOITED, languages=["it", "ar", "en", "fr"]),
    _offer("Cooperativa sociale Porto Franco (tipo A)", "F2.1.c", "Numero di contatto dedicato, anche via "
           "messaggio.", target_groups=[*_EXPLOITED, "trafficking_victim"], languages=["it", "en", "fr", "ar"]),
    _offer("Cooperativa sociale Ponte sul Po (tipo B)", "F2.5.f", "Borse lavoro e tirocini nel laboratorio di "
           "assemblaggio.", target_groups=["exploitation_victim", "disadvantaged_381"]),
    _offer("Cooperativa sociale Ponte sul Po (tipo B)", "F2.5.d", "Accompagnamento all'inserimento lavorativo.",
           target_groups=["exploitation_victim", "disadvantaged_381"]),
    _offer("Associazione Babele – Mediazione interculturale APS", "F2.4.c", "Mediazione linguistico-culturale su "
           "appuntamento, anche telefonica.",
           languages=[*MEDIATION_LANGUAGES, "sq", "zh", "uk", "ti", "es"], cost_notes="A carico del PUA"),
    _offer("Associazione Babele – Mediazione interculturale APS", "F2.1.g", "Materiali informativi sui diritti e "
           "sui servizi in più lingue.", languages=["it", *MEDIATION_LANGUAGES]),
    _offer("Associazione Babele – Mediazione interculturale APS", "F2.4.f", "Laboratori di lingua italiana per "
           "donne.", target_groups=["women", "migrant"], languages=["it", "ar", "bn", "ur"]),
    _offer("Associazione Mani Aperte ODV", "F2.4.d", "Emporio solidale e pacchi alimentari.",
           target_groups=["migrant", "homeless", "women"], documents_required="Nessuno"),
    _offer("Associazione Mani Aperte ODV", "F2.1.b", "Punto di ascolto.", site=1, documents_required="Nessuno"),
    _offer("Associazione Mani Aperte ODV", "F2.4.f", "Scuola di italiano gestita da volontari.",
           languages=["it", "en", "fr"]),
    _offer("Casa dell'Accoglienza ODV", "F2.4.d", "Dormitorio e mensa serale.", target_groups=["homeless", "migrant"],
           opening_hours="tutti i giorni 19:00–8:00", documents_required="Nessuno"),
    _offer("Casa dell'Accoglienza ODV", "F2.1.b", "Centro di ascolto.", target_groups=["homeless", "migrant"]),
    _offer("Casa dell'Accoglienza ODV", "F2.6.a", "Accoglienza temporanea e accompagnamento all'autonomia "
           "abitativa.", target_groups=["homeless", "exploitation_victim"], legal_status=P.NONE),
    _offer("Logistica Padana S.r.l.", "F2.5.f", "Tirocini come magazziniere e carrellista.", capacity=3),
    _offer("Associazione Industriali della Provincia di Cremona", "F2.5.d", "Segnalazione delle posizioni aperte "
           "nelle imprese associate."),
]

# (organisation, role): synthetic people to call, for the main partners. Roles
# are worded for anyone, since the names are drawn at random.
CONTACTS = [
    ("Comune di Cremona", "Responsabile del PUA"),
    ("Comune di Cremona", "Assistente sociale"),
    ("Centro per l'Impiego di Cremona", "Referente tirocini"),
    ("CR.Forma – Azienda speciale servizi di formazione", "Referente dei corsi"),
    ("CGIL – Camera del Lavoro di Cremona", "Responsabile ufficio vertenze"),
    ("Cooperativa sociale Porto Franco (tipo A)", "Referente unità di strada"),
    ("Cooperativa sociale Porto Franco (tipo A)", "Referente mediazione linguistico-culturale"),
    ("Cooperativa sociale Ponte sul Po (tipo B)", "Responsabile inserimenti lavorativi"),
    ("Associazione Babele – Mediazione interculturale APS", "Referente mediatori"),
    ("Comune di Alatri", "Referente UTI Distretto A"),
    ("Comune di Frosinone", "Referente UTI Distretto B"),
    ("AIPES", "Referente UTI Distretto C"),
    ("Consorzio dei Comuni del Cassinate", "Referente UTI Distretto D"),
    ("Provincia di Frosinone", "Coordinamento rete Nautilus"),
    ("ASL Frosinone – Dipartimento 3D", "Referente U.O. Occupazione"),
    ("ASL Frosinone – Dipartimento 3D", "Referente educativo Ser.D."),
    ("Agenzia Frosinone Formazione", "Referente orientamento"),
    ("Centro per l'Impiego di Frosinone", "Referente fasce deboli"),
    ("Fondazione Exodus", "Direzione tecnica del progetto"),
    ("Fondazione Exodus", "Broker sociale Distretto D"),
    ("IAL CISL", "Progettista formazione"),
    ("Comunità Nuovi Orizzonti", "Broker sociale Distretto A"),
    ("Comunità In Dialogo", "Accompagnamento al lavoro"),
    ("Cooperativa In Movimento", "Orientamento"),
    ("Cooperativa Diaconia", "Broker sociale Distretto B"),
    ("Gruppo Vita Serena", "Accompagnamento al lavoro"),
    ("Associazione Il Faro", "Broker sociale e orientamento"),
    ("Caritas – Diocesi di Frosinone", "Responsabile centro di ascolto"),
]

# Agreements, without documents. Dates in days from today.
AGREEMENTS = [
    {"access_point": UTI_FROSINONE, "kind": AgreementKind.PROTOCOL,
     "subject": "Protocollo d'intesa della rete NAUTILUS 2",
     "parties": ["Provincia di Frosinone", "Comune di Alatri", "Comune di Frosinone", "AIPES",
                 "Consorzio dei Comuni del Cassinate", "ASL Frosinone – Dipartimento 3D",
                 "Agenzia Frosinone Formazione", "Fondazione Exodus"],
     "services": ["F2.2.a", "F2.5.a", "F2.5.c", "F2.5.f"],
     "signed": -700, "valid_from": -700, "valid_until": 45, "status": AgreementStatus.ACTIVE,
     "notes": "Rinnovo all'ordine del giorno del Gruppo di coordinamento provinciale."},
    {"access_point": UTI_D, "kind": AgreementKind.CONTRACT,
     "subject": "Contratto con la Fondazione Exodus, capofila del partenariato NAUTILUS 2",
     "parties": ["Provincia di Frosinone", "Fondazione Exodus"],
     "services": ["F2.2.a", "F2.5.d", "F2.5.f"],
     "signed": -420, "valid_from": -400, "valid_until": 330, "status": AgreementStatus.ACTIVE,
     "notes": "Direzione tecnica, broker sociale, orientatore e accompagnamento al lavoro nel Distretto D."},
    {"access_point": UTI_FROSINONE, "kind": AgreementKind.CONVENTION,
     "subject": "Convenzione per tirocini con la Cooperativa Diaconia",
     "parties": ["Comune di Frosinone", "Cooperativa Diaconia"], "services": ["F2.5.f"],
     "signed": -160, "valid_from": -150, "valid_until": 215, "status": AgreementStatus.ACTIVE, "notes": ""},
    {"access_point": PUA_CREMONA, "kind": AgreementKind.NETWORK_AGREEMENT,
     "subject": "Accordo di rete del PUA dell'Ambito di Cremona",
     "parties": ["Comune di Cremona", "Cooperativa sociale Porto Franco (tipo A)",
                 "Cooperativa sociale Ponte sul Po (tipo B)", "CR.Forma – Azienda speciale servizi di formazione",
                 "Associazione Babele – Mediazione interculturale APS"],
     "services": ["F2.1.a", "F2.2.a", "F2.4.c", "F2.5.c", "F2.5.f"],
     "signed": -300, "valid_from": -300, "valid_until": 130, "status": AgreementStatus.ACTIVE, "notes": ""},
    {"access_point": PUA_CREMONA, "kind": AgreementKind.CONTRACT,
     "subject": "Contratto di servizio per unità di strada e mediazione – Cooperativa Porto Franco",
     "parties": ["Comune di Cremona", "Cooperativa sociale Porto Franco (tipo A)"],
     "services": ["F2.1.a", "F2.1.d", "F2.4.c", "F2.3.a"],
     "signed": -340, "valid_from": -335, "valid_until": 25, "status": AgreementStatus.ACTIVE,
     "notes": "Proroga da deliberare prima della scadenza."},
    {"access_point": PUA_CREMONA, "kind": AgreementKind.CONVENTION,
     "subject": "Convenzione per tirocini con Logistica Padana S.r.l.",
     "parties": ["Comune di Cremona", "Logistica Padana S.r.l."], "services": ["F2.5.f"],
     "signed": None, "valid_from": None, "valid_until": None, "status": AgreementStatus.DRAFT, "notes": ""},
]

A = ActorType
C = ContactChannel
# (access point, days ago, registered organisation or None, name if not registered, actor type, channel,
#  purpose, outcome, next step, next step due in days or None, operator's username)
NETWORK_CONTACTS = [
    (UTI_FROSINONE, 5, "Termoidraulica Ciociara S.r.l.", "", A.LOCAL_BUSINESS, C.VISIT,
     "Disponibilità a tirocini per installatori formati nel corso", "Disponibili due posti da settembre.",
     "Inviare i profili dei corsisti", 14, "direttore_fr"),
    (UTI_FROSINONE, 12, None, "Officine Meccaniche Ernica S.n.c.", A.LOCAL_BUSINESS, C.MEETING,
     "Presentazione del progetto e delle agevolazioni per le assunzioni",
     "Interessati; chiedono un incontro con il consulente del lavoro.", "Fissare l'incontro", 10, "direttore_fr"),
    (UTI_FROSINONE, 20, "Cooperativa Diaconia", "", A.THIRD_SECTOR, C.MEETING,
     "Coordinamento con il broker sociale del Distretto B", "Concordate le priorità sui nuovi invii.", "", None,
     "direttore_fr"),
    (UTI_FROSINONE, 27, "IAL CISL", "", A.TRAINING_BODY, C.PHONE,
     "Calendario del corso di termoidraulica", "Avvio confermato; restano quattro posti.",
     "Segnalare i candidati del Distretto B", 7, "direttore_fr"),
    (UTI_FROSINONE, 33, "Unione Industriale della Provincia di Frosinone", "", A.STAKEHOLDER, C.EVENT,
     "Tavolo provinciale sull'inserimento lavorativo delle fasce deboli", "Raccolte tre manifestazioni di interesse.",
     "", None, "direttore_fr"),
    (UTI_FROSINONE, 41, "Comune di Frosinone", "", A.INSTITUTION, C.MEETING,
     "Incontro con l'Ufficio di Piano del Distretto B", "Le azioni dell'UTI entrano nel Piano di zona.", "", None,
     "direttore_fr"),
    (UTI_FROSINONE, 48, "Agenzia Frosinone Formazione", "", A.TRAINING_BODY, C.EMAIL,
     "Posti disponibili nei corsi di alfabetizzazione informatica", "Riservati cinque posti agli utenti dell'UTI.",
     "", None, "direttore_fr"),
    (UTI_FROSINONE, 56, "Gruppo Vita Serena", "", A.THIRD_SECTOR, C.VISIT,
     "Verifica di un tirocinio in corso", "Tirocinio regolare; proposta di proroga.", "Valutare la proroga", 30,
     "direttore_fr"),
    (UTI_FROSINONE, 67, "CNA Frosinone", "", A.STAKEHOLDER, C.MEETING,
     "Supporto all'autoimprenditorialità degli utenti formati", "Disponibili per due colloqui di avvio d'impresa.",
     "", None, "direttore_fr"),
    (UTI_FROSINONE, 80, "ASL Frosinone – Dipartimento 3D", "", A.INSTITUTION, C.MEETING,
     "Procedura di invio all'UTI e scheda di invio", "Scheda di invio condivisa con i Ser.D.", "", None,
     "direttore_fr"),
    (PUA_CREMONA, 3, "Logistica Padana S.r.l.", "", A.LOCAL_BUSINESS, C.VISIT,
     "Condizioni di lavoro dei magazzinieri e disponibilità a tirocini", "Disponibili tre tirocini.",
     "Firmare la convenzione", 21, "lavoro"),
    (PUA_CREMONA, 9, None, "Azienda agricola Cascina Morina", A.LOCAL_BUSINESS, C.VISIT,
     "Contatto durante l'uscita dell'unità di strada", "Lasciato materiale informativo in più lingue.", "", None,
     "operatore"),
    (PUA_CREMONA, 15, "Cooperativa sociale Porto Franco (tipo A)", "", A.THIRD_SECTOR, C.MEETING,
     "Programmazione delle uscite dell'unità di strada", "Calendario del trimestre concordato.", "", None,
     "operatore"),
    (PUA_CREMONA, 22, "CR.Forma – Azienda speciale servizi di formazione", "", A.TRAINING_BODY, C.EMAIL,
     "Iscrizioni al corso per carrellisti", "Iscritti due beneficiari.", "", None, "lavoro"),
    (PUA_CREMONA, 30, "CGIL – Camera del Lavoro di Cremona", "", A.STAKEHOLDER, C.MEETING,
     "Casi di caporalato segnalati allo sportello vertenze", "Concordato un canale di segnalazione al PUA.",
     "Definire la scheda di segnalazione", 15, "direttore"),
    (PUA_CREMONA, 38, None, "Prefettura di Cremona", A.INSTITUTION, C.MEETING,
     "Tavolo provinciale sul contrasto al caporalato", "Il PUA entra nel tavolo permanente.", "", None, "direttore"),
    (PUA_CREMONA, 45, "Associazione Mani Aperte ODV", "", A.THIRD_SECTOR, C.PHONE,
     "Segnalazione di una famiglia senza reddito", "Fissato il colloquio al PUA.", "", None, "operatore"),
    (PUA_CREMONA, 53, "Associazione Industriali della Provincia di Cremona", "", A.STAKEHOLDER, C.EVENT,
     "Presentazione del PUA alle imprese associate", "Partecipanti dodici imprese.", "Inviare la scheda di adesione",
     20, "direttore"),
    (PUA_CREMONA, 64, "Centro per l'Impiego di Cremona", "", A.INSTITUTION, C.MEETING,
     "Raccordo sulle iscrizioni e sui tirocini", "Prenotazioni dedicate per i beneficiari INLAV.", "", None, "lavoro"),
    (PUA_CREMONA, 84, None, "Ispettorato Territoriale del Lavoro di Cremona", A.INSTITUTION, C.MEETING,
     "Procedura per le segnalazioni di sfruttamento lavorativo", "Bozza di procedura condivisa.", "", None,
     "direttore"),
]

# (username, role, organisation, access points): every role at the Cremona PUA
# and at the Frosinone UTI; each regional coordinator follows the access
# points of their own region; one administrator for the installation.
USERS = [
    ("direttore", Role.DIRECTOR, "Comune di Cremona", [PUA_CREMONA]),
    ("sociale", Role.SOCIAL_EXPERT, "Comune di Cremona", [PUA_CREMONA]),
    ("lavoro", Role.LABOUR_EXPERT, "Comune di Cremona", [PUA_CREMONA]),
    ("operatore", Role.OUTREACH_OPERATOR, "Comune di Cremona", [PUA_CREMONA]),
    ("partner", Role.PARTNER_OPERATOR, "Cooperativa sociale Ponte sul Po (tipo B)", [PUA_CREMONA]),
    ("consiglio", Role.BOARD_VIEWER, "Comune di Cremona", [PUA_CREMONA]),
    ("regione", Role.REGIONAL_COORDINATOR, "Regione Lombardia", [PUA_CREMONA]),
    ("admin", Role.ADMIN, "Comune di Cremona", [PUA_CREMONA]),
    ("direttore_fr", Role.DIRECTOR, "Comune di Frosinone", [UTI_FROSINONE]),
    ("sociale_fr", Role.SOCIAL_EXPERT, "Comune di Frosinone", [UTI_FROSINONE]),
    ("lavoro_fr", Role.LABOUR_EXPERT, "Comune di Frosinone", [UTI_FROSINONE]),
    ("operatore_fr", Role.OUTREACH_OPERATOR, "Comune di Frosinone", [UTI_FROSINONE]),
    ("partner_fr", Role.PARTNER_OPERATOR, "Cooperativa In Movimento", [UTI_FROSINONE]),
    ("consiglio_fr", Role.BOARD_VIEWER, "Provincia di Frosinone", [UTI_FROSINONE]),
    ("regione_lazio", Role.REGIONAL_COORDINATOR, "Regione Lazio", ALL_UTI),
]

DIALLING_CODES = {"CR": "0372", "MI": "02", "RM": "06", "FR": "0775"}

# Fixed seeds: the same synthetic names and the same spread of values on every load.
NAME_SEED = 2026
CONTACT_SEED = 2027


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
    network_links: int = 0
    sites: int = 0
    offerings: int = 0
    contact_persons: int = 0
    agreements: int = 0
    network_contacts: int = 0
    logins: list[DemoLogin] = field(default_factory=list)


def demo_is_loaded() -> bool:
    return Programme.objects.filter(code=INLAV).exists()


@transaction.atomic
def demo_load(*, with_users: bool) -> DemoResult:
    """Create or update the demo data; users only when ``with_users``."""
    result = DemoResult()
    municipalities = _municipalities()
    result.municipalities = len({code for data in TERRITORIES for code in data["municipalities"]})

    # Organisations first: programmes and territories point at their lead body.
    organisations = {}
    for index, (name, kind, municipality, handle, legal_form) in enumerate(ORGANISATIONS):
        organisations[name], _ = Organisation.objects.update_or_create(
            name=name,
            defaults={"kind": kind, "municipality": municipalities[municipality], "legal_form": legal_form,
                      "email": f"{handle}@example.org", "phone": _phone(municipalities[municipality], index),
                      "is_active": True, "search_text": search_text(name)},
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
                      "phone": data["phone"], "is_active": True},
        )
    result.access_points = len(access_points)

    result.network_links = _network_load(organisations=organisations, access_points=access_points)
    sites = _sites_load(organisations=organisations, municipalities=municipalities)
    result.sites = sum(len(org_sites) for org_sites in sites.values())
    services = _services()
    result.offerings = _offerings_load(organisations=organisations, sites=sites, services=services)
    result.contact_persons = _contact_persons_load(organisations=organisations, municipalities=municipalities)
    result.agreements = _agreements_load(organisations=organisations, access_points=access_points,
                                         services=services)

    if with_users:
        result.logins = _users_load(organisations=organisations, access_points=access_points)
    result.network_contacts = _network_contacts_load(organisations=organisations, access_points=access_points)
    return result


def _municipalities() -> dict[str, Municipality]:
    """The municipalities the demo names, from the reference data (loaded by migration)."""
    codes = {code for data in TERRITORIES for code in data["municipalities"]}
    codes |= {data["municipality"] for data in ACCESS_POINTS}
    codes |= {municipality for _, _, municipality, _, _ in ORGANISATIONS}
    codes |= {code for org_sites in SITES.values() for _, code in org_sites}
    found = {m.istat_code: m for m in Municipality.objects.filter(istat_code__in=codes)}
    missing = sorted(codes - found.keys())
    if missing:
        raise RuntimeError(f"Municipalities {', '.join(missing)} are missing: run the migrations first.")
    return found


def _phone(municipality: Municipality, number: int) -> str:
    """Synthetic numbers in the area's dialling code, in a range no one is assigned."""
    return f"{DIALLING_CODES.get(municipality.province, '0775')} 000{number % 1000:03d}"


def _network_load(*, organisations, access_points) -> int:
    programme_of = {data["name"]: data["programme"] for data in ACCESS_POINTS}
    count = 0
    for name, relation, aps, role, contributions in NETWORK:
        organisation = organisations[name]
        for ap in aps:
            year, month, day = NETWORK_SINCE[programme_of[ap]]
            NetworkLink.objects.update_or_create(
                organisation=organisation, accesspoint=access_points[ap],
                defaults={"relation": relation, "role": role, "since": date(year, month, day),
                          **{f"contributes_{c}": c in contributions
                             for c in (AWARENESS, OUTREACH, PROMOTION, SERVICES)}},
            )
            count += 1
        # The territories an organisation covers are those of the access points it works with.
        organisation.territories.add(*{access_points[ap].territory for ap in aps})
    return count


def _sites_load(*, organisations, municipalities) -> dict[str, list[Site]]:
    sites = {}
    for name, _, municipality, _, _ in ORGANISATIONS:
        sites[name] = []
        for site_name, code in SITES.get(name, [(DEFAULT_SITE, municipality)]):
            place = municipalities[code]
            latitude, longitude = _near(place, f"site|{name}|{site_name}")
            site, _ = Site.objects.update_or_create(
                organisation=organisations[name], name=site_name,
                defaults={"municipality": place, "latitude": latitude, "longitude": longitude},
            )
            sites[name].append(site)
    return sites


def _near(municipality: Municipality, key: str) -> tuple[float | None, float | None]:
    """A point a few hundred metres from the municipality's centre, the same for the same key,
    so that markers of one town do not sit on top of each other."""
    if municipality.latitude is None or municipality.longitude is None:
        return None, None
    rng = random.Random(key)
    return (round(municipality.latitude + rng.uniform(-SITE_OFFSET, SITE_OFFSET), 6),
            round(municipality.longitude + rng.uniform(-SITE_OFFSET, SITE_OFFSET), 6))


def _services() -> dict[str, Service]:
    codes = {code for _, code, _, _, _ in OFFERINGS}
    codes |= {code for data in AGREEMENTS for code in data["services"]}
    found = {s.code: s for s in Service.objects.filter(programme=None, code__in=codes, level=ServiceLevel.SERVICE)}
    missing = sorted(codes - found.keys())
    if missing:
        raise RuntimeError(f"Catalogue services {', '.join(missing)} are missing: run the migrations first.")
    return found


def _programme_of_organisations() -> dict[str, str]:
    programme_of_ap = {data["name"]: data["programme"] for data in ACCESS_POINTS}
    return {name: programme_of_ap[aps[0]] for name, _, aps, _, _ in NETWORK}


def _upsert(model, lookup: dict, values: dict):
    """update_or_create that tolerates rows the demo users duplicated: the oldest one is the demo's."""
    obj = model.objects.filter(**lookup).order_by("pk").first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    for key, value in values.items():
        setattr(obj, key, value)
    obj.save()
    return obj


def _offerings_load(*, organisations, sites, services) -> int:
    programme_of = _programme_of_organisations()
    handles = {name: handle for name, _, _, handle, _ in ORGANISATIONS}
    target_groups = {g.code: g for g in TargetGroup.objects.all()}
    languages = {lang.code: lang for lang in Language.objects.all()}
    now = timezone.now()
    for name, code, site_index, description, options in OFFERINGS:
        organisation, site = organisations[name], sites[name][site_index]
        values = {**PROGRAMME_DEFAULTS[programme_of[name]], **options}
        rng = random.Random(f"offering|{name}|{code}|{site.name}")
        latitude, longitude, municipality = offering_point(site=site, organisation=organisation)
        offering = _upsert(Offering, {"organisation": organisation, "service": services[code], "site": site}, {
            "description": description,
            "search_text": search_text(description),
            "opening_hours": values.get("opening_hours") or rng.choice(OPENING_HOURS),
            "capacity": values.get("capacity", rng.randint(4, 25) if code in CAPACITY_SERVICES else None),
            "availability": rng.choices(list(Availability), weights=[60, 18, 12, 6, 4])[0],
            "documents_required": values["documents_required"],
            "legal_status": values.get("legal_status", LEGAL_STATUS.get(code, P.NONE)),
            "cost": values.get("cost", Cost.FREE),
            "cost_notes": values.get("cost_notes", ""),
            "referral_phone": organisation.phone,
            "referral_email": f"invii.{handles[name]}@example.org",
            "referral_notes": values["referral_notes"],
            "latitude": latitude, "longitude": longitude, "municipality": municipality,
            "is_active": True,
            # A quarter of the entries not confirmed for more than six months, as in any real directory.
            "last_confirmed_at": now - timedelta(
                days=rng.randint(190, 360) if rng.random() < 0.25 else rng.randint(2, 170), hours=rng.randint(0, 9)),
        })
        offering.target_groups.add(*(target_groups[c] for c in values["target_groups"]))
        offering_languages = [languages[c] for c in values["languages"]]
        offering.languages.add(*offering_languages)
        organisation.languages.add(*offering_languages)
    return len(OFFERINGS)


def _contact_persons_load(*, organisations, municipalities) -> int:
    fake = Faker("it_IT")
    fake.seed_instance(CONTACT_SEED)
    municipality_of = {name: municipality for name, _, municipality, _, _ in ORGANISATIONS}
    for index, (name, role) in enumerate(CONTACTS):
        first, last = fake.first_name(), fake.last_name()
        email = f"{slugify(first).replace('-', '')}.{slugify(last).replace('-', '')}@example.org"
        _upsert(ContactPerson, {"organisation": organisations[name], "role": role}, {
            "name": f"{first} {last}", "email": email,
            "phone": _phone(municipalities[municipality_of[name]], 500 + index),
        })
    return len(CONTACTS)


def _agreements_load(*, organisations, access_points, services) -> int:
    today = timezone.localdate()

    def day(offset):
        return None if offset is None else today + timedelta(days=offset)

    for data in AGREEMENTS:
        agreement = _upsert(Agreement, {"access_point": access_points[data["access_point"]],
                                        "subject": data["subject"]}, {
            "kind": data["kind"], "signed_on": day(data["signed"]), "valid_from": day(data["valid_from"]),
            "valid_until": day(data["valid_until"]), "status": data["status"], "notes": data["notes"],
        })
        agreement.parties.add(*(organisations[name] for name in data["parties"]))
        agreement.services.add(*(services[code] for code in data["services"]))
    return len(AGREEMENTS)


def _network_contacts_load(*, organisations, access_points) -> int:
    """Contacts need an operator: the demo user named in the row. Without demo
    users (DEBUG off and never loaded with it on) there are no contacts."""
    demo_users = {username for username, _, _, _ in USERS}
    operators = {user.username: user for user in get_user_model().objects.filter(username__in=demo_users)
                 if user.email == f"{user.username}@example.org"}
    today = timezone.localdate()
    count = 0
    for (ap, days_ago, organisation, organisation_name, actor_type, channel, purpose, outcome, next_step, due,
         username) in NETWORK_CONTACTS:
        operator = operators.get(username)
        if operator is None:
            continue
        _upsert(NetworkContact, {"access_point": access_points[ap], "purpose": purpose}, {
            "date": today - timedelta(days=days_ago),
            "organisation": organisations[organisation] if organisation else None,
            "organisation_name": organisation_name, "actor_type": actor_type, "channel": channel,
            "outcome": outcome, "next_step": next_step,
            "next_step_due": today + timedelta(days=due) if due is not None else None,
            "operator": operator,
        })
        count += 1
    return count


def _users_load(*, organisations, access_points) -> list[DemoLogin]:
    User = get_user_model()
    fake = Faker("it_IT")
    fake.seed_instance(NAME_SEED)
    logins = []
    # Names of the operators already there (e.g. added by the dataset generator) are not given twice.
    taken = set(User.objects.exclude(username__in=[u for u, _, _, _ in USERS]).values_list("first_name", "last_name"))
    for username, role, organisation, aps in USERS:
        is_admin = role == Role.ADMIN
        name = (fake.first_name(), fake.last_name())
        while name in taken:
            name = (fake.first_name(), fake.last_name())
        taken.add(name)
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={"first_name": name[0], "last_name": name[1],
                      "email": f"{username}@example.org", "is_active": True,
                      "is_staff": is_admin, "is_superuser": is_admin, "preferred_language": "it"},
        )
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
        # The loader bootstraps the system: its memberships are approved as made
        # (people grant roles through the services and the two-person rule).
        membership, _ = Membership.objects.update_or_create(
            user=user, organisation=organisations[organisation], role=role,
            defaults={"is_active": True, "approved_at": timezone.now(), "approved_by": None},
        )
        membership.access_points.set([access_points[ap] for ap in aps])
        logins.append(DemoLogin(username=username, role=role.value, access_points=aps))
    return logins
