"""The one size limit of an uploaded case bundle, for the import page and the API (README, "Limits")."""

import io

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError

from casework.api.parsers import JSONParser


def bundle_too_large():
    return _("文件过大（不能超过 %(limit)s MB）。") % {"limit": settings.BUNDLE_UPLOAD_MAX_BYTES // (1024 * 1024)}


class LimitedJSONParser(JSONParser):
    """JSON read only up to ``BUNDLE_UPLOAD_MAX_BYTES``: a larger body is refused before it is parsed
    (then parsed by the API's one JSON parser, which refuses deep nesting and broken JSON in Chinese)."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.BUNDLE_UPLOAD_MAX_BYTES
        body = stream.read(limit + 1)
        if len(body) > limit:
            raise ParseError(bundle_too_large())
        return super().parse(io.BytesIO(body), media_type, parser_context)
