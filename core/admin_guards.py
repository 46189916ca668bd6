"""The Django admin is a path like any other: its writes go through the services that own the rules.

``ServiceModelAdmin`` (and ``ServiceHistoryAdmin`` for models with django-simple-history) is the base of every
admin class of a domain model. A class says which service does what by overriding:

- ``service_add(request, obj, data)``: create the record (``data``: the form's cleaned values);
- ``service_change(request, obj, data, edit_version)``: change it, claiming the version the form started from;
- ``service_delete(request, obj)``: delete it; ``delete_refusal(obj)`` tells beforehand why it may not be.

What a class does not override, the admin does not offer (no "Add" button, a read-only page, no "Delete"), so a
change the services have no function for cannot be made by hand. State fields (status, publication dates,
rendered files) are in ``readonly_fields`` and are moved only by their services (the portal's pages).

The change form carries the record's ``edit_version`` in the same signed token as the portal's forms
(``core.editing``): a form opened before someone else's save is refused with the pages' message and shows
their changes; a form posted without its token is stale too. A refusal the service raises while saving (a rule
checked again under its lock) rolls everything back and shows the form again with the service's message.

Bulk deletes go one record at a time through ``service_delete``; any other bulk action is left out. History is
append-only: the historical versions of a record can be looked at, never reverted from the admin (a revert would
write the old state, status included, past every service) and never deleted.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from modeltrans.admin import ActiveLanguageMixin
from simple_history.admin import SimpleHistoryAdmin

from . import roles
from .access import add_service_errors
from .editing import TOKEN, EditConflict, EditVersionMixin, conflict_message


def guarded_delete_formset(delete_check: Callable[[object], str | None]) -> type[BaseInlineFormSet]:
    """An inline formset that refuses to delete a row for which delete_check(row) gives a reason."""

    class GuardedFormSet(BaseInlineFormSet):
        def clean(self):
            super().clean()
            reasons = [
                reason for form in self.deleted_forms if form.instance.pk and (reason := delete_check(form.instance))
            ]
            if reasons:
                raise ValidationError(reasons)

    return GuardedFormSet


class _Refused(Exception):
    """A service refused the admin's save while it ran: the transaction is rolled back, the form shown again."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


def _as_validation_error(exc: Exception) -> ValidationError:
    if isinstance(exc, ValidationError):
        return exc
    if isinstance(exc, EditConflict):
        return ValidationError(conflict_message([]))
    return ValidationError(str(exc) or gettext("You are not allowed to do this."))


class _RefusalForm:
    """Mixed into every admin form: the refusal of the service that ran on this post, shown on the form."""

    admin_refusal: ValidationError | None = None  # set on the form class when the service refused the last save

    def clean(self):
        cleaned = super().clean()
        if self.admin_refusal is not None:
            add_service_errors(self, self.admin_refusal)
        return cleaned


class _AdminEditForm(_RefusalForm, EditVersionMixin):
    """Mixed into the admin's form of a record: the version check of the portal's forms, on every change."""

    def clean(self):
        cleaned = super().clean()  # the refusal, then the token read, then the model form's own checks
        record = self.edit_record
        if record is not None and hasattr(record, "edit_version"):
            current = type(record)._default_manager.filter(pk=record.pk).first()
            if current is not None and self.edit_version is not None and self.edit_version != current.edit_version:
                # a page opened before someone else's save cannot save over what it never saw (a page posted
                # without its token is refused by EditVersionMixin itself)
                self.add_error(None, conflict_message(self.changes_since_start(current)))
                self.restart_from(current)
        return cleaned


def _not_a_country_officer(user) -> bool:
    return not roles.is_officer(user) or roles.sees_every_country(user)


class ServiceAdminMixin(ActiveLanguageMixin):
    """See the module's docstring. Put it first in an admin class's bases.

    A model with texts in other languages (core/translated.py) shows its base text and, when the admin speaks
    another language, its text in that language (django-modeltrans's ``ActiveLanguageMixin``); the other
    languages are edited on the portal's pages."""

    # --- what the class says -------------------------------------------------------------------------

    def service_add(self, request, obj, data: dict):
        raise NotImplementedError

    def service_change(self, request, obj, data: dict, edit_version: int | None):
        raise NotImplementedError

    def service_delete(self, request, obj) -> None:
        raise NotImplementedError

    def delete_refusal(self, obj) -> str | None:
        """Why this record may not be deleted (the service's own check), or None."""
        return None

    def _offers(self, name: str) -> bool:
        return getattr(type(self), name) is not getattr(ServiceAdminMixin, name)

    # --- permissions: what the services do not offer, the admin does not either -----------------------
    # The admin lists every country's records: a country's officer works on the portal's pages, whose selectors
    # keep them to their countries; the global team (and superusers) use it (and anyone else as before: a partner
    # given staff access by mistake sees what the admin's selectors give them).

    def has_module_permission(self, request):
        return _not_a_country_officer(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _not_a_country_officer(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return (
            self._offers("service_add")
            and _not_a_country_officer(request.user)
            and super().has_add_permission(request, *args)
        )

    def has_change_permission(self, request, obj=None):
        return (
            self._offers("service_change")
            and _not_a_country_officer(request.user)
            and super().has_change_permission(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        if not self._offers("service_delete") or not _not_a_country_officer(request.user):
            return False
        if obj is not None and self.delete_refusal(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # only the bulk delete, which goes through service_delete one record at a time
        actions = super().get_actions(request)
        return {name: action for name, action in actions.items() if name == "delete_selected"}

    # --- the form: the version check, and the service's refusal shown on it ---------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        # the token is the form's own field (below), not a model field for the factory to look up
        fields = kwargs.pop("fields") if "fields" in kwargs else flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            fields = [name for name in fields if name != TOKEN]
        form = super().get_form(request, obj, change=change, fields=fields, **kwargs)
        attrs = {"admin_refusal": getattr(request, "_admin_refusal", None), "__module__": form.__module__}
        if obj is None or not hasattr(obj, "edit_version"):
            return type(form.__name__, (_RefusalForm, form), attrs)
        attrs[TOKEN] = forms.CharField(widget=forms.HiddenInput, required=False)
        return type(form.__name__, (_AdminEditForm, form), attrs)

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if hasattr(obj, "edit_version") and TOKEN not in fields and self.has_change_permission(request, obj):
            fields.append(TOKEN)
        return fields

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except _Refused as refused:
            # the whole save was rolled back; show the form again, as posted, with the service's message
            request._admin_refusal = refused.error
            return super().changeform_view(request, object_id, form_url, extra_context)

    # --- the writes --------------------------------------------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = {name: value for name, value in form.cleaned_data.items() if name != TOKEN}
        try:
            if change:
                saved = self.service_change(request, obj, data, getattr(form, "edit_version", None))
            else:
                saved = self.service_add(request, obj, data)
        except (ValidationError, EditConflict, PermissionDenied) as exc:
            raise _Refused(_as_validation_error(exc)) from exc
        if saved is not None and saved is not obj:
            obj.pk = saved.pk  # the log entry and the redirect name the record the service saved
            obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        # the form's many-to-many values were given to the service; inlines are read-only (their own admin
        # pages go through their services)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        try:
            self.service_delete(request, obj)
        except (ValidationError, EditConflict, PermissionDenied) as exc:
            raise _Refused(_as_validation_error(exc)) from exc

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except _Refused as refused:
            for message in refused.error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.path.rsplit("/delete/", 1)[0] + "/change/")

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except _Refused as refused:  # a bulk delete one of whose records the service refused: nothing deleted
            for message in refused.error.messages:
                messages.error(request, message)
            return HttpResponseRedirect(request.get_full_path())


class ServiceModelAdmin(ServiceAdminMixin, admin.ModelAdmin):
    # Fields whose text in other languages the search reads too (their keys in the record's `i18n`,
    # core/translated.py): a Chinese title is found by typing Chinese.
    translated_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        found, duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip() and self.translated_search_fields:
            from .translated import languages_used, search_q

            languages = languages_used()
            found = found | queryset.filter(search_q(self.translated_search_fields, search_term.strip(), languages))
        return found, duplicates


class ServiceHistoryAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """With the record's history to look at: append-only, so no revert (it would save past the services)."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyInline:
    """An inline shown for reading: its rows are changed on their own admin page, through their services."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
