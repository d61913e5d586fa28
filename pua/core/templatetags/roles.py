"""``{% role_may "app.perm" [obj] as name %}``: a permission as the user's
roles grant it (``rules``), for templates.

Templates' ``perms`` asks ``user.has_perm``, which Django answers yes for any
superuser: the technical administrator would be shown actions (refer a
person, open a case) that the role rules keep from them. Use this instead
for every action on persons and cases."""

import rules
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def role_may(context, perm: str, obj=None) -> bool:
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return bool(user and user.is_authenticated and rules.has_perm(perm, user, obj))
