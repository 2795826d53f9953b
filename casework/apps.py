from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("组织与账户")

    def ready(self):
        # The views register the export log's record type (casework.listing); every app registers its own.
        from casework import security, views  # noqa: F401

        security.connect_signals()
