from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from crm.platform.paging import BadCursor, keyset_page

NEXT, PREVIOUS = "n", "p"


class KeysetPagination(CursorPagination):
    """Keyset pagination: each page is one indexed range query, however deep the client goes.

    Answers {"next", "previous", "results"}; a client follows `next` until it is null.
    The cursor holds every sort value of the row it starts from, and the ordering (by
    default `id`, or `?ordering=`) always ends with the id, so rows that share a value
    (a name, a status, an empty date) never repeat or go missing at a page boundary.
    Nothing is counted. A cursor that is not one of this list's and ordering's answers 400
    `{"cursor": ["Invalid cursor"]}`.
    """

    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page_size = self.get_page_size(request)
        if not self.page_size:
            return None
        self.base_url = request.build_absolute_uri()
        after, before = self._position(request.query_params.get(self.cursor_query_param))
        try:
            self.page = keyset_page(
                queryset,
                ordering=self.get_ordering(request, queryset, view),
                after=after,
                before=before,
                page_size=self.page_size,
            )
        except BadCursor:
            raise self._bad_cursor() from None
        return self.page.rows

    def _position(self, cursor: str | None) -> tuple[str | None, str | None]:
        if not cursor:
            return None, None
        direction, position = cursor[:1], cursor[1:]
        if direction == NEXT and position:
            return position, None
        if direction == PREVIOUS and position:
            return None, position
        raise self._bad_cursor()

    def _bad_cursor(self) -> ValidationError:
        """400 naming the parameter: a cursor is input like any other (a tampered one never reaches the database)."""
        return ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})

    def get_next_link(self):
        if not self.page.has_next:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, NEXT + self.page.next_cursor)

    def get_previous_link(self):
        if not self.page.has_previous:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, PREVIOUS + self.page.previous_cursor)

    def get_paginated_response(self, data):
        return Response({"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data})

    def get_html_context(self):
        return {"previous_url": self.get_previous_link(), "next_url": self.get_next_link()}
