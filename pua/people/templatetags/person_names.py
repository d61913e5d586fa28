"""``{{ person|person_name }}``: last and first name as lists show them; a
person registered without a name (known by an alias, or not yet identified)
reads "name not recorded", so a link to them never has an empty text. Only
for templates that already decided the reader may see names."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person_name(person) -> str:
    if getattr(person, "erased_at", None) is not None:
        return _("Erased person #%(id)s") % {"id": person.pk}
    name = f"{person.last_name} {person.first_name}".strip()
    return name or _("name not recorded")
