"""What every form of the portal shares: single-line text stays on one line."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Line breaks (CR, LF, NEL, the Unicode line and paragraph separators) and the other C0/C1 control characters.
# A title with a line break was stored, then broke every e-mail header it went into (the subject).
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def single_line(value) -> None:
    """The validator of every single-line text field (a title, a name): no line break, no control character."""
    if value and _NOT_ONE_LINE.search(str(value)):
        raise ValidationError(
            _("Write this on one line: line breaks and control characters are not allowed here."),
            code="single_line",
        )


def one_line(text: str) -> str:
    """The text with every run of whitespace and control characters made one space: for an e-mail header."""
    return " ".join(_NOT_ONE_LINE.sub(" ", str(text)).split())


class SingleLineMixin:
    """Gives every text field of the form drawn as a one-line input (not a textarea) the ``single_line``
    validator, so a title or name posted with a line break is refused next to its field."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if (
                isinstance(field, forms.CharField)
                and not isinstance(field.widget, forms.Textarea)
                and single_line not in field.validators
            ):
                field.validators.append(single_line)
