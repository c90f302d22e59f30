"""Section audio: what we accept, judged by the file's content, never by its name.

A file is sniffed by its magic bytes (filetype) and then parsed (mutagen), which
also gives the duration. Accepted: MP3, M4A (AAC in MP4) and Ogg (Vorbis or Opus).
"""

import contextlib
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import slugify
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4
from mutagen.oggopus import OggOpus
from mutagen.oggvorbis import OggVorbis

ACCEPTED = "MP3, M4A (AAC) or Ogg (Vorbis or Opus) audio"
# For the upload widget only; the server never trusts it.
ACCEPT_ATTR = "audio/mpeg,audio/mp4,audio/ogg,.mp3,.m4a,.ogg,.opus"

# Sniffed MIME type -> (label, mutagen parsers to try, stored extension).
_PARSERS = {
    "audio/mpeg": ("MP3", (MP3,), "mp3"),
    "audio/mp4": ("M4A", (MP4,), "m4a"),
    "video/mp4": ("M4A", (MP4,), "m4a"),  # MP4 container with the generic 'isom' brand
    "audio/ogg": ("Ogg", (OggVorbis, OggOpus), "ogg"),
}


@dataclass(frozen=True)
class AudioInfo:
    kind: str
    extension: str
    duration: float


def read_audio(file) -> AudioInfo:
    """Check an audio file and read its duration; raise ValidationError if it is not one."""
    size = file.size
    if not size:
        raise ValidationError("The audio file is empty.", code="audio_empty")
    if size > settings.AUDIO_MAX_BYTES:
        raise ValidationError(
            f"The audio file is {filesizeformat(size)}; the limit is "
            f"{filesizeformat(settings.AUDIO_MAX_BYTES)}.",
            code="audio_too_big",
        )
    file.seek(0)
    sniffed = filetype.guess(file.read(262))
    if sniffed is None or sniffed.mime not in _PARSERS:
        found = f" (its content is {sniffed.mime})" if sniffed else ""
        raise ValidationError(
            f"This file is not {ACCEPTED}{found}. The content is checked, not the file name.",
            code="audio_type",
        )
    label, parsers, extension = _PARSERS[sniffed.mime]
    parsed = _parse(parsers, file)
    file.seek(0)
    if parsed is None or (isinstance(parsed, MP4) and not parsed.info.codec.startswith("mp4a")):
        raise ValidationError(
            f"This file starts like {label} but is not readable {ACCEPTED}; it may be damaged.",
            code="audio_unreadable",
        )
    if not parsed.info.length:
        raise ValidationError("The audio file has no playable sound.", code="audio_silent")
    return AudioInfo(kind=label, extension=extension, duration=round(parsed.info.length, 2))


def _parse(parsers, file):
    """The file as read by the first of the parsers that can read it, or None."""
    for parser in parsers:
        file.seek(0)
        # Hostile bytes can break a parser in any way (e.g. IndexError).
        with contextlib.suppress(Exception):
            return parser(file)
    return None


def validate_audio(value):
    """Model-field validator: a new upload must be real audio within the size cap."""
    if not value or getattr(value, "_committed", False):
        return  # already stored, so it was checked when it was uploaded
    read_audio(value)


def audio_upload_to(instance, filename):
    """audio/2025/01/<slugified-name>-<random>.<ext>: no spaces, no guessable clashes."""
    path = Path(filename)
    stem = slugify(path.stem)[:60] or "audio"
    extension = "".join(ch for ch in path.suffix.lower() if ch.isalnum())[:5] or "bin"
    return f"audio/{timezone.now():%Y/%m}/{stem}-{secrets.token_hex(3)}.{extension}"
