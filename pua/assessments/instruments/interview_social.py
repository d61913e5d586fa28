"""Traccia di colloquio per gli operatori dell'area sociale — the interview
guide for social-area operators of the INLAV working tools.

Notes carry the guidance (what to ask and how); questions record the
answers on family, housing, health and support network, and the
operator's summary closes with the services to propose (codes of the INLAV
catalogue) and whether to involve the labour area (a joint interview is a
key indicator of integrated taking in charge).
"""

from .rows import NONE_ALONE, begin_group, choice_list, end_group, field, note, settings, t
from .vocabulary import INTERVIEW_KINDS, SOCIAL_ACTIONS, YES_NO, YES_NO_UNKNOWN

FORM_ID = "interview_social"
VERSION = "2026.1"
TITLE = t("Traccia di colloquio – area sociale", "Interview guide – social area")

CHOOSE_ALL = t("Scegli tutte le risposte giuste.", "Choose all that apply.")


def survey_rows() -> list[dict]:
    return [
        begin_group("opening", t("Apertura del colloquio", "Opening the interview")),
        note("opening_guide", t(
            "Presentati e spiega che cos'è il PUA e che cosa può offrire. Spiega che la persona può non rispondere "
            "a una domanda e che le informazioni restano riservate all'équipe. Se serve, chiedi un mediatore "
            "linguistico-culturale prima di iniziare.",
            "Introduce yourself and explain what the access point is and what it can offer. Explain that the person "
            "may skip any question and that the information stays within the team. If needed, ask for a language "
            "and cultural mediator before starting.")),
        field("date", "interview_date", t("Data del colloquio", "Date of the interview"), required=True,
              constraint=". <= today()",
              constraint_message=t("La data non può essere nel futuro.", "The date cannot be in the future.")),
        field("select_one interview_kind", "interview_kind", t("Tipo di colloquio", "Kind of interview"), required=True,
              report=True),
        field("select_one yes_no", "mediator_used", t("È stato presente un mediatore?", "Was a mediator present?")),
        field("text", "mediator_language", t("In quale lingua?", "In which language?"),
              relevant="${mediator_used} = 'yes'"),
        field("select_one referral_source", "referral_source", t("Come è arrivata la persona al PUA?",
                                                                 "How did the person come to the access point?")),
        end_group("opening"),

        begin_group("family", t("Famiglia", "Family")),
        note("family_guide", t(
            "Domande utili: “Con chi vive?”, “Chi dipende da lei/lui?”, “Ha familiari nel paese di origine?”. "
            "Ascolta senza giudicare; non insistere sui temi dolorosi.",
            "Useful questions: “Who do you live with?”, “Who depends on you?”, “Do you have relatives in your "
            "country of origin?”. Listen without judging; do not press on painful topics.")),
        field("integer", "household_size", t("Quante persone vivono con la persona, lei/lui compresa/o?",
                                             "How many people live with the person, including themselves?"),
              required=True, constraint=". >= 1 and . <= 30",
              constraint_message=t("Inserisci un numero tra 1 e 30.", "Enter a number between 1 and 30.")),
        field("integer", "household_minors", t("Di cui minorenni", "Of whom under 18"),
              constraint=". >= 0 and . < ${household_size}",
              constraint_message=t("I minorenni devono essere meno delle persone in casa.",
                                   "The number of children must be lower than the number of people in the home.")),
        field("select_one yes_no", "relatives_depend_abroad",
              t("Ha familiari all'estero che dipendono dal suo reddito?", "Do relatives abroad depend on their income?")),
        field("select_multiple family_concerns", "family_concerns",
              t("Ci sono difficoltà in famiglia?", "Are there difficulties in the family?"), hint=CHOOSE_ALL,
              **NONE_ALONE),
        field("select_one yes_no_unknown", "family_known_to_services",
              t("La famiglia è già seguita dai servizi sociali?", "Is the family already followed by social services?"),
              relevant="${family_concerns} != '' and not(selected(${family_concerns}, 'none'))"),
        field("text", "family_notes", t("Che cosa racconta la persona della sua famiglia?",
                                        "What does the person say about their family?"), appearance="multiline"),
        end_group("family"),

        begin_group("housing", t("Casa", "Housing")),
        note("housing_guide", t(
            "Chiedi dove dorme la persona stanotte e nelle prossime settimane, chi paga e con quale accordo.",
            "Ask where the person sleeps tonight and in the coming weeks, who pays and under what arrangement.")),
        field("select_one housing", "housing_type", t("Dove vive la persona?", "Where does the person live?"),
              required=True),
        field("select_one housing_stability", "housing_stability",
              t("Per quanto tempo può restare in quell'alloggio?", "How long can they stay there?"), required=True,
              relevant="${housing_type} != 'street'"),
        field("select_one yes_no", "housing_tied_to_job",
              t("L'alloggio dipende dal lavoro (lo dà il datore di lavoro o chi procura il lavoro)?",
                "Does the housing depend on the job (given by the employer or by whoever provides the work)?"),
              hint=t("Se sì, valuta lo screening sullo sfruttamento lavorativo.",
                     "If yes, consider the labour-exploitation screening."),
              relevant="${housing_type} != 'street'"),
        field("text", "housing_notes", t("Note sulla casa", "Notes on housing"), appearance="multiline"),
        end_group("housing"),

        begin_group("health", t("Salute", "Health")),
        note("health_guide", t(
            "Non servono diagnosi: chiedi come sta, se ha un medico e se la salute le/gli impedisce di lavorare. "
            "Sono dati riservati: scrivi solo ciò che serve al percorso.",
            "No diagnoses are needed: ask how they are, whether they have a doctor and whether their health keeps "
            "them from working. This is sensitive data: write only what the pathway needs.")),
        field("select_one yes_no_unknown", "has_family_doctor", t("Ha un medico di base?", "Do they have a family doctor?"),
              required=True),
        field("select_multiple health_services", "health_services",
              t("Da quali servizi è seguita/o?", "Which services follow them?"), hint=CHOOSE_ALL, **NONE_ALONE),
        field("select_one health_limits", "health_limits_work",
              t("La salute limita il lavoro o la formazione?", "Does their health limit work or training?"), required=True),
        field("text", "health_limits_notes", t("In che modo?", "In what way?"),
              relevant="${health_limits_work} = 'partly' or ${health_limits_work} = 'yes'"),
        end_group("health"),

        begin_group("network", t("Rete di sostegno", "Support network")),
        note("network_guide", t(
            "Chiedi a chi si rivolge quando ha un problema: persone, comunità, associazioni, servizi. "
            "Una rete debole è un bisogno da mettere nel piano.",
            "Ask who they turn to when they have a problem: people, communities, associations, services. "
            "A weak network is a need to put in the plan.")),
        field("select_multiple support", "support_people", t("Su chi può contare?", "Who can they count on?"),
              hint=CHOOSE_ALL, required=True, constraint="not(selected(., 'nobody') and count-selected(.) > 1)",
              constraint_message=t("“Nessuno” non può essere scelto insieme ad altre risposte.",
                                   "“Nobody” cannot be chosen together with other answers.")),
        field("select_multiple services_in_charge", "services_in_charge",
              t("Quali servizi la/lo seguono già?", "Which services already follow them?"), hint=CHOOSE_ALL,
              **NONE_ALONE),
        field("text", "services_contacts", t("Operatori di riferimento dei servizi (nome, servizio, telefono)",
                                             "Contact people at those services (name, service, phone)"),
              relevant="${services_in_charge} != '' and not(selected(${services_in_charge}, 'none'))"),
        end_group("network"),

        begin_group("conclusion", t("Sintesi dell'operatore", "Operator's summary")),
        field("text", "person_request", t("Che cosa chiede la persona, con le sue parole?",
                                          "What does the person ask for, in their own words?"),
              required=True, appearance="multiline"),
        field("text", "operator_assessment", t("Valutazione dell'operatore", "Operator's assessment"),
              hint=t("Risorse della persona, bisogni, rischi.", "The person's strengths, needs, risks."),
              required=True, appearance="multiline"),
        field("select_multiple social_action", "proposed_actions", t("Servizi da proporre", "Services to propose"),
              hint=CHOOSE_ALL, report=True),
        field("select_one yes_no", "refer_labour_area",
              t("Proporre un colloquio con l'area lavoro?", "Propose an interview with the labour area?"),
              required=True, report=True),
        field("select_one yes_no", "refer_screening",
              t("Proporre lo screening sullo sfruttamento lavorativo?", "Propose the labour-exploitation screening?"),
              required=True, report=True),
        field("date", "next_meeting", t("Prossimo incontro", "Next meeting"),
              constraint=". > ${interview_date}",
              constraint_message=t("Il prossimo incontro deve essere dopo questo colloquio.",
                                   "The next meeting must be after this interview.")),
        end_group("conclusion"),
    ]


def choices_rows() -> list[dict]:
    lists = {
        "yes_no": YES_NO,
        "yes_no_unknown": YES_NO_UNKNOWN,
        "interview_kind": [kind for kind in INTERVIEW_KINDS if kind[0] != "orientation"],
        "social_action": SOCIAL_ACTIONS,
        "referral_source": [
            ("self", t("Da sola/o", "On their own")),
            ("outreach", t("Unità di strada o attività di contatto", "Street unit or outreach")),
            ("social_services", t("Servizi sociali del comune", "Municipal social services")),
            ("health_service", t("Servizio sanitario (SerD, CSM, consultorio)", "Health service (SerD, mental health, "
                                                                                 "family clinic)")),
            ("reception_centre", t("Centro di accoglienza", "Reception centre")),
            ("association", t("Associazione, sindacato, parrocchia", "Association, trade union, parish")),
            ("employment_centre", t("Centro per l'impiego", "Employment centre")),
            ("hotline", t("Numero verde anti-tratta", "Anti-trafficking hotline")),
            ("other", t("Altro", "Other")),
        ],
        "family_concerns": [
            ("care_load", t("Carico di cura (figli, anziani, persone con disabilità)",
                            "Caring duties (children, elderly, people with disabilities)")),
            ("conflict", t("Conflitti in famiglia", "Family conflict")),
            ("violence", t("Violenza, anche solo temuta", "Violence, even if only feared")),
            ("separation", t("Separazione o famiglia lontana", "Separation or family far away")),
            ("minors_at_risk", t("Minori in difficoltà", "Children in difficulty")),
            ("none", t("Nessuna difficoltà", "No difficulties")),
        ],
        "housing": [
            ("stable", t("Casa in affitto o di proprietà", "Rented or owned home")),
            ("guest", t("Ospite di parenti o amici", "Staying with relatives or friends")),
            ("informal", t("Posto letto o affitto senza contratto", "Bed or rent without a contract")),
            ("employer", t("Alloggio del datore di lavoro", "Employer's housing")),
            ("facility", t("Struttura di accoglienza o comunità", "Reception facility or community")),
            ("settlement", t("Insediamento informale o casolare", "Informal settlement or abandoned building")),
            ("street", t("In strada", "On the street")),
        ],
        "housing_stability": [
            ("stable", t("Più di sei mesi", "More than six months")),
            ("months", t("Da uno a sei mesi", "One to six months")),
            ("weeks", t("Meno di un mese", "Less than a month")),
            ("unknown", t("Non sa", "Does not know")),
        ],
        "health_services": [
            ("gp", t("Medico di base", "Family doctor")),
            ("serd", t("SerD (dipendenze)", "Addiction service (SerD)")),
            ("mental_health", t("Centro di salute mentale", "Mental health centre")),
            ("family_clinic", t("Consultorio", "Family clinic")),
            ("hospital", t("Ospedale o specialisti", "Hospital or specialists")),
            ("none", t("Nessuno", "None")),
        ],
        "health_limits": [
            ("no", t("No", "No")),
            ("partly", t("In parte (orari, sforzi, alcuni lavori)", "Partly (hours, physical effort, some jobs)")),
            ("yes", t("Sì, per ora non può lavorare", "Yes, for now they cannot work")),
        ],
        "support": [
            ("family", t("Familiari", "Family")),
            ("friends", t("Amici", "Friends")),
            ("community", t("Comunità del paese di origine", "Community from their country of origin")),
            ("faith", t("Comunità religiosa", "Faith community")),
            ("associations", t("Associazioni o volontari", "Associations or volunteers")),
            ("nobody", t("Nessuno", "Nobody")),
        ],
        "services_in_charge": [
            ("social_services", t("Servizi sociali del comune", "Municipal social services")),
            ("serd", t("SerD", "Addiction service (SerD)")),
            ("mental_health", t("Centro di salute mentale", "Mental health centre")),
            ("uepe", t("UEPE (esecuzione penale esterna)", "Probation office (UEPE)")),
            ("reception", t("Progetto di accoglienza (CAS, SAI)", "Reception project (CAS, SAI)")),
            ("employment_centre", t("Centro per l'impiego", "Employment centre")),
            ("none", t("Nessuno", "None")),
        ],
    }
    return [row for list_name, items in lists.items() for row in choice_list(list_name, items)]


def settings_row() -> dict:
    return settings(FORM_ID, VERSION, TITLE)
