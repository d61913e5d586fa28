"""Forms of the plan pages. They parse input and offer the right choices;
the services check the rules again (goal of this plan, provider in the
network, dates in order) and refuse with field errors."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin, VersionedFormMixin
from pua.core.names import LanguageChoiceField
from pua.network import documents
from pua.network.models import Language, Offering, Organisation, Service

from . import plan_selectors as selectors
from .models import ActionStatus, GoalArea
from .plan_services import MAX_REVIEW_EVERY_DAYS


def _date_widget():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanCreateForm(StyledFormMixin, forms.Form):
    review_every_days = forms.IntegerField(
        label=_("Review every (days)"), min_value=1, max_value=MAX_REVIEW_EVERY_DAYS, initial=30,
        help_text=_("30 days is a monthly review."))


class GoalForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    area = forms.ChoiceField(label=_("Area"), choices=[("", "—"), *GoalArea.choices])
    description = forms.CharField(label=_("Goal"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("What the person wants to reach, in plain words."))


OFFERING_PREFIX = "offering-"
ORGANISATION_PREFIX = "organisation-"


def _offering_label(offering: Offering) -> str:
    parts = [offering.organisation.name]
    if offering.site_id:
        parts.append(str(offering.site))
    elif offering.municipality_id:
        parts.append(offering.municipality.name)
    parts.append(str(offering.get_availability_display()))
    return " — ".join(parts)


class ActionForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    """Goal, catalogue service, provider (an offering of that service found in
    the directory, or any organisation of the network), responsible, dates,
    status and outcome.

    The provider's choices depend on the service: the view passes the
    service read from the submitted data (or the action's), and refreshes
    the field when the service changes (htmx, or the "show providers" button)."""

    goal = forms.ModelChoiceField(label=_("Goal"), queryset=None, empty_label="—")
    service = forms.ChoiceField(label=_("Service"), help_text=_("A service of the catalogue."))
    provider = forms.ChoiceField(
        label=_("Provider organisation"),
        help_text=_("First the organisations that offer this service in the directory, then the rest of the network."))
    responsible = forms.ModelChoiceField(label=_("Responsible operator"), queryset=None, required=False,
                                         empty_label="—")
    planned_start = forms.DateField(label=_("Planned start"), required=False, widget=_date_widget())
    planned_end = forms.DateField(label=_("Planned end"), required=False, widget=_date_widget())
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices, initial=ActionStatus.PLANNED)
    outcome_note = forms.CharField(label=_("Outcome"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, plan, user, service=None, action=None, refresh_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        case = plan.case
        self._action = action
        self.fields["goal"].queryset = plan.goals.all()
        goals = list(plan.goals.values_list("pk", flat=True)[:2])
        if len(goals) == 1 and not self.initial.get("goal"):
            self.initial["goal"] = goals[0]  # the only goal: nothing to choose
        self.fields["goal"].label_from_instance = lambda g: f"{g.get_area_display()} — {g.description[:80]}"
        self.fields["responsible"].queryset = selectors.staff_at(case.access_point_id)
        self.fields["responsible"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self._services = {s.pk: s for s in selectors.catalogue_for_plans(case.access_point.programme_id)}
        if action is not None and action.service_id not in self._services:
            self._services[action.service_id] = action.service  # kept even if since retired
        groups: dict[str, list] = {}
        for s in self._services.values():
            area = s.parent.label if s.parent_id else ""
            groups.setdefault(area, []).append((str(s.pk), f"{s.code} {s.label}"))
        self.fields["service"].choices = [("", "—"), *groups.items()]
        if refresh_url:
            # Choosing a service reloads the provider's choices (the page works without it too).
            self.fields["service"].widget.attrs.update({
                "hx-get": refresh_url, "hx-trigger": "change", "hx-target": "#provider-field", "hx-swap": "outerHTML",
                "hx-include": "this"})
        self.chosen_service = service
        self._offerings = {o.pk: o for o in selectors.offerings_for(user, case=case, service=service)}
        self._organisations = {o.pk: o for o in selectors.network_organisations(case.access_point_id)}
        if action is not None:
            self._organisations.setdefault(action.provider_id, action.provider)
            if action.offering_id:
                self._offerings.setdefault(action.offering_id, action.offering)
        self.offering_count = len(self._offerings)
        offered = [(f"{OFFERING_PREFIX}{o.pk}", _offering_label(o)) for o in self._offerings.values()]
        others = [(f"{ORGANISATION_PREFIX}{o.pk}", o.name) for o in self._organisations.values()]
        choices = [("", "—")]
        if offered:
            choices.append((_("Offer this service (directory)"), offered))
        choices.append((_("Other organisations of the network"), others))
        self.fields["provider"].choices = choices

    def clean_service(self) -> Service:
        value = self.cleaned_data["service"]
        return self._services[int(value)]

    def clean_provider(self) -> tuple[Organisation, Offering | None]:
        value = self.cleaned_data["provider"]
        if value.startswith(OFFERING_PREFIX):
            offering = self._offerings[int(value.removeprefix(OFFERING_PREFIX))]
            return offering.organisation, offering
        return self._organisations[int(value.removeprefix(ORGANISATION_PREFIX))], None

    def service_data(self) -> dict:
        """Keyword arguments for ``action_add`` / ``action_update``."""
        data = dict(self.cleaned_data)
        data["provider"], data["offering"] = data.pop("provider")
        return data

    @staticmethod
    def provider_value(action) -> str:
        if action.offering_id:
            return f"{OFFERING_PREFIX}{action.offering_id}"
        return f"{ORGANISATION_PREFIX}{action.provider_id}"


class ActionStatusForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)
    outcome_note = forms.CharField(label=_("Outcome"), required=False, max_length=2000,
                                   widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text=_("What was delivered, or why not. Required when not delivered."))


class AgreementForm(StyledFormMixin, forms.Form):
    agreed_on = forms.DateField(label=_("Agreed on"), widget=_date_widget())
    language = LanguageChoiceField(label=_("Language of the agreement"), queryset=Language.objects.all(),
                                   required=False, empty_label="—",
                                   help_text=_("The language in which the plan was explained to the person."))
    signed_file = forms.FileField(
        label=_("Signed plan"), required=False,
        widget=forms.FileInput(attrs={"accept": documents.ACCEPT_ATTRIBUTE}),
        help_text=_("The plan signed by the person (PDF, ODT, DOCX, JPEG or PNG). It is kept with the person's documents."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreed_on"].initial = timezone.localdate()


class CadenceForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    review_every_days = forms.IntegerField(
        label=_("Review every (days)"), min_value=1, max_value=MAX_REVIEW_EVERY_DAYS,
        help_text=_("30 days is a monthly review. The next review moves accordingly."))


class ReviewForm(StyledFormMixin, forms.Form):
    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=_date_widget())
    notes = forms.CharField(label=_("Notes"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("How the plan is going, what was decided."))
    next_review_due = forms.DateField(label=_("Next review"), required=False, widget=_date_widget())

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewed_on"].initial = timezone.localdate()
        self.fields["next_review_due"].help_text = _(
            "Leave empty for the plan's cadence (in %(days)d days).") % {"days": plan.review_every_days}
