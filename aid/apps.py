from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AidConfig(AppConfig):
    name = "aid"
    verbose_name = _("金秋助学与资金")

    def ready(self):
        from aid import guards  # noqa: F401  (registers the rules)
