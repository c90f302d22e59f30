"""Local media with HTTP Range, so browsers can seek in section audio.

Django's static serve and whitenoise do not answer Range requests for uploaded
media, so this small view does: one byte range per request (206), 416 when
the range lies past the end, and the whole file (200) for anything else.
"""

import os
import re
import stat
import sys
from pathlib import PurePosixPath

from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import content_disposition_header, http_date, parse_http_date_safe
from django.views.decorators.http import require_safe

# Served inline as themselves; anything else is a download of opaque bytes, never HTML.
CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "audio/mp4",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}
OPAQUE = "application/octet-stream"
CHUNK = 64 * 1024
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")


class Unsatisfiable(Exception):
    pass


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(PurePosixPath(name).suffix.lower(), OPAQUE)


def _position(digits: str) -> int:
    """A byte position. More digits than any file has bytes count as past every end
    (int() refuses thousands of digits)."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) <= 18 else sys.maxsize


def requested_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) byte of a single satisfiable range, or None to send it all.

    Malformed headers and multi-range requests get the whole file, as RFC 9110 allows.
    """
    match = RANGE_RE.match(header.replace(" ", ""))
    if not match or match.groups() == ("", ""):
        return None
    first, last = (_position(group) if group else None for group in match.groups())
    if first is None:  # suffix range: the last N bytes
        if last == 0 or size == 0:
            raise Unsatisfiable
        return max(size - last, 0), size - 1
    if last is not None and last < first:
        return None  # an invalid range is ignored
    if first >= size:
        raise Unsatisfiable
    return first, size - 1 if last is None else min(last, size - 1)


def _read(path, start, length):
    with open(path, "rb") as file:
        file.seek(start)
        while length > 0:
            chunk = file.read(min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def _if_range_matches(request, etag, last_modified):
    value = request.headers.get("If-Range")
    if value is None:
        return True
    if value.startswith('"'):
        return value == etag
    return parse_http_date_safe(value) == last_modified


@require_safe
def serve_media(request, path):
    try:
        full_path = default_storage.path(path)
        info = os.stat(full_path)
    except (SuspiciousFileOperation, NotImplementedError, OSError, ValueError) as exc:
        raise Http404("No such file.") from exc
    if not stat.S_ISREG(info.st_mode):
        raise Http404("No such file.")

    size = info.st_size
    last_modified = int(info.st_mtime)
    etag = f'"{info.st_mtime_ns:x}-{size:x}"'
    content_type = content_type_for(full_path)
    as_attachment = content_type == OPAQUE or request.GET.get("download") == "1"

    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        byte_range = None
        range_header = request.headers.get("Range")
        try:
            if range_header and _if_range_matches(request, etag, last_modified):
                byte_range = requested_range(range_header, size)
        except Unsatisfiable:
            response = HttpResponse(status=416, content_type="text/plain")
            response.headers["Content-Range"] = f"bytes */{size}"
        else:
            first, last = byte_range or (0, size - 1)
            length = last - first + 1 if size else 0
            status = 206 if byte_range else 200
            if request.method == "HEAD":
                response = HttpResponse(status=status, content_type=content_type)
            elif byte_range:
                response = StreamingHttpResponse(
                    _read(full_path, first, length), status=206, content_type=content_type
                )
            else:
                response = FileResponse(open(full_path, "rb"), content_type=content_type)  # noqa: SIM115
            response.headers["Content-Length"] = str(length)
            if byte_range:
                response.headers["Content-Range"] = f"bytes {first}-{last}/{size}"
            response.headers["Content-Disposition"] = content_disposition_header(
                as_attachment, os.path.basename(full_path)
            )
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(last_modified)
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Should an uploaded file ever be opened as a page, it runs nothing and has no origin.
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
