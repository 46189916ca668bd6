"""Admin inlines whose deletes go through the same rule as the portal's."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet


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
