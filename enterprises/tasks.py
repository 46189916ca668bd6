"""Celery tasks of the enterprises app: thin, they call a service."""

from celery import shared_task

from .results import photos


@shared_task
def photo_orphans_delete() -> int:
    """Delete the photo files no row names (see photos.photo_orphans_delete); run nightly by beat."""
    return len(photos.photo_orphans_delete())
