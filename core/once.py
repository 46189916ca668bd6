"""One submission, one row: a create form carries a one-time token, and the same form sent twice saves once.

A double click, two tabs, the back button and Save, or a phone resending on a bad network post the same form
again. Where the database has no unique key to refuse the copy (a second training round, factory visit or
expert comment is legitimate), only the form can tell a copy from a new record: each create page renders a
fresh token (``{% once_token %}``, a hidden ``submission`` field), and the view is wrapped in
``once_per_submission``:

- the token is claimed (a row of ``core.Submission``) in the transaction that runs the view, so a second
  sending of the same form waits for the first at the token's primary key, then finds it;
- a sending that led somewhere (a redirect: the record was made) keeps that address; the same token sent again
  is sent there, with a message, and nothing is saved a second time;
- a sending the form refused (the page again with its errors) gives its token back, so the corrected form can
  be sent with it.

A POST without a token (a client that is not a page of the portal) is served as before. The offline sync and
the API will name their device-made ids here the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
import uuid

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext

from .models import Submission

FIELD = "submission"
KEPT_FOR = dt.timedelta(days=7)  # a form left open longer than this is very unlikely to be sent twice


def new_token() -> str:
    return str(uuid.uuid4())


def _token(request) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.POST.get(FIELD, ""))
    except ValueError:
        return None


def once_per_submission(view):
    """Run a create view once per form token (see the module)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        token = _token(request) if request.method == "POST" else None
        if token is None:
            return view(request, *args, **kwargs)
        user = request.user if request.user.is_authenticated else None
        with transaction.atomic():
            try:
                with transaction.atomic():
                    Submission.objects.create(token=token, user=user, path=request.path)
            except IntegrityError:  # sent before: the first sending has committed by now (we waited for it)
                first = Submission.objects.filter(token=token).first()
                if (
                    first is not None
                    and first.location
                    and first.path == request.path
                    and first.user_id == getattr(user, "pk", None)
                ):
                    messages.info(request, gettext("This form had been sent already. It was saved once: here it is."))
                    return redirect(first.location)
                return view(request, *args, **kwargs)  # another user's or another page's token: no token at all
            response = view(request, *args, **kwargs)
            if response.status_code in (301, 302, 303) and response.has_header("Location"):
                Submission.objects.filter(token=token).update(location=response["Location"])
            else:  # refused (or not a creation): the corrected form may use the token again
                Submission.objects.filter(token=token).delete()
        Submission.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
        return response

    return wrapped
