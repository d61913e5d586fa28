"""``{{ event|event_text }}``: a timeline line in the reader's language."""

from django import template

from pua.cases.event_messages import case_event_text

register = template.Library()


@register.filter
def event_text(event) -> str:
    return case_event_text(event)
