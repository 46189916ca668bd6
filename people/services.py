"""Every write to people's accounts: invite, send the invitation again, change the role, deactivate, reactivate.

Officers only (partner coordinators do not invite their colleagues: see docs/people.md). Each change is
recorded as a ``PersonChange`` (who, when, what); the links to a thing are written by that thing's app
(``programmes.services.partner_membership_set``, ``trainers.services.trainer_account_set``), whose
history records them too. Nobody is ever deleted: a person who leaves is deactivated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import unicodedata

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import Group, User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from core import roles
from core.integrity import unique_refused
from core.mail import email_notify
from programmes.models import Organisation
from programmes.selectors import organisations_visible_to
from programmes.services import (
    country_assignment_end,
    country_assignment_label,
    country_assignment_set,
    partner_membership_end,
    partner_membership_set,
)
from trainers.models import Trainer
from trainers.selectors import trainers_visible_to
from trainers.services import trainer_account_end, trainer_account_set

from .models import PasswordResetRequest, PersonChange

logger = logging.getLogger(__name__)

Role = roles.Role


def _require_officer(by: User) -> None:
    if not roles.is_officer(by):
        raise PermissionDenied(_("Only SCORE project officers manage people."))


def _record(person: User, by: User | None, action: str, details: str = "") -> PersonChange:
    return PersonChange.objects.create(person=person, by=by, action=action, details=details)


def role_label(
    *, role: str, organisation: Organisation | None = None, trainer: Trainer | None = None, countries: str = ""
) -> str:
    """What a person is, in words: "Partner user of CEC", "Trainer: Jia Hongwei", "Project officer (China)"."""
    if role == Role.PARTNER and organisation is not None:
        return _("Partner user of %(organisation)s") % {"organisation": organisation}
    if role == Role.TRAINER and trainer is not None:
        return _("Trainer: %(trainer)s") % {"trainer": trainer}
    if role in (Role.OFFICER, Role.EDITOR) and countries:
        return _("%(role)s (%(countries)s)") % {"role": Role(role).label, "countries": countries}
    return str(Role(role).label) if role else _("No role")


def _countries_label(countries, all_countries: bool) -> str:
    if all_countries:
        return _("all countries")
    return ", ".join(sorted(c.name for c in countries or ()))


def person_role_label(person: User) -> str:
    membership = getattr(person, "partner_membership", None)
    account = getattr(person, "trainer_account", None)
    return role_label(
        role=roles.role_of(person),
        organisation=membership.organisation if membership else None,
        trainer=account.trainer if account else None,
        countries=country_assignment_label(person),
    )


def _check_role(
    role: str,
    organisation: Organisation | None,
    trainer: Trainer | None,
    by: User | None = None,
    countries=(),
    all_countries: bool = False,
) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("Choose a role.")})
    if role == Role.PARTNER and organisation is None:
        raise ValidationError({"organisation": _("A partner user works for an organisation: choose it.")})
    if role == Role.TRAINER and trainer is None:
        raise ValidationError({"trainer": _("A trainer user is one of the trainers: choose the record.")})
    if role in (Role.OFFICER, Role.EDITOR):
        if by is not None and not roles.sees_every_country(by):
            raise ValidationError({"role": _("Only the global team gives the officer and editor roles.")})
        if all_countries and role != Role.OFFICER:
            raise ValidationError({"all_countries": _("Only an officer works for all countries.")})
        if not all_countries and not countries:
            raise ValidationError({"countries": _("Choose the countries the person works for, or all countries.")})
    elif by is not None:  # a country's officer gives roles in their countries only
        if organisation is not None and not organisations_visible_to(by).filter(pk=organisation.pk).exists():
            raise ValidationError({"organisation": _("Choose an organisation of your countries.")})
        if trainer is not None and not trainers_visible_to(by).filter(pk=trainer.pk).exists():
            raise ValidationError({"trainer": _("Choose a trainer of your countries.")})


def _role_apply(
    person: User,
    by: User,
    role: str,
    organisation: Organisation | None,
    trainer: Trainer | None,
    countries=(),
    all_countries: bool = False,
):
    """Put the person in the role's group only, and keep exactly the link the role needs (an organisation, a
    trainer record, or countries)."""
    person.groups.remove(*Group.objects.filter(name__in=roles.ROLE_GROUPS))
    person.groups.add(Group.objects.get(name=roles.ROLE_GROUP[role]))
    # the global team's officers use the Django admin as well (docs/permissions.md)
    person.is_staff = role == Role.OFFICER and all_countries
    person.save(update_fields=["is_staff"])
    if role == Role.PARTNER:
        partner_membership_set(user=person, organisation=organisation, by=by)
    else:
        partner_membership_end(user=person, by=by)
    if role == Role.TRAINER:
        trainer_account_set(user=person, trainer=trainer, by=by)
    else:
        trainer_account_end(user=person, by=by)
    if role in (Role.OFFICER, Role.EDITOR):
        country_assignment_set(
            user=person, countries=countries, all_countries=all_countries and role == Role.OFFICER, by=by
        )
    else:
        country_assignment_end(user=person, by=by)
    for cached in ("_role_groups", "_partner_org_id", "_trainer_id", "_country_ids"):
        person.__dict__.pop(cached, None)


def invitation_link(*, person: User, base_url: str) -> str:
    """The one-time link that lets the person set a password: dead once used (the token signs the password
    hash and the last login), and after settings.PASSWORD_RESET_TIMEOUT."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return base_url.rstrip("/") + reverse("people:invitation_accept", args=[uid, token])


def invitation_pending(person: User) -> bool:
    return person.is_active and not person.has_usable_password()


def _invitation_mail(person: User, by: User, base_url: str) -> None:
    from django.conf import settings

    days = max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)
    params = {
        "name": person.get_full_name() or person.email,
        "who": by.get_full_name() or by.username,
        "role": person_role_label(person),
        "link": invitation_link(person=person, base_url=base_url),
        "days": days,
        "username": person.username,
    }
    subject = _("Your SCORE Portal account")
    body = _(
        "Dear %(name)s,\n\n%(who)s has given you an account on the SCORE Portal (%(role)s).\n\n"
        "Choose your password here (the link works once, for %(days)s days):\n%(link)s\n\n"
        "Afterwards you log in with the user name %(username)s."
    )
    email_notify(subject=subject, body=body % params, recipients=[person.email])


@unique_refused()
@transaction.atomic
def person_invite(
    *,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    organisation: Organisation | None = None,
    trainer: Trainer | None = None,
    countries=(),
    all_countries: bool = False,
    base_url: str,
) -> User:
    """Create the person's account without a password and e-mail them the link to choose one."""
    _require_officer(by)
    email = User.objects.normalize_email(email.strip()).lower()
    if not email:
        raise ValidationError({"email": _("Enter the person's e-mail address.")})
    _check_role(role, organisation, trainer, by, countries, all_countries)
    if User.objects.filter(email__iexact=email).exists() or User.objects.filter(username__iexact=email).exists():
        raise ValidationError({"email": _("Someone already has an account with this e-mail address.")})
    try:
        with transaction.atomic():
            person = User(username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip())
            person.set_unusable_password()
            person.full_clean(exclude=["password"])
            person.save()
    except IntegrityError:  # the same address invited a moment ago by someone else
        raise ValidationError({"email": _("Someone already has an account with this e-mail address.")}) from None
    _role_apply(person, by, role, organisation, trainer, countries, all_countries)
    label = role_label(
        role=role, organisation=organisation, trainer=trainer, countries=_countries_label(countries, all_countries)
    )
    _record(person, by, PersonChange.Action.INVITED, label)
    _invitation_mail(person, by, base_url)
    return person


@transaction.atomic
def invitation_resend(*, by: User, person: User, base_url: str) -> User:
    """Send the link again (to a person who has not chosen a password yet)."""
    _require_officer(by)
    person = User.objects.select_for_update().get(pk=person.pk)
    if not invitation_pending(person):
        raise ValidationError(
            _("%(name)s has set a password already or is deactivated; there is no invitation to send.")
            % {"name": person.get_full_name() or person.username}
        )
    _record(person, by, PersonChange.Action.INVITATION_SENT, person.email)
    _invitation_mail(person, by, base_url)
    return person


def invitation_accepted(*, person: User) -> None:
    """The person chose their password from the link (the view that checked the token calls this)."""
    _record(person, person, PersonChange.Action.PASSWORD_SET)


@unique_refused()
@transaction.atomic
def person_role_set(
    *,
    by: User,
    person: User,
    role: str,
    organisation: Organisation | None = None,
    trainer: Trainer | None = None,
    countries=(),
    all_countries: bool = False,
) -> User:
    """Give the person another role (or the same role for another organisation, trainer record or countries)."""
    _require_officer(by)
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.is_superuser:
        raise ValidationError(_("A superuser's access is managed in the Django admin."))
    if person.pk == by.pk and role != Role.OFFICER:
        raise ValidationError({"role": _("You cannot take your own officer role away; ask another officer.")})
    if not roles.sees_every_country(by) and roles.role_of(person) in (Role.OFFICER, Role.EDITOR):
        asked = (role, _countries_label(countries, all_countries))
        if asked == (roles.role_of(person), country_assignment_label(person)):
            return person  # a country's officer saving a colleague's (or their own) name and e-mail
        raise ValidationError({"role": _("Only the global team changes an officer's or an editor's role.")})
    _check_role(role, organisation, trainer, by, countries, all_countries)
    before = person_role_label(person)
    _role_apply(person, by, role, organisation, trainer, countries, all_countries)
    person = User.objects.get(pk=person.pk)
    after = person_role_label(person)
    if before != after:
        _record(person, by, PersonChange.Action.ROLE_CHANGED, f"{before} → {after}")
    return person


@unique_refused()
@transaction.atomic
def person_details_set(*, by: User, person: User, first_name: str, last_name: str, email: str) -> User:
    _require_officer(by)
    person = User.objects.select_for_update().get(pk=person.pk)
    email = User.objects.normalize_email(email.strip()).lower()
    if not email:
        raise ValidationError({"email": _("Enter the person's e-mail address.")})
    if User.objects.filter(email__iexact=email).exclude(pk=person.pk).exists():
        raise ValidationError({"email": _("Someone already has an account with this e-mail address.")})
    old = (person.first_name, person.last_name, person.email)
    person.first_name, person.last_name, person.email = first_name.strip(), last_name.strip(), email
    if old != (person.first_name, person.last_name, person.email):
        person.full_clean(exclude=["password"])
        person.save(update_fields=["first_name", "last_name", "email"])
        changed = [
            f"{a} → {b}"
            for a, b in zip(old, (person.first_name, person.last_name, person.email), strict=True)
            if a != b
        ]
        _record(person, by, PersonChange.Action.DETAILS_CHANGED, "; ".join(changed))
    return person


def person_state(person: User) -> str:
    """What the person edit page shows, as one value (role, its organisation or trainer record, name, e-mail,
    active): the page keeps the one it was opened with, and a save from a page that saw another is stale."""
    fresh = User.objects.get(pk=person.pk)
    membership = getattr(fresh, "partner_membership", None)
    account = getattr(fresh, "trainer_account", None)
    seen = [
        roles.role_of(fresh),
        str(membership.organisation_id if membership else ""),
        str(account.trainer_id if account else ""),
        country_assignment_label(fresh),
        fresh.first_name,
        fresh.last_name,
        fresh.email,
        str(fresh.is_active),
    ]
    return hashlib.sha256("\x1f".join(seen).encode()).hexdigest()[:24]


class PersonChanged(ValidationError):
    """Someone changed the person since the page was opened (or the page sent no state): nothing is saved."""


@unique_refused()
@transaction.atomic
def person_update(
    *,
    by: User,
    person: User,
    seen: str | None,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    organisation: Organisation | None = None,
    trainer: Trainer | None = None,
    countries=(),
    all_countries: bool = False,
) -> User:
    """The person edit page's save: name, e-mail and role at once, from the state the page was opened with.

    ``seen`` is ``person_state`` as the page showed it; when it is not the state now (another officer took a
    role away, or renamed the person, in between) or missing, nothing is saved: a stale page never gives back
    access that was removed."""
    _require_officer(by)
    locked = User.objects.select_for_update().get(pk=person.pk)
    if not seen or seen != person_state(locked):
        raise PersonChanged(
            _(
                "Someone else changed this person while you were editing, so your changes are not saved. "
                "The form below shows the person as they are now: make your changes again, then save."
            )
        )
    person_details_set(by=by, person=locked, first_name=first_name, last_name=last_name, email=email)
    return person_role_set(
        by=by,
        person=locked,
        role=role,
        organisation=organisation,
        trainer=trainer,
        countries=countries,
        all_countries=all_countries,
    )


@transaction.atomic
def person_deactivate(*, by: User, person: User) -> User:
    """The person can no longer log in; everything they did stays theirs in every history."""
    _require_officer(by)
    person = User.objects.select_for_update().get(pk=person.pk)
    if person.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself; ask another officer."))
    if person.is_superuser:
        raise ValidationError(_("A superuser's access is managed in the Django admin."))
    if person.is_active:
        person.is_active = False
        person.save(update_fields=["is_active"])
        _record(person, by, PersonChange.Action.DEACTIVATED)
    return person


@transaction.atomic
def person_reactivate(*, by: User, person: User) -> User:
    _require_officer(by)
    person = User.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        person.is_active = True
        person.save(update_fields=["is_active"])
        _record(person, by, PersonChange.Action.REACTIVATED)
    return person


# --- Login lockouts and password-reset e-mails (docs/lockouts.md) ------------------------------------


@transaction.atomic
def lockout_lift(*, by: User, kind: str, value: str) -> int:
    """Lift a login lockout: forget the failed logins of a username or of an address (django-axes' attempts).
    Returns how many attempt rows were removed; a person with that username gets the change in their record."""
    from axes.utils import reset

    _require_officer(by)
    if kind == "username":
        removed = reset(username=value)
        person = User.objects.filter(username=value).first()
        if person is not None:
            _record(person, by, PersonChange.Action.LOCKOUT_LIFTED)
    elif kind == "address":
        removed = reset(ip=value)
    else:
        raise ValidationError(_("Choose a username or an address to lift the lockout of."))
    logger.info("Login lockout of %s %s lifted by %s (%s attempt rows)", kind, value, by.username, removed)
    return removed


def reset_address(email: str) -> str:
    """An address as Django's reset form compares them (NFKC, case-folded): every spelling Unicode case folding
    maps to one mailbox is one address here."""
    return unicodedata.normalize("NFKC", (email or "").strip()).casefold()[:254]


@transaction.atomic
def password_reset_allowed(*, email: str, account: User | None) -> bool:
    """Whether a password-reset e-mail may go out now, recorded either way: at most
    PASSWORD_RESET_EMAILS_PER_HOUR in the last hour to one account (whatever spelling of its address was typed),
    or to one normalised address that no account has."""
    address = reset_address(email)
    now = timezone.now()
    PasswordResetRequest.objects.filter(at__lt=now - dt.timedelta(days=1)).delete()
    recent = PasswordResetRequest.objects.filter(sent=True, at__gte=now - dt.timedelta(hours=1))
    if account is not None:
        account = User.objects.select_for_update().get(pk=account.pk)  # two requests at once count one by one
        recent = recent.filter(account=account)
    else:
        recent = recent.filter(account=None, email=address)
    sent = recent.count()
    allowed = sent < settings.PASSWORD_RESET_EMAILS_PER_HOUR
    PasswordResetRequest.objects.create(email=address, account=account, at=now, sent=allowed)
    if not allowed:
        logger.warning("Password-reset e-mail to %s refused: %s sent in the last hour", address, sent)
    return allowed


class _ResetMail(PasswordResetForm):
    """Django's reset form sending to the accounts given (those under the hourly limit) with Django's own mail."""

    def __init__(self, email: str, users: list[User]):
        super().__init__({"email": email})
        self.is_valid()
        self.users = users

    def get_users(self, email):
        return iter(self.users)


def password_reset_send(*, email: str, domain: str, use_https: bool) -> int:
    """The reset e-mail (a Celery task's work, never the request's, so the page answers in the same time whether
    or not an account has the address): to each active account with a password at this address (Django's
    matching), within the hourly limit per account. Returns how many went out."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return 0
    users = list(form.get_users(form.cleaned_data["email"]))
    if not users:
        password_reset_allowed(email=email, account=None)  # counted, so the log shows a flood at a stranger
        return 0
    allowed = [user for user in users if password_reset_allowed(email=email, account=user)]
    if allowed:
        _ResetMail(form.cleaned_data["email"], allowed).save(domain_override=domain, use_https=use_https)
    return len(allowed)


def password_reset_done(*, person: User) -> None:
    """The person chose a new password from a reset link (the view that checked the token calls this)."""
    _record(person, person, PersonChange.Action.PASSWORD_RESET)
