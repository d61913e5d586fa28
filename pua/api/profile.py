"""API resources of the profile area."""


def register(router) -> None:
    """Add this area's viewsets to the v1 router."""
