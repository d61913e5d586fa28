"""Reads on the network, already scoped to what the user may see."""

from django.db.models import Count, Q, QuerySet

from . import access
from .models import AccessPoint, Membership, Organisation


def organisation_list(*, user, search: str = "", kind: str = "", access_point_id=None,
                      active: str = "1") -> QuerySet[Organisation]:
    qs = access.visible_organisations(user).select_related("municipality")
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(tax_code__iexact=search) | Q(vat_number__iexact=search))
    if kind:
        qs = qs.filter(kind=kind)
    if access_point_id:
        qs = qs.in_network_of([access_point_id])
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    return qs.order_by("name", "id")


def organisation_get(*, user, pk) -> Organisation | None:
    return (
        access.visible_organisations(user)
        .select_related("municipality")
        .prefetch_related("access_points")
        .filter(pk=pk)
        .first()
    )


def access_point_list(*, user) -> QuerySet[AccessPoint]:
    return (
        access.visible_access_points(user)
        .select_related("territory", "programme", "municipality")
        .annotate(organisation_count=Count("organisations", distinct=True))
        .order_by("name")
    )


def access_point_get(*, user, pk) -> AccessPoint | None:
    if not str(pk or "").isdigit():  # from a form: "abc" is no access point, not an error
        return None
    return access.visible_access_points(user).select_related("territory", "programme", "municipality").filter(pk=pk).first()


def territory_list(*, user):
    return (
        access.visible_territories(user)
        .select_related("lead_organisation")
        .annotate(municipality_count=Count("municipalities", distinct=True))
        .prefetch_related("access_points__programme")
        .order_by("region", "name")
    )


def territory_get(*, user, pk):
    return (
        access.visible_territories(user)
        .select_related("lead_organisation")
        .prefetch_related("municipalities", "access_points__programme")
        .filter(pk=pk)
        .first()
    )


def programme_list(*, user):
    return access.visible_programmes(user).select_related("lead_organisation").order_by("name")


def user_list(*, user, search: str = "", access_point_id=None):
    qs = access.visible_users(user)
    if search:
        qs = qs.filter(
            Q(username__icontains=search) | Q(first_name__icontains=search)
            | Q(last_name__icontains=search) | Q(email__icontains=search)
        )
    if access_point_id:
        qs = qs.filter(memberships__access_points=access_point_id).distinct()
    return qs.prefetch_related("memberships__organisation", "memberships__access_points").order_by("username")


def user_get(*, user, pk):
    return (
        access.visible_users(user)
        .prefetch_related("memberships__organisation", "memberships__access_points")
        .filter(pk=pk)
        .first()
    )


def membership_get(*, user, pk) -> Membership | None:
    return (
        access.visible_memberships(user)
        .select_related("user", "organisation")
        .prefetch_related("access_points")
        .filter(pk=pk)
        .first()
    )


def pending_membership_list(*, user):
    """Grants waiting for a second person's approval, among the memberships
    the user may see, oldest first."""
    return (
        access.visible_memberships(user)
        .filter(approved_at__isnull=True)
        .select_related("user", "organisation", "granted_by")
        .prefetch_related("access_points")
        .order_by("created_at", "id")
    )


def home_summary(*, user) -> dict:
    """What "my work" shows at this stage: where I work and with whom."""
    memberships = (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("organisation")
        .prefetch_related("access_points__territory", "access_points__programme")
        .order_by("organisation__name")
    )
    return {
        "memberships": memberships,
        "access_points": access_point_list(user=user),
        "organisation_count": access.visible_organisations(user).filter(is_active=True).count(),
    }
