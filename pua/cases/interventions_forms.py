"""Forms of the interventions diary: the filter of the list and the
intervention itself. The service checks the rules (joint, operators of the
access point, action of this plan)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin, VersionedFormMixin
from pua.network.models import Role

from . import interventions_selectors as selectors
from .interventions_services import MAX_DURATION_MINUTES
from .models import InterventionKind
from .plan_selectors import catalogue_for_plans

JOINT_CHOICES = [("", _("Joint or not")), ("yes", _("Joint only")), ("no", _("Not joint"))]


class InterventionFilterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *InterventionKind.choices])
    joint = forms.ChoiceField(label=_("Joint"), required=False, choices=JOINT_CHOICES)

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        joint = {"yes": True, "no": False}.get(data.get("joint", ""))
        return {"kind": data.get("kind", ""), "joint": joint}


class OperatorsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name() or user.get_username()
        roles = [str(Role(r).label) for r in self.roles.get(user.pk, [])]
        return f"{name} ({', '.join(roles)})" if roles else name


class InterventionForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "—"), *InterventionKind.choices])
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), required=False, min_value=1,
                                          max_value=MAX_DURATION_MINUTES)
    operators = OperatorsField(label=_("Operators present"), queryset=None, widget=forms.CheckboxSelectMultiple)
    joint = forms.BooleanField(
        label=_("Joint: a social services expert and a labour policy expert present together"), required=False)
    plan_action = forms.ModelChoiceField(label=_("Plan action"), queryset=None, required=False, empty_label="—",
                                         help_text=_("The action of the plan this intervention delivers, if any."))
    service = forms.ModelChoiceField(label=_("Catalogue service"), queryset=None, required=False, empty_label="—",
                                     help_text=_("Leave empty to use the plan action's service."))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))
    notes_restricted = forms.BooleanField(
        label=_("Restricted notes: only the case team and the director may read them"), required=False)

    def __init__(self, *args, case, intervention=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = selectors.operator_choices(case)
        operators = self.fields["operators"]
        operators.roles = {u.pk: roles for u, roles in choices}
        ids = set(operators.roles)
        if intervention is not None:
            ids |= set(intervention.operators.values_list("pk", flat=True))  # kept even if since moved away
        operators.queryset = get_user_model().objects.filter(pk__in=ids).order_by("last_name", "first_name",
                                                                                  "username")
        self.fields["plan_action"].queryset = selectors.plan_actions_of(case)
        self.fields["plan_action"].label_from_instance = (
            lambda a: f"{a.service.code} {a.service.label} — {a.provider.name} ({a.get_status_display()})")
        services = catalogue_for_plans(case.access_point.programme_id)
        if intervention is not None and intervention.service_id:
            services = services | type(intervention.service).objects.filter(pk=intervention.service_id)
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda s: f"{s.code} {s.label}"
        if not self.is_bound and intervention is None:
            self.initial.setdefault("occurred_on", timezone.localdate())
