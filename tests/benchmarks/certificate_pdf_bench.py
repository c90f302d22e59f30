"""Certificate PDF render time and size over 200 certificates.

    .venv/bin/python tests/benchmarks/certificate_pdf_bench.py [--count 200]

Sets up Django itself on a throwaway SQLite database and media folder, issues the
certificates (with a provider signature and logo, four approval statements and two
authors, as a real certificate has), then times certificate_pdf_render alone.
Targets: median under 30 ms and under 100 KB.
"""

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TMP = Path(tempfile.mkdtemp(prefix="certificate-bench-"))
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "ceapp.settings"
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'bench.sqlite3'}"
os.environ["MEDIA_ROOT"] = str(TMP / "media")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from courses.models import Certificate, ProviderSettings  # noqa: E402
from courses.pdf.certificate import certificate_pdf_render  # noqa: E402
from courses.services.certificates import certificate_issue  # noqa: E402
from tests.factories import (  # noqa: E402
    ApprovalFactory,
    AuthorFactory,
    CompletedEnrollmentFactory,
    CourseFactory,
    UserFactory,
)

TARGET_MS, TARGET_KB = 30, 100


def _png(size, draw):
    image = Image.new("RGBA", size, (255, 255, 255, 0))
    draw(ImageDraw.Draw(image))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("image.png", buffer.getvalue())


def _setup(count):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", verbosity=0)
    provider = ProviderSettings.load()
    provider.administrator_name = "Jordan Ellis, PsyD"
    provider.signature_image = _png(
        (600, 150), lambda d: d.line([(20, 120), (200, 30), (380, 110), (580, 40)], "navy", 6)
    )
    provider.logo = _png((400, 160), lambda d: d.rectangle([10, 10, 390, 150], "#1d3557"))
    provider.save()
    courses = []
    for n in range(4):
        course = CourseFactory(
            title=f"Power in the Helping Relationship, part {n + 1}: Ethics and Boundaries",
            ce_hours=Decimal("3.00"),
            authors=[AuthorFactory(credentials="PhD"), AuthorFactory(credentials="LCSW")],
        )
        for board in ("APA", "ASWB ACE", "CA BBS", "NBCC"):
            ApprovalFactory(
                course=course,
                body_name=board,
                body_abbreviation="",
                statement_template="{provider_name} is approved by " + board + " to sponsor "
                "continuing education. The provider maintains responsibility for this "
                "program and its content. Regulatory boards are the final authority on "
                "courses accepted for continuing education credit.",
            )
        courses.append(course)
    for n in range(count):
        learner = UserFactory()
        certificate_issue(
            enrollment=CompletedEnrollmentFactory(course=courses[n % 4], learner=learner)
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    count = parser.parse_args().count
    _setup(count)
    certificates = list(Certificate.objects.select_related("reissue_of"))
    certificate_pdf_render(certificates[0])  # fonts load once per process, not per render
    times, cpu_times, sizes = [], [], []
    for certificate in certificates:
        start, start_cpu = time.perf_counter(), time.process_time()
        data = certificate_pdf_render(certificate)
        times.append((time.perf_counter() - start) * 1000)
        cpu_times.append((time.process_time() - start_cpu) * 1000)
        sizes.append(len(data) / 1024)
    median_ms, median_kb = statistics.median(times), statistics.median(sizes)
    print(f"certificates rendered: {len(certificates)}")
    print(
        f"render time ms: median {median_ms:.1f}, p95 {sorted(times)[int(len(times) * 0.95)]:.1f}"
        f", max {max(times):.1f}  (target < {TARGET_MS})"
    )
    # CPU time is what a render costs a worker; wall time also counts waiting for a
    # busy machine's cores.
    print(f"render CPU time ms: median {statistics.median(cpu_times):.1f}")
    print(f"size KB: median {median_kb:.1f}, max {max(sizes):.1f}  (target < {TARGET_KB})")
    ok = median_ms < TARGET_MS and median_kb < TARGET_KB
    print("within targets" if ok else "OVER TARGET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
