from django.apps import AppConfig
from django.utils.translation import pgettext_lazy


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = pgettext_lazy("plural", "公示")

    def ready(self):
        from aid.selectors import register_published_standard
        from beneficiaries.services import register_notice_rules
        from notices import guards, selectors  # guards: registers the 公示 rules on aid grants

        # 公示 before 建档: the household workflow's notice step and filing read the notices.
        register_notice_rules(find=guards.household_notice_starts, filing_problem=guards.household_filing_problem)
        # A grant's amount defaults to the standard its notice published.
        register_published_standard(selectors.published_standard)
