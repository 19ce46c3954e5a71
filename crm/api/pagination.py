from rest_framework.pagination import CursorPagination


class KeysetPagination(CursorPagination):
    """Keyset pagination: each page is one indexed range query, however deep the client goes.

    Answers {"next", "previous", "results"}; a client follows `next` until it is null.
    """

    ordering = "id"
    page_size_query_param = "page_size"
    max_page_size = 200
