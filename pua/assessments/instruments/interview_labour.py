"""Traccia di colloquio per gli operatori dell'area lavoro — the interview
guide for labour-area operators of the INLAV working tools.

Notes carry the guidance; questions record the work situation (with the
signs of undeclared or exploitative work that call for the screening),
work history, skills, availability, constraints and expectations. The
operator closes with the readiness for a placement and the services to
propose (INLAV catalogue codes); the employment status at entry follows
the ESF+ definitions (unemployed / inactive / employed), so it is reported.
"""

from .rows import NONE_ALONE, begin_group, choice_list, end_group, field, note, settings, t
from .vocabulary import CEFR, INTERVIEW_KINDS, LABOUR_ACTIONS, YES_NO, sector_choices

FORM_ID = "interview_labour"
VERSION = "2026.1"
TITLE = t("Traccia di colloquio – area lavoro", "Interview guide – labour area")

CHOOSE_ALL = t("Scegli tutte le risposte giuste.", "Choose all that apply.")
NOT_IN_FUTURE = t("La data non può essere nel futuro.", "The date cannot be in the future.")


def survey_rows() -> list[dict]:
    working = ("${employment_status} = 'employed' or ${employment_status} = 'irregular' "
               "or ${employment_status} = 'self_employed'")
    return [
        begin_group("opening", t("Apertura del colloquio", "Opening the interview")),
        note("opening_guide", t(
            "Spiega lo scopo del colloquio: conoscere il percorso di lavoro della persona per costruire insieme il "
            "piano. Conta tutte le esperienze, anche senza contratto o all'estero: non sono una colpa e non vengono "
            "segnalate.",
            "Explain the purpose of the interview: learning about the person's work path to build the plan "
            "together. Every experience counts, also without a contract or abroad: it is nobody's fault and it is "
            "not reported to anyone.")),
        field("date", "interview_date", t("Data del colloquio", "Date of the interview"), required=True,
              constraint=". <= today()", constraint_message=NOT_IN_FUTURE),
        field("select_one interview_kind", "interview_kind", t("Tipo di colloquio", "Kind of interview"), required=True,
              report=True),
        field("select_one yes_no", "mediator_used", t("È stato presente un mediatore?", "Was a mediator present?")),
        end_group("opening"),

        begin_group("work_now", t("Situazione lavorativa attuale", "Current work situation")),
        field("select_one employment_status", "employment_status", t("Oggi la persona:", "Today the person:"),
              required=True, report=True),
        field("date", "unemployed_since", t("Da quando è senza lavoro?", "Since when have they been out of work?"),
              hint=t("Anche approssimativa: il primo giorno del mese va bene.",
                     "An approximate date is fine: the first day of the month will do."),
              relevant="${employment_status} = 'unemployed' or ${employment_status} = 'inactive'",
              constraint=". <= today()", constraint_message=NOT_IN_FUTURE),
        field("select_one yes_no", "employment_centre_registered",
              t("È iscritta/o al Centro per l'impiego (DID)?", "Are they registered with the employment centre (DID)?"),
              relevant="${employment_status} = 'unemployed' or ${employment_status} = 'inactive'"),
        field("select_one sector", "current_sector", t("In quale settore lavora?", "Which sector do they work in?"),
              relevant=working, report=True),
        field("select_multiple work_signals", "work_signals",
              t("Nel lavoro attuale ci sono queste situazioni?", "Does the current job involve any of these?"),
              hint=t("Se ce n'è almeno una, proponi lo screening sullo sfruttamento lavorativo.",
                     "If there is at least one, propose the labour-exploitation screening."),
              relevant="${employment_status} = 'employed' or ${employment_status} = 'irregular'", **NONE_ALONE),
        end_group("work_now"),

        begin_group("history", t("Storia lavorativa", "Work history")),
        note("history_guide", t(
            "Ricostruisci insieme le esperienze, dalla più recente: che cosa faceva, per quanto tempo, come ha "
            "trovato il lavoro, perché è finito. Servirà anche per il curriculum.",
            "Go through the experiences together, starting from the most recent: what they did, for how long, how "
            "they found the job, why it ended. This will also serve for the CV.")),
        field("integer", "years_worked", t("Anni di lavoro in tutto (circa)", "Years of work in total (approximately)"),
              required=True, constraint=". >= 0 and . <= 60",
              constraint_message=t("Inserisci un numero di anni tra 0 e 60.", "Enter a number of years between 0 and 60.")),
        field("select_multiple sector", "sectors_worked", t("Settori in cui ha lavorato", "Sectors they have worked in"),
              hint=CHOOSE_ALL, relevant="${years_worked} > 0"),
        field("text", "last_job", t("Ultimo lavoro: mansione, datore di lavoro, durata",
                                    "Last job: tasks, employer, how long"),
              relevant="${years_worked} > 0", appearance="multiline"),
        field("select_one how_found", "last_job_found", t("Come aveva trovato l'ultimo lavoro?",
                                                          "How did they find the last job?"),
              relevant="${years_worked} > 0"),
        field("select_one yes_no", "worked_abroad", t("Ha lavorato all'estero?", "Have they worked abroad?")),
        field("text", "work_abroad_notes", t("Che cosa faceva all'estero?", "What did they do abroad?"),
              relevant="${worked_abroad} = 'yes'"),
        end_group("history"),

        begin_group("skills", t("Competenze", "Skills")),
        field("select_one education", "education", t("Titolo di studio più alto", "Highest level of education"),
              required=True, report=True),
        field("select_one yes_no", "studied_abroad", t("Il titolo è stato preso all'estero?", "Was it obtained abroad?"),
              relevant="${education} != 'none'"),
        field("select_one recognition", "title_recognition", t("Il titolo è riconosciuto in Italia?",
                                                               "Is it recognised in Italy?"),
              relevant="${studied_abroad} = 'yes'"),
        field("select_one cefr", "italian_level", t("Livello di italiano", "Level of Italian"), required=True),
        field("select_one licence", "driving_licence", t("Patente di guida", "Driving licence")),
        field("text", "strengths", t("In che cosa si sente più capace? Che cosa sa fare bene?",
                                     "What do they feel most capable of? What are they good at?"),
              appearance="multiline"),
        end_group("skills"),

        begin_group("availability", t("Disponibilità", "Availability")),
        field("select_multiple time", "time_available", t("Quando può lavorare?", "When can they work?"),
              hint=CHOOSE_ALL, required=True),
        field("select_one start", "can_start", t("Quando può iniziare?", "When can they start?"), required=True),
        field("select_multiple transport", "transport", t("Come può spostarsi?", "How can they get around?"),
              hint=CHOOSE_ALL, required=True),
        field("integer", "max_travel_minutes", t("Tempo massimo di viaggio per andare al lavoro (minuti)",
                                                 "Longest journey to work they can manage (minutes)"),
              constraint=". >= 0 and . <= 180",
              constraint_message=t("Inserisci un tempo tra 0 e 180 minuti.", "Enter a time between 0 and 180 minutes.")),
        end_group("availability"),

        begin_group("constraints", t("Vincoli", "Constraints")),
        field("select_multiple constraint", "work_constraints",
              t("Che cosa può rendere difficile lavorare?", "What could make working difficult?"), hint=CHOOSE_ALL,
              required=True, **NONE_ALONE),
        field("text", "constraints_notes", t("Dettagli sui vincoli", "Details of the constraints"),
              hint=t("Es. orari dei figli, obblighi della misura alternativa, visite mediche.",
                     "E.g. children's school hours, obligations of an alternative measure, medical appointments."),
              relevant="${work_constraints} != '' and not(selected(${work_constraints}, 'none'))"),
        end_group("constraints"),

        begin_group("expectations", t("Aspettative", "Expectations")),
        field("text", "desired_job", t("Che lavoro vorrebbe fare?", "What job would they like to do?"), required=True),
        field("select_multiple sector", "desired_sectors", t("In quali settori?", "In which sectors?"), hint=CHOOSE_ALL),
        field("integer", "expected_monthly_pay", t("Quanto si aspetta di guadagnare al mese (euro netti)?",
                                                   "How much do they expect to earn per month (net euros)?"),
              constraint=". >= 0 and . <= 10000",
              constraint_message=t("Inserisci un importo tra 0 e 10.000 euro.",
                                   "Enter an amount between 0 and 10,000 euros.")),
        field("select_one yes_no", "training_interest", t("È interessata/o a un corso di formazione?",
                                                          "Are they interested in a training course?")),
        field("text", "training_topic", t("Quale corso?", "Which course?"), relevant="${training_interest} = 'yes'"),
        field("select_one yes_no", "self_employment_interest",
              t("Vorrebbe mettersi in proprio?", "Would they like to become self-employed?")),
        end_group("expectations"),

        begin_group("conclusion", t("Sintesi dell'operatore", "Operator's summary")),
        field("select_one readiness", "job_readiness", t("Per un inserimento lavorativo la persona è:",
                                                         "For a job placement the person is:"),
              required=True, report=True),
        field("text", "operator_assessment", t("Valutazione dell'operatore", "Operator's assessment"),
              hint=t("Punti di forza, ostacoli, primo obiettivo realistico.",
                     "Strengths, obstacles, a realistic first goal."),
              required=True, appearance="multiline"),
        field("select_multiple labour_action", "proposed_actions", t("Servizi da proporre", "Services to propose"),
              hint=CHOOSE_ALL, report=True),
        field("select_one placement_kind", "placement_kind", t("Quale inserimento?", "Which kind of placement?"),
              relevant="selected(${proposed_actions}, 'f2_5_f')", required=True),
        field("select_one yes_no", "refer_social_area", t("Proporre un colloquio con l'area sociale?",
                                                          "Propose an interview with the social area?"),
              required=True, report=True),
        field("select_one yes_no", "refer_screening", t("Proporre lo screening sullo sfruttamento lavorativo?",
                                                        "Propose the labour-exploitation screening?"),
              relevant="${work_signals} != '' and not(selected(${work_signals}, 'none'))", required=True, report=True),
        field("date", "next_meeting", t("Prossimo incontro", "Next meeting"), constraint=". > ${interview_date}",
              constraint_message=t("Il prossimo incontro deve essere dopo questo colloquio.",
                                   "The next meeting must be after this interview.")),
        end_group("conclusion"),
    ]


def choices_rows() -> list[dict]:
    lists = {
        "yes_no": YES_NO,
        "interview_kind": [kind for kind in INTERVIEW_KINDS if kind[0] != "welcome"],
        "cefr": CEFR,
        "labour_action": LABOUR_ACTIONS,
        "employment_status": [
            ("employed", t("Lavora con contratto", "Works with a contract")),
            ("irregular", t("Lavora senza contratto o con un contratto che non corrisponde al lavoro vero",
                            "Works without a contract, or with a contract that does not match the real job")),
            ("self_employed", t("Lavora in proprio", "Is self-employed")),
            ("unemployed", t("Non lavora e cerca lavoro", "Is out of work and looking for work")),
            ("inactive", t("Non lavora e ora non cerca lavoro", "Is out of work and not looking for now")),
            ("training", t("Studia o frequenta un corso", "Is studying or on a course")),
        ],
        "work_signals": [
            ("no_contract", t("Nessun contratto scritto", "No written contract")),
            ("low_pay", t("Paga molto più bassa del dovuto o non pagata", "Pay far below what is due, or unpaid")),
            ("long_hours", t("Orari eccessivi, niente riposo settimanale", "Excessive hours, no weekly rest")),
            ("unsafe", t("Lavoro pericoloso, senza protezioni", "Dangerous work without protection")),
            ("pay_deductions", t("Trattenute per trasporto, alloggio o “intermediario”",
                                 "Deductions for transport, housing or a “middleman”")),
            ("documents_held", t("Documenti trattenuti dal datore di lavoro", "Documents held by the employer")),
            ("threats", t("Minacce o violenze", "Threats or violence")),
            ("none", t("Nessuna di queste", "None of these")),
        ],
        "how_found": [
            ("employment_centre", t("Centro per l'impiego o agenzia per il lavoro", "Employment centre or work agency")),
            ("network", t("Parenti, amici o connazionali", "Relatives, friends or fellow nationals")),
            ("intermediary", t("Un intermediario (caporale) o un reclutatore", "An intermediary (gangmaster) or recruiter")),
            ("direct", t("Candidatura diretta", "Applied directly")),
            ("service", t("Un servizio o un'associazione", "A service or an association")),
            ("other", t("Altro", "Other")),
        ],
        "education": [
            ("none", t("Nessun titolo", "No qualification")),
            ("primary", t("Scuola primaria (elementare)", "Primary school")),
            ("lower_secondary", t("Scuola secondaria di primo grado (media)", "Lower secondary school")),
            ("vocational", t("Qualifica professionale", "Vocational qualification")),
            ("upper_secondary", t("Diploma di scuola superiore", "Upper secondary diploma")),
            ("tertiary", t("Laurea o titolo superiore", "University degree or higher")),
        ],
        "recognition": [
            ("recognised", t("Sì, riconosciuto", "Yes, recognised")),
            ("in_progress", t("Pratica in corso", "Application in progress")),
            ("not_requested", t("No, mai richiesto", "No, never applied for")),
            ("unknown", t("Non sa", "Does not know")),
        ],
        "licence": [
            ("none", t("Nessuna", "None")),
            ("b", t("Patente B (auto)", "Licence B (car)")),
            ("professional", t("Patente professionale (C, D, CQC)", "Professional licence (C, D, CQC)")),
            ("foreign", t("Patente straniera da convertire", "Foreign licence to be converted")),
        ],
        "time": [
            ("full_time", t("Tempo pieno", "Full time")),
            ("part_time", t("Part-time", "Part time")),
            ("shifts", t("Turni, anche di notte", "Shifts, including nights")),
            ("weekends", t("Fine settimana", "Weekends")),
            ("seasonal", t("Lavori stagionali", "Seasonal work")),
        ],
        "start": [
            ("now", t("Subito", "Straight away")),
            ("month", t("Entro un mese", "Within a month")),
            ("later", t("Più avanti", "Later")),
        ],
        "transport": [
            ("car", t("Auto propria", "Own car")),
            ("scooter", t("Motorino o bicicletta", "Scooter or bicycle")),
            ("public", t("Mezzi pubblici", "Public transport")),
            ("lift", t("Passaggio da altri", "Lifts from others")),
            ("walk", t("Solo a piedi", "On foot only")),
        ],
        "constraint": [
            ("childcare", t("Cura dei figli", "Childcare")),
            ("elder_care", t("Cura di familiari anziani o malati", "Care of elderly or sick relatives")),
            ("health", t("Salute", "Health")),
            ("justice", t("Obblighi giudiziari (orari, firme)", "Court obligations (hours, reporting)")),
            ("permit", t("Permesso di soggiorno che non consente il lavoro", "Residence permit that does not allow work")),
            ("distance", t("Casa lontana dai luoghi di lavoro", "Home far from workplaces")),
            ("language", t("Lingua", "Language")),
            ("none", t("Nessuno", "None")),
        ],
        "readiness": [
            ("ready", t("Pronta/o per un lavoro", "Ready for a job")),
            ("training_first", t("Pronta/o dopo un corso o un tirocinio", "Ready after a course or traineeship")),
            ("support_first", t("Prima servono interventi sociali", "Social support is needed first")),
            ("not_now", t("Per ora il lavoro non è un obiettivo", "Work is not a goal for now")),
        ],
        "placement_kind": [
            ("traineeship", t("Tirocinio", "Traineeship")),
            ("work_grant", t("Borsa lavoro", "Work grant")),
            ("apprenticeship", t("Apprendistato", "Apprenticeship")),
        ],
    }
    rows = [row for list_name, items in lists.items() for row in choice_list(list_name, items)]
    return rows + sector_choices("sector")


def settings_row() -> dict:
    return settings(FORM_ID, VERSION, TITLE)
