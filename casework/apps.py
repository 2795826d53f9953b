from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "casework"
    verbose_name = _("组织与账户")

    def ready(self):
        # The views register the export log's record type (casework.listing); every app registers its own.
        from casework import security, views  # noqa: F401

        security.connect_signals()

        from django.apps import apps

        from casework.validators import PROJECT_APPS, attach_text_validators

        attach_text_validators(m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS)
