"""Programmes, territories, access points, organisations and memberships.

Memberships are what give a user a role: a user belongs to an organisation
with a role, and works at one or more access points. Every authorization
decision (``pua.network.access``) starts from them.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pua.core.models import Versioned

from . import validators


class Role(models.TextChoices):
    DIRECTOR = "director", _("Director")
    SOCIAL_EXPERT = "social_expert", _("Social services expert")
    LABOUR_EXPERT = "labour_expert", _("Labour policy expert")
    OUTREACH_OPERATOR = "outreach_operator", _("Outreach operator")
    PARTNER_OPERATOR = "partner_operator", _("Partner operator")
    BOARD_VIEWER = "board_viewer", _("Board member")
    REGIONAL_COORDINATOR = "regional_coordinator", _("Regional coordinator")
    ADMIN = "admin", _("Administrator")


class OrganisationKind(models.TextChoices):
    PUBLIC_BODY = "public_body", _("Public body")
    SOCIAL_COOP_A = "social_coop_a", _("Social cooperative type A")
    SOCIAL_COOP_B = "social_coop_b", _("Social cooperative type B")
    VOLUNTEER_ASSOCIATION = "volunteer_association", _("Volunteer association (ODV)")
    SOCIAL_PROMOTION_ASSOCIATION = "social_promotion_association", _("Social promotion association (APS)")
    FOUNDATION = "foundation", _("Foundation")
    UNION = "union", _("Trade union")
    EMPLOYER_ASSOCIATION = "employer_association", _("Employer association")
    TRAINING_BODY = "training_body", _("Training body")
    HEALTH_SERVICE = "health_service", _("Health service")
    EMPLOYMENT_CENTRE = "employment_centre", _("Employment centre")
    EMPLOYER = "employer", _("Company")


class AccessPointKind(models.TextChoices):
    SINGLE_ACCESS_POINT = "single_access_point", _("Single access point (PUA)")
    PLACEMENT_UNIT = "placement_unit", _("Territorial placement unit (UTI)")


class TerritoryKind(models.TextChoices):
    SOCIAL_DISTRICT = "social_district", _("Social district (ambito territoriale sociale)")
    SOCIO_WELFARE_DISTRICT = "socio_welfare_district", _("Socio-welfare district (distretto)")


istat_code_validator = RegexValidator(r"^\d{6}$", _("An ISTAT municipality code has six digits."))


class Municipality(models.Model):
    istat_code = models.CharField(_("ISTAT code"), max_length=6, unique=True, validators=[istat_code_validator])
    name = models.CharField(_("name"), max_length=120)
    province = models.CharField(_("province"), max_length=2, db_index=True)
    region = models.CharField(_("region"), max_length=60)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # True when no point of the municipality itself was found and the
    # province's centre stands in for it.
    coordinates_approximate = models.BooleanField(_("approximate coordinates"), default=False)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.province})"


class Programme(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    lead_organisation = models.ForeignKey(
        "Organisation", verbose_name=_("lead organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="led_programmes",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Territory(models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=TerritoryKind.choices)
    region = models.CharField(_("region"), max_length=60)
    province = models.CharField(_("province"), max_length=2, blank=True)
    municipalities = models.ManyToManyField(Municipality, verbose_name=_("municipalities"), blank=True,
                                            related_name="territories")
    lead_organisation = models.ForeignKey(
        "Organisation", verbose_name=_("lead organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="led_territories",
    )

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["region", "name"]

    def __str__(self):
        return self.name


class AccessPoint(Versioned, models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=AccessPointKind.choices,
                            default=AccessPointKind.SINGLE_ACCESS_POINT)
    territory = models.ForeignKey(Territory, verbose_name=_("territory"), on_delete=models.PROTECT,
                                  related_name="access_points")
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), on_delete=models.PROTECT,
                                  related_name="access_points")
    address = models.CharField(_("address"), max_length=200, blank=True)
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("access point")
        verbose_name_plural = _("access points")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def in_network_of(self, access_point_ids):
        """Organisations in the network of any of these access points."""
        links = Organisation.access_points.through.objects.filter(
            organisation_id=OuterRef("pk"), accesspoint_id__in=access_point_ids
        )
        return self.filter(Exists(links))


class Organisation(Versioned, models.Model):
    name = models.CharField(_("name"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganisationKind.choices, db_index=True)
    tax_code = models.CharField(_("tax code"), max_length=16, blank=True, validators=[validators.validate_tax_code],
                                help_text=_("Codice fiscale: 11 digits for bodies, 16 characters for individuals."))
    vat_number = models.CharField(_("VAT number"), max_length=11, blank=True,
                                  validators=[validators.validate_vat_number], help_text=_("Partita IVA: 11 digits."))
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="organisations")
    address = models.CharField(_("address"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    access_points = models.ManyToManyField(AccessPoint, verbose_name=_("network of"), blank=True,
                                           related_name="organisations", through="NetworkLink")
    legal_form = models.CharField(_("legal form"), max_length=120, blank=True)
    sector = models.CharField(_("sector"), max_length=120, blank=True,
                              help_text=_("Main field of activity, e.g. an ATECO section."))
    description = models.TextField(_("description"), blank=True)
    territories = models.ManyToManyField("Territory", verbose_name=_("territories covered"), blank=True,
                                         related_name="covering_organisations")
    languages = models.ManyToManyField("Language", verbose_name=_("languages spoken by staff"), blank=True,
                                       related_name="+")
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The name's search tokens (``search_text.search_text``), written with the name.
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tax_code"], condition=~models.Q(tax_code=""),
                                    name="organisation_unique_tax_code"),
        ]

    def __str__(self):
        return self.name


class Membership(Versioned, models.Model):
    """A user's role within an organisation, at the access points listed.

    A membership gives power only once approved, and never while pending: a
    database constraint keeps a pending membership (``approved_at`` empty)
    inactive, so every query of active memberships leaves it out. The
    services decide who approves what (the two-person rule for roles that
    read persons, see ``services.membership_create``). Rows made outside the
    services — the demo loader, the dataset generator, test factories: the
    system bootstrapping itself — are approved when made, hence the default."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
                             related_name="memberships")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, db_index=True)
    access_points = models.ManyToManyField(AccessPoint, verbose_name=_("access points"), blank=True,
                                           related_name="memberships")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"),
                                    on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True, default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__username", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
            models.CheckConstraint(condition=models.Q(is_active=False) | models.Q(approved_at__isnull=False),
                                   name="membership_active_only_when_approved"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"

    @property
    def is_pending(self) -> bool:
        return self.approved_at is None


class NetworkRelation(models.TextChoices):
    FORMAL_PARTNER = "formal_partner", _("Formal partner")
    INFORMAL_NETWORK = "informal_network", _("Informal network")


class NetworkLink(Versioned, models.Model):
    """An organisation's place in an access point's network (seed 000: the
    formal partners with their contract, the informal network with its
    possible contribution)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="network_links")
    # Named like the column of the original many-to-many table it took over.
    accesspoint = models.ForeignKey(AccessPoint, verbose_name=_("access point"), on_delete=models.CASCADE,
                                    related_name="network_links")
    relation = models.CharField(_("relation"), max_length=20, choices=NetworkRelation.choices,
                                default=NetworkRelation.INFORMAL_NETWORK)
    role = models.CharField(_("role or contract"), max_length=300, blank=True)
    contributes_awareness = models.BooleanField(_("awareness raising"), default=False)
    contributes_outreach = models.BooleanField(_("outreach"), default=False)
    contributes_promotion = models.BooleanField(_("promotion"), default=False)
    contributes_services = models.BooleanField(_("services"), default=False)
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        db_table = "network_organisation_access_points"
        verbose_name = _("network link")
        verbose_name_plural = _("network links")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "accesspoint"], name="network_link_unique"),
        ]

    def __str__(self):
        return f"{self.organisation} — {self.accesspoint} ({self.get_relation_display()})"


class Language(models.Model):
    """ISO 639 languages (loaded from pycountry)."""

    code = models.CharField(_("code"), max_length=3, unique=True)
    name_en = models.CharField(_("English name"), max_length=80)
    name_it = models.CharField(_("Italian name"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("language")
        verbose_name_plural = _("languages")
        ordering = ["name_en"]

    def __str__(self):
        from pua.core.names import language_name

        return language_name(self.code, default=self.name_en)


class TargetGroup(models.Model):
    """Groups a service is meant for (legal target groups and the seeds' ones)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_it = models.CharField(_("Italian label"), max_length=120)
    label_en = models.CharField(_("English label"), max_length=120)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["code"]

    def __str__(self):
        from django.utils.translation import get_language

        return self.label_it if (get_language() or "it").startswith("it") else self.label_en


class ServiceLevel(models.TextChoices):
    PHASE = "phase", _("Phase")
    AREA = "area", _("Area")
    SERVICE = "service", _("Service")


class ServiceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(retired_at__isnull=True)

    def for_programme(self, programme_id):
        """The shared catalogue plus the entries of ``programme_id``."""
        return self.filter(models.Q(programme__isnull=True) | models.Q(programme_id=programme_id))


class Service(Versioned, models.Model):
    """An entry of the service catalogue (``Service`` in the glossary).

    Codes (``F2.4.c``) are stable identifiers used by the API, imports,
    indicators and reports. A service that has been used is never deleted: it
    is retired."""

    code = models.CharField(_("code"), max_length=30)
    programme = models.ForeignKey(Programme, verbose_name=_("programme"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="services",
                                  help_text=_("Empty for the shared catalogue."))
    parent = models.ForeignKey("self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    level = models.CharField(_("level"), max_length=10, choices=ServiceLevel.choices)
    label_it = models.CharField(_("Italian label"), max_length=300)
    label_en = models.CharField(_("English label"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    aliases = models.CharField(_("other codes"), max_length=100, blank=True,
                               help_text=_("Earlier or alternative codes, separated by commas."))
    for_persons = models.BooleanField(_("service to a person"), default=False)
    is_local = models.BooleanField(_("added locally"), default=False)
    sort_key = models.CharField(max_length=60, db_index=True, editable=False)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)
    # Both labels' search tokens (``search_text.search_text``), written with the labels.
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=models.Q(programme__isnull=True),
                                    name="service_unique_shared_code"),
            models.UniqueConstraint(fields=["programme", "code"], name="service_unique_programme_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.label}"

    @property
    def label(self):
        from django.utils.translation import get_language

        return self.label_it if (get_language() or "it").startswith("it") else self.label_en

    @property
    def is_retired(self):
        return self.retired_at is not None


class Site(Versioned, models.Model):
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="sites")
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT,
                                     related_name="sites")
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["organisation_id", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="site_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.municipality.name})" if self.municipality_id else self.name


class ContactPerson(Versioned, models.Model):
    """A person to call at an organisation; shown to operators only."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE,
                                     related_name="contact_persons")
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["organisation_id", "name"]

    def __str__(self):
        return self.name


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Available")
    LIMITED = "limited", _("Limited places")
    WAITING_LIST = "waiting_list", _("Waiting list")
    FULL = "full", _("Full")
    SUSPENDED = "suspended", _("Suspended")


class LegalStatusRequirement(models.TextChoices):
    NONE = "none", _("Open to everyone, whatever the legal status")
    PERMIT_OR_APPLICATION = "permit_or_application", _("Residence permit or pending application")
    VALID_PERMIT = "valid_permit", _("Valid residence permit")
    CITIZEN = "citizen", _("Italian or EU citizens only")


class Cost(models.TextChoices):
    FREE = "free", _("Free")
    CONTRIBUTION = "contribution", _("Contribution")
    FEE = "fee", _("Fee")


class OfferingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, organisation__is_active=True, service__retired_at__isnull=True)


class Offering(Versioned, models.Model):
    """Which organisation offers which catalogue service, where, for whom."""

    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="offerings")
    service = models.ForeignKey(Service, verbose_name=_("service"), on_delete=models.PROTECT,
                                related_name="offerings")
    site = models.ForeignKey(Site, verbose_name=_("site"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="offerings")
    description = models.TextField(_("description"), blank=True)
    target_groups = models.ManyToManyField(TargetGroup, verbose_name=_("target groups"), blank=True,
                                           related_name="offerings")
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True, related_name="offerings")
    opening_hours = models.CharField(_("opening hours"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True,
                                           help_text=_("People who can be taken at the same time."))
    availability = models.CharField(_("availability"), max_length=20, choices=Availability.choices,
                                    default=Availability.AVAILABLE, db_index=True)
    documents_required = models.CharField(_("documents required"), max_length=300, blank=True)
    legal_status = models.CharField(_("legal status required"), max_length=30,
                                    choices=LegalStatusRequirement.choices, default=LegalStatusRequirement.NONE,
                                    db_index=True)
    cost = models.CharField(_("cost"), max_length=20, choices=Cost.choices, default=Cost.FREE, db_index=True)
    cost_notes = models.CharField(_("cost notes"), max_length=200, blank=True)
    referral_phone = models.CharField(_("phone for referrals"), max_length=40, blank=True)
    referral_email = models.EmailField(_("e-mail for referrals"), blank=True)
    referral_url = models.URLField(_("referral form"), blank=True)
    referral_notes = models.CharField(_("how to refer"), max_length=300, blank=True)
    # Where the service is delivered: the site's point, else its municipality's,
    # else the organisation's municipality. Kept here so that the directory can
    # rank by distance in one query.
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    municipality = models.ForeignKey(Municipality, verbose_name=_("municipality"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)
    last_confirmed_at = models.DateTimeField(_("last confirmed"), db_index=True)
    last_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("confirmed by"), null=True,
                                          blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The description's search tokens (``search_text.search_text``), written with the description.
    search_text = models.TextField(editable=False, blank=True, default="")

    objects = OfferingQuerySet.as_manager()

    class Meta:
        verbose_name = _("offering")
        verbose_name_plural = _("offerings")
        ordering = ["service__sort_key", "organisation__name", "id"]
        indexes = [
            models.Index(fields=["service", "is_active"], name="offering_service_idx"),
            models.Index(fields=["municipality", "is_active"], name="offering_municipality_idx"),
            models.Index(fields=["latitude", "longitude"], name="offering_point_idx"),
        ]

    def __str__(self):
        return f"{self.service.code} — {self.organisation}"


class AgreementKind(models.TextChoices):
    PROTOCOL = "protocol", _("Protocol of understanding")
    NETWORK_AGREEMENT = "network_agreement", _("Network agreement")
    CONTRACT = "contract", _("Contract")
    CONVENTION = "convention", _("Convention")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In force")
    TERMINATED = "terminated", _("Terminated")


class Agreement(Versioned, models.Model):
    access_point = models.ForeignKey(AccessPoint, verbose_name=_("access point"), on_delete=models.PROTECT,
                                     related_name="agreements")
    kind = models.CharField(_("kind"), max_length=30, choices=AgreementKind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    parties = models.ManyToManyField(Organisation, verbose_name=_("parties"), related_name="agreements")
    services = models.ManyToManyField(Service, verbose_name=_("related services"), blank=True,
                                      related_name="agreements")
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=AgreementStatus.choices,
                              default=AgreementStatus.DRAFT, db_index=True)
    document = models.FileField(_("signed document"), upload_to="agreements/%Y/", blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["valid_until", "id"]

    def __str__(self):
        return self.subject


class ActorType(models.TextChoices):
    LOCAL_BUSINESS = "local_business", _("Local business")
    THIRD_SECTOR = "third_sector", _("Third sector")
    TRAINING_BODY = "training_body", _("Training body")
    STAKEHOLDER = "stakeholder", _("Stakeholder")
    INSTITUTION = "institution", _("Local authority or institution")


class ContactChannel(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    EVENT = "event", _("Event")
    OTHER = "other", _("Other")


class NetworkContact(Versioned, models.Model):
    """One contact with a network actor (NAUTILUS: contacts with businesses,
    third sector, training bodies and institutions)."""

    access_point = models.ForeignKey(AccessPoint, verbose_name=_("access point"), on_delete=models.PROTECT,
                                     related_name="network_contacts")
    date = models.DateField(_("date"), db_index=True)
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="network_contacts")
    organisation_name = models.CharField(_("organisation not yet registered"), max_length=200, blank=True)
    actor_type = models.CharField(_("actor type"), max_length=20, choices=ActorType.choices, db_index=True)
    channel = models.CharField(_("channel"), max_length=20, choices=ContactChannel.choices)
    purpose = models.CharField(_("purpose"), max_length=300)
    outcome = models.TextField(_("outcome"), blank=True)
    next_step = models.CharField(_("next step"), max_length=300, blank=True)
    next_step_due = models.DateField(_("next step due"), null=True, blank=True)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.PROTECT,
                                 related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("network contact")
        verbose_name_plural = _("network contacts")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["access_point", "date"], name="network_contact_ap_date_idx")]

    def __str__(self):
        return f"{self.date} {self.organisation or self.organisation_name}"


class ImportJob(models.Model):
    """An import of organisations, sites and offerings from a spreadsheet.

    Every row is validated first; the data is applied only if no row has an
    error, in one transaction. Large files run as a background task and
    report progress here."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        FAILED = "failed", _("Rejected")
        DONE = "done", _("Applied")

    access_point = models.ForeignKey(AccessPoint, verbose_name=_("access point"), on_delete=models.PROTECT,
                                     related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    file = models.FileField(upload_to="imports/%Y/")
    file_name = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The worker touches it while the job runs: a running job whose
    # heartbeat is old lost its worker (see imports_services.recover_stale_jobs).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker_stopped = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name
