"""The API's list pages: numbered pages by default, a cursor for walking a whole subtree.

* ``?page=N`` (the default, as before): ``count``, ``next``, ``previous``, ``results``.
  On a large list ``count`` is the database's estimate and ``count_estimated`` is true
  (``casework.paging``); a deep page costs its offset over the primary key.
* ``?cursor=`` (empty to start, then follow ``next``): pages by key in ``id`` order, with
  no ``count``; each page costs the same at any depth. For scripts that read every record
  of a unit (exports, synchronisation). ``?ordering=`` does not apply to a cursor walk.

Both take ``?page_size=`` (at most 500).
"""

from collections import OrderedDict

from rest_framework import pagination
from rest_framework.response import Response

from casework.paging import ListPaginator

MAX_PAGE_SIZE = 500
CURSOR_HELP = "游标分页：首次传空值（?cursor=），之后沿 next 翻页；按 id 排序，不返回总数。"


class IdCursorPagination(pagination.CursorPagination):
    ordering = ("id",)
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_ordering(self, request, queryset, view):
        return self.ordering


class PageNumberPagination(pagination.PageNumberPagination):
    django_paginator_class = ListPaginator
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    cursor = None  # the cursor paginator of this request, when it asked for ``?cursor=``

    def paginate_queryset(self, queryset, request, view=None):
        if IdCursorPagination.cursor_query_param in request.query_params:
            self.cursor = IdCursorPagination()
            self.cursor.page_size = self.page_size
            rows = self.cursor.paginate_queryset(queryset, request, view)
            self.display_page_controls = self.cursor.display_page_controls
            return rows
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        if self.cursor is not None:
            return self.cursor.get_paginated_response(data)
        return Response(
            OrderedDict(
                [
                    ("count", self.page.paginator.count),
                    ("count_estimated", self.page.paginator.estimated),
                    ("next", self.get_next_link()),
                    ("previous", self.get_previous_link()),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        properties["count"]["description"] = "总条数；count_estimated 为 true 时为估计值。游标分页（?cursor=）不返回。"
        properties["count_estimated"] = {
            "type": "boolean",
            "description": "count 是数据库的估计值（大列表）。游标分页不返回。",
        }
        properties["next"]["description"] = "下一页的地址（页码或游标）。"
        described["required"] = ["results"]
        return {"type": "object", **{k: v for k, v in described.items() if k != "type"}, "properties": properties}

    def get_schema_operation_parameters(self, view):
        cursor = IdCursorPagination().get_schema_operation_parameters(view)
        for parameter in cursor:
            if parameter["name"] == IdCursorPagination.cursor_query_param:
                parameter["description"] = CURSOR_HELP
        names = {p["name"] for p in super().get_schema_operation_parameters(view)}
        return super().get_schema_operation_parameters(view) + [p for p in cursor if p["name"] not in names]

    def to_html(self):
        return self.cursor.to_html() if self.cursor is not None else super().to_html()
