"""Who exercises data-subject rights on a person's behalf, and who reads the
record of processing activities.

* The director of the person's access point produces the subject-access
  export, restricts and lifts the restriction, sets and lifts legal holds
  and erases (``governance.manage_person_privacy``). They see the person
  also while restricted (``pua.people.access``).
* Who may see the person's identity there (the director and the two
  experts) corrects it and reads the rectification history; nobody while
  the record is restricted or erased.
* The record of processing activities is for directors, administrators and
  board members (``governance.view_processing_record``).
"""

from __future__ import annotations

import rules

from pua.network.access import grants_for, is_admin
from pua.network.models import AccessPoint, Role
from pua.people.access import is_frozen, sees_person_identity
from pua.people.models import Person

PRIVACY_ROLES = frozenset({Role.DIRECTOR})
PROCESSING_RECORD_ROLES = frozenset({Role.DIRECTOR, Role.BOARD_VIEWER})


@rules.predicate
def directs_person(user, obj) -> bool:
    """Director of the person's access point (or of the access point itself)."""
    if isinstance(obj, Person):
        access_point_id = obj.access_point_id
    elif isinstance(obj, AccessPoint):
        access_point_id = obj.pk
    else:
        return False
    return grants_for(user).has_role_at(PRIVACY_ROLES, {access_point_id})


@rules.predicate
def manages_privacy_anywhere(user) -> bool:
    return grants_for(user).has_role(PRIVACY_ROLES)


@rules.predicate
def reads_processing_record(user) -> bool:
    return grants_for(user).has_role(PROCESSING_RECORD_ROLES)


rules.add_perm("governance.manage_person_privacy", directs_person)
rules.add_perm("governance.view_rectifications", sees_person_identity)
rules.add_perm("governance.rectify_person", sees_person_identity & ~is_frozen)
rules.add_perm("governance.view_processing_record", is_admin | reads_processing_record)
