"""Numbered pages that stay fast on lists of millions: an estimated total, and deep pages by key.

At 10^6 persons an exact ``COUNT(*)`` over a province reads every row of it, and so does
the ``OFFSET`` of a deep page (``docs/benchmarks.md``, finding 5). :class:`ListPaginator`
is Django's paginator with two changes, used by the web lists (``casework.listing``, the file
search) and by the API's numbered pages (``casework.api.pagination``):

* **The total** is the planner's estimate when that estimate is large (PostgreSQL's
  ``EXPLAIN`` of the list's own query, above :data:`ESTIMATE_ABOVE` rows); the pager then
  says "约 N 条". Smaller lists, and every list on SQLite, are counted exactly. When a page
  reaches the real end of the list, the total becomes exact.
* **A capped count** for lists whose query the planner cannot estimate (the notice builder's
  eligibility conditions): ``count_limit=N`` counts at most N + 1 rows, in the list's own order, so
  the database stops after them; a longer list reads "N 条以上" (``at_least``) until a page reaches
  its real end.
* **A short first page** is the whole list: asked for the first page, the paginator reads its rows
  first, and when they are fewer than a page it knows the total without counting (no ``EXPLAIN``, no
  ``COUNT``: a search that finds a few files reads them once, not three times).
* **A deep page** (from row :data:`DEEP_FROM` on) first takes the primary keys of its rows
  (``OFFSET`` over the key alone, no joined columns, no wide rows), then reads those rows.

Machine clients that walk a whole subtree use the API's cursor instead (``?cursor=``),
whose cost does not grow with the depth.
"""

import json

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

ESTIMATE_ABOVE = 20_000
DEEP_FROM = 1_000


def planner_estimate(queryset):
    """The number of rows PostgreSQL expects ``queryset`` to give (``EXPLAIN``), or ``None`` elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().query.sql_with_params()
    except Exception:  # an empty result (EmptyResultSet) or a query that cannot be explained alone
        return None
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class ListPaginator(Paginator):
    """Django's paginator with an estimated total for large lists and deep pages by key (see the module)."""

    estimated = False
    at_least = False  # the total is a lower bound: the count stopped at ``count_limit``

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, count_limit=None):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.count_limit = count_limit

    @property
    def count(self):
        if "_count" not in self.__dict__:
            self._count = self._first_count()
        return self._count

    def _first_count(self):
        if self.count_limit is not None and isinstance(self.object_list, QuerySet):
            counted = self.object_list[: self.count_limit + 1].count()  # ordered and limited: stops early
            if counted > self.count_limit:
                self.estimated = self.at_least = True
                return self.count_limit
            return counted
        if isinstance(self.object_list, QuerySet):
            estimate = planner_estimate(self.object_list)
            if estimate is not None and estimate > ESTIMATE_ABOVE:
                self.estimated = True
                return estimate
        return Paginator.count.func(self)

    def _set_count(self, count, estimated):
        self._count, self.estimated = count, estimated
        self.at_least = self.at_least and estimated
        self.__dict__.pop("num_pages", None)
        self.__dict__.pop("page_range", None)

    def validate_number(self, number):
        if not self.count or not self.estimated:
            return super().validate_number(number)
        # Past an estimated end the page itself finds where the list really ends.
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(_("页码不是整数")) from None
        if number < 1:
            raise EmptyPage(_("页码小于 1"))
        return number

    def get_page(self, number):
        page = self._short_first_page(number)
        return super().get_page(number) if page is None else page

    def _short_first_page(self, number):
        """The first page, when it was asked for and holds the whole list (counted by its rows); else None."""
        if "_count" in self.__dict__ or self.orphans or not isinstance(self.object_list, QuerySet):
            return None
        try:
            if int(number or 1) != 1:
                return None
        except (TypeError, ValueError):
            return None
        rows = list(self.object_list[: self.per_page])
        if len(rows) == self.per_page or not (rows or self.allow_empty_first_page):
            self._first_rows = rows  # a full page: counted as usual, and its rows not read again
            return None
        self._set_count(len(rows), estimated=False)
        return self._get_page(rows, 1, self)

    def _rows(self, bottom, top):
        first = getattr(self, "_first_rows", None)
        if first is not None and bottom == 0 and top == len(first):
            return first
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or bottom < DEEP_FROM:
            return list(queryset[bottom:top])
        keys = list(queryset.values_list("pk", flat=True)[bottom:top])
        found = {row.pk: row for row in queryset.filter(pk__in=keys)}
        return [found[key] for key in keys if key in found]

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if not self.estimated and top + self.orphans >= self.count:
            top = self.count
        rows = self._rows(bottom, top)
        if self.estimated:
            if len(rows) < self.per_page and (rows or number == 1):
                self._set_count(bottom + len(rows), estimated=False)  # the real end, reached
            elif not rows:
                self._set_count(Paginator.count.func(self), estimated=False)  # past it: count, show the last
                return self.page(self.num_pages)
            elif top >= self.count:
                self._set_count(top + 1, estimated=True)  # the estimate fell short: there is a next page
        return self._get_page(rows, number, self)
