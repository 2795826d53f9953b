from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "employment"
    verbose_name = _("培训与就业")

    def ready(self):
        # The guard rules, and the record types of the generic lists (casework.listing), register on import.
        from employment import guards, views  # noqa: F401
