import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pua.core.forms import StyledFormMixin, VersionedFormMixin

from . import access
from .models import OPEN_STATUSES, Task, TaskKind
from .work_selectors import assignable_users

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


def _datetime_widget():
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT)


class TaskForm(VersionedFormMixin, StyledFormMixin, forms.ModelForm):
    """A task or an appointment at ``access_point``; the case is typed by its number."""

    case_number = forms.CharField(
        label=_("Case"), required=False, max_length=30,
        help_text=_("Optional: the number of an open case of the access point, e.g. P-2026-000123/1."),
    )

    field_order = ["kind", "title", "due_at", "ends_at", "location", "assignee", "case_number", "description"]

    class Meta:
        model = Task
        fields = ["kind", "title", "due_at", "ends_at", "location", "assignee", "description"]
        widgets = {
            "kind": forms.RadioSelect(attrs={"class": "form-check-input"}),
            "due_at": _datetime_widget(),
            "ends_at": _datetime_widget(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "ends_at": _("For appointments; optional."),
            "description": _("Avoid writing personal data that is not needed."),
        }

    def __init__(self, *args, user, access_point, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.access_point = user, access_point
        self.fields["kind"].choices = TaskKind.choices
        self.fields["assignee"].queryset = assignable_users(access_point)
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["due_at"].label = _("Due / starts at")
        for name in ("due_at", "ends_at"):
            self.fields[name].input_formats = [DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if self.instance.pk and self.instance.case_id:
            self.initial.setdefault("case_number", self.instance.case.number)

    def clean_case_number(self):
        number = (self.cleaned_data.get("case_number") or "").strip()
        if not number:
            return None
        case = (access.visible_cases(self.user).filter(access_point=self.access_point, number__iexact=number)
                .select_related("access_point").first())
        if case is None:
            raise forms.ValidationError(_("No case with this number at %(access_point)s.")
                                        % {"access_point": self.access_point.name}, code="unknown_case")
        if case.status not in OPEN_STATUSES and case.pk != self.instance.case_id:
            raise forms.ValidationError(_("The case is closed: reopen it before planning work on it."),
                                        code="case_closed")
        return case

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        data["case"] = data.pop("case_number")
        return data


class TaskFilterForm(StyledFormMixin, forms.Form):
    state = forms.ChoiceField(label=_("Show"), required=False, choices=[
        ("open", _("To do")), ("done", _("Done")), ("all", _("All")),
    ])
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Tasks and appointments"))]
                             + TaskKind.choices)
    whose = forms.ChoiceField(label=_("Assigned to"), required=False, choices=[
        ("mine", _("Me")), ("all", _("Everyone at my access points")),
    ])


def default_due_at():
    """Tomorrow at nine, local time: a sensible default for a new task."""
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    return tomorrow.replace(hour=9, minute=0, second=0, microsecond=0)
