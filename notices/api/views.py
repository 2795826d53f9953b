from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from casework.api.base import ScopedModelViewSet, change_reason
from casework.exports import attachment
from casework.models import Organisation
from casework.permissions import IsReviewer, IsScopedUser
from casework.scoping import scoped
from notices import printing, selectors, services
from notices.api import serializers
from notices.filtersets import NoticeFilterSet
from notices.models import Notice, NoticeEntry, Objection


def _entries(rows):
    return [{"person": row["person"], "amount": row["amount"]} for row in rows]


class NoticeViewSet(ScopedModelViewSet):
    """Public notices (公示) with their list and objections; reviewers build, publish, withdraw and replace them.

    A published notice is never edited (PUT/PATCH/DELETE answer 400): withdraw it
    and publish a new version (``replace``).
    """

    queryset = (
        Notice.objects.select_related("organisation", "replaces", "photo_attached_by")
        .defer("photo_content")
        .prefetch_related(
            Prefetch("entries", queryset=NoticeEntry.objects.select_related("person").order_by("id")),
            Prefetch("objections", queryset=Objection.objects.select_related("person", "decided_by")),
            "replaced_by",
        )
        .order_by("-starts_on", "ref")
    )
    serializer_class = serializers.NoticeSerializer
    filterset_class = NoticeFilterSet
    ordering_fields = ["starts_on", "ends_on", "ref"]
    # Recording an objection is a caseworker's job (they take the calls); deciding one is a reviewer's.
    # Attaching a photo of the posted notice is field work too.
    scoped_user_actions = {"objections", "photo"}

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS") or self.action in self.scoped_user_actions:
            return [IsScopedUser()]
        return [IsReviewer()]

    def create_record(self, *, acting_user, reason, data):
        data = dict(data)
        entries = _entries(data.pop("entry_rows", []))
        return services.notice_build(acting_user=acting_user, reason=reason, entries=entries, **data)

    def update_record(self, notice, *, acting_user, reason, data):
        data = dict(data)
        rows = data.pop("entry_rows", None)
        if "organisation" in data and data["organisation"] != notice.organisation:
            raise exceptions.ValidationError({"organisation": ["公示单位不能修改。"]})
        return services.notice_update(
            notice,
            acting_user=acting_user,
            reason=reason,
            data=data,
            entries=_entries(rows) if rows is not None else None,
        )

    def delete_record(self, notice, *, acting_user, reason):
        services.notice_discard(notice, acting_user=acting_user, reason=reason)

    def _fresh(self, notice):
        return self.get_serializer(self.get_queryset().get(pk=notice.pk)).data

    @extend_schema(request=serializers.PublishSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        params = serializers.PublishSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        notice = services.notice_publish(
            self.get_object(),
            acting_user=request.user,
            reason=change_reason(request, "publish notice"),
            **params.validated_data,
        )
        return Response(self._fresh(notice))

    @extend_schema(request=serializers.WithdrawSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        params = serializers.WithdrawSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        notice = services.notice_withdraw(
            self.get_object(),
            acting_user=request.user,
            reason=change_reason(request, "withdraw notice"),
            **params.validated_data,
        )
        return Response(self._fresh(notice))

    @extend_schema(request=serializers.ReplaceSerializer, responses=serializers.NoticeSerializer)
    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        params = serializers.ReplaceSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        rows = data.pop("entries_input", None)
        notice = services.notice_replace(
            self.get_object(),
            acting_user=request.user,
            reason=change_reason(request, "replace notice"),
            entries=_entries(rows) if rows is not None else None,
            **data,
        )
        return Response(self._fresh(notice), status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """The printable list as an A4 PDF (names as the unit chose, ID numbers masked)."""
        notice = self.get_object()
        response = HttpResponse(printing.render_pdf(notice), content_type="application/pdf")
        return attachment(response, f"notice-{notice.number}.pdf")

    @extend_schema(methods=["get"], responses={(200, "image/*"): OpenApiTypes.BINARY})
    @extend_schema(methods=["post"], request=serializers.PhotoSerializer, responses=serializers.NoticeSerializer)
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser])
    def photo(self, request, pk=None):
        """The photo of the notice as posted (404 until one is attached); POST attaches one (multipart ``photo``)."""
        notice = self.get_object()
        if request.method == "GET":
            found = selectors.notice_photo(request.user, notice.pk)
            if found is None:
                raise exceptions.NotFound()
            response = HttpResponse(bytes(found.photo_content), content_type=found.photo_type)
            response["X-Content-Type-Options"] = "nosniff"
            return attachment(response, found.photo_name)
        params = serializers.PhotoSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        services.notice_attach_photo(
            notice,
            photo=params.validated_data["photo"],
            acting_user=request.user,
            reason=change_reason(request, "attach notice photo"),
        )
        return Response(self._fresh(notice))

    @extend_schema(methods=["post"], request=serializers.ObjectionSerializer, responses=serializers.ObjectionSerializer)
    @extend_schema(methods=["get"], responses=serializers.ObjectionSerializer(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def objections(self, request, pk=None):
        """The objections raised against persons on this notice; POST records one."""
        notice = self.get_object()
        if request.method == "GET":
            rows = selectors.notice_objections(notice)
            return Response(serializers.ObjectionSerializer(rows, many=True).data)
        params = serializers.ObjectionSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        objection = services.objection_record(
            notice,
            acting_user=request.user,
            reason=change_reason(request, "record objection"),
            **params.validated_data,
        )
        return Response(serializers.ObjectionSerializer(objection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=serializers.DecideSerializer, responses=serializers.ObjectionSerializer)
    @action(detail=True, methods=["post"], url_path=r"objections/(?P<objection_id>\d+)/decide")
    def decide(self, request, pk=None, objection_id=None):
        """Decide an objection: ``upheld`` true takes the person off the list and blocks their first grant."""
        notice = self.get_object()
        objection = get_object_or_404(Objection, pk=objection_id, notice=notice)
        params = serializers.DecideSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        objection = services.objection_decide(
            objection,
            acting_user=request.user,
            reason=change_reason(request, "decide objection"),
            **params.validated_data,
        )
        return Response(serializers.ObjectionSerializer(objection).data)

    @extend_schema(
        parameters=[serializers.CandidateQuerySerializer], responses=serializers.CandidateSerializer(many=True)
    )
    @action(detail=False, methods=["get"])
    def candidates(self, request):
        """Who may be put on a notice of the unit ``org``: new household-file members and first-time aid recipients."""
        params = serializers.CandidateQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        code = params.validated_data.get("org") or getattr(request.user.organisation, "code", None)
        organisation = get_object_or_404(scoped(Organisation.objects.all(), request.user), code=code)
        since = params.validated_data.get("since")
        rows = selectors.candidates_for(request.user, organisation, since=since)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(serializers.CandidateSerializer(page, many=True).data)
