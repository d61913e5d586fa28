"""Answer lists shared by several shipped instruments, so that the same
question ("which sector?", "which Italian level?") has the same codes in
every form and aggregates across forms line up."""

from .rows import choice, t

YES_NO = [
    ("yes", t("Sì", "Yes")),
    ("no", t("No", "No")),
]

YES_NO_UNKNOWN = [
    *YES_NO,
    ("unknown", t("Non so / non risponde", "Don't know / no answer")),
]

# Severity of an area of need (0–3): the numeric names let the form add them up.
SEVERITY = [
    ("0", t("0 – Nessuna difficoltà", "0 – No difficulty")),
    ("1", t("1 – Lieve: la persona se la cava da sola", "1 – Mild: the person copes on their own")),
    ("2", t("2 – Moderata: serve un sostegno", "2 – Moderate: support is needed")),
    ("3", t("3 – Grave: serve un intervento urgente", "3 – Severe: urgent action is needed")),
]

# Economic sectors in plain words (each with its ATECO 2007 section, for reports).
SECTORS = [
    ("agriculture", t("Agricoltura e allevamento", "Agriculture and livestock"), "A"),
    ("food_industry", t("Industria alimentare", "Food industry"), "C"),
    ("manufacturing", t("Industria e produzione (fabbrica)", "Manufacturing (factory work)"), "C"),
    ("construction", t("Edilizia", "Construction"), "F"),
    ("retail", t("Commercio e vendita", "Retail and sales"), "G"),
    ("logistics", t("Magazzino e logistica", "Warehouse and logistics"), "H"),
    ("transport", t("Trasporti e consegne", "Transport and deliveries"), "H"),
    ("hospitality", t("Ristorazione e alberghi", "Restaurants and hotels"), "I"),
    ("office", t("Lavoro d'ufficio", "Office work"), "N"),
    ("cleaning", t("Pulizie e servizi alle imprese", "Cleaning and business services"), "N"),
    ("green", t("Manutenzione del verde", "Gardening and green maintenance"), "N"),
    ("care", t("Assistenza alla persona e lavoro domestico", "Care work and domestic work"), "T"),
    ("crafts", t("Artigianato e riparazioni", "Crafts and repairs"), "S"),
    ("other", t("Altro settore", "Other sector"), ""),
]

# Common European Framework of Reference for languages.
CEFR = [
    ("none", t("Nessuna conoscenza", "No knowledge")),
    ("pre_a1", t("Pre-A1 – Conosce solo poche parole", "Pre-A1 – Knows only a few words")),
    ("a1", t("A1 – Capisce e usa frasi molto semplici", "A1 – Understands and uses very simple phrases")),
    ("a2", t("A2 – Si fa capire in situazioni di tutti i giorni", "A2 – Gets by in everyday situations")),
    ("b1", t("B1 – Parla di lavoro e di sé con qualche errore", "B1 – Talks about work and self, with some mistakes")),
    ("b2", t("B2 – Parla con scioltezza", "B2 – Speaks fluently")),
    ("c1_c2", t("C1–C2 – Padronanza avanzata", "C1–C2 – Advanced command")),
    ("native", t("Madrelingua", "Native speaker")),
]

# The INLAV services a plan can propose (codes of the shipped service catalogue).
SOCIAL_ACTIONS = [
    ("f2_3_a", t("Protezione delle vittime di tratta e/o sfruttamento (F2.3.a)",
                 "Protection of victims of trafficking and/or exploitation (F2.3.a)")),
    ("f2_4_a", t("Informazioni sui diritti: lavoro nero e grigio (F2.4.a)",
                 "Information on rights: undeclared and partly declared work (F2.4.a)")),
    ("f2_4_b", t("Informazioni sull'accesso ai servizi (F2.4.b)", "Information on access to services (F2.4.b)")),
    ("f2_4_c", t("Mediazione linguistica (F2.4.c)", "Language mediation (F2.4.c)")),
    ("f2_4_d", t("Accesso ai servizi di prima assistenza sociale, es. mense (F2.4.d)",
                 "Access to basic social assistance, e.g. soup kitchens (F2.4.d)")),
    ("f2_4_e", t("Accesso ai servizi socio-sanitari (F2.4.e)", "Access to social and health services (F2.4.e)")),
    ("f2_4_f", t("Corso di italiano (F2.4.f)", "Italian language course (F2.4.f)")),
    ("f2_4_g", t("Assistenza legale (F2.4.g)", "Legal assistance (F2.4.g)")),
    ("f2_4_h", t("Orientamento ai diritti sulla casa e al recupero crediti (F2.4.h)",
                 "Guidance on housing rights and debt recovery (F2.4.h)")),
    ("f2_5_g", t("Conciliazione famiglia-lavoro: buoni e voucher di cura (F2.5.g)",
                 "Work-family balance: childcare and care vouchers (F2.5.g)")),
    ("f2_6_a", t("Sostegno nella ricerca della casa (F2.6.a)", "Support in finding housing (F2.6.a)")),
    ("f2_6_b", t("Supporto per i trasporti locali (F2.6.b)", "Support with local transport (F2.6.b)")),
]

LABOUR_ACTIONS = [
    ("f2_4_a", t("Informazioni sui diritti: lavoro nero e grigio (F2.4.a)",
                 "Information on rights: undeclared and partly declared work (F2.4.a)")),
    ("f2_5_a", t("Orientamento su formazione e lavoro (F2.5.a)", "Guidance on training and work (F2.5.a)")),
    ("f2_5_b", t("Attestazione o certificazione delle competenze (F2.5.b)",
                 "Validation or certification of skills (F2.5.b)")),
    ("f2_5_c", t("Formazione professionale o corso di informatica (F2.5.c)",
                 "Vocational training or computer course (F2.5.c)")),
    ("f2_5_d", t("Supporto nella ricerca del lavoro (F2.5.d)", "Support in looking for work (F2.5.d)")),
    ("f2_5_e", t("Tutoraggio per l'avvio di impresa (F2.5.e)", "Mentoring to start a business (F2.5.e)")),
    ("f2_5_f", t("Tirocinio, borsa lavoro o apprendistato (F2.5.f)",
                 "Traineeship, work grant or apprenticeship (F2.5.f)")),
    ("f2_5_g", t("Conciliazione famiglia-lavoro: buoni e voucher di cura (F2.5.g)",
                 "Work-family balance: childcare and care vouchers (F2.5.g)")),
    ("f2_6_b", t("Supporto per i trasporti locali (F2.6.b)", "Support with local transport (F2.6.b)")),
]

INTERVIEW_KINDS = [
    ("welcome", t("Colloquio di accoglienza", "Welcome interview")),
    ("orientation", t("Colloquio di orientamento", "Orientation interview")),
    ("support", t("Colloquio di sostegno", "Support interview")),
    ("joint", t("Colloquio congiunto (area sociale e area lavoro)", "Joint interview (social and labour area)")),
]


def sector_items() -> list[tuple[str, dict[str, str]]]:
    return [(name, label) for name, label, _section in SECTORS]


def sector_choices(list_name: str = "sector") -> list[dict[str, str]]:
    """Sectors with their ATECO section as an extra column (``ateco``)."""
    return [choice(list_name, name, label, ateco=section) for name, label, section in SECTORS]
