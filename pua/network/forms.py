from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin, VersionedFormMixin

from . import access
from .models import AccessPoint, Membership, Organisation, OrganisationKind, Role
from .profile_forms import MunicipalityField


class OrganisationFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Name, tax code or VAT number")}))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + OrganisationKind.choices)
    access_point = forms.ModelChoiceField(label=_("Network of"), required=False, queryset=AccessPoint.objects.none(),
                                          empty_label=_("All access points"))
    active = forms.ChoiceField(label=_("Status"), required=False, initial="1",
                               choices=[("1", _("Active")), ("0", _("Inactive")), ("all", _("All"))])

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["access_point"].queryset = access.visible_access_points(user).order_by("name")


class OrganisationForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    municipality = MunicipalityField(label=_("Municipality"), required=False,
                                     help_text=_("ISTAT code or name with the province, e.g. Cremona (CR)."))
    access_points = forms.ModelMultipleChoiceField(
        label=_("Network of"), queryset=AccessPoint.objects.none(), widget=forms.CheckboxSelectMultiple,
        help_text=_("The access points whose network this organisation belongs to."),
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "tax_code", "vat_number", "municipality", "address", "email", "phone", "website"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        manageable = access.managed_access_points(user)
        if self.instance.pk and self.instance.municipality_id:
            self.initial["municipality"] = str(self.instance.municipality)
        if self.instance.pk:
            # Keep links the editor cannot change visible and selected.
            current = self.instance.access_points.all()
            self.fields["access_points"].queryset = (manageable | current).distinct().order_by("name")
            self.fields["access_points"].initial = list(current)
        else:
            self.fields["access_points"].queryset = manageable.order_by("name")
        if not manageable.exists():
            # A partner editing its own organisation cannot move it between networks.
            self.fields.pop("access_points")


class MembershipForm(StyledFormMixin, forms.ModelForm):
    access_points = forms.ModelMultipleChoiceField(
        label=_("Access points"), queryset=AccessPoint.objects.none(), widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Membership
        fields = ["organisation", "role", "access_points"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["access_points"].queryset = access.managed_access_points(user).order_by("name")
        if "organisation" in self.fields:
            self.fields["organisation"].queryset = (
                access.visible_organisations(user).filter(is_active=True).order_by("name")
            )
        roles = access.grantable_roles(user)
        self.fields["role"].choices = [(r.value, r.label) for r in Role if r in roles]


class MembershipEditForm(VersionedFormMixin, MembershipForm):
    is_active = forms.BooleanField(label=_("Active"), required=False)

    class Meta(MembershipForm.Meta):
        fields = ["role", "access_points", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)


class UserCreateForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["username", "first_name", "last_name", "email", "preferred_language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True


class UserFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)


class AccessPointForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    municipality = MunicipalityField(label=_("Municipality"), required=False,
                                     help_text=_("ISTAT code or name with the province, e.g. Cremona (CR)."))

    class Meta:
        model = AccessPoint
        fields = ["name", "address", "municipality", "email", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.municipality_id:
            self.initial["municipality"] = str(self.instance.municipality)
