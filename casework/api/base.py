"""Base classes every app's API builds on: scoped reads, writes through services."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, serializers, status, viewsets

from casework.scoping import scoped
from casework.services import check_version, current_version

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
        # The record's version (ETag) on single records only: a list would pay a query per row.
        if self.parent is None and hasattr(self.Meta.model, "history"):
            fields["version"] = serializers.SerializerMethodField()
        return fields

    def get_version(self, instance) -> int | None:
        return current_version(instance)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("该记录已被他人修改，请刷新后重试。")
    default_code = "stale"


def if_match_version(request):
    """The version a client read, from ``If-Match: "<version>"`` (``None`` without the header or with ``*``)."""
    value = (request.headers.get("If-Match") or "").strip().removeprefix("W/").strip('"')
    return value if value and value != "*" else None


def with_etag(response):
    version = response.data.get("version") if isinstance(response.data, dict) else None
    if version is not None:
        response["ETag"] = f'"{version}"'
    return response


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

    def retrieve(self, request, *args, **kwargs):
        return with_etag(super().retrieve(request, *args, **kwargs))

    def update(self, request, *args, **kwargs):
        return with_etag(super().update(request, *args, **kwargs))

    def perform_update(self, serializer):
        expected = if_match_version(self.request)
        with transaction.atomic():
            if expected is not None and hasattr(type(serializer.instance), "history"):
                # Lock the row, then compare: a concurrent writer waits here and then sees the new version.
                type(serializer.instance)._default_manager.select_for_update().filter(pk=serializer.instance.pk).get()
                try:
                    check_version(serializer.instance, expected)
                except DjangoValidationError as exc:
                    raise PreconditionFailed({"version": exc.message_dict["version"]}) from None
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
