# ruff: noqa: E501  (catalogue labels are kept whole, one entry per line)
"""The INLAV service catalogue shipped with PUA (plan of seeds 000 and 001).

(code, Italian label, English label, aliases). The level follows from the
code: ``F2`` is a phase, ``F2.4`` an area, ``F2.4.c`` a service. Phase F2
holds the services delivered to a person.
"""

CATALOGUE = [
    ("F1", "Attivazione del PUA", "Activating the access point", ""),
    ("F1.1", "Organizzazione e attivazione del PUA e della rete", "Organisation and activation of the PUA and its network", ""),
    ("F1.1.a", "Istituzione PUA", "Setting up the PUA", ""),
    ("F1.1.b", "Studio delle caratteristiche del lavoro sommerso e dello sfruttamento lavorativo a livello territoriale",
     "Study of undeclared work and labour exploitation in the territory", ""),
    ("F1.1.c", "Mappatura dei servizi esistenti", "Mapping of existing services", ""),
    ("F1.1.d", "Attivazione e contrattualizzazione partner (ETS) per l'erogazione dei servizi",
     "Activating and contracting third-sector partners to deliver services", ""),
    ("F1.1.e", "Mappatura, costruzione e sviluppo della rete", "Mapping, building and developing the network", ""),
    ("F1.2", "Sensibilizzazione e formazione", "Awareness raising and training", ""),
    ("F1.2.a", "Analisi delle barriere di accesso ai servizi e studio di nuove soluzioni",
     "Analysis of barriers to accessing services and study of new solutions", ""),
    ("F1.2.b", "Attività di formazione per operatrici e operatori della rete di servizi",
     "Training for the operators of the service network", ""),
    ("F1.2.c", "Azioni di comunicazione e sensibilizzazione", "Communication and awareness-raising actions", ""),
    ("F2", "Pacchetto servizi INLAV", "The INLAV service package", ""),
    ("F2.1", "Contatto e identificazione", "Contact and identification", ""),
    ("F2.1.a", "Unità di strada o presidi mobili", "Street units or mobile outposts", ""),
    ("F2.1.b", "Punti drop-in o presidi stabili", "Drop-in points or fixed outposts", ""),
    ("F2.1.c", "Attivazione linee telefoniche e/o numero verde", "Phone lines and/or toll-free number", ""),
    ("F2.1.d", "Azioni specifiche di outreach", "Specific outreach actions", ""),
    ("F2.1.e", "Attivazione di sportelli diffusi", "Local help desks", ""),
    ("F2.1.f", "Utilizzo specialistico dei social network e dei dispositivi digitali",
     "Specialist use of social networks and digital devices", ""),
    ("F2.1.g", "Distribuzione materiale per beneficiari redatto in più lingue",
     "Distribution of multilingual materials for beneficiaries", ""),
    ("F2.1.h", "Supporto nella compilazione di documenti o pratiche", "Help with filling in documents and applications", ""),
    ("F2.2", "Presa in carico e accompagnamento", "Taking in charge and accompaniment", ""),
    ("F2.2.a", "Piani individuali di intervento per l'emersione e l'integrazione socio-lavorativa (predisposizione e attuazione)",
     "Individual plans for emerging from undeclared work and socio-labour integration (drafting and delivery)", ""),
    ("F2.3", "Protezione", "Protection", ""),
    ("F2.3.a", "Azioni connesse alla protezione delle vittime di tratta e/o sfruttamento lavorativo",
     "Protection of victims of trafficking and/or labour exploitation", ""),
    ("F2.4", "Interventi sociali", "Social interventions", ""),
    ("F2.4.a", "Informazioni di orientamento sui diritti (lavoro nero e lavoro grigio)",
     "Guidance on rights (undeclared and partly declared work)", ""),
    ("F2.4.b", "Informazioni sull'accesso ai servizi", "Information on access to services", ""),
    ("F2.4.c", "Mediazione linguistica", "Linguistic mediation", ""),
    ("F2.4.d", "Supporto all'accesso ai servizi di prima assistenza sociale (ad es. mense)",
     "Support in accessing basic social assistance (e.g. canteens)", ""),
    ("F2.4.e", "Supporto all'accesso ai servizi di prima assistenza socio-sanitaria",
     "Support in accessing basic social and health care", ""),
    ("F2.4.f", "Azioni di empowerment (alfabetizzazione linguistica)", "Empowerment (language literacy)", ""),
    ("F2.4.g", "Assistenza legale", "Legal assistance", ""),
    ("F2.4.h", "Orientamento ai diritti di abitazione, recupero crediti, ...",
     "Guidance on housing rights, recovery of unpaid wages, ...", ""),
    ("F2.5", "Interventi formativi e di inserimento lavorativo", "Training and job placement", ""),
    ("F2.5.a", "Orientamento di base e specialistico su opportunità di formazione e lavoro",
     "Basic and specialist guidance on training and job opportunities", ""),
    ("F2.5.b", "Supporto alla attestazione e/o certificazione delle competenze",
     "Support with the validation and/or certification of skills", ""),
    ("F2.5.c", "Supporto nell'accesso a percorsi di formazione professionale, corsi di alfabetizzazione informatica",
     "Support in accessing vocational training and digital literacy courses", ""),
    ("F2.5.d", "Supporto nell'accesso ai servizi di ricerca del lavoro", "Support in accessing job-search services", ""),
    ("F2.5.e", "Tutoraggio per l'avvio di impresa", "Mentoring for starting a business", ""),
    ("F2.5.f", "Supporto per l'attivazione di tirocini, borse lavoro o apprendistato",
     "Support in starting traineeships, work grants or apprenticeships", ""),
    ("F2.5.g", "Sostegno alla conciliazione famiglia-lavoro (buoni e voucher per carichi educativi e/o di cura, agevolazioni tariffarie)",
     "Support for reconciling family and work (vouchers for childcare and/or care, reduced fees)", "F2.2.b"),
    ("F2.6", "Housing e mobilità", "Housing and mobility", ""),
    ("F2.6.a", "Sostegno alla domanda abitativa (ricerca di spazi abitativi in affitto, titoli sociali a sostegno dell'affitto)",
     "Housing support (finding rented accommodation, social rent allowances)", ""),
    ("F2.6.b", "Supporto relativo al trasporto locale (verifica tariffe agevolate, ...)",
     "Support with local transport (checking reduced fares, ...)", ""),
    ("F3", "Monitoraggio del PUA", "Monitoring the PUA", ""),
    ("F3.1", "Monitoraggio attività", "Monitoring of activities", ""),
    ("F3.1.a", "Definizione di indicatori di monitoraggio dell'attività del PUA",
     "Defining indicators for monitoring the PUA's activity", ""),
    ("F3.1.b", "Definizione del sistema di raccolta ed organizzazione dei dati per il monitoraggio",
     "Defining how monitoring data are collected and organised", ""),
    ("F3.1.c", "Valutazione periodica degli indicatori di monitoraggio", "Periodic evaluation of the monitoring indicators", ""),
]


def level_of(code: str) -> str:
    depth = code.count(".")
    return ("phase", "area", "service")[min(depth, 2)]


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def sort_key(code: str) -> str:
    """``F2.10.b`` sorts after ``F2.9.a``: numbers are zero-padded."""
    return ".".join(part.zfill(4) if part.isdigit() else part for part in code.replace("F", "F.", 1).split("."))
