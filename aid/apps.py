from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "aid"
    verbose_name = _("金秋助学与资金")

    def ready(self):
        # The guard rules, and the record types of the generic lists (casework.listing), register on import.
        from aid import guards, views  # noqa: F401
