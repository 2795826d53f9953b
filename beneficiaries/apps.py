from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = pgettext_lazy("plural", "困难职工档案")

    def ready(self):
        # The guard rules, and the record types of the generic lists (casework.listing), register on import.
        from beneficiaries import guards, views  # noqa: F401
