from core import roles as role_checks
from score_portal.navigation import current_link, nav_links


def roles(request) -> dict:
    """Expose the user's roles to every template, e.g. for the navigation bar."""
    user = getattr(request, "user", None)
    if user is None:
        return {}
    links = nav_links(user, request.path)
    return {
        "is_officer": role_checks.is_officer(user),
        "is_partner": role_checks.is_partner(user),
        "is_editor": role_checks.is_editor(user),
        "nav_links": links,
        "nav_current": current_link(links),
    }
