"""Bilancio delle competenze — the skills assessment of the orientation
phase (seed NAUTILUS: "ricostruzione curricula, bilancio delle
competenze, ... valorizzazione delle capacità individuali").

Education by ISCED 2011 level (reported: the ESF+ indicators group 0–2,
3–4, 5–8), languages by CEFR level, work experience by sector (the main
role offered is filtered by the main sector through ``choice_filter``),
a 1–4 self-assessment of transversal skills with its average, digital
skills, driving licence, certifications and preferred sectors.
"""

from .rows import NONE_ALONE, begin_group, choice, choice_list, end_group, field, note, settings, t
from .vocabulary import CEFR, YES_NO, sector_choices

FORM_ID = "skills_assessment"
VERSION = "2026.1"
TITLE = t("Bilancio delle competenze", "Skills assessment")

CHOOSE_ALL = t("Scegli tutte le risposte giuste.", "Choose all that apply.")
SELF = t("Chiedi alla persona di scegliere da sola.", "Ask the person to choose for themselves.")

TRANSVERSAL = [
    ("ts_teamwork", t("Lavorare in gruppo con altre persone", "Working in a team with other people")),
    ("ts_reliability", t("Rispettare orari e impegni", "Keeping to times and commitments")),
    ("ts_communication", t("Farsi capire e capire gli altri", "Making yourself understood and understanding others")),
    ("ts_problem_solving", t("Risolvere un problema imprevisto", "Solving an unexpected problem")),
    ("ts_autonomy", t("Lavorare da sola/o, senza qualcuno che controlla", "Working alone, without someone checking")),
    ("ts_learning", t("Imparare cose nuove", "Learning new things")),
    ("ts_stress", t("Reggere la fatica e i momenti di stress", "Coping with fatigue and stressful moments")),
    ("ts_safety", t("Seguire istruzioni e regole di sicurezza", "Following instructions and safety rules")),
]

# Roles by sector, for the main role question (``sector`` column used by choice_filter).
ROLES = {
    "agriculture": [("farm_worker", t("Bracciante, raccolta", "Farm worker, harvesting")),
                    ("livestock", t("Addetta/o all'allevamento", "Livestock worker")),
                    ("tractor", t("Trattorista", "Tractor driver"))],
    "food_industry": [("food_packer", t("Addetta/o al confezionamento alimentare", "Food packer")),
                      ("food_processing", t("Addetta/o alla lavorazione degli alimenti", "Food processing worker"))],
    "manufacturing": [("line_operator", t("Operaia/o di linea", "Production line operator")),
                      ("machine_operator", t("Addetta/o macchine", "Machine operator")),
                      ("welder", t("Saldatrice/saldatore", "Welder"))],
    "construction": [("labourer", t("Manovale", "Labourer")),
                     ("bricklayer", t("Muratrice/muratore", "Bricklayer")),
                     ("painter", t("Imbianchina/o", "Painter and decorator"))],
    "retail": [("shop_assistant", t("Commessa/o", "Shop assistant")),
               ("cashier", t("Cassiera/e", "Cashier"))],
    "logistics": [("warehouse", t("Magazziniera/e", "Warehouse worker")),
                  ("forklift", t("Carrellista", "Forklift operator"))],
    "transport": [("driver", t("Autista", "Driver")),
                  ("courier", t("Corriere, rider", "Courier, rider"))],
    "hospitality": [("kitchen_help", t("Aiuto cuoca/o, lavapiatti", "Kitchen assistant, dishwasher")),
                    ("cook", t("Cuoca/o", "Cook")),
                    ("waiter", t("Cameriera/e", "Waiter")),
                    ("housekeeping", t("Addetta/o ai piani", "Room attendant"))],
    "office": [("clerk", t("Impiegata/o", "Clerk")),
               ("receptionist", t("Receptionist", "Receptionist"))],
    "cleaning": [("cleaner", t("Addetta/o alle pulizie", "Cleaner"))],
    "green": [("gardener", t("Giardiniera/e", "Gardener"))],
    "care": [("home_carer", t("Assistente familiare (badante)", "Home carer")),
             ("domestic", t("Collaboratrice/collaboratore domestica/o", "Domestic worker")),
             ("care_assistant", t("Operatrice/operatore socio-sanitaria/o (OSS)", "Care assistant (OSS)"))],
    "crafts": [("mechanic", t("Meccanica/o", "Mechanic")),
               ("electrician", t("Elettricista", "Electrician")),
               ("tailor", t("Sarta/o", "Tailor"))],
    "other": [],
}


def survey_rows() -> list[dict]:
    transversal_sum = " + ".join(f"number(${{{name}}})" for name, _label in TRANSVERSAL)
    experienced = "${has_experience} = 'yes'"
    return [
        begin_group("intro", t("Il bilancio delle competenze", "The skills assessment")),
        note("intro_guide", t(
            "Il bilancio aiuta la persona a riconoscere ciò che sa fare, anche se l'ha imparato senza un titolo o "
            "senza un contratto. Si fa insieme, con calma, anche in due incontri: la bozza si salva da sola.",
            "The assessment helps the person recognise what they can do, even if they learned it without a "
            "qualification or a contract. Do it together, calmly, over two meetings if needed: the draft saves "
            "itself.")),
        field("date", "assessment_date", t("Data del bilancio", "Date of the assessment"), required=True,
              constraint=". <= today()",
              constraint_message=t("La data non può essere nel futuro.", "The date cannot be in the future.")),
        end_group("intro"),

        begin_group("education", t("Istruzione e formazione", "Education and training")),
        field("select_one isced", "isced_level", t("Titolo di studio più alto", "Highest level of education"),
              hint=t("Livello ISCED 2011. Per i titoli esteri scegli il livello equivalente.",
                     "ISCED 2011 level. For foreign qualifications choose the equivalent level."),
              required=True, report=True),
        field("integer", "years_of_school", t("Anni di scuola frequentati in tutto", "Years of schooling in total"),
              constraint=". >= 0 and . <= 30",
              constraint_message=t("Inserisci un numero tra 0 e 30.", "Enter a number between 0 and 30.")),
        field("select_one where_studied", "where_studied", t("Dove ha studiato?", "Where did they study?"),
              relevant="${isced_level} != 'isced_0'", required=True),
        field("select_one recognition", "title_recognition",
              t("Il titolo estero è riconosciuto in Italia?", "Is the foreign qualification recognised in Italy?"),
              relevant="${where_studied} = 'abroad' or ${where_studied} = 'both'"),
        field("text", "courses", t("Corsi professionali frequentati (nome, ente, anno)",
                                   "Vocational courses attended (name, provider, year)"), appearance="multiline"),
        end_group("education"),

        begin_group("languages", t("Lingue", "Languages")),
        field("text", "mother_tongue", t("Lingua madre", "Mother tongue"), required=True),
        field("select_one cefr", "italian_level", t("Livello di italiano", "Level of Italian"), required=True, report=True),
        field("select_one yes_no", "italian_certificate", t("Ha una certificazione di italiano (es. CILS, CELI, PLIDA)?",
                                                            "Do they hold an Italian language certificate (e.g. CILS, "
                                                            "CELI, PLIDA)?"),
              relevant="${italian_level} != 'native' and ${italian_level} != 'none'"),
        field("select_multiple language", "other_languages", t("Altre lingue conosciute", "Other languages known"),
              hint=CHOOSE_ALL),
        field("select_one cefr", "english_level", t("Livello di inglese", "Level of English"),
              relevant="selected(${other_languages}, 'en')"),
        field("select_one cefr", "french_level", t("Livello di francese", "Level of French"),
              relevant="selected(${other_languages}, 'fr')"),
        end_group("languages"),

        begin_group("experience", t("Esperienze di lavoro", "Work experience")),
        field("select_one yes_no", "has_experience", t("Ha già lavorato, anche senza contratto o all'estero?",
                                                       "Have they worked before, even without a contract or abroad?"),
              required=True),
        field("select_multiple sector", "experience_sectors", t("In quali settori?", "In which sectors?"),
              hint=CHOOSE_ALL, relevant=experienced, required=True, report=True),
        field("select_one sector", "main_sector", t("Il settore in cui ha lavorato più a lungo",
                                                    "The sector they worked in longest"),
              relevant=experienced, required=True,
              constraint="selected(${experience_sectors}, .)",
              constraint_message=t("Scegli uno dei settori indicati sopra.", "Choose one of the sectors given above.")),
        field("select_one role", "main_role", t("Che lavoro faceva in quel settore?",
                                                "What job did they do in that sector?"),
              relevant=experienced, choice_filter="sector = ${main_sector} or sector = 'any'"),
        field("text", "main_role_other", t("Descrivi il lavoro", "Describe the job"),
              relevant="${main_role} = 'other_role'"),
        field("integer", "experience_years", t("Anni di esperienza in quel lavoro", "Years of experience in that job"),
              relevant=experienced, constraint=". >= 0 and . <= 60",
              constraint_message=t("Inserisci un numero tra 0 e 60.", "Enter a number between 0 and 60.")),
        field("select_one regularity", "experience_regular", t("Quelle esperienze erano con un contratto regolare?",
                                                               "Were those jobs under a regular contract?"),
              relevant=experienced, report=True),
        field("text", "experience_tasks", t("Compiti svolti, strumenti e macchinari usati",
                                            "Tasks carried out, tools and machines used"),
              hint=t("Servirà per il curriculum: usa parole concrete.", "This will go into the CV: use concrete words."),
              relevant=experienced, appearance="multiline"),
        end_group("experience"),

        begin_group("transversal", t("Competenze trasversali", "Transversal skills")),
        note("transversal_guide", t(
            "Autovalutazione: leggi ogni frase e chiedi alla persona quanto si sente capace. "
            "1 = non ancora, 2 = con aiuto, 3 = bene, 4 = molto bene.",
            "Self-assessment: read each sentence and ask the person how capable they feel. "
            "1 = not yet, 2 = with help, 3 = well, 4 = very well.")),
        *[field("select_one scale4", name, label, hint=SELF, required=True) for name, label in TRANSVERSAL],
        field("calculate", "transversal_average", calculation=f"round(({transversal_sum}) div {len(TRANSVERSAL)}, 1)",
              report=True),
        field("text", "transversal_notes", t("Osservazioni dell'operatore", "Operator's observations"),
              appearance="multiline"),
        end_group("transversal"),

        begin_group("digital", t("Competenze digitali", "Digital skills")),
        field("select_multiple device", "devices", t("Quali strumenti usa?", "Which devices do they use?"),
              hint=CHOOSE_ALL, required=True, **NONE_ALONE),
        field("select_multiple digital_task", "digital_tasks", t("Che cosa sa fare da sola/o?", "What can they do alone?"),
              hint=CHOOSE_ALL, relevant="${devices} != '' and not(selected(${devices}, 'none'))"),
        field("select_one yes_no", "has_digital_identity", t("Ha lo SPID o la CIE per i servizi online?",
                                                             "Do they have SPID or an electronic ID card for online "
                                                             "services?")),
        field("select_one digital_level", "digital_level", t("Livello digitale complessivo", "Overall digital level"),
              required=True, report=True),
        end_group("digital"),

        begin_group("licences", t("Patente e certificazioni", "Driving licence and certificates")),
        field("select_multiple licence", "driving_licences", t("Patenti di guida", "Driving licences"), hint=CHOOSE_ALL,
              required=True, **NONE_ALONE, report=True),
        field("select_one yes_no", "own_vehicle", t("Ha un mezzo proprio?", "Do they have their own vehicle?"),
              relevant="${driving_licences} != '' and not(selected(${driving_licences}, 'none'))"),
        field("select_multiple certificate", "certificates", t("Attestati e certificazioni", "Certificates"),
              hint=CHOOSE_ALL, **NONE_ALONE),
        field("text", "certificates_other", t("Quali altri attestati?", "Which other certificates?"),
              relevant="selected(${certificates}, 'other')", required=True),
        end_group("licences"),

        begin_group("preferences", t("Interessi e settori preferiti", "Interests and preferred sectors")),
        field("select_multiple sector", "preferred_sectors", t("In quali settori vorrebbe lavorare?",
                                                               "Which sectors would they like to work in?"),
              hint=t("Al massimo tre.", "Three at most."), required=True, report=True,
              constraint="count-selected(.) <= 3",
              constraint_message=t("Scegli al massimo tre settori.", "Choose three sectors at most.")),
        field("text", "excluded_work", t("Lavori che non vuole o non può fare", "Work they do not want to or cannot do")),
        field("select_one yes_no", "training_wish", t("Vorrebbe fare un corso per imparare un mestiere?",
                                                      "Would they like to take a course to learn a trade?")),
        field("text", "training_wish_topic", t("Quale?", "Which one?"), relevant="${training_wish} = 'yes'"),
        end_group("preferences"),

        begin_group("summary", t("Sintesi del bilancio", "Summary of the assessment")),
        field("text", "strengths", t("Punti di forza", "Strengths"), required=True, appearance="multiline"),
        field("text", "to_develop", t("Competenze da sviluppare", "Skills to develop"), appearance="multiline"),
        field("select_multiple next_step", "next_steps", t("Prossimi passi", "Next steps"), hint=CHOOSE_ALL,
              required=True, report=True),
        end_group("summary"),
    ]


def choices_rows() -> list[dict]:
    lists = {
        "yes_no": YES_NO,
        "cefr": CEFR,
        "isced": [
            ("isced_0", t("Nessun titolo (ISCED 0)", "No qualification (ISCED 0)")),
            ("isced_1", t("Scuola primaria – elementare (ISCED 1)", "Primary school (ISCED 1)")),
            ("isced_2", t("Scuola secondaria di primo grado – media (ISCED 2)", "Lower secondary school (ISCED 2)")),
            ("isced_3", t("Diploma o qualifica professionale (ISCED 3)", "Upper secondary diploma or vocational "
                                                                          "qualification (ISCED 3)")),
            ("isced_4", t("Post-diploma non universitario, es. IFTS (ISCED 4)", "Post-secondary non-tertiary, e.g. "
                                                                                 "IFTS (ISCED 4)")),
            ("isced_5", t("ITS Academy o ciclo breve (ISCED 5)", "Short-cycle tertiary, e.g. ITS Academy (ISCED 5)")),
            ("isced_6", t("Laurea triennale (ISCED 6)", "Bachelor's degree (ISCED 6)")),
            ("isced_7", t("Laurea magistrale o master (ISCED 7)", "Master's degree (ISCED 7)")),
            ("isced_8", t("Dottorato (ISCED 8)", "Doctorate (ISCED 8)")),
        ],
        "where_studied": [
            ("italy", t("In Italia", "In Italy")),
            ("abroad", t("All'estero", "Abroad")),
            ("both", t("In Italia e all'estero", "In Italy and abroad")),
        ],
        "recognition": [
            ("recognised", t("Sì, riconosciuto", "Yes, recognised")),
            ("in_progress", t("Pratica in corso", "Application in progress")),
            ("not_requested", t("No, mai richiesto", "No, never applied for")),
            ("unknown", t("Non sa", "Does not know")),
        ],
        "language": [
            ("en", t("Inglese", "English")),
            ("fr", t("Francese", "French")),
            ("ar", t("Arabo", "Arabic")),
            ("es", t("Spagnolo", "Spanish")),
            ("ro", t("Rumeno", "Romanian")),
            ("other", t("Altra lingua", "Another language")),
        ],
        "regularity": [
            ("regular", t("Sì, tutte", "Yes, all of them")),
            ("partly", t("Solo in parte", "Only some")),
            ("irregular", t("No, quasi tutte senza contratto", "No, almost all without a contract")),
        ],
        "scale4": [
            ("1", t("1 – Non ancora", "1 – Not yet")),
            ("2", t("2 – Con aiuto", "2 – With help")),
            ("3", t("3 – Bene", "3 – Well")),
            ("4", t("4 – Molto bene", "4 – Very well")),
        ],
        "device": [
            ("smartphone", t("Smartphone", "Smartphone")),
            ("computer", t("Computer o tablet", "Computer or tablet")),
            ("none", t("Nessuno", "None")),
        ],
        "digital_task": [
            ("messaging", t("Messaggi e chiamate (es. WhatsApp)", "Messages and calls (e.g. WhatsApp)")),
            ("email", t("Leggere e mandare e-mail", "Reading and sending e-mails")),
            ("web_search", t("Cercare informazioni e offerte di lavoro online", "Looking up information and jobs online")),
            ("online_forms", t("Compilare domande online (INPS, portali pubblici)",
                               "Filling in online applications (INPS, public portals)")),
            ("office", t("Scrivere documenti e usare fogli di calcolo", "Writing documents and using spreadsheets")),
            ("video_calls", t("Videochiamate e colloqui online", "Video calls and online interviews")),
        ],
        "digital_level": [
            ("none", t("Nessuno", "None")),
            ("basic", t("Base: usa lo smartphone per messaggi e chiamate",
                        "Basic: uses a smartphone for messages and calls")),
            ("intermediate", t("Intermedio: e-mail, ricerche, domande online", "Intermediate: e-mail, searches, online "
                                                                                "applications")),
            ("advanced", t("Avanzato: programmi d'ufficio e strumenti di lavoro", "Advanced: office software and work "
                                                                                  "tools")),
        ],
        "licence": [
            ("am_a", t("AM o A (ciclomotore, moto)", "AM or A (moped, motorbike)")),
            ("b", t("B (auto)", "B (car)")),
            ("c", t("C o CE (camion)", "C or CE (lorry)")),
            ("d", t("D (autobus)", "D (bus)")),
            ("cqc", t("Carta di qualificazione del conducente (CQC)", "Driver qualification card (CQC)")),
            ("foreign", t("Patente straniera da convertire", "Foreign licence to be converted")),
            ("none", t("Nessuna", "None")),
        ],
        "certificate": [
            ("safety_basic", t("Sicurezza sul lavoro – formazione generale (D.Lgs. 81/08)",
                               "Workplace safety – general training (Legislative Decree 81/08)")),
            ("safety_specific", t("Sicurezza sul lavoro – rischio specifico", "Workplace safety – specific risks")),
            ("haccp", t("HACCP (alimenti)", "HACCP (food hygiene)")),
            ("forklift", t("Patentino del muletto", "Forklift licence")),
            ("first_aid", t("Primo soccorso", "First aid")),
            ("fire", t("Antincendio", "Fire safety")),
            ("care", t("Qualifica OSS o assistente familiare", "Care assistant or home carer qualification")),
            ("other", t("Altro attestato", "Other certificate")),
            ("none", t("Nessuno", "None")),
        ],
        "next_step": [
            ("cv", t("Scrivere il curriculum", "Write the CV")),
            ("certification", t("Certificare le competenze (F2.5.b)", "Certify skills (F2.5.b)")),
            ("training", t("Corso di formazione professionale (F2.5.c)", "Vocational training course (F2.5.c)")),
            ("italian_course", t("Corso di italiano (F2.4.f)", "Italian course (F2.4.f)")),
            ("digital_course", t("Corso di informatica di base (F2.5.c)", "Basic computer course (F2.5.c)")),
            ("job_search", t("Ricerca attiva del lavoro (F2.5.d)", "Active job search (F2.5.d)")),
            ("traineeship", t("Tirocinio o borsa lavoro (F2.5.f)", "Traineeship or work grant (F2.5.f)")),
            ("recognition", t("Riconoscimento del titolo di studio", "Recognition of the qualification")),
        ],
    }
    rows = [row for list_name, items in lists.items() for row in choice_list(list_name, items)]
    rows += sector_choices("sector")
    rows += [choice("role", name, label, sector=sector) for sector, roles in ROLES.items() for name, label in roles]
    rows.append(choice("role", "other_role", t("Altro lavoro", "Another job"), sector="any"))
    return rows


def settings_row() -> dict:
    return settings(FORM_ID, VERSION, TITLE)
