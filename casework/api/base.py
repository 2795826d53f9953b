"""Base classes every app's API builds on: scoped reads, writes through services."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from casework.scoping import scoped

REASON_HEADER = "HTTP_X_CHANGE_REASON"


def change_reason(request, default):
    """The reason a client gives in the ``X-Change-Reason`` header, or a default naming the action."""
    return (request.META.get(REASON_HEADER) or "").strip() or default


class ScopedModelSerializer(serializers.ModelSerializer):
    """Limits every related-object choice to the requesting user's subtree."""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        for field in fields.values():
            target = getattr(field, "child_relation", field)
            queryset = getattr(target, "queryset", None)
            if queryset is not None and hasattr(queryset.model, "scope_path"):
                target.queryset = scoped(queryset, user)
        return fields


class ScopedModelViewSet(viewsets.ModelViewSet):
    """Rows are the user's subtree (through :func:`scoped`); writes call the app's services.

    Subclasses give ``queryset``, ``serializer_class``, ``filterset_class`` and the
    service hooks ``create_record``, ``update_record`` and ``delete_record``.
    """

    def get_queryset(self):
        return scoped(self.queryset, self.request.user)

    def perform_create(self, serializer):
        serializer.instance = self.create_record(
            acting_user=self.request.user,
            reason=change_reason(self.request, "API create"),
            data=serializer.validated_data,
        )

    def perform_update(self, serializer):
        serializer.instance = self.update_record(
            serializer.instance,
            acting_user=self.request.user,
            reason=change_reason(self.request, "API update"),
            data=serializer.validated_data,
        )

    def perform_destroy(self, instance):
        self.delete_record(instance, acting_user=self.request.user, reason=change_reason(self.request, "API delete"))


class ReadOnlyScopedViewSet(viewsets.ReadOnlyModelViewSet):
    def get_queryset(self):
        return scoped(self.queryset, self.request.user)


REASON_HELP = _("修改原因请放在 X-Change-Reason 请求头中。")
