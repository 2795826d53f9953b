from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmploymentConfig(AppConfig):
    name = "employment"
    verbose_name = _("培训与就业")

    def ready(self):
        from employment import guards  # noqa: F401  (registers the rules)
