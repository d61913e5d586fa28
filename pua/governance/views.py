from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from pua.core.audited import not_audited
from pua.core.pagination import paginate

from . import selectors
from .forms import AuditFilterForm


@not_audited(reason="the audit trail itself: case numbers and ids, never names")
@login_required
def audit_list(request):
    """Browse the audit trail. Read-only: there is no way to change an entry."""
    if not request.user.has_perm("core.view_auditentry"):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.audit_entry_list(user=request.user, **{k: v for k, v in filters.items() if v})
    return render(request, "governance/audit_list.html", {"form": form, "page": paginate(request, entries, 50)})
