"""Forms of the case pages. They parse input; the services decide what is legal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin, VersionedFormMixin

from .access import case_team_candidates
from .models import CaseEventKind, CaseStatus, ClosureReason, GoalEvaluation, TeamRole
from .notes_services import NOTE_MAX_LENGTH


def _date_field(label):
    return forms.DateField(label=label, required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class CaseFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        help_text=_("Case number; names where you may see them."))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))] + CaseStatus.choices)
    mine = forms.BooleanField(label=_("Only cases I manage"), required=False)
    opened_from = _date_field(_("Opened from"))
    opened_to = _date_field(_("Opened until"))

    def clean(self):
        data = super().clean()
        start, end = data.get("opened_from"), data.get("opened_to")
        if start and end and end < start:
            self.add_error("opened_to", _("The end of the period comes before its start."))
        return data


class SharedCaseFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(label=_("Case number"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any"))] + CaseStatus.choices)


class TeamMemberForm(StyledFormMixin, forms.Form):
    user = forms.ModelChoiceField(label=_("Operator"), queryset=None, empty_label=_("Choose an operator"))
    role = forms.ChoiceField(label=_("Role in the team"), choices=TeamRole.choices, initial=TeamRole.SOCIAL_EXPERT)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = case_team_candidates(case)
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username


class NoteForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Note"), max_length=NOTE_MAX_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 4}))
    restricted = forms.BooleanField(
        label=_("Restricted: only the case team and the director can read it"), required=False)

    def __init__(self, *args, may_restrict: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_restrict:
            del self.fields["restricted"]


class ClosureForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    """Reason, outcome and one evaluation per plan goal (fields ``goal_<id>``)."""

    reason = forms.ChoiceField(label=_("Reason for closing"), choices=[("", "—")] + ClosureReason.choices)
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("What changed for the person; what was achieved and what was not."))

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.goals = goals
        for goal in goals:
            self.fields[f"goal_{goal.pk}"] = forms.ChoiceField(
                label=f"{goal.get_area_display()}: {goal.description}", choices=GoalEvaluation.choices,
                widget=forms.RadioSelect, initial=goal.evaluation or None,
                error_messages={"required": _("Evaluate this goal.")})

    def goal_fields(self):
        return [self[f"goal_{goal.pk}"] for goal in self.goals]

    def goal_evaluations(self) -> dict[str, str]:
        return {str(goal.pk): self.cleaned_data.get(f"goal_{goal.pk}") for goal in self.goals}


class ReopenForm(VersionedFormMixin, StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why is the case reopened?"), max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 3}))


class TimelineFilterForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Show"), required=False,
                             choices=[("", _("Everything"))] + CaseEventKind.choices)
