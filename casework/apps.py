from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("组织与账户")

    def ready(self):
        from casework import security

        security.connect_signals()
