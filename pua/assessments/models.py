"""Assessment instruments defined as XLSForm, their versions, and the
responses people give to them.

An ``Instrument`` is a questionnaire with an owner, a purpose and the roles
that may fill it in and read its answers. Each upload of its XLSForm is an
``InstrumentVersion`` holding the original file and the parsed definition
(``pua.assessments.xlsform``); a ``Response`` keeps the exact version it was
answered with, so publishing a new version never changes old answers. A
submitted response is immutable: corrections are new responses that
``amend`` it. Scores are stored with the response, with the version of the
rule set that produced them (``RuleSet``: indicator tables and thresholds
as data).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pua.core.models import Versioned


class Purpose(models.TextChoices):
    EXPLOITATION_SCREENING = "exploitation_screening", _("Labour-exploitation screening")
    VULNERABILITY = "vulnerability", _("Individual vulnerability form")
    SATISFACTION = "satisfaction", _("Beneficiary satisfaction questionnaire")
    INTERVIEW_GUIDE = "interview_guide", _("Interview guide")
    SKILLS_ASSESSMENT = "skills_assessment", _("Skills assessment")
    INTAKE = "intake", _("Taking in charge")
    OTHER = "other", _("Other")


class Instrument(Versioned, models.Model):
    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    description = models.TextField(_("description"), blank=True)
    # None: shipped with PUA, available at every access point.
    access_point = models.ForeignKey("network.AccessPoint", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="instruments", verbose_name=_("access point"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("owner"))
    fill_roles = models.JSONField(_("roles that fill it in"), default=list, blank=True)
    read_roles = models.JSONField(_("roles that read the answers"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["title", "id"]

    def __str__(self):
        return self.code


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class InstrumentVersion(models.Model):
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions",
                                   verbose_name=_("instrument"))
    number = models.PositiveIntegerField(_("version"))
    form_version = models.CharField(_("version in the form"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    source_name = models.CharField(_("file name"), max_length=200)
    source = models.BinaryField(_("XLSForm file"))
    definition = models.JSONField(_("parsed form"))
    languages = models.JSONField(_("languages"), default=list)
    scoring_method = models.CharField(_("scoring method"), max_length=80, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("published by"))
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        ordering = ["instrument", "-number"]
        constraints = [models.UniqueConstraint(fields=["instrument", "number"], name="assessments_version_unique")]
        indexes = [models.Index(fields=["instrument", "status"], name="assessments_version_status")]

    def __str__(self):
        return f"{self.instrument_id} v{self.number}"


class RuleSet(models.Model):
    """A versioned table of indicators and thresholds a scoring method reads."""

    code = models.SlugField(_("code"), max_length=80)
    version = models.CharField(_("version"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    data = models.JSONField(_("rules"))
    source = models.TextField(_("source"), blank=True)
    valid_from = models.DateField(_("valid from"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        ordering = ["code", "-valid_from", "-id"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="assessments_ruleset_unique")]

    def __str__(self):
        return f"{self.code} {self.version}"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Response(Versioned, models.Model):
    instrument_version = models.ForeignKey(InstrumentVersion, on_delete=models.PROTECT, related_name="responses",
                                           verbose_name=_("instrument version"))
    access_point = models.ForeignKey("network.AccessPoint", on_delete=models.PROTECT, related_name="responses",
                                     verbose_name=_("access point"))
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="responses",
                               verbose_name=_("person"))
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="responses",
                             verbose_name=_("case"))
    status = models.CharField(_("status"), max_length=10, choices=ResponseStatus.choices,
                              default=ResponseStatus.DRAFT)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # The page the filler reached, so a draft reopens where it was left.
    current_page = models.PositiveSmallIntegerField(_("page"), default=0)
    started_at = models.DateTimeField(_("started at"))
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("started by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("submitted by"))
    # A correction of a submitted response: the original stays as it was.
    amends = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments",
                               verbose_name=_("amends"))
    amendment_reason = models.TextField(_("reason for the amendment"), blank=True)
    # Scoring, when the instrument declares a method.
    score = models.JSONField(_("score"), null=True, blank=True)
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("rule set"))
    outcome = models.CharField(_("computed outcome"), max_length=60, blank=True)
    # The operator confirms or overrides the computed outcome.
    confirmed_outcome = models.CharField(_("confirmed outcome"), max_length=60, blank=True)
    override_reason = models.TextField(_("reason for overriding"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["person", "status", "submitted_at"], name="assessments_resp_person"),
            models.Index(fields=["access_point", "status", "submitted_at"], name="assessments_resp_ap"),
            models.Index(fields=["instrument_version", "status"], name="assessments_resp_version"),
            models.Index(fields=["outcome", "submitted_at"], name="assessments_resp_outcome"),
        ]

    def __str__(self):
        return f"response #{self.pk}"

    @property
    def is_overridden(self) -> bool:
        return bool(self.confirmed_outcome) and self.confirmed_outcome != self.outcome


class AnswerFact(models.Model):
    """One reportable answer of a submitted response (key fields only:
    indicators, outcome, sector, municipality...), so that aggregates are SQL
    GROUP BYs on an indexed table rather than JSON scans."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="facts",
                                 verbose_name=_("response"))
    key = models.CharField(_("key"), max_length=80)
    value = models.CharField(_("value"), max_length=120)

    class Meta:
        verbose_name = _("reported answer")
        verbose_name_plural = _("reported answers")
        indexes = [models.Index(fields=["key", "value"], name="assessments_fact_key_value")]
        constraints = [models.UniqueConstraint(fields=["response", "key", "value"], name="assessments_fact_unique")]

    def __str__(self):
        return f"{self.key}={self.value}"
