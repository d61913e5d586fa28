"""Programmes, territories, access points, organisations and memberships.

Memberships are what give a user a role: a user belongs to an organisation
with a role, and works at one or more access points. Every authorization
decision (``pua.network.access``) starts from them.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

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
    province = models.CharField(_("province"), max_length=2)
    region = models.CharField(_("region"), max_length=60)

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


class AccessPoint(models.Model):
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


class Organisation(models.Model):
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
                                           related_name="organisations")
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

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


class Membership(models.Model):
    """A user's role within an organisation, at the access points listed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
                             related_name="memberships")
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT,
                                     related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, db_index=True)
    access_points = models.ManyToManyField(AccessPoint, verbose_name=_("access points"), blank=True,
                                           related_name="memberships")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user__username", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"
