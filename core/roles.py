"""The portal's roles. Deny by default: a user with no role sees nothing but their own account.

Roles are Django groups (created after every migrate by ``group_permissions_sync``); a partner user's
organisation is a ``PartnerMembership`` record (programmes), a trainer user's trainer record a
``TrainerAccount`` (trainers): the start of every partner and trainer access decision. Officers do
everything, the editors' pages included.

core imports no app: the app that owns a membership hands its lookup to ``memberships_provide`` when it is
ready (programmes/apps.py, trainers/apps.py), and the checks below call it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

OFFICERS = "Project officers"
PARTNERS = "Partner users"
EDITORS = "Newsletter editors"
TRAINERS = "Trainers"
ROLE_GROUPS = (OFFICERS, PARTNERS, EDITORS, TRAINERS)


class Role(models.TextChoices):
    """The one role a person holds in the portal (the people pages give exactly one)."""

    OFFICER = "officer", _("Project officer")
    EDITOR = "editor", _("Newsletter editor")
    PARTNER = "partner", _("Partner user")
    TRAINER = "trainer", _("Trainer")


ROLE_GROUP = {Role.OFFICER: OFFICERS, Role.EDITOR: EDITORS, Role.PARTNER: PARTNERS, Role.TRAINER: TRAINERS}

# The lookups of the membership records, each given by the app that owns the record (see memberships_provide).
_lookups: dict[str, Callable] = {}


def memberships_provide(
    *,
    partner_organisation_id: Callable[[User], int | None] | None = None,
    trainer_id: Callable[[User], int | None] | None = None,
    trainer_round_ids: Callable[[int | None], QuerySet] | None = None,
    country_ids: Callable[[User], frozenset[int] | None] | None = None,
) -> None:
    """Called by an app's ``AppConfig.ready``: ``partner_organisation_id(user)`` the organisation a user is a member
    of (programmes), ``trainer_id(user)`` the trainer record a user is and ``trainer_round_ids(trainer_id)`` the ids
    of the rounds that trainer delivers, as a subquery, empty for ``None`` (trainers); ``country_ids(user)`` the
    countries an officer or editor works for, None for all of them (programmes)."""
    given = {
        "partner_organisation_id": partner_organisation_id,
        "trainer_id": trainer_id,
        "trainer_round_ids": trainer_round_ids,
        "country_ids": country_ids,
    }
    _lookups.update({name: lookup for name, lookup in given.items() if lookup is not None})


def _lookup(name: str) -> Callable:
    try:
        return _lookups[name]
    except KeyError:
        raise ImproperlyConfigured(f"No app has provided the membership lookup {name!r} (core.roles)") from None


def _groups(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_groups", None)
    if cached is None:
        prefetched = getattr(user, "_prefetched_objects_cache", {}).get("groups")  # a list page prefetches them
        if prefetched is not None:
            cached = {group.name for group in prefetched}
        else:
            cached = set(user.groups.values_list("name", flat=True))
        user._role_groups = cached
    return cached


def is_officer(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and (user.is_superuser or OFFICERS in _groups(user))


def is_editor(user: User | AnonymousUser) -> bool:
    """Editors, and officers, who do everything (docs/permissions.md)."""
    return user.is_authenticated and (user.is_superuser or bool({EDITORS, OFFICERS} & _groups(user)))


def country_ids(user: User | AnonymousUser) -> frozenset[int] | None:
    """The country programmes an officer or an editor works for: None for all of them (the global team, and
    superusers), else their ids; none for anyone else (a partner's or a trainer's scope is their organisation or
    their rounds, whatever the country). Every selector of a country's records adds this scope."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return None
    if not {OFFICERS, EDITORS} & _groups(user):
        return frozenset()
    if not hasattr(user, "_country_ids"):
        user._country_ids = _lookup("country_ids")(user)
    return user._country_ids


def sees_every_country(user: User | AnonymousUser) -> bool:
    """A global officer (or a superuser): creates country programmes, gives officers and editors their countries,
    and uses the Django admin."""
    return is_officer(user) and country_ids(user) is None


def partner_organisation_id(user: User | AnonymousUser) -> int | None:
    """The organisation a partner user works for, or None (not a partner, or no membership)."""
    if not user.is_authenticated or PARTNERS not in _groups(user):
        return None
    if not hasattr(user, "_partner_org_id"):
        user._partner_org_id = _lookup("partner_organisation_id")(user)
    return user._partner_org_id


def is_partner(user: User | AnonymousUser) -> bool:
    return partner_organisation_id(user) is not None


def trainer_id(user: User | AnonymousUser) -> int | None:
    """The trainer record a trainer user is, or None (not a trainer, or no trainer account)."""
    if not user.is_authenticated or TRAINERS not in _groups(user):
        return None
    if not hasattr(user, "_trainer_id"):
        user._trainer_id = _lookup("trainer_id")(user)
    return user._trainer_id


def is_trainer(user: User | AnonymousUser) -> bool:
    return trainer_id(user) is not None


def trainer_round_ids(user: User | AnonymousUser):
    """The rounds a trainer user delivers, as a subquery of round ids (empty for anyone else).

    The selectors of every app start a trainer's scope from it, so the rule is written here once."""
    return _lookup("trainer_round_ids")(trainer_id(user))


def role_of(user: User | AnonymousUser) -> str:
    """The person's role (a ``Role`` value), or "" for none; an officer who is also in another group is an officer."""
    groups = _groups(user)
    if user.is_authenticated and user.is_superuser:
        return Role.OFFICER
    for role in (Role.OFFICER, Role.PARTNER, Role.TRAINER, Role.EDITOR):
        if ROLE_GROUP[role] in groups:
            return role
    return ""


# Django model permissions each role's group holds (for the admin; the portal's own pages check roles).
GROUP_APPS = {
    OFFICERS: ("programmes", "trainers", "enterprises", "newsletters"),  # beat schedules: superusers (core/admin.py)
    EDITORS: ("newsletters",),
    PARTNERS: (),
    TRAINERS: (),
}


def group_permissions_sync(**kwargs) -> None:
    """Give each role group the model permissions of its apps. Runs after every migrate."""
    from django.contrib.auth.models import Group, Permission

    for name, apps in GROUP_APPS.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=apps))
