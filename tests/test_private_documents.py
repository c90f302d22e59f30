"""A learner's own documents are never kept by a shared cache or on disk by the browser:
a proxy must not serve one learner's certificate or transcript to another."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import License
from courses.services.renewals import self_reported_credit_create
from tests.factories import (
    CreditTypeFactory,
    EnrollmentFactory,
    QuestionFactory,
    SectionFactory,
    booklet_course,
)
from tests.report_data import certificate_on, graded_attempt


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",")}


@pytest.fixture
def certificate(learner):
    certificate = certificate_on(datetime.date(2026, 3, 2), learner=learner)
    question = QuestionFactory(section=SectionFactory(course=certificate.enrollment.course))
    certificate.attempt = graded_attempt(certificate.enrollment, number=1, answers=[(question, 1)])
    return certificate


@pytest.mark.parametrize(
    "url",
    [
        "/certificates/{code}.pdf",
        "/my-ce/",
        "/my-ce/transcript.pdf",
        "/my-ce/transcript.csv",
        "/attempts/{attempt}/",
        "/courses/{slug}/booklet/",
        "/certificates/{code}/reissue/",
        "/accounts/profile/",
        "/accounts/licenses/{license}/",
        "/my-ce/self-reported/{credit}/certificate/",
    ],
)
def test_personal_documents_are_private_and_not_stored(learner_client, certificate, url):
    license = License.objects.filter(holder=learner_client.user).first()
    credit = self_reported_credit_create(
        holder=learner_client.user,
        licenses=[license],
        title="Elsewhere",
        provider_name="Other CE Co.",
        completed_on=datetime.date(2026, 3, 2),
        hours=1,
        credit_type=CreditTypeFactory(),
        certificate_file=SimpleUploadedFile("cert.pdf", b"%PDF-1.4\n%%EOF\n"),
    )
    response = learner_client.get(
        url.format(
            code=certificate.code,
            attempt=certificate.attempt.pk,
            slug=EnrollmentFactory(
                learner=learner_client.user, course=booklet_course(1)
            ).course.slug,
            license=license.pk,
            credit=credit.pk,
        )
    )

    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_public_pages_stay_cacheable(client, certificate):
    response = client.get(f"/verify/{certificate.code}/")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
