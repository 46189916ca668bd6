"""System checks of the deployment that Django's own checklist does not know about."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def cache_is_shared(app_configs, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        return [
            Warning(
                "The cache is each process's own memory.",
                hint="Set CACHE_URL to a Redis URL shared by every server process and Celery worker: the "
                "programme figures kept in the cache are only dropped, when the data changes, where it changed.",
                id="score_portal.W001",
            )
        ]
    return []
