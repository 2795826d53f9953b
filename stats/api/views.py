"""Statistics API: thin views over :mod:`stats.selectors` and :mod:`stats.services`."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api.base import change_reason
from casework.exports import attachment
from casework.permissions import IsScopedUser, IsStatisticsOfficer
from stats import outputs, selectors, services, submissions
from stats.api import serializers
from stats.engine import ReturnResult


def _params(serializer_class, request):
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _download(result, kind, preparer="", phone=""):
    if kind == "xlsx":
        name = f"return-{result.attachment.number}-{result.year}-{result.organisation['code']}"
        response = HttpResponse(
            outputs.as_xlsx(result, preparer, phone),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        return attachment(response, f"{name}.xlsx")
    return HttpResponse(outputs.as_html(result, preparer, phone), content_type="text/html; charset=utf-8")


class ReturnView(APIView):
    """A statistics return (JSON), or its XLSX / print-view HTML with ``download=xlsx|html``."""

    @extend_schema(
        parameters=[serializers.ReturnQuerySerializer], responses={200: OpenApiResponse(description="return")}
    )
    def get(self, request):
        params = _params(serializers.ReturnQuerySerializer, request)
        result = selectors.return_for(
            request.user,
            attachment=params["attachment"],
            year=params["year"],
            org_code=params["org"],
            cutoff=params.get("cutoff"),
            as_of=params.get("as_recorded_at"),
        )
        if params.get("download"):
            return _download(result, params["download"])
        return Response(result.as_dict())


class DrilldownView(APIView):
    """The records and persons a cell counts, limited to what the user may see."""

    @extend_schema(
        parameters=[serializers.DrilldownQuerySerializer], responses={200: OpenApiResponse(description="drill-down")}
    )
    def get(self, request):
        params = _params(serializers.DrilldownQuerySerializer, request)
        return Response(
            selectors.cell_drilldown(
                request.user,
                attachment=params["attachment"],
                year=params["year"],
                org_code=params["org"],
                key=params["cell"],
                cutoff=params.get("cutoff"),
                limit=params["limit"],
            )
        )


class IndicatorsView(APIView):
    """The notice's indicators (certificate shares, re-employment, graduate assistance plans and employment)."""

    @extend_schema(
        parameters=[serializers.YearOrgQuerySerializer], responses={200: OpenApiResponse(description="indicators")}
    )
    def get(self, request):
        params = _params(serializers.YearOrgQuerySerializer, request)
        return Response(
            selectors.indicators_for(
                request.user, year=params["year"], org_code=params["org"], cutoff=params.get("cutoff")
            )
        )


class DeadlinesView(APIView):
    """The notice's reporting deadlines for a unit and its direct subordinates: on time, late, missing."""

    @extend_schema(
        parameters=[serializers.YearOrgQuerySerializer], responses={200: OpenApiResponse(description="deadlines")}
    )
    def get(self, request):
        params = _params(serializers.YearOrgQuerySerializer, request)
        return Response(selectors.deadlines_for(request.user, year=params["year"], org_code=params["org"]))


class ReturnFilingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Filed returns of the user's subtree. Statistics officers and administrators file; nobody edits."""

    serializer_class = serializers.ReturnFilingSerializer

    def get_queryset(self):
        return selectors.filings_for(self.request.user, self.request.query_params)

    def get_permissions(self):
        if self.action == "create":
            return [IsStatisticsOfficer()]
        return [IsScopedUser()]

    @extend_schema(
        request=serializers.ReturnFilingCreateSerializer, responses={201: serializers.ReturnFilingSerializer}
    )
    def create(self, request):
        params = serializers.ReturnFilingCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        filing = services.return_file(
            organisation=selectors.organisation_by_code(data["org"]),
            attachment=data["attachment"],
            year=data["year"],
            cutoff=data.get("cutoff"),
            preparer=data["preparer"],
            phone=data["phone"],
            acting_user=request.user,
            reason=change_reason(request, "API file return"),
        )
        return Response(self.get_serializer(filing).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: OpenApiResponse(description="difference report")})
    @action(detail=True, methods=["get"])
    def difference(self, request, pk=None):
        """Cell by cell, the filed figure against today's, and the records changed since filing."""
        return Response(selectors.filing_difference(request.user, self.get_object()))

    @extend_schema(
        parameters=[serializers.FilingExportQuerySerializer],
        responses={200: OpenApiResponse(description="XLSX or print-view HTML")},
    )
    @action(detail=True, methods=["get"])
    def export(self, request, pk=None):
        """The filed figures as XLSX or print-view HTML (``?as=xlsx|html``), with the filing's preparer and phone."""
        filing = self.get_object()
        params = _params(serializers.FilingExportQuerySerializer, request)
        return _download(ReturnResult.from_figures(filing.figures), params["as"], filing.preparer, filing.phone)

    @extend_schema(responses={200: OpenApiResponse(description="reproduction")})
    @action(detail=True, methods=["get"])
    def reproduction(self, request, pk=None):
        """The return recomputed from the records as of ``filed_at``, and whether its hash matches."""
        filing = self.get_object()
        figures = selectors.filing_reproduction(filing).as_dict()
        recomputed = services.content_hash(figures)
        return Response(
            {
                "content_hash": filing.content_hash,
                "recomputed_hash": recomputed,
                "matches": recomputed == filing.content_hash,
                "figures": figures,
            }
        )


class ReturnSubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Returns submitted (上报) to the unit above, every version, in the user's subtree.

    Statistics officers and administrators submit their own unit's return, accept or return (退回)
    their direct subordinates' and set their deadline; every user in scope reads.
    """

    serializer_class = serializers.ReturnSubmissionSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return selectors.submissions_for(self.request.user, self.request.query_params)

    def get_permissions(self):
        if self.action in ("create", "accept", "send_back", "deadline"):
            return [IsStatisticsOfficer()]
        return [IsScopedUser()]

    @extend_schema(request=serializers.ReturnSubmitSerializer, responses={201: serializers.ReturnSubmissionSerializer})
    def create(self, request):
        params = serializers.ReturnSubmitSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        submission = submissions.return_submit(
            organisation=selectors.organisation_by_code(data["org"]),
            attachment=data["attachment"],
            year=data["year"],
            cutoff=data.get("cutoff"),
            preparer=data["preparer"],
            phone=data["phone"],
            summary=data["summary"],
            note=data["note"],
            acting_user=request.user,
            reason=change_reason(request, "API submit return"),
        )
        return Response(self.get_serializer(submission).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=serializers.SubmissionDecisionSerializer, responses={200: serializers.ReturnSubmissionSerializer}
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The unit directly above accepts the submission."""
        params = serializers.SubmissionDecisionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        submission = submissions.return_accept(
            submission=self.get_object(),
            comment=params.validated_data["comment"],
            acting_user=request.user,
            reason=change_reason(request, "API accept return"),
        )
        return Response(self.get_serializer(submission).data)

    @extend_schema(
        request=serializers.SubmissionDecisionSerializer, responses={200: serializers.ReturnSubmissionSerializer}
    )
    @action(detail=True, methods=["post"], url_path="send-back")
    def send_back(self, request, pk=None):
        """The unit directly above returns (退回) the submission; ``comment`` is required."""
        params = serializers.SubmissionDecisionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        submission = submissions.return_send_back(
            submission=self.get_object(),
            comment=params.validated_data["comment"],
            acting_user=request.user,
            reason=change_reason(request, "API return to unit"),
        )
        return Response(self.get_serializer(submission).data)

    @extend_schema(responses={200: OpenApiResponse(description="the written summary file")})
    @action(detail=True, methods=["get"])
    def summary(self, request, pk=None):
        """The written summary handed in with the submission."""
        submission = self.get_object()
        response = HttpResponse(bytes(submission.summary_content), content_type=submission.summary_type)
        response["Content-Disposition"] = content_disposition_header(True, submission.summary_name)
        return response

    @extend_schema(
        parameters=[serializers.SubmissionBoardQuerySerializer],
        responses={200: OpenApiResponse(description="board")},
    )
    @action(detail=False, methods=["get"])
    def board(self, request):
        """A unit's own submission and its direct subordinates': not started, submitted, returned,
        accepted or late, against the deadline for the level."""
        params = _params(serializers.SubmissionBoardQuerySerializer, request)
        return Response(
            selectors.submission_board(
                request.user,
                org_code=params["org"],
                attachment=params["attachment"],
                year=params["year"],
                cutoff=params.get("cutoff"),
            )
        )

    @extend_schema(request=serializers.DeadlineSetSerializer, responses={200: OpenApiResponse(description="deadline")})
    @action(detail=False, methods=["post"])
    def deadline(self, request):
        """The unit sets the date by which its direct subordinates submit this return."""
        params = serializers.DeadlineSetSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        deadline = submissions.deadline_set(
            organisation=selectors.organisation_by_code(data["org"]),
            attachment=data["attachment"],
            year=data["year"],
            cutoff=data.get("cutoff"),
            due=data["due"],
            acting_user=request.user,
            reason=change_reason(request, "API set deadline"),
        )
        return Response(
            {
                "org": deadline.organisation.code,
                "attachment": deadline.attachment,
                "year": deadline.year,
                "cutoff": deadline.cutoff.isoformat(),
                "due": deadline.due.isoformat(),
            }
        )
