"""Questionario di soddisfazione dei beneficiari — the beneficiaries'
questionnaire of the INLAV working tools.

Short and in simple words, so that the person can answer alone or with a
staff member or mediator: 1–5 scales, a few single choices, an optional
comment. Besides Italian and English it speaks French, Arabic and
Romanian, languages of the people the access points serve (and of their
mediators). The scales and choices are reported, for the dashboard.
"""

from .rows import begin_group, choice_list, end_group, field, note, settings


def L(it: str, en: str, fr: str, ar: str, ro: str) -> dict[str, str]:  # noqa: N802 (reads like a literal)
    """A text in the form's five languages."""
    return {"it": it, "en": en, "fr": fr, "ar": ar, "ro": ro}


FORM_ID = "satisfaction"
VERSION = "2026.1"
TITLE = L("Questionario di soddisfazione", "Satisfaction questionnaire", "Questionnaire de satisfaction",
          "استبيان الرضا", "Chestionar de satisfacție")

CHOOSE = L("Scelga una risposta.", "Please choose an answer.", "Veuillez choisir une réponse.",
           "يرجى اختيار إجابة.", "Vă rugăm să alegeți un răspuns.")


def _scale(type_: str, name: str, label: dict[str, str]) -> dict:
    return field(type_, name, label, required=True, required_message=CHOOSE, report=True)


def survey_rows() -> list[dict]:
    low_score = ("number(${q_first_meeting}) <= 2 or number(${q_listened}) <= 2 or number(${q_useful}) <= 2 "
                 "or ${q_situation} = 'worse'")
    return [
        begin_group("welcome", L("L'accoglienza", "Welcome", "L'accueil", "الاستقبال", "Primirea")),
        note("intro", L(
            "Queste domande servono a migliorare il servizio. Rispondere è facoltativo e non cambia l'aiuto che "
            "riceve. Non ci sono risposte giuste o sbagliate.",
            "These questions help us improve the service. Answering is optional and does not change the help you "
            "receive. There are no right or wrong answers.",
            "Ces questions nous aident à améliorer le service. Répondre est facultatif et ne change pas l'aide que "
            "vous recevez. Il n'y a pas de bonnes ou de mauvaises réponses.",
            "هذه الأسئلة تساعدنا على تحسين الخدمة. الإجابة اختيارية ولا تغيّر المساعدة التي تحصل عليها. "
            "لا توجد إجابات صحيحة أو خاطئة.",
            "Aceste întrebări ne ajută să îmbunătățim serviciul. Răspunsul este opțional și nu schimbă ajutorul pe "
            "care îl primiți. Nu există răspunsuri corecte sau greșite.")),
        field("select_one answered_with", "answered_with",
              L("Chi risponde alle domande?", "Who is answering?", "Qui répond aux questions ?",
                "من يجيب على الأسئلة؟", "Cine răspunde la întrebări?"),
              required=True, required_message=CHOOSE),
        _scale("select_one scale_good", "q_first_meeting",
               L("Com'è andato il primo incontro con noi?", "How was your first meeting with us?",
                 "Comment s'est passée votre première rencontre avec nous ?", "كيف كان لقاؤك الأول معنا؟",
                 "Cum a fost prima întâlnire cu noi?")),
        _scale("select_one scale_much", "q_listened",
               L("Quanto si è sentita/o ascoltata/o?", "How much did you feel listened to?",
                 "À quel point vous êtes-vous senti(e) écouté(e) ?", "إلى أي حدّ شعرت أننا نستمع إليك؟",
                 "Cât de mult v-ați simțit ascultat(ă)?")),
        _scale("select_one scale_much", "q_clear",
               L("Quanto erano chiare le informazioni che le abbiamo dato?", "How clear was the information we gave you?",
                 "À quel point les informations que nous vous avons données étaient-elles claires ?",
                 "إلى أي حدّ كانت المعلومات التي قدّمناها لك واضحة؟",
                 "Cât de clare au fost informațiile pe care vi le-am dat?")),
        field("select_one yes_partly_no", "q_language",
              L("Ha potuto parlare in una lingua che capisce bene?", "Could you speak in a language you understand well?",
                "Avez-vous pu parler dans une langue que vous comprenez bien ?", "هل استطعت التحدث بلغة تفهمها جيدًا؟",
                "Ați putut vorbi într-o limbă pe care o înțelegeți bine?"),
              report=True),
        field("select_one waiting", "q_waiting",
              L("Quanto ha aspettato per il primo appuntamento?", "How long did you wait for your first appointment?",
                "Combien de temps avez-vous attendu pour votre premier rendez-vous ?",
                "كم من الوقت انتظرت للحصول على موعدك الأول؟", "Cât timp ați așteptat pentru prima programare?"),
              report=True),
        end_group("welcome"),

        begin_group("help", L("L'aiuto ricevuto", "The help you received", "L'aide reçue",
                              "المساعدة التي حصلت عليها", "Ajutorul primit")),
        field("select_multiple help", "help_received",
              L("Che tipo di aiuto ha ricevuto?", "What kind of help did you receive?", "Quel type d'aide avez-vous reçu ?",
                "ما نوع المساعدة التي حصلت عليها؟", "Ce fel de ajutor ați primit?"),
              hint=L("Può scegliere più risposte.", "You can choose more than one answer.",
                     "Vous pouvez choisir plusieurs réponses.", "يمكنك اختيار أكثر من إجابة.",
                     "Puteți alege mai multe răspunsuri."),
              report=True),
        _scale("select_one scale_much", "q_useful",
               L("Quanto le è stato utile l'aiuto ricevuto?", "How useful was the help you received?",
                 "Dans quelle mesure l'aide reçue vous a-t-elle été utile ?",
                 "إلى أي حدّ كانت المساعدة التي حصلت عليها مفيدة لك؟", "Cât de util v-a fost ajutorul primit?")),
        field("select_one change", "q_situation",
              L("Rispetto a quando è venuta/o da noi la prima volta, oggi la sua situazione è:",
                "Compared with when you first came to us, your situation today is:",
                "Par rapport à votre première visite chez nous, votre situation aujourd'hui est :",
                "مقارنةً بأول مرة جئت فيها إلينا، وضعك اليوم:",
                "Față de prima dată când ați venit la noi, situația dumneavoastră de azi este:"),
              required=True, required_message=CHOOSE, report=True),
        field("select_one yes_no_dont_know", "q_recommend",
              L("Consiglierebbe questo servizio a un amico o a un'amica?", "Would you recommend this service to a friend?",
                "Recommanderiez-vous ce service à un ami ou à une amie ?", "هل تنصح صديقًا أو صديقة بهذه الخدمة؟",
                "Ați recomanda acest serviciu unui prieten sau unei prietene?"),
              report=True),
        end_group("help"),

        begin_group("end", L("Per finire", "To finish", "Pour finir", "في الختام", "În încheiere")),
        field("text", "improve",
              L("Che cosa possiamo fare meglio?", "What can we do better?", "Que pouvons-nous améliorer ?",
                "ما الذي يمكننا أن نفعله بشكل أفضل؟", "Ce putem face mai bine?"),
              relevant=low_score, constraint="string-length(.) <= 1000",
              constraint_message=L("Massimo 1000 caratteri.", "1000 characters at most.", "1000 caractères au maximum.",
                                   "1000 حرف كحدّ أقصى.", "Maximum 1000 de caractere."),
              appearance="multiline"),
        field("text", "comment",
              L("Vuole dirci altro?", "Is there anything else you want to tell us?", "Voulez-vous nous dire autre chose ?",
                "هل تريد أن تخبرنا بشيء آخر؟", "Doriți să ne spuneți altceva?"),
              hint=L("Facoltativo. Non scriva i nomi di altre persone.",
                     "Optional. Please do not write other people's names.",
                     "Facultatif. N'écrivez pas le nom d'autres personnes.",
                     "اختياري. من فضلك لا تكتب أسماء أشخاص آخرين.",
                     "Opțional. Vă rugăm să nu scrieți numele altor persoane."),
              constraint="string-length(.) <= 1000",
              constraint_message=L("Massimo 1000 caratteri.", "1000 characters at most.", "1000 caractères au maximum.",
                                   "1000 حرف كحدّ أقصى.", "Maximum 1000 de caractere."),
              appearance="multiline"),
        note("thanks", L("Grazie per il suo tempo!", "Thank you for your time!", "Merci pour votre temps !",
                         "شكرًا على وقتك!", "Vă mulțumim pentru timpul acordat!")),
        end_group("end"),
    ]


def choices_rows() -> list[dict]:
    lists = {
        "answered_with": [
            ("alone", L("La persona da sola", "The person alone", "La personne seule", "الشخص بمفرده", "Persoana singură")),
            ("with_staff", L("Con l'aiuto di un operatore", "With help from a staff member", "Avec l'aide d'un intervenant",
                             "بمساعدة أحد الموظفين", "Cu ajutorul unui operator")),
            ("with_mediator", L("Con l'aiuto di un mediatore", "With help from a mediator", "Avec l'aide d'un médiateur",
                                "بمساعدة وسيط ثقافي", "Cu ajutorul unui mediator")),
        ],
        "scale_good": [
            ("1", L("1 – Molto male", "1 – Very bad", "1 – Très mal", "1 – سيئ جدًا", "1 – Foarte rău")),
            ("2", L("2 – Male", "2 – Bad", "2 – Mal", "2 – سيئ", "2 – Rău")),
            ("3", L("3 – Così così", "3 – So-so", "3 – Moyen", "3 – مقبول", "3 – Așa și așa")),
            ("4", L("4 – Bene", "4 – Good", "4 – Bien", "4 – جيد", "4 – Bine")),
            ("5", L("5 – Molto bene", "5 – Very good", "5 – Très bien", "5 – جيد جدًا", "5 – Foarte bine")),
        ],
        "scale_much": [
            ("1", L("1 – Per niente", "1 – Not at all", "1 – Pas du tout", "1 – لا على الإطلاق", "1 – Deloc")),
            ("2", L("2 – Poco", "2 – A little", "2 – Un peu", "2 – قليلًا", "2 – Puțin")),
            ("3", L("3 – Abbastanza", "3 – Quite", "3 – Assez", "3 – إلى حدّ ما", "3 – Destul")),
            ("4", L("4 – Molto", "4 – A lot", "4 – Beaucoup", "4 – كثيرًا", "4 – Mult")),
            ("5", L("5 – Moltissimo", "5 – Very much", "5 – Énormément", "5 – كثيرًا جدًا", "5 – Foarte mult")),
        ],
        "yes_partly_no": [
            ("yes", L("Sì", "Yes", "Oui", "نعم", "Da")),
            ("partly", L("In parte", "Partly", "En partie", "جزئيًا", "În parte")),
            ("no", L("No", "No", "Non", "لا", "Nu")),
        ],
        "waiting": [
            ("same_day", L("Lo stesso giorno", "The same day", "Le jour même", "في نفس اليوم", "În aceeași zi")),
            ("under_week", L("Meno di una settimana", "Less than a week", "Moins d'une semaine", "أقل من أسبوع",
                             "Mai puțin de o săptămână")),
            ("one_two_weeks", L("Da una a due settimane", "One to two weeks", "Une à deux semaines",
                                "من أسبوع إلى أسبوعين", "Între una și două săptămâni")),
            ("more", L("Più di due settimane", "More than two weeks", "Plus de deux semaines", "أكثر من أسبوعين",
                       "Mai mult de două săptămâni")),
            ("dont_remember", L("Non ricordo", "I don't remember", "Je ne me souviens pas", "لا أتذكّر",
                                "Nu-mi amintesc")),
        ],
        "help": [
            ("documents", L("Documenti e pratiche", "Documents and paperwork", "Documents et démarches",
                            "الوثائق والإجراءات الإدارية", "Documente și acte")),
            ("housing", L("Casa", "Housing", "Logement", "السكن", "Locuință")),
            ("health", L("Salute", "Health", "Santé", "الصحة", "Sănătate")),
            ("italian", L("Corso di italiano", "Italian course", "Cours d'italien", "دورة لتعلّم اللغة الإيطالية",
                          "Curs de limba italiană")),
            ("training", L("Formazione", "Training", "Formation", "التدريب المهني", "Formare profesională")),
            ("job", L("Ricerca di lavoro", "Job search", "Recherche d'emploi", "البحث عن عمل",
                      "Căutarea unui loc de muncă")),
            ("rights", L("Informazioni sui diritti del lavoro", "Information on work rights",
                         "Informations sur les droits du travail", "معلومات عن حقوق العمل",
                         "Informații despre drepturile la locul de muncă")),
            ("legal", L("Aiuto legale", "Legal help", "Aide juridique", "مساعدة قانونية", "Ajutor juridic")),
            ("other", L("Altro", "Other", "Autre", "أخرى", "Altceva")),
        ],
        "change": [
            ("better", L("Migliore", "Better", "Meilleure", "أفضل", "Mai bună")),
            ("same", L("Uguale", "The same", "La même", "كما هو", "La fel")),
            ("worse", L("Peggiore", "Worse", "Moins bonne", "أسوأ", "Mai proastă")),
            ("dont_know", L("Non so", "I don't know", "Je ne sais pas", "لا أعرف", "Nu știu")),
        ],
        "yes_no_dont_know": [
            ("yes", L("Sì", "Yes", "Oui", "نعم", "Da")),
            ("no", L("No", "No", "Non", "لا", "Nu")),
            ("dont_know", L("Non so", "I don't know", "Je ne sais pas", "لا أعرف", "Nu știu")),
        ],
    }
    return [row for list_name, items in lists.items() for row in choice_list(list_name, items)]


def settings_row() -> dict:
    return settings(FORM_ID, VERSION, TITLE)
