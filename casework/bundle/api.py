"""``POST /api/v1/bundles/import/``: the bundle importer through the API, within the user's subtree."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from casework.api.base import change_reason
from casework.bundle.importer import import_bundle
from casework.bundle.limits import LimitedJSONParser
from casework.permissions import IsScopedUser


class BundleImportView(APIView):
    """Import a case bundle (the JSON body) all or nothing; ``?dry_run=1`` checks without writing.

    The report is the command's: every refusal with its path. Records whose unit
    lies outside the user's subtree are refused like any other problem. A body
    over ``BUNDLE_UPLOAD_MAX_BYTES`` (the import page's limit too) is refused with 400.
    """

    permission_classes = [IsScopedUser]
    parser_classes = [LimitedJSONParser]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
        parameters=[OpenApiParameter("dry_run", OpenApiTypes.BOOL, description="check only, write nothing")],
    )
    def post(self, request):
        dry_run = str(request.query_params.get("dry_run", "")).lower() in {"1", "true", "yes"}
        result = import_bundle(
            request.data,
            acting_user=request.user,
            reason=change_reason(request, "bundle import api"),
            dry_run=dry_run,
        )
        return Response(result.as_dict(), status=status.HTTP_200_OK if result.ok else status.HTTP_400_BAD_REQUEST)
