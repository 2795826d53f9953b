from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BeneficiariesConfig(AppConfig):
    name = "beneficiaries"
    verbose_name = _("困难职工档案")

    def ready(self):
        from beneficiaries import guards  # noqa: F401  (registers the rules)
