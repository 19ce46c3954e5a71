"""The one API error handler: every refusal and bad input becomes a clear JSON answer."""

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from crm.platform.errors import ConcurrentChange, SharedRecordsOwned, StaleVersion


def api_exception_handler(exc, context):
    if isinstance(exc, StaleVersion):
        return Response({"detail": str(exc), "version": exc.current_version}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, SharedRecordsOwned):
        owned = [
            {"type": record.kind, "id": record.id, "label": record.label, "owner": record.owner_id}
            for record in exc.records
        ]
        return Response({"detail": str(exc), "owned": owned}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, ConcurrentChange):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, IntegrityError):
        # A concurrent write won a race on a unique row; the client may retry.
        return Response(
            {"detail": "This change conflicts with another one made at the same time; try again."},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, ObjectDoesNotExist):
        exc = NotFound()
    return exception_handler(exc, context)
