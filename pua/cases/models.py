"""The journey of a person: first contact, consent, referral, eligibility,
the case with its plan (PIP), interventions, tasks, documents and closure.

Every row belongs to one access point (directly or through its case or
person); ``pua.cases.access`` decides who sees it. State changes happen in
the services only, each writing a ``CaseEvent`` for the timeline; ``__str__``
never returns personal data because it ends up in audit entries.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pua.core.models import Versioned
from pua.people.models import ScreeningFlag, validate_country_code

# --- first contact --------------------------------------------------------


class ContactChannel(models.TextChoices):
    STREET_UNIT = "street_unit", _("Street unit")
    DROP_IN = "drop_in", _("Drop-in")
    HOTLINE = "hotline", _("Hotline / green number")
    DESK = "desk", _("Desk")
    OUTREACH = "outreach", _("Outreach action")
    SOCIAL_MEDIA = "social_media", _("Social network")
    REFERRAL = "referral", _("Referral")


class Contact(Versioned, models.Model):
    """A contact through any door; anonymous until linked to a person."""

    access_point = models.ForeignKey("network.AccessPoint", on_delete=models.PROTECT, related_name="contacts",
                                     verbose_name=_("access point"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="contacts", verbose_name=_("person"))
    occurred_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    municipality = models.ForeignKey("network.Municipality", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("municipality"))
    place_description = models.CharField(_("place"), max_length=200, blank=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("operator"))
    language = models.ForeignKey("network.Language", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("language used"))
    interpreter_present = models.BooleanField(_("interpreter or mediator present"), default=False)
    needs_expressed = models.TextField(_("needs expressed"), blank=True)
    information_given = models.TextField(_("information and materials given"), blank=True)
    materials_languages = models.ManyToManyField("network.Language", blank=True, related_name="+",
                                                 verbose_name=_("languages of the materials"))
    follow_up_agreed = models.TextField(_("follow-up agreed"), blank=True)
    # What is known of an anonymous person; kept after linking, as the record of that contact.
    alias = models.CharField(_("alias"), max_length=100, blank=True)
    approximate_age = models.PositiveSmallIntegerField(_("approximate age"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=40, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True, validators=[validate_country_code])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["access_point", "occurred_at"], name="cases_contact_ap_when"),
            models.Index(fields=["channel"], name="cases_contact_channel"),
            # The contact list's filters by channel and by operator (and its operator choices), newest first.
            models.Index(fields=["access_point", "channel", "occurred_at"], name="cases_contact_ap_channel"),
            models.Index(fields=["access_point", "operator", "occurred_at"], name="cases_contact_ap_operator"),
        ]

    def __str__(self):
        return f"contact #{self.pk}"

    @property
    def is_anonymous(self) -> bool:
        return self.person_id is None


# --- privacy and consent --------------------------------------------------


class PrivacyNotice(models.Model):
    """A version of the privacy notice of an access point, in one language."""

    access_point = models.ForeignKey("network.AccessPoint", on_delete=models.PROTECT,
                                     related_name="privacy_notices", verbose_name=_("access point"))
    version = models.CharField(_("version"), max_length=20)
    language = models.ForeignKey("network.Language", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("language"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    valid_from = models.DateField(_("valid from"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("privacy notice")
        verbose_name_plural = _("privacy notices")
        ordering = ["-valid_from", "version"]
        constraints = [models.UniqueConstraint(fields=["access_point", "version", "language"],
                                               name="cases_notice_unique_version_language")]

    def __str__(self):
        return f"{self.title} v{self.version} ({self.language_id})"


class PrivacyNoticeDelivery(models.Model):
    """Which notice was given to a person, when and by whom."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="privacy_notices",
                               verbose_name=_("person"))
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="deliveries",
                               verbose_name=_("privacy notice"))
    given_on = models.DateField(_("given on"))
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("given by"))

    class Meta:
        verbose_name = _("privacy notice given")
        verbose_name_plural = _("privacy notices given")
        ordering = ["-given_on", "-id"]

    def __str__(self):
        return f"notice {self.notice_id} to {self.person}"


class ConsentPurpose(models.TextChoices):
    CASE_MANAGEMENT = "case_management", _("Case management")
    SHARING = "sharing", _("Sharing with a partner organisation")
    PHONE_CONTACT = "phone_contact", _("Being contacted by phone or SMS")


class Consent(Versioned, models.Model):
    """A consent by purpose; for sharing, with one named organisation.

    Withdrawal is a date, never a deletion: what was shared before stays
    explained, and the sharing stops from that moment (the access rules
    look only at consents with no ``withdrawn_at``).
    """

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="consents",
                               verbose_name=_("person"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="consents", verbose_name=_("organisation"))
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("privacy notice"))
    given_at = models.DateTimeField(_("given at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("withdrawal recorded by"))
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-id"]
        indexes = [models.Index(fields=["organisation", "person", "withdrawn_at"], name="cases_consent_sharing")]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(purpose="sharing", organisation__isnull=False)
                           | (~models.Q(purpose="sharing") & models.Q(organisation__isnull=True))),
                name="cases_consent_sharing_names_organisation"),
        ]

    def __str__(self):
        return f"consent {self.purpose} #{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


# --- the case -------------------------------------------------------------


class CaseStatus(models.TextChoices):
    CONTACT = "contact", _("Contact")
    SCREENING = "screening", _("Screening")
    TAKEN_IN_CHARGE = "taken_in_charge", _("Taken in charge")
    PLAN_ACTIVE = "plan_active", _("Plan active")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = (CaseStatus.CONTACT, CaseStatus.SCREENING, CaseStatus.TAKEN_IN_CHARGE, CaseStatus.PLAN_ACTIVE,
                 CaseStatus.FOLLOW_UP)


class ClosureReason(models.TextChoices):
    EMERGED = "emerged", _("Emerged from undeclared work")
    EMPLOYED = "employed", _("Employed")
    IN_TRAINING = "in_training", _("In training")
    REFERRED = "referred", _("Referred to another service")
    MOVED_AWAY = "moved_away", _("Moved away")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    DECEASED = "deceased", _("Deceased")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    OTHER = "other", _("Other")


class Case(Versioned, models.Model):
    access_point = models.ForeignKey("network.AccessPoint", on_delete=models.PROTECT, related_name="cases",
                                     verbose_name=_("access point"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases",
                               verbose_name=_("person"))
    # The person's case number and a sequence: "P-2026-000123/1".
    number = models.CharField(_("case number"), max_length=30, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.CONTACT)
    status_changed_at = models.DateTimeField(_("status changed at"))
    opened_at = models.DateTimeField(_("opened at"))
    case_manager = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="managed_cases", verbose_name=_("case manager"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closure_reason = models.CharField(_("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True)
    closure_outcome = models.TextField(_("outcome"), blank=True)
    # From the outcome in force of the latest submitted exploitation screening
    # of the case; written by ``case_services.case_screening_flag_set`` only.
    screening_flag = models.CharField(_("screening flag"), max_length=20, choices=ScreeningFlag.choices,
                                      blank=True, default="", db_index=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["access_point", "status", "opened_at"], name="cases_case_ap_status"),
            models.Index(fields=["case_manager", "status"], name="cases_case_manager_status"),
            # The case list, newest first, unfiltered or by opening date / by case manager.
            models.Index(fields=["access_point", "opened_at"], name="cases_case_ap_opened"),
            models.Index(fields=["case_manager", "opened_at"], name="cases_case_manager_opened"),
            models.Index(fields=["status_changed_at"], name="cases_case_status_changed"),
        ]

    def __str__(self):
        return self.number or "?"

    @property
    def is_closed(self) -> bool:
        return self.status == CaseStatus.CLOSED


class TeamRole(models.TextChoices):
    CASE_MANAGER = "case_manager", _("Case manager")
    SOCIAL_EXPERT = "social_expert", _("Social services expert")
    LABOUR_EXPERT = "labour_expert", _("Labour policy expert")
    OTHER = "other", _("Other")


class CaseTeamMember(models.Model):
    """The case team (équipe): who works on the case. Restricted notes are for them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="team", verbose_name=_("case"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_teams",
                             verbose_name=_("operator"))
    role = models.CharField(_("role in the team"), max_length=20, choices=TeamRole.choices)
    added_at = models.DateTimeField(_("added at"))
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("case team member")
        verbose_name_plural = _("case team members")
        ordering = ["added_at", "id"]
        indexes = [
            models.Index(fields=["user", "removed_at"], name="cases_team_user_active"),
            # "Is the user in this case's team?", asked per case by My work and the access rules:
            # without it SQLite walks all the user's teams for every case.
            models.Index(fields=["case", "user", "removed_at"], name="cases_team_case_user"),
        ]

    def __str__(self):
        return f"{self.case} {self.role}"


class CaseEventKind(models.TextChoices):
    OPENED = "opened", _("Case opened")
    STATUS_CHANGED = "status_changed", _("Status changed")
    CONTACT = "contact", _("Contact")
    REFERRAL = "referral", _("Referral")
    INTAKE_DECISION = "intake_decision", _("Intake decision")
    TEAM = "team", _("Case team changed")
    PLAN = "plan", _("Plan changed")
    REVIEW = "review", _("Plan review")
    INTERVENTION = "intervention", _("Intervention")
    DOCUMENT = "document", _("Document")
    NOTE = "note", _("Note")
    TASK = "task", _("Task or appointment")
    CONSENT = "consent", _("Consent")
    CLOSED = "closed", _("Case closed")
    REOPENED = "reopened", _("Case reopened")
    MERGED = "merged", _("Records merged")


class CaseEvent(models.Model):
    """One line of a case's history, written by the service that made the change.

    ``message`` names a sentence of ``pua.cases.event_messages`` and ``data``
    holds the facts it is filled with (ids, status and other codes, never
    labels), so that each reader sees the line in their own language.
    ``summary`` is the same short, non-identifying sentence frozen in the
    writer's language: shown only for lines with no ``message`` (older ones).
    ``restricted`` events are for the case team only, never partners.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=20, choices=CaseEventKind.choices)
    occurred_at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("by"))
    message = models.CharField(_("message"), max_length=40, blank=True)
    summary = models.CharField(_("summary"), max_length=300)
    data = models.JSONField(_("details"), default=dict, blank=True)
    object_type = models.CharField(_("object type"), max_length=40, blank=True)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    restricted = models.BooleanField(_("restricted"), default=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["case", "occurred_at"], name="cases_event_case_when")]

    def __str__(self):
        return f"{self.case} {self.kind}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes", verbose_name=_("case"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("author"))
    text = models.TextField(_("note"))
    restricted = models.BooleanField(_("restricted to the case team"), default=False)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"note #{self.pk}"


# --- referrals --------------------------------------------------------------


class ReferralDirection(models.TextChoices):
    INBOUND = "inbound", _("Inbound (to the access point)")
    OUTBOUND = "outbound", _("Outbound (to a network organisation)")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


ACTIVE_REFERRAL_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class Referral(Versioned, models.Model):
    """Scheda di invio. ``organisation`` is the other party: the referring
    body for an inbound referral, the receiving organisation for an outbound one."""

    direction = models.CharField(_("direction"), max_length=10, choices=ReferralDirection.choices)
    access_point = models.ForeignKey("network.AccessPoint", on_delete=models.PROTECT, related_name="referrals",
                                     verbose_name=_("access point"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals",
                               verbose_name=_("person"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals",
                             verbose_name=_("case"))
    organisation = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="referrals",
                                     verbose_name=_("organisation"))
    service = models.ForeignKey("network.Service", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("service"))
    offering = models.ForeignKey("network.Offering", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="referrals", verbose_name=_("offering"))
    agreement = models.ForeignKey("network.Agreement", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="referrals", verbose_name=_("agreement with the referring body"))
    referrer_name = models.CharField(_("referrer"), max_length=200, blank=True)
    referrer_contact = models.CharField(_("referrer's phone or e-mail"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))
    work_done = models.TextField(_("work already done"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT)
    sent_at = models.DateTimeField(_("sent at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("answered by"))
    answer_reason = models.TextField(_("reason for the answer"), blank=True)
    report = models.TextField(_("report back"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["access_point", "direction", "status"], name="cases_referral_ap_status"),
            models.Index(fields=["organisation", "status"], name="cases_referral_org_status"),
        ]

    def __str__(self):
        return f"referral #{self.pk}"


# --- eligibility and intake -------------------------------------------------


class CriterionKind(models.TextChoices):
    DOCUMENT = "document", _("Document required")
    LEGAL_STATUS = "legal_status", _("Legal status")
    RESIDENCE = "residence", _("Residence or domicile")
    TARGET_GROUP = "target_group", _("Target group")
    AGE = "age", _("Age")
    OTHER = "other", _("Other")


class EligibilityCriterion(Versioned, models.Model):
    """An access condition configured by an access point (seed 001)."""

    access_point = models.ForeignKey("network.AccessPoint", on_delete=models.PROTECT,
                                     related_name="eligibility_criteria", verbose_name=_("access point"))
    kind = models.CharField(_("kind"), max_length=20, choices=CriterionKind.choices)
    label = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_mandatory = models.BooleanField(_("mandatory"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("eligibility criterion")
        verbose_name_plural = _("eligibility criteria")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.label


class IntakeOutcome(models.TextChoices):
    ELIGIBLE = "eligible", _("Eligible: taken in charge")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")


class IntakeDecision(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="intake_decisions",
                             verbose_name=_("case"))
    outcome = models.CharField(_("decision"), max_length=20, choices=IntakeOutcome.choices)
    rationale = models.TextField(_("rationale"))
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("decided by"))
    # A person not eligible is referred elsewhere: to whom, recorded here too.
    referred_to = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("referred to"))
    referred_to_note = models.CharField(_("referred elsewhere (note)"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("intake decision")
        verbose_name_plural = _("intake decisions")
        ordering = ["-decided_at", "-id"]

    def __str__(self):
        return f"intake #{self.pk} {self.outcome}"


class CriterionCheck(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class IntakeCriterionCheck(models.Model):
    decision = models.ForeignKey(IntakeDecision, on_delete=models.CASCADE, related_name="checks",
                                 verbose_name=_("intake decision"))
    criterion = models.ForeignKey(EligibilityCriterion, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("criterion"))
    result = models.CharField(_("result"), max_length=20, choices=CriterionCheck.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("criterion checked")
        verbose_name_plural = _("criteria checked")
        constraints = [models.UniqueConstraint(fields=["decision", "criterion"], name="cases_check_unique")]

    def __str__(self):
        return f"{self.criterion_id}: {self.result}"


# --- the personalised plan (PIP) ----------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AGREED = "agreed", _("Agreed with the person")


class Plan(models.Model):
    """The personalised plan of a case. Every change bumps ``version`` and
    stores a ``PlanVersion`` snapshot, so earlier versions can be read."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="plan", verbose_name=_("case"))
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    agreed_on = models.DateField(_("agreed on"), null=True, blank=True)
    agreed_language = models.ForeignKey("network.Language", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("language of the agreement"))
    signed_document = models.ForeignKey("CaseDocument", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+", verbose_name=_("signed plan"))
    review_every_days = models.PositiveSmallIntegerField(_("review every (days)"), default=30)
    next_review_due = models.DateField(_("next review due"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")

    def __str__(self):
        return f"plan of {self.case} v{self.version}"


class GoalArea(models.TextChoices):
    SOCIAL = "social", _("Social")
    WORK = "work", _("Work")
    TRAINING = "training", _("Training")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    LEGAL = "legal", _("Legal")
    LANGUAGE = "language", _("Language")
    PROTECTION = "protection", _("Protection")


class GoalEvaluation(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    PARTLY = "partly", _("Partly achieved")
    NOT_ACHIEVED = "not_achieved", _("Not achieved")


class PlanGoal(Versioned, models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan"))
    area = models.CharField(_("area"), max_length=20, choices=GoalArea.choices)
    description = models.TextField(_("goal"))
    evaluation = models.CharField(_("evaluation"), max_length=20, choices=GoalEvaluation.choices, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return f"goal #{self.pk} {self.area}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
    NOT_DELIVERED = "not_delivered", _("Not delivered")


ACTIVE_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)


class PlanAction(Versioned, models.Model):
    """A catalogue service to deliver for a goal, by a provider organisation."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan"))
    goal = models.ForeignKey(PlanGoal, on_delete=models.PROTECT, related_name="actions", verbose_name=_("goal"))
    service = models.ForeignKey("network.Service", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("service"))
    provider = models.ForeignKey("network.Organisation", on_delete=models.PROTECT, related_name="plan_actions",
                                 verbose_name=_("provider organisation"))
    offering = models.ForeignKey("network.Offering", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("offering"))
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="plan_actions", verbose_name=_("responsible operator"))
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices,
                              default=ActionStatus.PLANNED)
    outcome_note = models.TextField(_("outcome"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["planned_start", "id"]
        indexes = [
            models.Index(fields=["provider", "status"], name="cases_action_provider_status"),
            models.Index(fields=["responsible", "status", "planned_end"], name="cases_action_resp_due"),
            models.Index(fields=["status", "planned_end"], name="cases_action_status_due"),
        ]

    def __str__(self):
        return f"action #{self.pk}"


class PlanVersion(models.Model):
    """A frozen copy of the plan (goals and actions) after each change."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan"))
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("saved at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("saved by"))
    change = models.CharField(_("change"), max_length=300)
    snapshot = models.JSONField(_("content"))

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="cases_plan_version_unique")]

    def __str__(self):
        return f"{self.plan_id} v{self.number}"


class PlanReview(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reviews", verbose_name=_("plan"))
    reviewed_on = models.DateField(_("reviewed on"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reviewed by"))
    notes = models.TextField(_("notes"), blank=True)
    next_review_due = models.DateField(_("next review due"))

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self):
        return f"review #{self.pk}"


# --- interventions -------------------------------------------------------------


class InterventionKind(models.TextChoices):
    WELCOME_INTERVIEW = "welcome_interview", _("Welcome interview")
    ORIENTATION_INTERVIEW = "orientation_interview", _("Orientation interview")
    SUPPORT_INTERVIEW = "support_interview", _("Support interview")
    CASE_TEAM_MEETING = "case_team_meeting", _("Case team meeting")
    ACCOMPANIMENT = "accompaniment", _("Accompaniment")
    LINGUISTIC_MEDIATION = "linguistic_mediation", _("Linguistic mediation")
    DOCUMENT_HELP = "document_help", _("Help with documents")
    LEGAL_ADVICE = "legal_advice", _("Legal advice")
    HOME_VISIT = "home_visit", _("Home visit")
    PHONE_CALL = "phone_call", _("Phone call")
    OTHER = "other", _("Other")


class Intervention(Versioned, models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="interventions", verbose_name=_("case"))
    occurred_on = models.DateField(_("date"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=InterventionKind.choices)
    # Joint: a social and a labour operator together (a Cremona indicator).
    joint = models.BooleanField(_("joint (social and labour operator together)"), default=False)
    operators = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="interventions",
                                       verbose_name=_("operators present"))
    plan_action = models.ForeignKey(PlanAction, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="interventions", verbose_name=_("plan action"))
    service = models.ForeignKey("network.Service", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("service"))
    notes = models.TextField(_("notes"), blank=True)
    notes_restricted = models.BooleanField(_("notes restricted to the case team"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["case", "occurred_on"], name="cases_intervention_case_date"),
            models.Index(fields=["kind", "occurred_on"], name="cases_intervention_kind_date"),
        ]

    def __str__(self):
        return f"intervention #{self.pk}"


# --- tasks and appointments ----------------------------------------------------


class TaskKind(models.TextChoices):
    TASK = "task", _("Task")
    APPOINTMENT = "appointment", _("Appointment")


class Task(Versioned, models.Model):
    access_point = models.ForeignKey("network.AccessPoint", on_delete=models.PROTECT, related_name="tasks",
                                     verbose_name=_("access point"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks",
                             verbose_name=_("case"))
    kind = models.CharField(_("kind"), max_length=20, choices=TaskKind.choices, default=TaskKind.TASK)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_at = models.DateTimeField(_("due / starts at"))
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks",
                                 verbose_name=_("assignee"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["assignee", "done_at", "due_at"], name="cases_task_assignee_due"),
            models.Index(fields=["access_point", "done_at", "due_at"], name="cases_task_ap_due"),
        ]

    def __str__(self):
        return f"task #{self.pk}"


# --- documents -------------------------------------------------------------------


class DocumentKind(models.TextChoices):
    IDENTITY = "identity", _("Identity document")
    PERMIT = "permit", _("Residence permit")
    CONTRACT = "contract", _("Contract")
    SIGNED_PLAN = "signed_plan", _("Signed plan")
    REFERRAL = "referral", _("Referral form")
    CERTIFICATE = "certificate", _("Certificate")
    OTHER = "other", _("Other")


class CaseDocument(Versioned, models.Model):
    """A document of a person (and optionally of one case), stored under
    MEDIA_ROOT and served only by the permission-checked, audited view."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="documents",
                               verbose_name=_("person"))
    case = models.ForeignKey(Case, on_delete=models.PROTECT, null=True, blank=True, related_name="documents",
                             verbose_name=_("case"))
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="documents", verbose_name=_("referral"))
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="people/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return f"document #{self.pk}"
