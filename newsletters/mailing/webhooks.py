"""django-anymail's normalised tracking events to the subscribers' state.

Anymail calls a soft bounce "bounced" too (Postmark's SoftBounce: the mailbox is full, the server is down); only
a hard bounce, an address the provider rejects as invalid or bouncing, or a complaint stops the sending. Telling
a soft bounce apart needs the provider's own event, per provider (Postmark's is the one set up here)."""

from . import services


def _soft_bounce(esp_name: str, esp_event) -> bool:
    if esp_name == "Postmark" and isinstance(esp_event, dict):
        return esp_event.get("Type") in ("SoftBounce", "Transient", "DnsError")
    return False


def tracking_received(sender, event, esp_name, **kwargs) -> None:
    kind = event.event_type
    if kind == "rejected" and event.reject_reason in ("invalid", "bounced"):
        kind = "bounced"
    if kind == "bounced" and _soft_bounce(esp_name, event.esp_event):
        return
    services.tracking_event_record(
        event_type=kind, recipient=event.recipient or "", description=event.description or ""
    )
