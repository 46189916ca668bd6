"""The portal's roles. Deny by default: a user with no role sees nothing but their own account.

Roles are Django groups created by a migration; a partner user's organisation is a
``PartnerMembership`` record, the start of every partner access decision.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

OFFICERS = "Project officers"
PARTNERS = "Partner users"
EDITORS = "Newsletter editors"
ROLE_GROUPS = (OFFICERS, PARTNERS, EDITORS)


def _groups(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_groups", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_groups = cached
    return cached


def is_officer(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_superuser or OFFICERS in _groups(user))


def is_editor(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_superuser or EDITORS in _groups(user))


def partner_organisation_id(user: User | AnonymousUser) -> int | None:
    """The organisation a partner user works for, or None (not a partner, or no membership)."""
    if not user.is_authenticated or PARTNERS not in _groups(user):
        return None
    if not hasattr(user, "_partner_org_id"):
        from programmes.models import PartnerMembership

        user._partner_org_id = (
            PartnerMembership.objects.filter(user=user).values_list("organisation_id", flat=True).first()
        )
    return user._partner_org_id


def is_partner(user: User | AnonymousUser) -> bool:
    return partner_organisation_id(user) is not None


# Django model permissions each role's group holds (for the admin; the portal's own pages check roles).
GROUP_APPS = {
    OFFICERS: ("programmes", "trainers", "enterprises", "newsletters", "django_celery_beat"),
    EDITORS: ("newsletters",),
    PARTNERS: (),
}


def group_permissions_sync(**kwargs) -> None:
    """Give each role group the model permissions of its apps. Runs after every migrate."""
    from django.contrib.auth.models import Group, Permission

    for name, apps in GROUP_APPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=apps))
