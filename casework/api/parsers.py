"""The one JSON parser of the API and of the bundle upload page.

DRF's own parser answers a body nested too deep for Python (``[[[[…``) with a
server error (``RecursionError``) and a broken body with an English message; this
one refuses both with a 400 in Chinese.
"""

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type=media_type, parser_context=parser_context)
        except RecursionError:
            raise ParseError(_("JSON 嵌套层数过多，无法读取。")) from None
        except ParseError as error:
            reason = str(error.detail).removeprefix("JSON parse error - ")
            raise ParseError(_("不是有效的 JSON：%(e)s") % {"e": reason}) from None


def parse_json_file(upload):
    """An uploaded JSON file (UTF-8, with or without a byte-order mark), read by the API's parser.

    Raises DRF's ``ParseError`` with a message for the user.
    """
    return JSONParser().parse(upload, parser_context={"encoding": "utf-8-sig"})
