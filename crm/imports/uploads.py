"""Receiving an import file: streamed to a temporary file on disk, refused as soon as it passes the limit.

The import page installs these upload handlers for its POST only (before the body is read):
`SizeLimitedUpload` counts the file's bytes as they arrive and stops the upload at the first
chunk past `CRM_IMPORT_MAX_BYTES`, before that chunk is written anywhere; Django's
`TemporaryFileUploadHandler` writes the chunks it lets through to a temporary file (never to
memory, whatever the size). A request whose Content-Length already says it is too large is
answered before any of its body is read (crm/imports/views.py).
"""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload, TemporaryFileUploadHandler

# Room for the form's other fields and the multipart boundaries around the file.
FORM_OVERHEAD_BYTES = 64 * 1024


def max_bytes() -> int:
    return settings.CRM_IMPORT_MAX_BYTES


def too_large_message() -> str:
    limit = max_bytes()
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit:,} bytes"
    return f"The file is larger than {size}: split it, or import fewer rows at a time."


def declared_too_large(request) -> bool:
    """The request says (Content-Length) that its body is larger than any accepted upload."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False
    return length > max_bytes() + FORM_OVERHEAD_BYTES


class SizeLimitedUpload(FileUploadHandler):
    """First in the chain: lets a file's chunks through until they pass the limit, then stops the upload."""

    def __init__(self, request=None):
        super().__init__(request)
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > max_bytes():
            self.too_large = True
            # The rest of the body (at most the declared Content-Length, itself bounded) is read and dropped.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None  # the temporary file handler, next in the chain, makes the file


def install(request) -> SizeLimitedUpload:
    """Stream this request's upload to disk with the running limit; call before request.POST or FILES is read."""
    limiter = SizeLimitedUpload(request)
    request.upload_handlers = [limiter, TemporaryFileUploadHandler(request)]
    return limiter
