"""Forms of the offering search and of the maps (GET filters, nothing is saved)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin
from pua.core.names import LanguageChoiceField

from . import access, search_selectors
from .models import AccessPoint, Language, LegalStatusRequirement, OrganisationKind, Service, ServiceLevel, TargetGroup

# The person's status, worded for the person; values are the offering
# requirement levels (see search_selectors.LEGAL_STATUS_ORDER).
PERSON_LEGAL_STATUS_CHOICES = [
    ("", _("Not specified")),
    (LegalStatusRequirement.NONE.value, _("No residence permit")),
    (LegalStatusRequirement.PERMIT_OR_APPLICATION.value, _("Residence permit applied for or being renewed")),
    (LegalStatusRequirement.VALID_PERMIT.value, _("Valid residence permit")),
    (LegalStatusRequirement.CITIZEN.value, _("Italian or EU citizen")),
]

# Indents the services under their area in the select (leading normal
# spaces would be collapsed by the browser).
_INDENT = "\u00a0\u00a0\u00a0"


class ServiceOrAreaField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.level == ServiceLevel.AREA:
            return _("%(code)s %(label)s — the whole area") % {"code": obj.code, "label": obj.label}
        return f"{_INDENT}{obj.code} {obj.label}"


class OfferingSearchForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("What the person needs"), required=False, max_length=200,
                        help_text=_("Words of the service, the organisation or the description, e.g. corso di "
                                    "italiano, alloggio, sportello lavoro."))
    service = ServiceOrAreaField(label=_("Service or area"), required=False, queryset=Service.objects.none(),
                                 empty_label=_("Any service"))
    territory = forms.ModelChoiceField(label=_("Territory"), required=False, queryset=None,
                                       empty_label=_("Anywhere"),
                                       help_text=_("Delivered in the territory, or by an organisation covering it."))
    municipality = forms.CharField(label=_("Distance from"), required=False, max_length=130,
                                   help_text=_("Municipality name or ISTAT code, e.g. Frosinone (FR) or 060038."))
    language = LanguageChoiceField(label=_("Language spoken"), required=False, to_field_name="code",
                                   queryset=Language.objects.all(), empty_label=_("Any language"))
    target_group = forms.ModelChoiceField(label=_("Target group"), required=False, to_field_name="code",
                                          queryset=TargetGroup.objects.order_by("code"),
                                          empty_label=_("Any target group"))
    legal_status = forms.ChoiceField(label=_("Legal status of the person"), required=False,
                                     choices=PERSON_LEGAL_STATUS_CHOICES)
    free_only = forms.BooleanField(label=_("Free of charge only"), required=False)
    available_only = forms.BooleanField(label=_("Taking people now (or with a waiting list)"), required=False)

    def __init__(self, *args, user, default_municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_municipality = default_municipality
        self.fields["service"].queryset = search_selectors.search_services(user=user)
        self.fields["territory"].queryset = access.visible_territories(user).order_by("name", "id")

    def clean_municipality(self):
        text = self.cleaned_data["municipality"]
        if not text.strip():
            return self.default_municipality
        found = search_selectors.municipality_resolve(text)
        if not found:
            raise forms.ValidationError(_("No municipality has this name or ISTAT code."), code="unknown")
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several municipalities have this name: add the province, e.g. %(example)s, or use the ISTAT code."),
                code="ambiguous", params={"example": str(found[0])},
            )
        return found[0]

    def search_kwargs(self) -> dict:
        """Keyword arguments for ``search_selectors.offering_search``."""
        data = self.cleaned_data
        chosen = data.get("service")
        is_area = chosen is not None and chosen.level == ServiceLevel.AREA
        return {
            "q": data.get("q") or "",
            "service": None if is_area else chosen,
            "area": chosen if is_area else None,
            "territory": data.get("territory"),
            "municipality": data.get("municipality"),
            "language": data.get("language"),
            "target_group": data.get("target_group"),
            "legal_status": data.get("legal_status") or None,
            "free_only": bool(data.get("free_only")),
            "available_only": bool(data.get("available_only")),
        }

    def api_params(self) -> dict:
        """The same filters as parameters of the API's search and GeoJSON endpoints."""
        search = self.search_kwargs()
        params = {}
        if search["q"].strip():
            params["q"] = search["q"].strip()
        if search["service"] is not None:
            params["service"] = search["service"].code
        if search["area"] is not None:
            params["area"] = search["area"].code
        if search["territory"] is not None:
            params["territory"] = search["territory"].pk
        if search["municipality"] is not None:
            params["municipality"] = search["municipality"].istat_code
        if search["language"] is not None:
            params["language"] = search["language"].code
        if search["target_group"] is not None:
            params["target_group"] = search["target_group"].code
        if search["legal_status"]:
            params["legal_status"] = search["legal_status"]
        for flag in ("free_only", "available_only"):
            if search[flag]:
                params[flag] = "true"
        return params


class OrganisationMapForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + OrganisationKind.choices)
    access_point = forms.ModelChoiceField(label=_("Network of"), required=False, queryset=AccessPoint.objects.none(),
                                          empty_label=_("All access points"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["access_point"].queryset = access.visible_access_points(user).order_by("name")

    def api_params(self) -> dict:
        data = self.cleaned_data
        params = {}
        if data.get("kind"):
            params["kind"] = data["kind"]
        if data.get("access_point") is not None:
            params["access_point"] = data["access_point"].pk
        return params
