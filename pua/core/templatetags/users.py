"""``{{ user|user_name }}``: a staff member's full name, else their username;
a dash when nobody is recorded (e.g. a referral answered outside PUA, an
author whose account was removed)."""

from django import template

register = template.Library()


@register.filter
def user_name(user) -> str:
    if user is None or user == "":
        return "—"
    return user.get_full_name() or user.username
