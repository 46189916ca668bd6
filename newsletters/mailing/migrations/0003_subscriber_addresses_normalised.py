"""Every stored address in the one normalised form (addresses.normalised: NFKC, lower case, IDNA domain).

An address whose normalised form another row already has is the same mailbox under a second spelling: it is not
deleted (its deliveries and consent stay on record) but flagged, its sending stopped as unsubscribed with the
reason naming the row that keeps the mailbox; when the flagged row was the one that had opted out, bounced or
complained, the kept row takes that state, so merging never starts sending to a mailbox that asked to stop."""

import unicodedata

from django.db import migrations

STOPPED = ("unsubscribed", "bounced", "complained")


def _normalised(address: str) -> str:  # a copy of addresses.normalised as it was when this migration was written
    address = unicodedata.normalize("NFKC", address or "").strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or not domain:
        return address
    try:
        domain = domain.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return address
    return f"{local}@{domain}"


def normalise(apps, schema_editor):
    Subscriber = apps.get_model("mailing", "Subscriber")
    taken = set(Subscriber.objects.values_list("email", flat=True))
    for subscriber in Subscriber.objects.order_by("pk").iterator():
        target = _normalised(subscriber.email)
        if target == subscriber.email:
            continue
        kept = Subscriber.objects.filter(email=target).first()
        if kept is None and target not in taken:
            taken.discard(subscriber.email)
            taken.add(target)
            subscriber.email = target
            subscriber.save(update_fields=["email"])
            continue
        if kept is not None and subscriber.status in STOPPED and kept.status not in STOPPED:
            kept.status, kept.stopped_reason = subscriber.status, subscriber.stopped_reason
            kept.save(update_fields=["status", "stopped_reason"])
        if subscriber.status not in STOPPED:
            subscriber.status = "unsubscribed"
        subscriber.stopped_reason = f"Same mailbox as {target} (merged when addresses were normalised)"[:300]
        subscriber.save(update_fields=["status", "stopped_reason"])


class Migration(migrations.Migration):
    dependencies = [("mailing", "0002_delivery_claim_index")]

    operations = [migrations.RunPython(normalise, migrations.RunPython.noop)]
