from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = pgettext_lazy("plural", "公示")

    def ready(self):
        from notices import guards  # noqa: F401  (registers the 公示 rule on aid grants)
