"""The API reads JSON only, no more of it than DATA_UPLOAD_MAX_MEMORY_SIZE, and no deeper than Python can.

Form-encoded and multipart bodies answer 415 (DRF's UnsupportedMediaType). DRF reads a
JSON body from the request stream, which Django's size limit does not guard (it guards
`request.body` and `request.POST`), so the parser checks the declared length first and
answers 413 without reading anything. A body nested too deeply to read (`[` x 100,000)
is bad input (400), not a RecursionError (500).
"""

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import JSONParser


def request_body_too_large_detail() -> str:
    return f"The request body is larger than the API accepts ({settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes)."


class RequestBodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self):
        super().__init__(detail=request_body_too_large_detail())


def declared_length(meta) -> int:
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except (TypeError, ValueError):
        return 0


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request is not None and limit is not None and declared_length(request.META) > limit:
            raise RequestBodyTooLarge()
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
