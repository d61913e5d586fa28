"""The people served by an access point ("beneficiari").

A person is registered at one access point and is shown by a pseudonymous
case number (``P-2026-000123``); real names, aliases and the tax code are
identity data that only some roles may see (``pua.people.access``).
``__str__`` is the case number on purpose: it ends up in audit entries.
"""

import pycountry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from pua.core.models import Versioned


def validate_country_code(value: str) -> None:
    """ISO 3166-1 alpha-2, upper case."""
    if not value or value != value.upper() or pycountry.countries.get(alpha_2=value) is None:
        raise ValidationError(_("%(value)s is not an ISO 3166-1 alpha-2 country code."), params={"value": value},
                              code="invalid_country")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Unknown")


class LegalStatus(models.TextChoices):
    ITALIAN_CITIZEN = "italian_citizen", _("Italian citizen")
    EU_CITIZEN = "eu_citizen", _("EU citizen")
    REGULAR_PERMIT = "regular_permit", _("Holder of a residence permit")
    PERMIT_APPLICATION_PENDING = "permit_application_pending", _("Permit application pending")
    IRREGULAR = "irregular", _("Irregular")
    ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker")
    UNKNOWN = "unknown", _("Unknown")


class EducationLevel(models.TextChoices):
    """ISCED 2011 levels."""

    ISCED_0 = "isced_0", _("ISCED 0 – Early childhood education / none")
    ISCED_1 = "isced_1", _("ISCED 1 – Primary education")
    ISCED_2 = "isced_2", _("ISCED 2 – Lower secondary education")
    ISCED_3 = "isced_3", _("ISCED 3 – Upper secondary education")
    ISCED_4 = "isced_4", _("ISCED 4 – Post-secondary non-tertiary education")
    ISCED_5 = "isced_5", _("ISCED 5 – Short-cycle tertiary education")
    ISCED_6 = "isced_6", _("ISCED 6 – Bachelor's or equivalent")
    ISCED_7 = "isced_7", _("ISCED 7 – Master's or equivalent")
    ISCED_8 = "isced_8", _("ISCED 8 – Doctoral or equivalent")
    UNKNOWN = "unknown", _("Unknown")


class EmploymentSituation(models.TextChoices):
    EMPLOYED = "employed", _("Employed")
    UNEMPLOYED = "unemployed", _("Unemployed")
    INACTIVE = "inactive", _("Inactive")
    UNDECLARED_WORK = "undeclared_work", _("Undeclared work")
    PARTLY_DECLARED_WORK = "partly_declared_work", _("Partly declared work")
    IN_EXPLOITATION = "in_exploitation", _("In exploitation")
    UNKNOWN = "unknown", _("Unknown")


class LanguageLevel(models.TextChoices):
    NATIVE = "native", _("Native")
    FLUENT = "fluent", _("Fluent")
    BASIC = "basic", _("Basic")
    NONE = "none", _("None")


class PermitKind(models.TextChoices):
    ART18_SPECIAL_PROTECTION = "art18_special_protection", _("Art. 18 TUI – special cases / social protection")
    ART18TER_LABOUR_EXPLOITATION = "art18ter_labour_exploitation", _("Art. 18-ter TUI – victims of labour exploitation")
    ART22_12QUATER = "art22_12quater", _("Art. 22 c. 12-quater TUI – exploited workers (earlier rule)")
    ASYLUM = "asylum", _("Asylum (refugee status)")
    SUBSIDIARY_PROTECTION = "subsidiary_protection", _("Subsidiary protection")
    SPECIAL_PROTECTION = "special_protection", _("Special protection")
    WORK = "work", _("Work")
    FAMILY = "family", _("Family")
    STUDY = "study", _("Study")
    EU_LONG_TERM = "eu_long_term", _("EU long-term residence")
    OTHER = "other", _("Other")


VICTIM_PERMIT_KINDS = frozenset({
    PermitKind.ART18_SPECIAL_PROTECTION, PermitKind.ART18TER_LABOUR_EXPLOITATION, PermitKind.ART22_12QUATER,
})


class ScreeningFlag(models.TextChoices):
    """The risk flag a person and a case carry from the outcome in force of
    the case's latest submitted exploitation screening (written by
    ``pua.cases.case_services.case_screening_flag_set``)."""

    NONE = "", _("No flag")
    TRAFFICKING = "trafficking", _("Presumed trafficking")
    EXPLOITATION = "exploitation", _("Exploitation indicators")


class CaseNumberCounter(models.Model):
    """One row per year; the service locks it to hand out case numbers."""

    year = models.PositiveIntegerField(_("year"), unique=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")

    def __str__(self):
        return f"{self.year}: {self.last}"


class Person(Versioned, models.Model):
    case_number = models.CharField(_("case number"), max_length=20, unique=True, editable=False)
    access_point = models.ForeignKey("network.AccessPoint", on_delete=models.PROTECT, related_name="persons",
                                     verbose_name=_("access point"))
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    # Blocking key for the duplicate search: the sorted initials of the name and
    # alias tokens, written by the service (see pua.people.duplicates).
    name_key = models.CharField(_("name key"), max_length=40, blank=True, db_index=True, editable=False)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    gender_identity = models.CharField(_("gender identity"), max_length=100, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    birth_place = models.CharField(_("birth place"), max_length=120, blank=True)
    birth_country = models.CharField(_("birth country"), max_length=2, blank=True, validators=[validate_country_code])
    tax_code = models.CharField(_("tax code"), max_length=16, null=True, blank=True, unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    residence_municipality = models.ForeignKey(
        "network.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("municipality of residence"))
    domicile_municipality = models.ForeignKey(
        "network.Municipality", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("municipality of domicile"))
    no_fixed_abode = models.BooleanField(_("no fixed abode"), default=False)
    legal_status = models.CharField(_("legal status"), max_length=30, choices=LegalStatus.choices,
                                    default=LegalStatus.UNKNOWN)
    education_level = models.CharField(_("education level"), max_length=10, choices=EducationLevel.choices,
                                       default=EducationLevel.UNKNOWN)
    employment_situation = models.CharField(_("employment situation"), max_length=30,
                                            choices=EmploymentSituation.choices, default=EmploymentSituation.UNKNOWN)
    target_groups = models.ManyToManyField("network.TargetGroup", blank=True, related_name="persons",
                                           verbose_name=_("target groups"))
    household_notes = models.TextField(_("household notes"), blank=True)
    # Set when a director merges this record into another: the record stays,
    # read-only, so that links and the audit trail keep pointing somewhere.
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="merged_records", verbose_name=_("merged into"))
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    # The flag of the person's open case, else of their latest case: a copy
    # kept by the cases service, because this app cannot query cases.
    screening_flag = models.CharField(_("screening flag"), max_length=20, choices=ScreeningFlag.choices,
                                      blank=True, default="", db_index=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("created by"))
    # Restriction of processing (GDPR art. 18), set and lifted by a director
    # through ``pua.governance.privacy_services``: while set the record is
    # frozen and seen only by the directors of its access point.
    restricted_at = models.DateTimeField(_("restricted since"), null=True, blank=True, editable=False)
    restricted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", editable=False, verbose_name=_("restricted by"))
    restriction_reason = models.TextField(_("reason for the restriction"), blank=True, editable=False)
    # Erasure by pseudonymisation (GDPR art. 17): identity destroyed, the
    # anonymous case data kept for statistics.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["-created_at", "-id"]
        # tax_code (unique) and residence_municipality (foreign key) are indexed already.
        indexes = [
            models.Index(fields=["access_point", "created_at"], name="people_person_ap_created"),
            models.Index(fields=["last_name"], name="people_person_last_name"),
            models.Index(fields=["birth_year"], name="people_person_birth_year"),
            # The person list's filters, newest first (and their page counts).
            models.Index(fields=["access_point", "legal_status", "created_at"], name="people_person_ap_legal"),
            models.Index(fields=["access_point", "employment_situation", "created_at"], name="people_person_ap_work"),
        ]

    def __str__(self):
        return self.case_number or "?"

    @property
    def is_restricted(self) -> bool:
        return self.restricted_at is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class PersonAlias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("person"))
    alias = models.CharField(_("alias"), max_length=200)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [models.UniqueConstraint(fields=["person", "alias"], name="people_alias_unique_per_person")]

    def __str__(self):
        return f"{self.person} alias"


class Citizenship(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="citizenships", verbose_name=_("person"))
    country = models.CharField(_("country"), max_length=2, validators=[validate_country_code], db_index=True)

    class Meta:
        verbose_name = _("citizenship")
        verbose_name_plural = _("citizenships")
        constraints = [models.UniqueConstraint(fields=["person", "country"], name="people_citizenship_unique")]

    def __str__(self):
        return self.country


class PersonLanguage(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="languages", verbose_name=_("person"))
    language = models.ForeignKey("network.Language", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("language"))
    level = models.CharField(_("level"), max_length=10, choices=LanguageLevel.choices)

    class Meta:
        verbose_name = _("language known")
        verbose_name_plural = _("languages known")
        constraints = [models.UniqueConstraint(fields=["person", "language"], name="people_language_unique")]

    def __str__(self):
        return f"{self.language_id}: {self.level}"


class ResidencePermit(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="permits", verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=40, choices=PermitKind.choices)
    number = models.CharField(_("number"), max_length=40, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True, db_index=True)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("residence permit")
        verbose_name_plural = _("residence permits")
        ordering = ["-is_current", "-expires_on"]

    def __str__(self):
        return f"{self.person} {self.kind}"

    @property
    def is_victim_permit(self) -> bool:
        return self.kind in VICTIM_PERMIT_KINDS
