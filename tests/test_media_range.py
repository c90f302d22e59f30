"""Local media answers HTTP Range requests so browsers can seek in section audio."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from courses.views.media import requested_range

DATA = bytes(range(256)) * 8  # 2048 bytes, every offset distinguishable
SIZE = len(DATA)
HUGE = "9" * 5000  # more digits than int() accepts from a string


@pytest.fixture
def audio_url():
    name = default_storage.save("audio/2025/01/talk.mp3", ContentFile(DATA))
    return f"/media/{name}"


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_without_range_the_whole_file_is_streamed(client, audio_url):
    response = client.get(audio_url)

    assert response.status_code == 200
    assert response.streaming
    assert body(response) == DATA
    assert response["Content-Length"] == str(SIZE)
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/mpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Content-Range" not in response


def test_a_byte_range_is_206_with_content_range(client, audio_url):
    response = client.get(audio_url, headers={"Range": "bytes=100-199"})

    assert response.status_code == 206
    assert body(response) == DATA[100:200]
    assert response["Content-Range"] == f"bytes 100-199/{SIZE}"
    assert response["Content-Length"] == "100"
    assert response["Content-Type"] == "audio/mpeg"
    assert response["Accept-Ranges"] == "bytes"


def test_an_open_range_runs_to_the_end(client, audio_url):
    response = client.get(audio_url, headers={"Range": "bytes=2000-"})

    assert response.status_code == 206
    assert body(response) == DATA[2000:]
    assert response["Content-Range"] == f"bytes 2000-{SIZE - 1}/{SIZE}"
    assert response["Content-Length"] == str(SIZE - 2000)


def test_a_suffix_range_is_the_last_bytes(client, audio_url):
    response = client.get(audio_url, headers={"Range": "bytes=-500"})

    assert response.status_code == 206
    assert body(response) == DATA[-500:]
    assert response["Content-Range"] == f"bytes {SIZE - 500}-{SIZE - 1}/{SIZE}"


def test_a_range_past_the_end_is_clamped(client, audio_url):
    response = client.get(audio_url, headers={"Range": "bytes=2040-999999"})

    assert response.status_code == 206
    assert body(response) == DATA[2040:]
    assert response["Content-Range"] == f"bytes 2040-{SIZE - 1}/{SIZE}"


@pytest.mark.parametrize("header", ["bytes=-99999", f"bytes=-{HUGE}", f"bytes=0-{HUGE}"])
def test_a_range_longer_than_the_file_is_the_whole_file(client, audio_url, header):
    response = client.get(audio_url, headers={"Range": header})

    assert response.status_code == 206
    assert body(response) == DATA
    assert response["Content-Range"] == f"bytes 0-{SIZE - 1}/{SIZE}"


@pytest.mark.parametrize(
    "header",
    [f"bytes={SIZE}-", "bytes=5000-6000", "bytes=-0", f"bytes={HUGE}-", f"bytes={HUGE}-{HUGE}"],
)
def test_an_unsatisfiable_range_is_416(client, audio_url, header):
    response = client.get(audio_url, headers={"Range": header})

    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert response["Accept-Ranges"] == "bytes"
    assert not response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "header",
    ["bytes=0-9,20-29", "bytes=abc", "items=0-9", "bytes=-", "bytes=9-3", "bytes 0-9"],
)
def test_malformed_or_multiple_ranges_get_the_whole_file(client, audio_url, header):
    response = client.get(audio_url, headers={"Range": header})

    assert response.status_code == 200
    assert body(response) == DATA
    assert "Content-Range" not in response


def test_head_sends_headers_without_body(client, audio_url):
    response = client.head(audio_url)

    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Length"] == str(SIZE)
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "audio/mpeg"


def test_head_with_range(client, audio_url):
    response = client.head(audio_url, headers={"Range": "bytes=0-9"})

    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-9/{SIZE}"
    assert response["Content-Length"] == "10"


def test_post_is_not_allowed(client, audio_url):
    assert client.post(audio_url).status_code == 405


def test_download_asks_for_an_attachment(client, audio_url):
    response = client.get(audio_url + "?download=1")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="talk.mp3"'


def test_audio_plays_inline_by_default(client, audio_url):
    assert client.get(audio_url)["Content-Disposition"].startswith("inline")


def test_etag_and_if_none_match_give_304(client, audio_url):
    first = client.get(audio_url)
    etag = first["ETag"]

    again = client.get(audio_url, headers={"If-None-Match": etag})

    assert etag
    assert first["Last-Modified"]
    assert again.status_code == 304
    assert again.content == b""


def test_if_range_with_a_stale_etag_sends_the_whole_file(client, audio_url):
    response = client.get(audio_url, headers={"Range": "bytes=0-9", "If-Range": '"stale"'})

    assert response.status_code == 200
    assert body(response) == DATA


def test_if_range_with_the_current_etag_sends_the_range(client, audio_url):
    etag = client.head(audio_url)["ETag"]

    response = client.get(audio_url, headers={"Range": "bytes=0-9", "If-Range": etag})

    assert response.status_code == 206
    assert body(response) == DATA[:10]


@pytest.mark.parametrize(
    "path",
    [
        "/media/../ceapp/settings.py",
        "/media/audio/../../manage.py",
        "/media/%2e%2e/ceapp/settings.py",
        "/media//etc/passwd",
        "/media/audio/",
        "/media/audio/2025/01/missing.mp3",
    ],
)
def test_traversal_directories_and_missing_files_are_404(client, audio_url, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("a.mp3", "audio/mpeg"),
        ("a.m4a", "audio/mp4"),
        ("a.ogg", "audio/ogg"),
        ("a.png", "image/png"),
        ("a.JPG", "image/jpeg"),
        ("a.pdf", "application/pdf"),
    ],
)
def test_allowlisted_types_are_served_as_themselves(client, name, content_type):
    default_storage.save(f"files/{name}", ContentFile(b"data"))

    response = client.get(f"/media/files/{name}")

    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize("name", ["page.html", "page.htm", "image.svg", "notes.txt", "noext"])
def test_other_types_are_opaque_downloads_never_html(client, name):
    default_storage.save(f"files/{name}", ContentFile(b"<script>alert(1)</script>"))

    response = client.get(f"/media/files/{name}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_empty_file_is_served_empty(client):
    default_storage.save("files/empty.mp3", ContentFile(b""))

    response = client.get("/media/files/empty.mp3")

    assert response.status_code == 200
    assert response["Content-Length"] == "0"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-0", (0, 0)),
        ("bytes=0-", (0, 9)),
        ("bytes=-1", (9, 9)),
        ("bytes = 2 - 4", (2, 4)),
        ("bytes=3-2", None),
        ("bytes=0003-0004", (3, 4)),
        ("bytes=1-2,4-5", None),
        ("", None),
    ],
)
def test_requested_range_parsing(header, expected):
    assert requested_range(header, 10) == expected
