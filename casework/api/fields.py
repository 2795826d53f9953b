from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class SlugRelatedField(serializers.SlugRelatedField):
    """DRF's ``SlugRelatedField`` that refuses a NUL character before the lookup: PostgreSQL cannot
    compare one with a text column and would fail with a server error instead of a 400."""

    default_error_messages = {"null_characters": _("不能包含空字符（NUL）。")}

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)
