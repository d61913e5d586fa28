"""Synthetic, reproducible journey data for demos, training and scale tests.

``dataset_generate(persons=N, seed=S)`` registers N invented persons at one
access point and takes each of them through the journey as far as their
story goes: first contacts (plus anonymous ones), privacy notice and
consents, inbound referrals, a case that follows a plausible funnel
(contact → screening → intake decision → taken in charge → plan agreed →
follow-up → closed with a reason), the case team, the plan with goals and
actions at network organisations, reviews, interventions, notes, tasks and
appointments, outbound referrals and the case timeline (``CaseEvent``) that
matches all of it. Screening and vulnerability responses come from
``pua.assessments.dataset`` (imported lazily, see ``_Builder.__init__``).
Dates spread over the last two years and are in order within each case.

Who the persons are follows the seeds: at a PUA (INLAV, seeds 000–002)
mostly migrant workers met in agriculture and logistics (Punjab, Morocco,
Romania, Pakistan, Bangladesh, West Africa, Albania, Ukraine…), some of them
victims of labour exploitation with art. 18 / 18-ter permits; at a placement
unit (NAUTILUS, seeds 003–004) mostly Italians leaving addiction or prison,
or with a disability. Names come from Faker locales with Latin-script names
(``en_IN``, ``en_PK``, ``fr_DZ``, ``ro_RO``, ``en_NG``…; Ukrainian names are
transliterated) or, where Faker has none, from the short lists below.

Reproducible: the same N and seed on the same database state, on the same
day, give the same rows (case numbers, names, statuses, dates); nothing
depends on primary keys or the clock's time of day. Running it again on the
same access point adds more persons, and case numbers are taken from
``people.CaseNumberCounter`` (locked), so they never collide with real ones.

Fast: 10,000 persons are about half a million rows. Building model
instances and letting ``bulk_create`` compile them costs more than a minute,
so rows are plain dicts with their primary keys handed out up front
(``_Ids``) and written per chunk of persons with ``executemany`` (SQLite) or
``COPY`` (PostgreSQL), in one transaction. ``created_at`` / ``updated_at``
get the dates of the story, so that lists sorted by date look real. Like the
demo loader it writes rows directly, without audit entries (set-up, not
someone's action) and without documents (no files).
"""

from __future__ import annotations

import datetime
import json
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from faker import Faker

from pua.network.models import (
    AccessPoint,
    AccessPointKind,
    Language,
    Membership,
    Municipality,
    Offering,
    Organisation,
    OrganisationKind,
    Programme,
    Role,
    Service,
    TargetGroup,
    Territory,
    TerritoryKind,
)
from pua.network.search_text import search_text
from pua.people.duplicates import name_key
from pua.people.models import (
    CaseNumberCounter,
    Citizenship,
    EducationLevel,
    EmploymentSituation,
    LanguageLevel,
    LegalStatus,
    PermitKind,
    Person,
    PersonAlias,
    PersonLanguage,
    ResidencePermit,
    Sex,
)

from .models import (
    ActionStatus,
    Case,
    CaseEvent,
    CaseEventKind,
    CaseNote,
    CaseStatus,
    CaseTeamMember,
    ClosureReason,
    Consent,
    ConsentPurpose,
    Contact,
    ContactChannel,
    CriterionCheck,
    CriterionKind,
    EligibilityCriterion,
    GoalArea,
    GoalEvaluation,
    IntakeCriterionCheck,
    IntakeDecision,
    IntakeOutcome,
    Intervention,
    InterventionKind,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    PlanStatus,
    PlanVersion,
    PrivacyNotice,
    PrivacyNoticeDelivery,
    Referral,
    ReferralDirection,
    ReferralStatus,
    Task,
    TaskKind,
    TeamRole,
)

HISTORY_DAYS = 730  # persons are registered over the last two years
CHUNK = 1000  # persons built and written at a time: bounds memory, not speed
STAFF_PREFIX = "dataset"  # usernames of the operators the generator adds: dataset.<ap>.<role>.<n>
STAGES = ("contact", "screening", "taken_in_charge", "plan_active", "follow_up", "closed")
S = CaseStatus

# --- who the persons are ------------------------------------------------------------------------


@dataclass(frozen=True)
class Country:
    code: str
    locales: tuple[str, ...]  # Faker locales with Latin-script names; empty: the lists in NAMES
    languages: tuple[str, ...]  # ISO 639-1, first language first
    eu: bool = False


COUNTRIES = {c.code: c for c in [
    Country("IT", ("it_IT",), ("it",), eu=True),
    Country("IN", ("en_IN",), ("pa", "hi", "en")),
    Country("PK", ("en_PK",), ("ur", "pa", "en")),
    Country("BD", (), ("bn", "en")),
    Country("MA", ("fr_DZ",), ("ar", "fr")),
    Country("TN", ("fr_DZ",), ("ar", "fr")),
    Country("SN", (), ("wo", "fr")),
    Country("GM", (), ("en", "wo")),
    Country("ML", (), ("bm", "fr")),
    Country("NG", ("en_NG", "yo_NG", "ig_NG", "ha_NG"), ("en", "yo", "ha")),
    Country("GH", ("tw_GH",), ("tw", "en")),
    Country("RO", ("ro_RO",), ("ro",), eu=True),
    Country("AL", (), ("sq",)),
    Country("UA", ("uk_UA",), ("uk", "ru")),
]}

# Weights per 100. Migrant workers met by street units and desks in the INLAV
# territories (agriculture, logistics, construction); Punjabi Sikhs are the
# largest group in the Cremona countryside.
MIGRANT_WORKERS = {"IN": 20, "MA": 12, "RO": 10, "PK": 8, "BD": 7, "SN": 7, "NG": 7, "AL": 5, "TN": 5, "GH": 5,
                   "ML": 4, "GM": 4, "UA": 4, "IT": 2}
# NAUTILUS (former drug users) and the disability and prison targets: mostly Italians.
INCLUSION = {"IT": 88, "RO": 4, "AL": 4, "MA": 4}

# Countries Faker has no Latin-script names for: (male, female, last names).
NAMES = {
    "BD": (["Mohammad", "Abdul", "Rahim", "Karim", "Sohel", "Jamal", "Rafiq", "Shahid", "Habib", "Anwar", "Mizanur",
            "Shafiqul", "Nazrul", "Kamal", "Faruk", "Jahangir", "Masud", "Rubel"],
           ["Fatema", "Nasrin", "Shirin", "Rokeya", "Taslima", "Salma", "Ayesha", "Rumana", "Sultana", "Parvin"],
           ["Rahman", "Hossain", "Islam", "Ahmed", "Uddin", "Alam", "Miah", "Khan", "Chowdhury", "Sarker", "Mollah",
            "Sheikh", "Talukder", "Akter", "Begum"]),
    "SN": (["Mamadou", "Moussa", "Ousmane", "Cheikh", "Abdoulaye", "Ibrahima", "Modou", "Pape", "Babacar", "Serigne",
            "Malick", "Aliou"],
           ["Fatou", "Aminata", "Awa", "Mariama", "Khady", "Ndeye", "Coumba", "Aissatou"],
           ["Diop", "Ndiaye", "Fall", "Sow", "Gueye", "Faye", "Diallo", "Sarr", "Mbaye", "Ba", "Cisse", "Thiam"]),
    "GM": (["Lamin", "Ebrima", "Modou", "Alieu", "Omar", "Bakary", "Momodou", "Sulayman", "Musa", "Yusupha"],
           ["Isatou", "Fatoumata", "Binta", "Mariama", "Haddy", "Awa"],
           ["Jallow", "Ceesay", "Bah", "Sowe", "Touray", "Darboe", "Sanneh", "Jobe", "Camara", "Jammeh", "Manneh",
            "Njie"]),
    "ML": (["Moussa", "Seydou", "Boubacar", "Amadou", "Oumar", "Souleymane", "Bakary", "Drissa", "Adama", "Mamadou"],
           ["Aminata", "Fatoumata", "Kadiatou", "Oumou", "Rokia", "Salimata", "Mariam"],
           ["Traoré", "Coulibaly", "Diarra", "Keita", "Konaté", "Sidibé", "Touré", "Sangaré", "Diakité", "Dembélé",
            "Koné", "Camara"]),
    "AL": (["Arben", "Besnik", "Dritan", "Erion", "Gentian", "Ilir", "Klodian", "Luan", "Mirel", "Ardit", "Fatmir",
            "Sokol"],
           ["Anila", "Blerina", "Elona", "Jonida", "Mirela", "Rezarta", "Valbona", "Ermira"],
           ["Hoxha", "Shehu", "Gjoka", "Leka", "Marku", "Dervishi", "Kola", "Basha", "Prifti", "Çela", "Hysa", "Meta",
            "Krasniqi", "Berisha"]),
}
NICKNAMES = ["Baba", "Johnny", "Sunny", "Lucky", "Bobo", "Ali", "Tony", "Mimmo", "Gigi", "Nino", "Rocky", "Papi",
             "Max", "Kiki", "Bubu", "Sammy", "Gino", "Dede"]
# Ukrainian → Latin (the official 2010 table, simplified), as on passports.
_UA = dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяэыёъ'’ʼ",
               ["a", "b", "v", "h", "g", "d", "e", "ie", "zh", "z", "y", "i", "i", "i", "k", "l", "m", "n", "o", "p",
                "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "iu", "ia", "e", "y", "io", "", "", "", ""],
               strict=True))


def _latin(text: str) -> str:
    out = "".join(_UA.get(ch.lower(), ch.lower()) if ch.lower() in _UA else ch for ch in text)
    return out[:1].upper() + out[1:]


class _Names:
    """Name pools per country, drawn once from Faker with the dataset's seed."""

    def __init__(self, seed: int):
        self.seed = seed
        self.pools: dict[str, list[tuple[list[str], list[str], list[str]]]] = {}

    def pools_of(self, country: Country):
        if country.code not in self.pools:
            if not country.locales:
                self.pools[country.code] = [NAMES[country.code]]
            else:
                pools = []
                for locale in country.locales:
                    fake = Faker(locale)
                    fake.seed_instance(self.seed)
                    male = [fake.first_name_male() for _ in range(120)]
                    female = [fake.first_name_female() for _ in range(120)]
                    last = [fake.last_name() for _ in range(160)]
                    if locale == "uk_UA":
                        male, female, last = ([_latin(n) for n in names] for names in (male, female, last))
                    pools.append((sorted(set(male)), sorted(set(female)), sorted(set(last))))
                self.pools[country.code] = pools
        return self.pools[country.code]

    def draw(self, rng: random.Random, country: Country, sex: str) -> tuple[str, str]:
        male, female, last = rng.choice(self.pools_of(country))
        first = rng.choice(female if sex == Sex.FEMALE else male)
        surname = rng.choice(last)
        if country.code == "IN" and rng.random() < 0.5:  # Punjabi Sikhs
            surname = "Kaur" if sex == Sex.FEMALE else "Singh"
        return first, surname


# --- what happens to them: texts with no personal data --------------------------------------------

PLACES = ["Stazione ferroviaria", "Piazza del mercato", "Zona industriale", "Campagne lungo la provinciale",
          "Parcheggio del polo logistico", "Mensa solidale", "Fermata degli autobus per i campi", "Centro di ascolto"]
NEEDS = ["Cerca un lavoro regolare.", "Chiede informazioni sul permesso di soggiorno.",
         "Riferisce paga molto inferiore al contratto e turni di 12 ore.", "Cerca un posto letto.",
         "Chiede un corso di italiano.", "Vuole recuperare le paghe non versate.",
         "Chiede supporto per l'iscrizione al Centro per l'Impiego.", "Chiede aiuto per la residenza anagrafica.",
         "Vuole riprendere un percorso di formazione.", "Chiede supporto dopo la fine del programma terapeutico."]
INFO_GIVEN = ["Informazioni sui diritti dei lavoratori e sul PUA.", "Volantino multilingue e numero verde.",
              "Orari dello sportello e servizi della rete.", "Indicazioni per il servizio di mediazione."]
FOLLOW_UPS = ["Appuntamento allo sportello la prossima settimana.", "Ricontatto telefonico.",
              "Nuovo passaggio dell'unità di strada.", ""]
REFERRAL_REASONS = ["Percorso terapeutico concluso, pronto per l'inserimento lavorativo.",
                    "Persona in carico al servizio sociale, chiede supporto per il lavoro.",
                    "Segnalazione di possibile sfruttamento lavorativo.",
                    "Fine pena imminente, richiesta di accompagnamento al lavoro.",
                    "Invalidità civile riconosciuta, iscritto al collocamento mirato."]
WORK_DONE = ["Colloqui di sostegno e programma terapeutico.", "Presa in carico sociale, contributo economico.",
             "Prima accoglienza e orientamento.", ""]
GOALS = {
    GoalArea.WORK: ["Trovare un lavoro regolare con contratto.", "Uscire dal lavoro nero.",
                    "Avviare un tirocinio in azienda."],
    GoalArea.TRAINING: ["Frequentare un corso di formazione professionale.", "Ottenere la certificazione delle "
                        "competenze."],
    GoalArea.LEGAL: ["Regolarizzare la posizione di soggiorno.", "Recuperare le retribuzioni non pagate."],
    GoalArea.LANGUAGE: ["Raggiungere il livello A2 di italiano.", "Frequentare un corso di italiano."],
    GoalArea.HOUSING: ["Trovare una sistemazione abitativa stabile.", "Ottenere un posto in accoglienza temporanea."],
    GoalArea.PROTECTION: ["Mettersi in sicurezza e accedere al programma di protezione."],
    GoalArea.HEALTH: ["Mantenere il percorso con il servizio per le dipendenze.", "Iscriversi al Servizio sanitario."],
    GoalArea.SOCIAL: ["Accedere ai servizi di prima assistenza.", "Ricostruire una rete di sostegno."],
}
# Catalogue services per goal area (codes of the INLAV catalogue).
AREA_SERVICES = {
    GoalArea.WORK: ["F2.5.a", "F2.5.d", "F2.5.f"],
    GoalArea.TRAINING: ["F2.5.c", "F2.5.b"],
    GoalArea.LEGAL: ["F2.4.g", "F2.4.a", "F2.4.h"],
    GoalArea.LANGUAGE: ["F2.4.f", "F2.4.c"],
    GoalArea.HOUSING: ["F2.6.a"],
    GoalArea.PROTECTION: ["F2.3.a"],
    GoalArea.HEALTH: ["F2.4.e"],
    GoalArea.SOCIAL: ["F2.4.b", "F2.4.d"],
}
K = OrganisationKind
# Who provides a service when no organisation offers it in the directory.
SERVICE_PROVIDER_KINDS = {
    "F2.5.a": [K.EMPLOYMENT_CENTRE, K.TRAINING_BODY], "F2.5.d": [K.EMPLOYMENT_CENTRE, K.EMPLOYER_ASSOCIATION],
    "F2.5.f": [K.SOCIAL_COOP_B, K.EMPLOYER, K.EMPLOYMENT_CENTRE], "F2.5.c": [K.TRAINING_BODY],
    "F2.5.b": [K.TRAINING_BODY], "F2.4.g": [K.UNION, K.VOLUNTEER_ASSOCIATION], "F2.4.a": [K.UNION],
    "F2.4.h": [K.UNION, K.VOLUNTEER_ASSOCIATION], "F2.4.f": [K.VOLUNTEER_ASSOCIATION, K.SOCIAL_PROMOTION_ASSOCIATION],
    "F2.4.c": [K.SOCIAL_PROMOTION_ASSOCIATION, K.SOCIAL_COOP_A], "F2.6.a": [K.VOLUNTEER_ASSOCIATION, K.SOCIAL_COOP_A],
    "F2.3.a": [K.SOCIAL_COOP_A, K.VOLUNTEER_ASSOCIATION], "F2.4.e": [K.HEALTH_SERVICE],
    "F2.4.b": [K.PUBLIC_BODY, K.SOCIAL_COOP_A], "F2.4.d": [K.VOLUNTEER_ASSOCIATION, K.SOCIAL_COOP_A],
}
REFERRER_KINDS = (K.HEALTH_SERVICE, K.PUBLIC_BODY, K.SOCIAL_COOP_A, K.FOUNDATION, K.VOLUNTEER_ASSOCIATION)
INTERVENTION_NOTES = ["Colloquio svolto con la persona, aggiornata la situazione.", "Verificati i documenti portati.",
                      "Concordati i prossimi passi del piano.", "La persona riferisce progressi nel percorso.",
                      "Accompagnamento al servizio concluso."]
RESTRICTED_NOTES = ["Riferisce minacce dal datore di lavoro: valutare la protezione.",
                    "Situazione sanitaria delicata, da trattare solo in équipe.",
                    "Riferisce episodi di violenza in famiglia."]
CASE_NOTES = ["Sentito il referente dell'ente inviante.", "Telefonata di verifica, tutto confermato.",
              "Da riprendere in équipe la prossima settimana."]
TASK_TITLES = ["Richiamare per appuntamento", "Verificare i documenti per l'iscrizione al CPI",
               "Preparare la scheda per l'équipe", "Sentire l'azienda per il tirocinio",
               "Accompagnamento in Questura per il rinnovo del permesso"]
APPOINTMENT_TITLES = ["Colloquio di verifica del piano", "Colloquio di orientamento", "Colloquio congiunto",
                      "Incontro con il mediatore"]
OUTCOMES = {
    ClosureReason.EMERGED: "Assunto con contratto regolare dopo la vertenza.",
    ClosureReason.EMPLOYED: "Contratto di lavoro a tempo determinato.",
    ClosureReason.IN_TRAINING: "Iscritto a un corso di formazione professionale.",
    ClosureReason.REFERRED: "Inviato a un altro servizio della rete.",
    ClosureReason.MOVED_AWAY: "Trasferito in un'altra regione.",
    ClosureReason.DROPPED_OUT: "Non si è più presentato nonostante i ricontatti.",
    ClosureReason.DECEASED: "",
    ClosureReason.NOT_ELIGIBLE: "Non rientra nei criteri di accesso: indirizzato a un altro servizio.",
    ClosureReason.OTHER: "Chiuso su richiesta della persona.",
}
DEFAULT_CRITERIA = {
    AccessPointKind.SINGLE_ACCESS_POINT: [
        (CriterionKind.AGE, "Maggiore età", True),
        (CriterionKind.RESIDENCE, "Domicilio o lavoro nel territorio dell'ambito", True),
        (CriterionKind.TARGET_GROUP, "Vittima o a rischio di sfruttamento lavorativo o lavoro irregolare", True),
        (CriterionKind.DOCUMENT, "Documento di identità o dichiarazione di identità", False),
    ],
    AccessPointKind.PLACEMENT_UNIT: [
        (CriterionKind.AGE, "Età tra 18 e 65 anni", True),
        (CriterionKind.OTHER, "Invio da un servizio (SerD, comunità terapeutica, servizio sociale)", True),
        (CriterionKind.RESIDENCE, "Residenza nel distretto", True),
        (CriterionKind.TARGET_GROUP, "Persona svantaggiata (L. 381/1991 art. 4)", False),
    ],
}
NOTICE_LANGUAGES = ["it", "en", "fr", "ar"]


# --- results ------------------------------------------------------------------------------------------


@dataclass
class DatasetResult:
    access_point: AccessPoint | None
    persons: int
    seconds: float = 0.0
    counts: Counter = field(default_factory=Counter)  # rows written per model label
    reached: Counter = field(default_factory=Counter)  # cases that reached each stage
    statuses: Counter = field(default_factory=Counter)  # current case status
    closure_reasons: Counter = field(default_factory=Counter)

    def funnel_lines(self) -> list[str]:
        first = self.reached["contact"] or 1
        return [f"{stage:16} {self.reached[stage]:7d}  {100 * self.reached[stage] / first:5.1f}%" for stage in STAGES]


# --- writing rows fast ----------------------------------------------------------------------------------


class _Row(dict):
    """One row to insert: column values by attname (``person_id``), read as attributes."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    __setattr__ = dict.__setitem__


class _Ids:
    """Primary keys handed out before the rows are written, so that children
    can point at their parents without a round trip per row.

    PostgreSQL: drawn from the table's sequence (``nextval`` in blocks), safe
    with other writers. SQLite: after the highest id ever used; the generator
    has written before its first id is taken, so it holds SQLite's write lock
    and nobody else can insert meanwhile.
    """

    BLOCK = 2000

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"
        self.pools: dict[str, list[int]] = defaultdict(list)
        self.next: dict[str, int] = {}

    def take(self, table: str) -> int:
        if self.postgres:
            pool = self.pools[table]
            if not pool:
                with self.connection.cursor() as cursor:
                    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                                   [self.connection.ops.quote_name(table), self.BLOCK])
                    pool.extend(sorted((row[0] for row in cursor.fetchall()), reverse=True))
            return pool.pop()
        if table not in self.next:
            qn = self.connection.ops.quote_name
            with self.connection.cursor() as cursor:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {qn(table)}")  # noqa: S608 (a table name)
                highest = cursor.fetchone()[0]
                cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
                highest = max(highest, cursor.fetchone()[0])
            self.next[table] = highest + 1
        self.next[table] += 1
        return self.next[table] - 1


class _Table:
    """The rows of one model waiting to be written, with every column's default."""

    def __init__(self, model, ids: _Ids):
        self.model = model
        self.ids = ids
        self.fields = list(model._meta.concrete_fields)
        self.defaults = {f.attname: f.get_default() for f in self.fields if not f.primary_key}
        self.rows: list[_Row] = []
        self.written = 0

    def add(self, values: dict) -> _Row:
        row = _Row(self.defaults)
        row.update(values)
        row["id"] = self.ids.take(self.model._meta.db_table)
        self.rows.append(row)
        return row

    def write(self, connection) -> int:
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        qn = connection.ops.quote_name
        postgres = connection.vendor == "postgresql"
        converters = []
        for f in self.fields:
            if not f.null and rows[0][f.attname] is None:
                raise ValueError(f"{self.model._meta.label}.{f.name} needs a value")
            internal = f.get_internal_type()
            if internal == "JSONField":
                converters.append(lambda v: None if v is None else json.dumps(v, cls=DjangoJSONEncoder))
            elif internal == "DateTimeField" and not postgres:  # what adapt_datetimefield_value does, faster
                converters.append(lambda v: None if v is None else str(v.astimezone(datetime.UTC).replace(tzinfo=None)))
            elif internal == "DateField" and not postgres:
                converters.append(connection.ops.adapt_datefield_value)
            else:
                converters.append(None)
        attnames = [f.attname for f in self.fields]
        converted = [(i, c) for i, c in enumerate(converters) if c is not None]
        values = []
        for row in rows:
            value = [row[a] for a in attnames]
            for i, convert in converted:
                value[i] = convert(value[i])
            values.append(value)
        table, columns = qn(self.model._meta.db_table), ", ".join(qn(f.column) for f in self.fields)
        with connection.cursor() as cursor:
            if postgres:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for value in values:
                        copy.write_row(value)
            else:
                placeholders = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)  # noqa: S608
        self.written += len(rows)
        return len(rows)


# --- the generator ----------------------------------------------------------------------------------------


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


class _Builder:
    """Builds the rows of one run. Times are floats, in days since ``origin``;
    ``when(t)`` maps them onto office hours (8:00–18:00), keeping their order."""

    def __init__(self, *, seed: int, access_point: AccessPoint | None, today: datetime.date, result: DatasetResult):
        self.rng = random.Random(seed)
        self.names = _Names(seed)
        self.result = result
        self.today = today
        start = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
        self.origin = start - datetime.timedelta(days=HISTORY_DAYS + 40)
        self.t_today = float(HISTORY_DAYS + 40)  # today at 0:00: everything before it is history
        self.ids = _Ids(connection)
        self.tables: dict[type, _Table] = {}
        self.events: list[dict] = []
        self.text = self._texts()
        self._load_context(access_point)
        # Cases that reached screening in the current chunk, for the assessment responses; models those
        # add are written after ``ORDER``.
        self.screened: list[tuple] = []
        self.extra_order: list[type] = []
        # Assessments build on cases (their responses point at cases), not the other way round: the
        # generator of screening responses is imported here, when a dataset is built, never when this
        # module is loaded. None when the shipped instruments are not loaded.
        from pua.assessments.dataset import responses_generator  # noqa: PLC0415

        self.responses = responses_generator(self, seed)

    # --- time

    def when(self, t: float) -> datetime.datetime:
        day = int(t // 1)
        return self.origin + datetime.timedelta(days=day, hours=8 + (t - day) * 10)

    def date(self, t: float) -> datetime.date:
        return self.when(t).date()

    @staticmethod
    def _texts() -> dict:
        """Timeline summaries, translated once (the services write them in the language of the day)."""
        status = "Status: %(old)s → %(new)s"
        return {
            "opened": _("Case opened"),
            "status": {(old, new): _(status) % {"old": S(old).label, "new": S(new).label} for old in S for new in S},
            "decision": {o: _("Intake decision: %(outcome)s") % {"outcome": o.label} for o in IntakeOutcome},
            "team": {r: _("Added to the case team: %(role)s") % {"role": r.label} for r in TeamRole},
            "given": {p: _("Consent given: %(purpose)s") % {"purpose": p.label} for p in ConsentPurpose},
            "withdrawn": {p: _("Consent withdrawn: %(purpose)s") % {"purpose": p.label} for p in ConsentPurpose},
            "intervention": {k: _("Intervention recorded: %(kind)s") % {"kind": k.label} for k in InterventionKind},
            "referral_in": _("Referral received from a network organisation"),
            "referral_out": _("Referral sent to a network organisation"),
            "plan_drafted": _("Plan drafted"),
            "plan_agreed": _("Plan agreed with the person"),
            "review": _("Plan reviewed"),
            "note": _("Note added"),
            "contact": _("Contact recorded"),
            "appointment": _("Appointment scheduled"),
            "task": _("Task created"),
        }

    # --- context: access point, staff, network, catalogue

    def _load_context(self, access_point):
        self.ap = access_point or self._default_access_point()
        self.result.access_point = self.ap
        self.municipalities = list(Municipality.objects.filter(territories=self.ap.territory_id).order_by("istat_code"))
        self.orgs = list(Organisation.objects.filter(access_points=self.ap, is_active=True).order_by("name", "id"))
        if not self.orgs:
            self.orgs = self._minimal_network(self.ap)
        self.org_by_id = {o.pk: o for o in self.orgs}
        self.orgs_by_kind = defaultdict(list)
        for org in self.orgs:
            self.orgs_by_kind[org.kind].append(org)
        self.staff = self._staff()
        self.referrers = [o for kind in REFERRER_KINDS for o in self.orgs_by_kind[kind]] or self.orgs
        self.partners = [o for o in self.orgs if o != self.home_org] or self.orgs
        self.services = {}
        services = Service.objects.active().for_programme(self.ap.programme_id).filter(for_persons=True)
        for service in services.order_by("sort_key", "id"):  # the programme's own entry wins over the shared one
            if service.code not in self.services or service.programme_id is not None:
                self.services[service.code] = service
        self.offerings = defaultdict(list)
        for offering in (Offering.objects.active().filter(organisation__in=self.orgs)
                         .select_related("organisation").order_by("service__sort_key", "organisation__name", "id")):
            self.offerings[offering.service_id].append(offering)
        self.languages = {lang.code: lang for lang in Language.objects.filter(
            code__in={code for c in COUNTRIES.values() for code in c.languages} | set(NOTICE_LANGUAGES))}
        self.target_groups = {tg.code: tg for tg in TargetGroup.objects.all()}
        self.criteria = self._criteria()
        self.notices = self._notices()
        self.inclusion_share = 0.85 if self.ap.kind == AccessPointKind.PLACEMENT_UNIT else 0.25

    def _default_access_point(self) -> AccessPoint:
        ap = AccessPoint.objects.filter(is_active=True).order_by("id").first()
        if ap is not None:
            return ap
        programme, _created = Programme.objects.get_or_create(
            code="dataset", defaults={"name": "Programma di prova (dati sintetici)"})
        territory = Territory.objects.create(name="Ambito di prova (dati sintetici)", kind=TerritoryKind.SOCIAL_DISTRICT,
                                             region="Lombardia", province="CR")
        municipalities = list(Municipality.objects.filter(province="CR").order_by("istat_code")[:10]) \
            or list(Municipality.objects.order_by("istat_code")[:10])
        territory.municipalities.set(municipalities)
        return AccessPoint.objects.create(
            name="PUA di prova (dati sintetici)", kind=AccessPointKind.SINGLE_ACCESS_POINT, territory=territory,
            programme=programme, municipality=municipalities[0] if municipalities else None)

    def _minimal_network(self, ap) -> list[Organisation]:
        spec = [("Comune (dati sintetici)", K.PUBLIC_BODY),
                ("SerD – Servizio dipendenze (dati sintetici)", K.HEALTH_SERVICE),
                ("Cooperativa sociale di tipo A (dati sintetici)", K.SOCIAL_COOP_A),
                ("Cooperativa sociale di tipo B (dati sintetici)", K.SOCIAL_COOP_B),
                ("Centro per l'Impiego (dati sintetici)", K.EMPLOYMENT_CENTRE),
                ("Ente di formazione (dati sintetici)", K.TRAINING_BODY),
                ("Sindacato – ufficio vertenze (dati sintetici)", K.UNION),
                ("Associazione di mediazione culturale (dati sintetici)", K.SOCIAL_PROMOTION_ASSOCIATION),
                ("Associazione di volontariato (dati sintetici)", K.VOLUNTEER_ASSOCIATION)]
        orgs = []
        for name, kind in spec:
            org, _created = Organisation.objects.get_or_create(name=name, kind=kind,
                                                               defaults={"search_text": search_text(name)})
            org.access_points.add(ap)
            orgs.append(org)
        return sorted(orgs, key=lambda o: (o.name, o.pk))

    def _staff(self) -> dict[str, list]:
        """The operators of the access point by role; generated ones are added up to a few per role."""
        wanted = {Role.DIRECTOR: 1, Role.SOCIAL_EXPERT: 2, Role.LABOUR_EXPERT: 2, Role.OUTREACH_OPERATOR: 2}
        staff: dict[str, list] = {role: [] for role in wanted}
        memberships = list(Membership.objects.filter(
            is_active=True, access_points=self.ap, user__is_active=True, role__in=list(wanted),
        ).select_related("user", "organisation").order_by("role", "user__username", "id"))
        for m in memberships:
            if m.user not in staff[m.role]:
                staff[m.role].append(m.user)
        public = [o for o in self.orgs if o.kind == K.PUBLIC_BODY]
        self.home_org = memberships[0].organisation if memberships else (public or self.orgs)[0]
        male, female, last = self.names.pools_of(COUNTRIES["IT"])[0]
        user_model = get_user_model()
        # Two operators never share a name: a reader must tell them apart.
        taken = set(user_model.objects.values_list("first_name", "last_name"))
        for role, count in wanted.items():
            users = staff[role]
            for n in range(len(users) + 1, count + 1):
                username = f"{STAFF_PREFIX}.{self.ap.pk}.{role}.{n}"
                user = user_model.objects.filter(username=username).first()
                if user is None:
                    step = 0
                    while True:
                        name = ((male if n % 2 else female)[(n * 7 + len(role) + self.ap.pk + step) % 40],
                                last[(n * 13 + len(role) + 3 * self.ap.pk + step) % 60])
                        if name not in taken:
                            break
                        step += 1
                    taken.add(name)
                    user = user_model(username=username, email=f"{username}@example.org",
                                      first_name=name[0], last_name=name[1])
                    user.set_unusable_password()
                    user.save()
                membership, _created = Membership.objects.get_or_create(user=user, organisation=self.home_org,
                                                                        role=role)
                membership.access_points.add(self.ap)
                users.append(user)
        self.users = {u.pk: u for users in staff.values() for u in users}
        self.case_workers = staff[Role.SOCIAL_EXPERT] + staff[Role.LABOUR_EXPERT]
        self.deciders = self.case_workers + staff[Role.DIRECTOR]
        self.desk = self.case_workers + staff[Role.OUTREACH_OPERATOR]
        return staff

    def _criteria(self) -> list[EligibilityCriterion]:
        criteria = list(EligibilityCriterion.objects.filter(access_point=self.ap, is_active=True).order_by(
            "sort_order", "id"))
        if not criteria:
            spec = DEFAULT_CRITERIA.get(self.ap.kind, DEFAULT_CRITERIA[AccessPointKind.SINGLE_ACCESS_POINT])
            for i, (kind, label, mandatory) in enumerate(spec):
                criteria.append(EligibilityCriterion.objects.create(
                    access_point=self.ap, kind=kind, label=label, is_mandatory=mandatory, sort_order=i))
            self.result.counts[EligibilityCriterion._meta.label] += len(criteria)
        return criteria

    def _notices(self) -> dict[str, PrivacyNotice]:
        notices = {}
        for code in NOTICE_LANGUAGES:
            if code not in self.languages:
                continue
            notice, created = PrivacyNotice.objects.get_or_create(
                access_point=self.ap, version="1.0", language=self.languages[code],
                defaults={"title": "Informativa sul trattamento dei dati personali", "valid_from": self.date(0)})
            self.result.counts[PrivacyNotice._meta.label] += int(created)
            notices[code] = notice
        return notices

    # --- building blocks

    def add(self, model, **values) -> _Row:
        table = self.tables.get(model)
        if table is None:
            table = self.tables[model] = _Table(model, self.ids)
        return table.add(values)

    def event(self, case, kind, t, actor, summary, data=None, obj=None, model=None, restricted=False, message=""):
        """One timeline line: ``message`` and ``data`` as the services write them (``event_messages``)."""
        self.events.append({
            "case_id": case.id, "kind": kind, "t": t, "actor_id": actor.pk, "summary": summary, "message": message,
            "data": data or {}, "object_type": model._meta.model_name if model else "",
            "object_id": obj.id if obj is not None else None, "restricted": restricted})

    def status_event(self, case, old, new, t, actor, **extra):
        self.event(case, CaseEventKind.STATUS_CHANGED, t, actor, self.text["status"][old, new],
                   {"from": old, "to": new, **extra}, message="status_changed")
        case["_status_t"] = t

    def staff_of(self, *roles):
        return self.rng.choice([u for role in roles for u in self.staff[role]])

    def provider_for(self, service: Service) -> tuple[Organisation, Offering | None]:
        offerings = self.offerings.get(service.pk)
        if offerings:
            offering = self.rng.choice(offerings)
            return offering.organisation, offering
        kinds = SERVICE_PROVIDER_KINDS.get(service.code, [])
        candidates = [o for kind in kinds for o in self.orgs_by_kind[kind]] or self.partners
        return self.rng.choice(candidates), None

    # --- the run

    def build(self, count: int) -> None:
        rng = self.rng
        # Registration times first, oldest first, so that case numbers follow time within a year.
        starts = sorted(rng.uniform(40, self.t_today - 1) for _ in range(count))
        numbers = self._case_numbers([self.when(t).year for t in starts])
        for offset in range(0, count, CHUNK):
            for t0, number in zip(starts[offset:offset + CHUNK], numbers[offset:offset + CHUNK], strict=True):
                self._story(t0, number)
            if self.responses is not None:
                self.responses(self.screened)
            self.screened = []
            self._flush()

    def _case_numbers(self, years: list[int]) -> list[str]:
        """A block of numbers per year from the locked counters, as ``person_create`` takes them one by one."""
        next_number = {}
        for year, n in sorted(Counter(years).items()):
            CaseNumberCounter.objects.get_or_create(year=year)
            counter = CaseNumberCounter.objects.select_for_update().get(year=year)
            # A number above the counter may exist (imported records): start after it.
            highest = (Person.objects.filter(case_number__regex=rf"^P-{year}-[0-9]{{6}}$")
                       .order_by("-case_number").values_list("case_number", flat=True).first())
            start = max(counter.last, int(highest.rsplit("-", 1)[1]) if highest else 0) + 1
            next_number[year] = start
            counter.last = start + n - 1
            counter.save(update_fields=["last"])
        out = []
        for year in years:
            out.append(f"P-{year}-{next_number[year]:06d}")
            next_number[year] += 1
        return out

    # --- one person's story

    def _story(self, t0: float, number: str) -> None:
        rng = self.rng
        inclusion = rng.random() < self.inclusion_share
        country = COUNTRIES[_weighted(rng, INCLUSION if inclusion else MIGRANT_WORKERS)]
        person, facts = self._person(t0, number, country, inclusion)
        self._case(person, facts, t0)
        if rng.random() < 0.3:
            self._anonymous_contact()

    def _person(self, t0, number, country, inclusion):
        rng = self.rng
        created = self.when(t0)
        sex = Sex.UNKNOWN if rng.random() < 0.01 else (
            Sex.FEMALE if rng.random() < (0.22 if inclusion else 0.2) else Sex.MALE)
        first, last = self.names.draw(rng, country, Sex.FEMALE if sex == Sex.FEMALE else Sex.MALE)
        aliases = []
        migrant = country.code != "IT"
        if rng.random() < (0.15 if migrant else 0.06):
            aliases.append(rng.choice(NICKNAMES))
        if migrant and not inclusion and rng.random() < 0.03:  # known by an alias only, so far
            first = last = ""
            aliases = aliases or [rng.choice(NICKNAMES)]
        age = int(rng.triangular(18, 62, 38 if inclusion else 31))
        birth_year = created.year - age
        birth_date = datetime.date(birth_year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.55 else None
        victim = not inclusion and rng.random() < 0.55
        trafficked = victim and rng.random() < (0.3 if sex == Sex.FEMALE else 0.05)
        legal_status, permits = self._legal(country, inclusion, victim, trafficked)
        no_fixed_abode = rng.random() < (0.08 if inclusion else 0.12)
        groups = self._groups(inclusion, migrant, victim, trafficked, sex, age, legal_status, permits, no_fixed_abode)
        ES = EmploymentSituation
        if victim:
            employment = _weighted(rng, {ES.IN_EXPLOITATION: 35, ES.UNDECLARED_WORK: 40, ES.PARTLY_DECLARED_WORK: 25})
        elif inclusion:
            employment = _weighted(rng, {ES.UNEMPLOYED: 70, ES.INACTIVE: 15, ES.UNDECLARED_WORK: 10, ES.EMPLOYED: 5})
        else:
            employment = _weighted(rng, {ES.UNEMPLOYED: 50, ES.UNDECLARED_WORK: 25, ES.EMPLOYED: 10, ES.INACTIVE: 5,
                                         ES.UNKNOWN: 10})
        E = EducationLevel
        education = _weighted(rng, {E.ISCED_1: 10, E.ISCED_2: 50, E.ISCED_3: 30, E.ISCED_4: 3, E.UNKNOWN: 7}
                              if inclusion else
                              {E.ISCED_0: 15, E.ISCED_1: 25, E.ISCED_2: 30, E.ISCED_3: 20, E.ISCED_6: 3, E.UNKNOWN: 7})
        residence = None
        if self.municipalities and not no_fixed_abode and rng.random() < 0.8:
            residence = rng.choice(self.municipalities).pk
        opener = self.staff_of(Role.SOCIAL_EXPERT, Role.LABOUR_EXPERT, Role.DIRECTOR)
        birth_place = ""
        if not migrant and self.municipalities and rng.random() < 0.4:
            birth_place = rng.choice(self.municipalities).name
        phone = f"+39 3{rng.randint(20, 99)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}" \
            if rng.random() < 0.65 else ""
        person = self.add(
            Person, case_number=number, access_point_id=self.ap.pk, first_name=first, last_name=last,
            name_key=name_key(first, last, aliases), sex=sex, birth_date=birth_date, birth_year=birth_year,
            birth_country=country.code, birth_place=birth_place, phone=phone,
            email=f"{STAFF_PREFIX}.{number.lower()}@example.org" if rng.random() < 0.05 else "",
            residence_municipality_id=residence, domicile_municipality_id=residence, no_fixed_abode=no_fixed_abode,
            legal_status=legal_status, education_level=education, employment_situation=employment,
            created_at=created, updated_at=created, created_by_id=opener.pk)
        for alias in aliases:
            self.add(PersonAlias, person_id=person.id, alias=alias)
        self.add(Citizenship, person_id=person.id, country=country.code)
        spoken = self._languages(country, inclusion)
        for code, level in spoken.items():
            self.add(PersonLanguage, person_id=person.id, language_id=self.languages[code].pk, level=level)
        for permit in permits:
            self.add(ResidencePermit, person_id=person.id, **permit)
        for code in groups:
            if code in self.target_groups:
                self.add(Person.target_groups.through, person_id=person.id,
                         targetgroup_id=self.target_groups[code].pk)
        facts = {"inclusion": inclusion, "victim": victim, "opener": opener, "first_language": next(iter(spoken)),
                 "italian_low": spoken.get("it") in (None, LanguageLevel.NONE, LanguageLevel.BASIC),
                 "permit_holder": legal_status == LegalStatus.REGULAR_PERMIT}
        return person, facts

    def _legal(self, country, inclusion, victim, trafficked):
        rng = self.rng
        L, P = LegalStatus, PermitKind
        if country.code == "IT":
            return L.ITALIAN_CITIZEN, []
        if country.eu:
            return L.EU_CITIZEN, []
        if country.code == "UA":
            status = _weighted(rng, {L.REGULAR_PERMIT: 85, L.PERMIT_APPLICATION_PENDING: 15})
        elif inclusion:
            status = _weighted(rng, {L.REGULAR_PERMIT: 85, L.PERMIT_APPLICATION_PENDING: 10, L.UNKNOWN: 5})
        else:
            status = _weighted(rng, {L.REGULAR_PERMIT: 48, L.PERMIT_APPLICATION_PENDING: 10, L.ASYLUM_SEEKER: 14,
                                     L.IRREGULAR: 20, L.UNKNOWN: 8})
        permits = []
        today = self.today
        days = datetime.timedelta
        if status == L.REGULAR_PERMIT:
            if victim and rng.random() < 0.45:
                kind = P.ART18_SPECIAL_PROTECTION if trafficked else (
                    P.ART22_12QUATER if rng.random() < 0.1 else P.ART18TER_LABOUR_EXPLOITATION)
            elif country.code == "UA":
                kind = P.OTHER  # temporary protection
            elif inclusion:
                kind = _weighted(rng, {P.EU_LONG_TERM: 50, P.WORK: 30, P.FAMILY: 20})
            else:
                kind = _weighted(rng, {P.WORK: 32, P.FAMILY: 18, P.EU_LONG_TERM: 15, P.SUBSIDIARY_PROTECTION: 10,
                                       P.SPECIAL_PROTECTION: 10, P.ASYLUM: 8, P.STUDY: 2, P.OTHER: 5})
            length = 183 if kind in (P.ART18TER_LABOUR_EXPLOITATION, P.ART22_12QUATER) else rng.choice([365, 730])
            roll = rng.random()
            if roll < 0.12:  # expiring within 60 days: the alert list
                expires = today + days(rng.randint(0, 60))
            elif roll < 0.17:  # expired, renewal under way
                expires = today - days(rng.randint(1, 90))
            else:  # issued some time ago, expiring later
                expires = today + days(length - rng.randint(0, length - 61))
            issued = expires - days(length)
            if kind == P.EU_LONG_TERM:  # no expiry
                issued, expires = today - days(rng.randint(30, 3000)), None
            permits.append(self._permit(kind, issued, expires, current=True))
            if rng.random() < 0.2:
                permits.append(self._permit(P.WORK if kind != P.WORK else P.FAMILY, issued - days(730),
                                            issued - days(1), current=False))
        elif status == L.ASYLUM_SEEKER and rng.random() < 0.7:
            expires = today + days(rng.randint(-20, 180))
            permits.append(self._permit(P.OTHER, expires - days(183), expires, current=True))
        elif status in (L.PERMIT_APPLICATION_PENDING, L.IRREGULAR) and rng.random() < (
                0.7 if status == L.PERMIT_APPLICATION_PENDING else 0.15):
            expires = today - days(rng.randint(30, 400))
            permits.append(self._permit(P.WORK, expires - days(365), expires, current=False))
        return status, permits

    def _permit(self, kind, issued, expires, *, current) -> dict:
        number = f"{self.rng.choice('ABCDIJ')}{self.rng.randint(10_000_000, 99_999_999)}"
        return {"kind": kind, "number": number, "issued_on": issued, "expires_on": expires, "is_current": current}

    def _groups(self, inclusion, migrant, victim, trafficked, sex, age, legal_status, permits, no_fixed_abode):
        rng = self.rng
        groups = []
        if inclusion:
            main = _weighted(rng, {"addiction": 50, "ex_detainee": 25, "disability": 20, "homeless": 5})
            groups.append(main)
            if main != "homeless" and rng.random() < 0.9:
                groups.append("disadvantaged_381")
            if main == "disability" and rng.random() < 0.8:
                groups.append("protected_68")
            if rng.random() < 0.4:
                groups.append("long_term_unemployed")
        else:
            if victim:
                groups.append("exploitation_victim")
            if trafficked:
                groups.append("trafficking_victim")
            protection = {PermitKind.ASYLUM, PermitKind.SUBSIDIARY_PROTECTION, PermitKind.SPECIAL_PROTECTION}
            if legal_status == LegalStatus.ASYLUM_SEEKER or any(p["kind"] in protection for p in permits):
                groups.append("asylum_seeker")
            if rng.random() < 0.1:
                groups.append("long_term_unemployed")
        if migrant and rng.random() < 0.9:
            groups.append("migrant")
        if sex == Sex.FEMALE and rng.random() < 0.6:
            groups.append("women")
        if no_fixed_abode and "homeless" not in groups:
            groups.append("homeless")
        if age < 30 and rng.random() < 0.3:
            groups.append("young_neet")
        return sorted(set(groups))

    def _languages(self, country, inclusion) -> dict[str, str]:
        rng = self.rng
        first, *others = [code for code in country.languages if code in self.languages]
        spoken = {first: LanguageLevel.NATIVE}
        for code in others:
            if rng.random() < 0.5:
                spoken[code] = rng.choice([LanguageLevel.FLUENT, LanguageLevel.BASIC])
        if "it" not in spoken and "it" in self.languages:
            spoken["it"] = _weighted(rng, {LanguageLevel.FLUENT: 70, LanguageLevel.BASIC: 30} if inclusion else
                                     {LanguageLevel.NONE: 20, LanguageLevel.BASIC: 45, LanguageLevel.FLUENT: 35})
        return spoken

    # --- contacts

    def _channel(self, inclusion) -> str:
        C = ContactChannel
        return _weighted(self.rng, {C.REFERRAL: 40, C.DESK: 30, C.DROP_IN: 15, C.HOTLINE: 5, C.STREET_UNIT: 5,
                                    C.OUTREACH: 5} if inclusion else
                         {C.STREET_UNIT: 35, C.DROP_IN: 20, C.HOTLINE: 12, C.DESK: 10, C.OUTREACH: 10,
                          C.SOCIAL_MEDIA: 5, C.REFERRAL: 8})

    def _contact(self, t, channel, *, person=None, facts=None, anonymous=None):
        rng = self.rng
        outdoor = channel in (ContactChannel.STREET_UNIT, ContactChannel.DROP_IN, ContactChannel.OUTREACH)
        operator = self.staff_of(Role.OUTREACH_OPERATOR) if outdoor else rng.choice(self.desk)
        known = facts or anonymous
        low_italian = known["italian_low"]
        language = self.languages.get(known["first_language"] if low_italian else "it")
        contact = self.add(
            Contact, access_point_id=self.ap.pk, person_id=person.id if person else None, occurred_at=self.when(t),
            channel=channel,
            municipality_id=rng.choice(self.municipalities).pk if self.municipalities and outdoor else None,
            place_description=rng.choice(PLACES) if outdoor else "", operator_id=operator.pk,
            language_id=language.pk if language else None,
            interpreter_present=low_italian and rng.random() < 0.5, needs_expressed=rng.choice(NEEDS),
            information_given=rng.choice(INFO_GIVEN), follow_up_agreed=rng.choice(FOLLOW_UPS),
            created_at=self.when(t), created_by_id=operator.pk, **(anonymous or {}).get("fields", {}))
        if channel == ContactChannel.STREET_UNIT and language is not None:
            self.add(Contact.materials_languages.through, contact_id=contact.id, language_id=language.pk)
        return contact

    def _anonymous_contact(self):
        rng = self.rng
        country = COUNTRIES[_weighted(rng, MIGRANT_WORKERS)]
        sex = Sex.FEMALE if rng.random() < 0.2 else Sex.MALE
        first, _last = self.names.draw(rng, country, sex)
        code = next(c for c in country.languages if c in self.languages)
        anonymous = {"first_language": code, "italian_low": country.code != "IT" and rng.random() < 0.6,
                     "fields": {"alias": rng.choice([first, rng.choice(NICKNAMES)]),
                                "approximate_age": rng.randint(20, 55),
                                "gender": "female" if sex == Sex.FEMALE else "male",  # the contact form's codes
                                "nationality": country.code}}
        self._contact(rng.uniform(1, self.t_today - 0.01), self._channel(False), anonymous=anonymous)

    # --- the case

    def _case(self, person, facts, t0):
        rng = self.rng
        result = self.result
        inclusion = facts["inclusion"]
        opener = facts["opener"]
        today = self.t_today
        channel = ContactChannel.REFERRAL if inclusion and rng.random() < 0.45 else self._channel(inclusion)
        self._contact(t0 if channel == ContactChannel.REFERRAL else max(1.0, t0 - rng.uniform(0, 20)), channel,
                      person=person, facts=facts)

        # How far the story goes, then when each step happens; what lies after today has not happened yet.
        intended = 0
        for p in FUNNEL:
            if rng.random() >= p:
                break
            intended += 1
        times = [t0 + 0.02]
        for low, high in ((0.1, 10), (4, 25), (6, 32), (45, 150)):
            times.append(times[-1] + rng.uniform(low, high))
        t_open, t_screen, t_intake, t_agreed, t_follow = times
        t_draft = t_intake + (t_agreed - t_intake) * rng.uniform(0.1, 0.4)
        reached = 0
        while reached < intended and times[reached + 1] < today:
            reached += 1
        for stage in STAGES[:reached + 1]:
            result.reached[stage] += 1

        # Where the story stops: some cases are closed there, others are still open.
        closure = None  # (t, reason)
        if reached == 4:
            t_close = t_follow + rng.uniform(30, 120)
            if t_close < today and rng.random() < 0.9:
                reason = _weighted(rng, POSITIVE_ENDINGS[inclusion])
                if reason == ClosureReason.EMERGED and person.employment_situation not in UNDECLARED:
                    reason = ClosureReason.EMPLOYED  # nothing to emerge from
                closure = (t_close, reason)
        elif reached == intended:
            t_close = times[reached] + rng.uniform(10, 90)
            if t_close < today and (today - times[reached] > 300 or rng.random() < 0.3):
                closure = (t_close, _weighted(rng, STALLED_ENDINGS[reached]))
        end = closure[0] if closure else today

        case_manager = rng.choice(self.case_workers) if rng.random() < 0.4 else None
        case = self.add(Case, access_point_id=self.ap.pk, person_id=person.id, number=f"{person.case_number}/1",
                        status=S.CONTACT, status_changed_at=self.when(t_open), opened_at=self.when(t_open),
                        case_manager_id=case_manager.pk if case_manager else None, created_by_id=opener.pk)
        self.event(case, CaseEventKind.OPENED, t_open, opener, self.text["opened"], {"status": S.CONTACT},
                   message="case_opened")
        case.update(_status_t=t_open, _t_open=t_open, _person=person)
        team = []
        if case_manager is not None:
            team.append(self._member(case, case_manager, TeamRole.CASE_MANAGER, t_open, None))
        self._registration_consents(person, case, facts, t_open)
        referral = None
        if channel == ContactChannel.REFERRAL:
            referral = self.add(
                Referral, direction=ReferralDirection.INBOUND, access_point_id=self.ap.pk, person_id=person.id,
                case_id=case.id, organisation_id=rng.choice(self.referrers).pk,
                referrer_name=" ".join(self.names.draw(rng, COUNTRIES["IT"], rng.choice([Sex.FEMALE, Sex.MALE]))),
                referrer_contact="referente@example.org", reason=rng.choice(REFERRAL_REASONS),
                work_done=rng.choice(WORK_DONE), status=ReferralStatus.SENT, sent_at=self.when(t0 - rng.uniform(1, 15)),
                created_by_id=opener.pk)
            self.event(case, CaseEventKind.REFERRAL, t_open + 0.001, opener, self.text["referral_in"],
                       {"referral": referral.id, "direction": ReferralDirection.INBOUND,
                        "organisation": referral.organisation_id,
                        "organisation_name": self.org_by_id[referral.organisation_id].name},
                       referral, Referral, message="referral_inbound_recorded")

        status = S.CONTACT
        if reached >= 1:
            self.status_event(case, status, S.SCREENING, t_screen, opener)
            status = S.SCREENING
            self._intervention(case, t_screen + 0.05, InterventionKind.WELCOME_INTERVIEW, [opener], facts)
            self.screened.append((case, person, facts, t_screen, end))
        if reached == 1 and closure and closure[1] == ClosureReason.NOT_ELIGIBLE:
            t_decision = (t_screen + closure[0]) / 2
            decider = rng.choice(self.deciders)
            self._decision(case, t_decision, decider, eligible=False)
            if referral is not None:
                referral.update(status=ReferralStatus.DECLINED, answered_at=self.when(t_decision),
                                answered_by_id=decider.pk, answer_reason=OUTCOMES[ClosureReason.NOT_ELIGIBLE])

        plan = None
        if reached >= 2:
            decider = case_manager or rng.choice(self.case_workers)
            decision = self._decision(case, t_intake, decider, eligible=True)
            self.status_event(case, status, S.TAKEN_IN_CHARGE, t_intake + 0.001, decider, decision=decision.id)
            status = S.TAKEN_IN_CHARGE
            if referral is not None:
                referral.update(status=ReferralStatus.ACCEPTED, answered_at=self.when(t_intake),
                                answered_by_id=decider.pk)
            if case_manager is None:
                case_manager = decider
                case.case_manager_id = decider.pk
                team.append(self._member(case, decider, TeamRole.CASE_MANAGER, t_intake + 0.002, decider))
            if rng.random() < 0.6:
                social = case_manager in self.staff[Role.SOCIAL_EXPERT]
                colleague = self.staff_of(Role.LABOUR_EXPERT if social else Role.SOCIAL_EXPERT)
                t_member = t_intake + 0.003
                member = self._member(case, colleague, TeamRole.LABOUR_EXPERT if social else TeamRole.SOCIAL_EXPERT,
                                      t_member, case_manager)
                if rng.random() < 0.05 and t_member + 30 < end:
                    member.removed_at = self.when(t_member + rng.uniform(10, 30))
                team.append(member)
            operators = [self.users[m.user_id] for m in team if m.removed_at is None][:2]
            self._intervention(case, t_intake + 0.004, InterventionKind.ORIENTATION_INTERVIEW, operators, facts,
                               joint=len(operators) == 2 and rng.random() < 0.6)
            if t_draft < end and (reached >= 3 or rng.random() < 0.6):
                plan = self._plan(case, facts, t_draft, case_manager, team)

        if reached >= 3:
            plan.update(status=PlanStatus.AGREED, agreed_on=self.date(t_agreed), updated_at=self.when(t_agreed),
                        agreed_language_id=self.languages[facts["first_language"] if facts["italian_low"] else "it"].pk)
            self.event(case, CaseEventKind.PLAN, t_agreed, case_manager, self.text["plan_agreed"],
                       {"plan": plan.id, "status": PlanStatus.AGREED, "version": 1}, plan, Plan, message="plan_agreed")
            self.status_event(case, status, S.PLAN_ACTIVE, t_agreed + 0.001, case_manager)
            status = S.PLAN_ACTIVE
            self._plan_life(case, plan, facts, t_agreed, end, case_manager, team, closure)
        if reached >= 4:
            self.status_event(case, status, S.FOLLOW_UP, t_follow, case_manager)
            status = S.FOLLOW_UP

        self._work(case, facts, t_open, end, case_manager or opener, team, open_case=closure is None)
        if closure is not None:
            self._close(case, plan, referral, status, closure, case_manager or opener)
            status = S.CLOSED
        case.status = status
        case.status_changed_at = self.when(case["_status_t"])
        result.statuses[status] += 1
        person.updated_at = max(person.updated_at, case.status_changed_at)

    def _close(self, case, plan, referral, status, closure, closer):
        rng = self.rng
        t_close, reason = closure
        case.update(closure_reason=reason, closure_outcome=OUTCOMES[reason], closed_at=self.when(t_close))
        if reason in (ClosureReason.EMERGED, ClosureReason.EMPLOYED):
            case["_person"].employment_situation = EmploymentSituation.EMPLOYED
        positive = reason in POSITIVE
        evaluations = {}
        if plan is not None:
            for goal in plan["_goals"]:
                goal.evaluation = _weighted(rng, {GoalEvaluation.ACHIEVED: 60, GoalEvaluation.PARTLY: 30,
                                                  GoalEvaluation.NOT_ACHIEVED: 10} if positive else
                                            {GoalEvaluation.PARTLY: 30, GoalEvaluation.NOT_ACHIEVED: 70})
                evaluations[str(goal.id)] = goal.evaluation
            plan.next_review_due = None
            if plan.status == PlanStatus.DRAFT:
                for action in plan["_actions"]:
                    action.status = ActionStatus.CANCELLED
        if referral is not None and referral.status == ReferralStatus.SENT:
            referral.status = ReferralStatus.WITHDRAWN
        elif referral is not None and positive:
            referral.status = ReferralStatus.COMPLETED
        self.event(case, CaseEventKind.CLOSED, t_close, closer, self.text["status"][status, S.CLOSED],
                   {"from": status, "to": S.CLOSED, "reason": reason, "closed_from": status,
                    "evaluations": evaluations}, message="status_changed")
        case["_status_t"] = t_close
        self.result.reached["closed"] += 1
        self.result.closure_reasons[reason] += 1

    def _member(self, case, user, role, t, actor):
        member = self.add(CaseTeamMember, case_id=case.id, user_id=user.pk, role=role, added_at=self.when(t))
        if actor is not None:  # opening the case with a manager is in the "opened" line already
            self.event(case, CaseEventKind.TEAM, t, actor, self.text["team"][role],
                       {"member": member.id, "user": user.pk, "role": role}, member, CaseTeamMember,
                       message="team_case_manager" if role == TeamRole.CASE_MANAGER else "team_member_added")
        return member

    def _registration_consents(self, person, case, facts, t):
        notice = self.notices.get(facts["first_language"] if facts["italian_low"] else "it") or self.notices.get("it")
        recorder = facts["opener"]
        if notice is not None:
            self.add(PrivacyNoticeDelivery, person_id=person.id, notice_id=notice.pk, given_on=self.date(t),
                     given_by_id=recorder.pk)
        self._consent(person, case, ConsentPurpose.CASE_MANAGEMENT, None, t + 0.003, recorder, notice)
        if self.rng.random() < 0.5:
            self._consent(person, case, ConsentPurpose.PHONE_CONTACT, None, t + 0.004, recorder, notice)

    def _consent(self, person, case, purpose, organisation, t, recorder, notice=None):
        rng = self.rng
        consent = self.add(Consent, person_id=person.id, purpose=purpose,
                           organisation_id=organisation.pk if organisation else None,
                           notice_id=notice.pk if notice else None, given_at=self.when(t), recorded_by_id=recorder.pk)
        data = {"consent": consent.id, "purpose": purpose, "organisation": consent.organisation_id}
        self.event(case, CaseEventKind.CONSENT, t, recorder, self.text["given"][purpose], data, consent, Consent,
                   message="consent_given")
        if purpose != ConsentPurpose.CASE_MANAGEMENT and rng.random() < 0.05:
            t_withdrawn = t + rng.uniform(5, 120)
            if t_withdrawn < self.t_today:
                consent.update(withdrawn_at=self.when(t_withdrawn), withdrawn_by_id=recorder.pk)
                self.event(case, CaseEventKind.CONSENT, t_withdrawn, recorder, self.text["withdrawn"][purpose],
                           {**data, "withdrawn": True}, consent, Consent, message="consent_withdrawn")
        return consent

    def _decision(self, case, t, decider, *, eligible):
        rng = self.rng
        outcome = IntakeOutcome.ELIGIBLE if eligible else IntakeOutcome.NOT_ELIGIBLE
        decision = self.add(
            IntakeDecision, case_id=case.id, outcome=outcome,
            rationale=("Criteri di accesso verificati in équipe." if eligible else
                       "Non rientra nei criteri di accesso del servizio."),
            decided_at=self.when(t), decided_by_id=decider.pk,
            referred_to_id=None if eligible else rng.choice(self.referrers).pk,
            referred_to_note="" if eligible else "Indirizzato al servizio competente.")
        failing = None if eligible else rng.choice([c for c in self.criteria if c.is_mandatory] or self.criteria)
        for criterion in self.criteria:
            if criterion is failing:
                check = CriterionCheck.NOT_MET
            elif criterion.is_mandatory or rng.random() < 0.6:
                check = CriterionCheck.MET
            else:
                check = CriterionCheck.NOT_APPLICABLE
            self.add(IntakeCriterionCheck, decision_id=decision.id, criterion_id=criterion.pk, result=check)
        self.event(case, CaseEventKind.INTAKE_DECISION, t, decider, self.text["decision"][outcome],
                   {"decision": decision.id, "outcome": outcome}, decision, IntakeDecision,
                   message="intake_eligible" if eligible else "intake_not_eligible")
        return decision

    # --- the plan

    def _plan(self, case, facts, t, case_manager, team):
        rng = self.rng
        plan = self.add(Plan, case_id=case.id, status=PlanStatus.DRAFT, version=1,
                        review_every_days=_weighted(rng, {30: 50, 60: 35, 90: 15}), created_at=self.when(t),
                        updated_at=self.when(t), created_by_id=case_manager.pk)
        areas = [GoalArea.WORK]
        if facts["inclusion"]:
            extra = {GoalArea.TRAINING: 0.5, GoalArea.HEALTH: 0.4, GoalArea.SOCIAL: 0.4, GoalArea.HOUSING: 0.2}
        else:
            extra = {GoalArea.LEGAL: 0.5, GoalArea.LANGUAGE: 0.7 if facts["italian_low"] else 0.1,
                     GoalArea.HOUSING: 0.3, GoalArea.PROTECTION: 0.5 if facts["victim"] else 0.0,
                     GoalArea.SOCIAL: 0.2}
        areas += [area for area, p in extra.items() if rng.random() < p]
        goals, actions = [], []
        people = [m.user_id for m in team] or [case_manager.pk]
        for order, area in enumerate(areas[:4]):
            goal = self.add(PlanGoal, plan_id=plan.id, area=area, description=rng.choice(GOALS[area]),
                            sort_order=order)
            goals.append(goal)
            codes = [c for c in AREA_SERVICES[area] if c in self.services] or list(self.services)[:1]
            for code in rng.sample(codes, k=min(len(codes), 1 if rng.random() < 0.6 else 2)):
                service = self.services[code]
                provider, offering = self.provider_for(service)
                start = t + rng.uniform(5, 40)
                actions.append(self.add(
                    PlanAction, plan_id=plan.id, goal_id=goal.id, service_id=service.pk, provider_id=provider.pk,
                    offering_id=offering.pk if offering else None, responsible_id=rng.choice(people),
                    planned_start=self.date(start), planned_end=self.date(start + rng.uniform(30, 180)),
                    status=ActionStatus.PLANNED, updated_at=self.when(t), _code=service.code))
        plan.update(_goals=goals, _actions=actions)
        self.event(case, CaseEventKind.PLAN, t, case_manager, self.text["plan_drafted"],
                   {"plan": plan.id, "status": PlanStatus.DRAFT, "version": 1}, plan, Plan, message="plan_drafted")
        return plan

    def _plan_life(self, case, plan, facts, t_agreed, end, case_manager, team, closure):
        """Actions delivered, sharing consents, outbound referrals, reviews and interviews of an agreed plan."""
        rng = self.rng
        today = self.t_today
        positive = closure is not None and closure[1] in POSITIVE
        end_date = self.date(end)
        actions = plan["_actions"]
        for action in actions:
            if closure is not None and action.planned_start <= end_date:
                action.status = _weighted(rng, {ActionStatus.DONE: 80, ActionStatus.NOT_DELIVERED: 10,
                                                ActionStatus.CANCELLED: 10} if positive else
                                          {ActionStatus.DONE: 30, ActionStatus.NOT_DELIVERED: 40,
                                           ActionStatus.CANCELLED: 30})
            elif closure is not None:
                action.status = ActionStatus.CANCELLED
            elif action.planned_end < self.today:
                action.status = ActionStatus.DONE if rng.random() < 0.85 else ActionStatus.NOT_DELIVERED
            elif action.planned_start <= self.today:
                action.status = ActionStatus.IN_PROGRESS
            if action.status == ActionStatus.DONE:
                action.outcome_note = "Servizio erogato."
            action.updated_at = self.when(min(end, today - 0.5))
        # Sharing with the partners that deliver the plan (one or two), agreed with the plan.
        providers = list(dict.fromkeys(a.provider_id for a in actions if a.provider_id != self.home_org.pk))[:2]
        for organisation_id in providers:
            self._consent(case_person(case), case, ConsentPurpose.SHARING, self.org_by_id[organisation_id],
                          t_agreed + 0.002, case_manager)
        if providers and rng.random() < 0.35:
            action = rng.choice([a for a in actions if a.provider_id in providers])
            t_sent = t_agreed + rng.uniform(1, 20)
            if t_sent < end:
                if end - t_sent < 10 and closure is None:
                    status = ReferralStatus.SENT
                else:
                    status = _weighted(rng, {ReferralStatus.ACCEPTED: 45, ReferralStatus.COMPLETED: 35,
                                             ReferralStatus.DECLINED: 10, ReferralStatus.WITHDRAWN: 10})
                if closure is not None and status == ReferralStatus.ACCEPTED:
                    status = ReferralStatus.COMPLETED
                completed = status == ReferralStatus.COMPLETED
                referral = self.add(
                    Referral, direction=ReferralDirection.OUTBOUND, access_point_id=self.ap.pk,
                    person_id=case.person_id, case_id=case.id, organisation_id=action.provider_id,
                    service_id=action.service_id, offering_id=action.offering_id,
                    reason="Attivazione del servizio previsto dal piano.", status=status, sent_at=self.when(t_sent),
                    created_by_id=case_manager.pk,
                    answered_at=None if status == ReferralStatus.SENT else self.when(t_sent + 3),
                    report="Percorso concluso come previsto." if completed else "",
                    reported_at=self.when(min(end, t_sent + 60)) if completed else None)
                self.event(case, CaseEventKind.REFERRAL, t_sent, case_manager, self.text["referral_out"],
                           {"referral": referral.id, "direction": ReferralDirection.OUTBOUND,
                            "organisation": action.provider_id, "service": action.service_id,
                            "organisation_name": self.org_by_id[action.provider_id].name,
                            "service_code": action["_code"]}, referral, Referral, message="referral_outbound_sent")
        # Reviews every ``review_every_days`` while the plan runs; some are overdue today.
        every = plan.review_every_days
        reviews = []
        t_review = t_agreed + every
        while t_review < end and len(reviews) < 8:
            reviews.append(t_review)
            t_review += every
        if closure is None and reviews and rng.random() < 0.2:
            reviews.pop()  # the last one was not done: overdue
        for t in reviews:
            self.add(PlanReview, plan_id=plan.id, reviewed_on=self.date(t), reviewed_by_id=case_manager.pk,
                     notes="Piano verificato con la persona.", next_review_due=self.date(t + every))
            self.event(case, CaseEventKind.REVIEW, t, case_manager, self.text["review"], {"plan": plan.id},
                       message="plan_reviewed")
        last_review = reviews[-1] if reviews else t_agreed
        plan.update(next_review_due=self.date(last_review + every), updated_at=self.when(last_review))
        # Support interviews while the plan runs, some joint, some on a plan action.
        operators = [self.users[m.user_id] for m in team if m.removed_at is None] or [case_manager]
        t = t_agreed + rng.uniform(7, 30)
        while t < end and t < t_agreed + 240:
            action = rng.choice(actions) if actions and rng.random() < 0.4 else None
            joint = len(operators) > 1 and rng.random() < 0.3
            self._intervention(case, t, InterventionKind.SUPPORT_INTERVIEW, operators if joint else operators[:1],
                               facts, joint=joint, action=action)
            t += rng.uniform(14, 60)
        if facts["victim"] and rng.random() < 0.6 and t_agreed + 10 < end:
            self._intervention(case, t_agreed + rng.uniform(1, 10), InterventionKind.LEGAL_ADVICE, operators[:1],
                               facts)

    def _intervention(self, case, t, kind, operators, facts, *, joint=False, action=None):
        rng = self.rng
        restricted = rng.random() < 0.1
        intervention = self.add(
            Intervention, case_id=case.id, occurred_on=self.date(t),
            duration_minutes=rng.choice([20, 30, 45, 60, 90]), kind=kind, joint=joint,
            plan_action_id=action.id if action else None, service_id=action.service_id if action else None,
            notes=rng.choice(RESTRICTED_NOTES if restricted else INTERVENTION_NOTES), notes_restricted=restricted,
            created_at=self.when(t), created_by_id=operators[0].pk)
        for user in dict.fromkeys(operators):
            self.add(Intervention.operators.through, intervention_id=intervention.id, user_id=user.pk)
        self.event(case, CaseEventKind.INTERVENTION, t, operators[0], self.text["intervention"][kind],
                   {"intervention": intervention.id, "kind": kind, "joint": joint}, intervention, Intervention,
                   restricted=restricted, message="intervention_recorded")
        if facts["italian_low"] and kind == InterventionKind.WELCOME_INTERVIEW and rng.random() < 0.5:
            self._intervention(case, t + 0.01, InterventionKind.LINGUISTIC_MEDIATION, operators,
                               {**facts, "italian_low": False})
        elif facts["permit_holder"] and kind == InterventionKind.ORIENTATION_INTERVIEW and rng.random() < 0.3:
            self._intervention(case, t + 0.01, InterventionKind.DOCUMENT_HELP, operators[:1],
                               {**facts, "permit_holder": False})

    # --- day-to-day work: tasks, appointments, notes, later contacts

    def _work(self, case, facts, t_open, end, owner, team, *, open_case):
        rng = self.rng
        today = self.t_today
        span = end - t_open
        for _i in range(rng.choice([0, 1, 1, 2])):
            t = t_open + rng.uniform(0, span)
            self._task(case, t - rng.uniform(0.5, 5), t, owner, done=min(t + rng.uniform(0, 2), end))
        if open_case:
            if rng.random() < 0.7:
                self._task(case, today - rng.uniform(1, 10), today + rng.uniform(0.05, 14), owner,
                           kind=TaskKind.APPOINTMENT)
            roll = rng.random()
            if roll < 0.3:  # overdue
                t = today - rng.uniform(1, 20)
                self._task(case, t - rng.uniform(1, 10), t, owner)
            elif roll < 0.7:
                self._task(case, today - rng.uniform(0.1, 5), today + rng.uniform(1, 30), owner)
        if team and rng.random() < 0.5:
            for _i in range(rng.choice([1, 1, 2])):
                t = t_open + rng.uniform(0, span)
                restricted = rng.random() < 0.25
                author = self.users[rng.choice(team).user_id]
                note = self.add(CaseNote, case_id=case.id, author_id=author.pk, restricted=restricted,
                                text=rng.choice(RESTRICTED_NOTES if restricted else CASE_NOTES), created_at=self.when(t))
                self.event(case, CaseEventKind.NOTE, t, author, self.text["note"], {"note": note.id}, note, CaseNote,
                           restricted=restricted, message="restricted_note_added" if restricted else "note_added")
        if rng.random() < 0.35:
            for _i in range(rng.choice([1, 1, 2])):
                t = t_open + rng.uniform(0.5, max(span, 1))
                if t < end:
                    contact = self._contact(t, self._channel(facts["inclusion"]), person=case_person(case),
                                            facts=facts)
                    self.event(case, CaseEventKind.CONTACT, t, self.users[contact.operator_id], self.text["contact"],
                               {"contact": contact.id, "channel": contact.channel}, contact, Contact,
                               message="contact_recorded")

    def _task(self, case, t_created, t_due, assignee, *, kind=TaskKind.TASK, done=None):
        rng = self.rng
        appointment = kind == TaskKind.APPOINTMENT
        t_created = max(t_created, case["_t_open"])
        task = self.add(
            Task, access_point_id=self.ap.pk, case_id=case.id, kind=kind,
            title=rng.choice(APPOINTMENT_TITLES if appointment else TASK_TITLES), due_at=self.when(t_due),
            ends_at=self.when(t_due + 0.1) if appointment else None,
            location="Sede del PUA" if appointment else "", assignee_id=assignee.pk,
            done_at=self.when(done) if done is not None and done < self.t_today else None,
            created_at=self.when(t_created), created_by_id=assignee.pk)
        self.event(case, CaseEventKind.TASK, t_created, assignee,
                   self.text["appointment"] if appointment else self.text["task"],
                   {"task": task.id, "kind": kind, "action": "created", "due_at": self.when(t_due).isoformat()},
                   task, Task, message="appointment_scheduled" if appointment else "task_created")

    # --- writing

    ORDER = [
        Person, PersonAlias, Citizenship, PersonLanguage, ResidencePermit, Person.target_groups.through,
        Case, PrivacyNoticeDelivery, CaseTeamMember, Contact, Contact.materials_languages.through, Consent,
        Referral, IntakeDecision, IntakeCriterionCheck, Plan, PlanGoal, PlanAction, PlanVersion, PlanReview,
        Intervention, Intervention.operators.through, Task, CaseNote, CaseEvent,
    ]

    def _flush(self) -> None:
        # A frozen copy of each plan as it stands, like the plan service keeps after each change.
        for plan in list(self.tables[Plan].rows) if Plan in self.tables else []:
            self.add(PlanVersion, plan_id=plan.id, number=plan.version, created_at=plan.updated_at,
                     created_by_id=plan.created_by_id,
                     change="Piano concordato" if plan.status == PlanStatus.AGREED else "Bozza del piano",
                     snapshot={"status": plan.status, "review_every_days": plan.review_every_days,
                               "goals": [{"id": g.id, "area": g.area, "description": g.description}
                                         for g in plan["_goals"]],
                               "actions": [{"id": a.id, "goal": a.goal_id, "service": a["_code"],
                                            "provider": a.provider_id, "status": a.status} for a in plan["_actions"]]})
        # The timeline, in order within each case.
        self.events.sort(key=lambda e: (e["case_id"], e["t"]))
        for e in self.events:
            t = e.pop("t")
            self.add(CaseEvent, occurred_at=self.when(t), recorded_at=self.when(t), **e)
        self.events = []
        for model in self.ORDER + self.extra_order:
            if model in self.tables:
                self.result.counts[model._meta.label] += self.tables[model].write(connection)
        assert set(self.tables) <= set(self.ORDER + self.extra_order), "a model is missing from ORDER"


def case_person(case: _Row) -> _Row:
    return case["_person"]


FUNNEL = (0.72, 0.72, 0.80, 0.78)  # chance of going on to screening, intake, plan, follow-up
UNDECLARED = (EmploymentSituation.UNDECLARED_WORK, EmploymentSituation.PARTLY_DECLARED_WORK,
              EmploymentSituation.IN_EXPLOITATION)
POSITIVE = (ClosureReason.EMERGED, ClosureReason.EMPLOYED, ClosureReason.IN_TRAINING)
POSITIVE_ENDINGS = {
    True: {ClosureReason.EMPLOYED: 45, ClosureReason.IN_TRAINING: 25, ClosureReason.REFERRED: 15,
           ClosureReason.DROPPED_OUT: 10, ClosureReason.OTHER: 5},
    False: {ClosureReason.EMERGED: 40, ClosureReason.EMPLOYED: 25, ClosureReason.IN_TRAINING: 15,
            ClosureReason.REFERRED: 10, ClosureReason.MOVED_AWAY: 5, ClosureReason.OTHER: 5},
}
# Why a case that went no further is closed, by the stage it stopped at.
STALLED_ENDINGS = [
    {ClosureReason.DROPPED_OUT: 50, ClosureReason.MOVED_AWAY: 20, ClosureReason.REFERRED: 30},
    {ClosureReason.NOT_ELIGIBLE: 60, ClosureReason.DROPPED_OUT: 25, ClosureReason.MOVED_AWAY: 15},
    {ClosureReason.DROPPED_OUT: 60, ClosureReason.MOVED_AWAY: 25, ClosureReason.DECEASED: 2, ClosureReason.OTHER: 13},
    {ClosureReason.DROPPED_OUT: 50, ClosureReason.MOVED_AWAY: 30, ClosureReason.REFERRED: 20},
]


def _analyze(tables) -> None:
    """Refresh PostgreSQL's planner statistics of the tables just filled.

    Autovacuum would, but only after the commit: until then (and in a test
    that rolls back) the planner believes the tables nearly empty and picks
    nested loops over thousands of rows. SQLite keeps no statistics unless
    asked, and its plans do not depend on them here.
    """
    if connection.vendor != "postgresql" or not tables:
        return
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(qn(model._meta.db_table) for model in tables))


def dataset_generate(*, persons: int, seed: int, access_point: AccessPoint | None = None,
                     today: datetime.date | None = None) -> DatasetResult:
    """Add ``persons`` synthetic persons and their journeys at ``access_point``
    (default: the first active one; a minimal one is created when there is none).

    One transaction: either everything is written or nothing.
    """
    if persons < 0:
        raise ValueError("persons must be zero or more")
    started = time.monotonic()
    result = DatasetResult(access_point=access_point, persons=persons)
    with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
        builder = _Builder(seed=seed, access_point=access_point, today=today or timezone.localdate(), result=result)
        builder.build(persons)
        _analyze(builder.tables)
    result.seconds = time.monotonic() - started
    return result
