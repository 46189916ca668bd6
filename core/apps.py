from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("SCORE Portal")

    def ready(self) -> None:
        from . import (
            datacache,
            uploads,  # noqa: F401  Pillow's pixel guard, set for the whole process (core/uploads.py)
        )
        from .roles import group_permissions_sync

        datacache.connect()  # answers kept until the programme's data changes (core/datacache.py)

        from .queries import sqlite_functions

        connection_created.connect(sqlite_functions, dispatch_uid="core.sqlite_functions")  # Median on SQLite
        # Permissions exist only after migrate has run, so the groups get theirs then.
        post_migrate.connect(group_permissions_sync, dispatch_uid="core.group_permissions_sync")
