"""Renewal progress per license: the period ends on the renewal date, both ends count,
minimums by credit type, the home-study cap, and self-reported credit kept apart."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses.models import RequirementMinimum, RequirementProfile, SelfReportedCredit
from courses.selectors.renewals import add_months, renewal_period, renewal_progress
from courses.services.licenses import license_create, license_delete, license_update
from courses.services.renewals import self_reported_credit_create
from tests.factories import ApprovalFactory, CourseFactory, CreditTypeFactory, UserFactory
from tests.report_data import certificate_on, revoke

pytestmark = pytest.mark.django_db

D = datetime.date
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_months_are_added_with_the_day_clamped_to_the_month():
    assert add_months(D(2027, 6, 30), -24) == D(2025, 6, 30)
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2026, 12, 15), 1) == D(2027, 1, 15)


def test_the_period_ends_on_the_renewal_date_and_rolls_on_once_it_has_passed():
    # Two years ending June 30, 2027 start the day after June 30, 2025.
    assert renewal_period(renews_on=D(2027, 6, 30), months=24, on=D(2026, 1, 1)) == (
        D(2025, 7, 1),
        D(2027, 6, 30),
    )
    assert renewal_period(renews_on=D(2027, 6, 30), months=24, on=D(2027, 6, 30)) == (
        D(2025, 7, 1),
        D(2027, 6, 30),
    )
    # The renewal date passed without the license being updated: the next period.
    assert renewal_period(renews_on=D(2027, 6, 30), months=24, on=D(2027, 7, 1)) == (
        D(2027, 7, 1),
        D(2029, 6, 30),
    )


@pytest.fixture
def law_and_ethics():
    return CreditTypeFactory(slug="law-and-ethics")


@pytest.fixture
def general():
    return CreditTypeFactory(slug="general-clinical")


@pytest.fixture
def california_lmft(law_and_ethics):
    """36 hours every two years, 6 of them law and ethics (16 CCR §1887.3)."""
    profile = RequirementProfile.objects.create(
        state="CA", license_type="lmft", period_months=24, hours_required=Decimal("36")
    )
    RequirementMinimum.objects.create(
        profile=profile, credit_type=law_and_ethics, hours=Decimal("6")
    )
    return profile


@pytest.fixture
def clinician():
    user = UserFactory(license__license_type="lmft", license__state="CA")
    license = user.licenses.get()
    license.renews_on = D(2027, 6, 30)
    license.save()
    return user


def _course(general, law_and_ethics, *, law=Decimal("1")):
    """A 3-hour course, `law` hours of it law and ethics, approved for MFTs everywhere."""
    course = CourseFactory(
        ce_hours=Decimal("3"),
        credits=[(general.slug, Decimal("3") - law), (law_and_ethics.slug, law)],
    )
    ApprovalFactory(course=course, coverage=[("marriage_family_therapy", "")])
    return course


def test_progress_counts_the_first_and_last_day_of_the_period_and_nothing_outside(
    clinician, california_lmft, general, law_and_ethics
):
    """Period Jul 1, 2025 – Jun 30, 2027. Four 3-hour courses (1 hour law and ethics
    each) completed the day before, the first day, the last day and the day after: the
    two inside count, 6 hours of which 2 are law and ethics; 30 and 4 are missing."""
    for day in (D(2025, 6, 30), D(2025, 7, 1), D(2027, 6, 30), D(2027, 7, 1)):
        certificate_on(day, learner=clinician, course=_course(general, law_and_ethics))

    progress = renewal_progress(license=clinician.licenses.get(), on=D(2027, 6, 1))

    assert (progress.start, progress.end, progress.days_left) == (
        D(2025, 7, 1),
        D(2027, 6, 30),
        29,
    )
    assert (progress.required, progress.earned, progress.missing) == (
        Decimal("36"),
        Decimal("6"),
        Decimal("30"),
    )
    [law] = progress.by_type
    assert (law.credit_type.name, law.required, law.earned, law.missing) == (
        "law and ethics",
        Decimal("6"),
        Decimal("2"),
        Decimal("4"),
    )


def test_a_license_cut_transcript_lists_what_its_renewal_card_counts(
    client, clinician, california_lmft, general, law_and_ethics
):
    """Both certificates state both licenses; only one course is approved for MFTs.
    The LMFT's audit transcript lists that one, as its card counts it; the social-work
    course is on the full transcript only."""
    license_create(holder=clinician, license_type="lcsw", state="CA", number="L-1")
    for_mfts = certificate_on(
        D(2026, 1, 5), learner=clinician, course=_course(general, law_and_ethics)
    )
    social_work = CourseFactory(title="Social work only", ce_hours=Decimal("4"))
    ApprovalFactory(course=social_work, coverage=[("social_work", "")])
    for_social_workers = certificate_on(D(2026, 1, 6), learner=clinician, course=social_work)
    lmft = clinician.licenses.get(license_type="lmft")
    client.force_login(clinician)

    card = renewal_progress(license=lmft, on=D(2026, 6, 1))
    cut = client.get(reverse("courses:transcript_csv"), {"license": lmft.pk})
    everything = client.get(reverse("courses:transcript_csv"))

    cut_csv = b"".join(cut.streaming_content).decode()
    assert card.provider_hours == Decimal("3")
    assert for_mfts.code in cut_csv and for_social_workers.code not in cut_csv
    assert for_social_workers.code in b"".join(everything.streaming_content).decode()


def test_a_revoked_certificate_and_one_for_another_license_do_not_count(
    clinician, california_lmft, general, law_and_ethics
):
    revoke(
        certificate_on(D(2026, 1, 5), learner=clinician, course=_course(general, law_and_ethics))
    )
    other = UserFactory(license__license_type="lmft", license__state="CA")
    certificate_on(D(2026, 1, 5), learner=other, course=_course(general, law_and_ethics))
    # Issued while the clinician held only a Texas license: it does not state the CA one.
    texan = UserFactory(license__license_type="lcsw", license__state="TX")
    certificate_on(D(2026, 2, 5), learner=texan, course=_course(general, law_and_ethics))
    lmft = license_create(
        holder=texan, license_type="lmft", state="CA", number="LMFT-2", renews_on=D(2027, 6, 30)
    )

    assert renewal_progress(license=clinician.licenses.get(), on=D(2026, 6, 1)).earned == 0
    assert renewal_progress(license=lmft, on=D(2026, 6, 1)).earned == 0


def test_self_reported_credit_counts_for_the_licenses_chosen_and_home_study_is_capped(
    clinician, california_lmft, general, law_and_ethics
):
    """Cap 12 home-study hours. Provider: 3 h home study. Self-reported: 10 h home study
    and 4 h live. Home study 13 counts as 12; with the live 4, earned is 16."""
    california_lmft.home_study_cap = Decimal("12")
    california_lmft.save()
    license = clinician.licenses.get()
    certificate_on(D(2026, 3, 1), learner=clinician, course=_course(general, law_and_ethics))
    for hours, home_study in ((Decimal("10"), True), (Decimal("4"), False)):
        self_reported_credit_create(
            holder=clinician,
            licenses=[license],
            title="Elsewhere",
            provider_name="Other CE Co.",
            completed_on=D(2026, 4, 1),
            hours=hours,
            credit_type=law_and_ethics,
            is_home_study=home_study,
            certificate_file=SimpleUploadedFile("cert.pdf", PDF),
        )

    progress = renewal_progress(license=license, on=D(2026, 6, 1))

    assert (progress.provider_hours, progress.self_reported_hours) == (Decimal("3"), Decimal("14"))
    assert progress.home_study_capped
    assert progress.earned == Decimal("16")
    assert progress.by_type[0].earned == Decimal("15")  # 1 + 10 + 4 of law and ethics
    assert progress.by_type[0].missing == 0


def _report(clinician, license, hours):
    return self_reported_credit_create(
        holder=clinician,
        licenses=[license],
        title="Ethics workshop elsewhere",
        provider_name="Other CE Co.",
        completed_on=D(2026, 4, 1),
        hours=Decimal(hours),
        credit_type=CreditTypeFactory(),
        is_home_study=True,
        certificate_file=SimpleUploadedFile("cert.pdf", PDF),
    )


def test_self_reported_credit_counts_again_when_its_license_is_removed_and_added_back(
    client, clinician, california_lmft
):
    _report(clinician, clinician.licenses.get(), "6")
    license_delete(license=clinician.licenses.get())
    again = license_create(
        holder=clinician, license_type="lmft", state="CA", number="M-2", renews_on=D(2027, 6, 30)
    )
    client.force_login(clinician)

    html = client.get(reverse("courses:transcript")).content.decode()

    assert renewal_progress(license=again, on=D(2026, 6, 1)).self_reported_hours == Decimal("6")
    assert "0 from our certificates, 6 self-reported." in html
    assert "<td>LMFT (California)</td>" in html  # the credit's "Counts toward" cell


def test_editing_a_licenses_state_moves_its_self_reported_credit_to_the_new_state(
    clinician, california_lmft
):
    """The edit corrects the record: the credit counts toward the license as it now is,
    and not toward a California license added afterwards."""
    RequirementProfile.objects.create(
        state="NV", license_type="lmft", period_months=24, hours_required=Decimal("40")
    )
    license = clinician.licenses.get()
    _report(clinician, license, "6")

    nevada = license_update(license=license, state="NV")
    california = license_create(
        holder=clinician, license_type="lmft", state="CA", number="M-2", renews_on=D(2027, 6, 30)
    )

    assert renewal_progress(license=nevada, on=D(2026, 6, 1)).self_reported_hours == Decimal("6")
    assert renewal_progress(license=california, on=D(2026, 6, 1)).self_reported_hours == 0


def _other_licenses_in_ohio(clinician):
    RequirementProfile.objects.create(state="OH", license_type="other", hours_required=20)
    return [
        license_create(
            holder=clinician,
            license_type="other",
            other_type=name,
            profession="counseling",
            state="OH",
            renews_on=D(2027, 6, 30),
        )
        for name in ("Certified Addiction Counselor", "Art Therapist")
    ]


def test_self_reported_credit_counts_only_toward_the_other_license_chosen(client, clinician):
    """Two 'Other' licenses in one state are two licenses: credit entered for one does not
    count toward the other."""
    counselor, art_therapist = _other_licenses_in_ohio(clinician)
    _report(clinician, counselor, "6")
    client.force_login(clinician)

    html = client.get(reverse("courses:transcript")).content.decode()

    assert renewal_progress(license=counselor, on=D(2026, 6, 1)).self_reported_hours == 6
    assert renewal_progress(license=art_therapist, on=D(2026, 6, 1)).self_reported_hours == 0
    assert "<td>certified addiction counselor (Ohio)</td>" in html  # "Counts toward"


def test_an_other_license_added_back_under_its_name_typed_differently_counts_its_credit(
    clinician,
):
    counselor, _ = _other_licenses_in_ohio(clinician)
    _report(clinician, counselor, "6")
    license_delete(license=counselor)

    again = license_create(
        holder=clinician,
        license_type="other",
        other_type="  certified addiction   COUNSELOR ",
        profession="counseling",
        state="OH",
        renews_on=D(2027, 6, 30),
    )

    assert again.other_type == "certified addiction COUNSELOR"
    assert renewal_progress(license=again, on=D(2026, 6, 1)).self_reported_hours == 6


def test_a_certificate_states_an_other_license_by_name_and_counts_toward_it_alone(clinician):
    counselor, art_therapist = _other_licenses_in_ohio(clinician)
    license_delete(license=art_therapist)  # held only the counselor's license at issue
    course = CourseFactory(ce_hours=Decimal("3"))
    ApprovalFactory(course=course, coverage=[("counseling", "")])
    certificate = certificate_on(D(2026, 1, 5), learner=clinician, course=course)
    art_therapist = license_create(
        holder=clinician, license_type="other", other_type="Art Therapist", state="OH"
    )

    assert [held["license_type"] for held in certificate.licenses] == [
        "Licensed Marriage and Family Therapist (LMFT)",
        "Certified Addiction Counselor",
    ]
    assert renewal_progress(license=counselor, on=D(2026, 6, 1)).provider_hours == 3
    assert renewal_progress(license=art_therapist, on=D(2026, 6, 1)).provider_hours == 0


def test_each_other_licenses_transcript_download_is_named_for_it(client, clinician):
    counselor, art_therapist = _other_licenses_in_ohio(clinician)
    client.force_login(clinician)

    names = [
        client.get(reverse("courses:transcript_csv"), {"license": lic.pk})["Content-Disposition"]
        for lic in (counselor, art_therapist)
    ]

    assert names == [
        'attachment; filename="ce-transcript-other-certified-addiction-counselor-oh.csv"',
        'attachment; filename="ce-transcript-other-art-therapist-oh.csv"',
    ]


def test_renaming_an_other_license_moves_its_self_reported_credit(clinician):
    counselor, art_therapist = _other_licenses_in_ohio(clinician)
    _report(clinician, counselor, "6")

    renamed = license_update(license=counselor, other_type="Licensed Chemical Dependency Counselor")

    assert renewal_progress(license=renamed, on=D(2026, 6, 1)).self_reported_hours == 6
    assert renewal_progress(license=art_therapist, on=D(2026, 6, 1)).self_reported_hours == 0


def test_staff_see_the_licenses_self_reported_credit_counts_toward(staff_client, clinician):
    credit = _report(clinician, clinician.licenses.get(), "6")

    response = staff_client.get(
        reverse("admin:courses_selfreportedcredit_change", args=[credit.pk])
    )

    assert response.status_code == 200
    assert ">Counts toward:</label>" in response.content.decode()
    assert ">LMFT (California)</div>" in response.content.decode()


def test_no_profile_or_no_renewal_date_says_what_is_missing(clinician, california_lmft):
    texas = license_create(holder=clinician, license_type="lcsw", state="TX", number="L-1")
    license = clinician.licenses.get(state="CA")
    license.renews_on = None
    license.save()

    assert (
        "no renewal requirements on file for LCSW (Texas)"
        in renewal_progress(license=texas, on=D(2026, 1, 1)).problem
    )
    assert "renewal date" in renewal_progress(license=license, on=D(2026, 1, 1)).problem


def test_my_ce_offers_to_add_a_renewal_date_only_where_that_is_what_is_missing(
    client, clinician, california_lmft
):
    texas = license_create(holder=clinician, license_type="lcsw", state="TX", number="L-1")
    california = clinician.licenses.get(state="CA")
    clinician.licenses.update(renews_on=None)
    client.force_login(clinician)

    html = client.get(reverse("courses:transcript")).content.decode()

    # Texas lacks requirements on file, which the clinician cannot add; California lacks
    # the renewal date, which they can.
    assert "no renewal requirements on file for LCSW (Texas) yet.</p>" in html
    assert reverse("license_edit", args=[texas.pk]) not in html
    assert f'<a href="{reverse("license_edit", args=[california.pk])}">Add it</a>' in html


def test_self_reported_upload_is_a_pdf_png_or_jpeg_under_the_cap(client, clinician, law_and_ethics):
    client.force_login(clinician)
    license = clinician.licenses.get()
    url = reverse("courses:self_reported_add")
    fields = {
        "title": "Suicide assessment",
        "provider_name": "Other CE Co.",
        "completed_on": "2026-04-01",
        "hours": "2",
        "credit_type": law_and_ethics.pk,
        "is_home_study": "on",
        "licenses": [license.pk],
    }

    renamed = client.post(
        url, {**fields, "certificate_file": SimpleUploadedFile("cert.pdf", b"MZ\x90\x00exe")}
    )
    huge = client.post(
        url,
        {
            **fields,
            "certificate_file": SimpleUploadedFile("big.pdf", PDF + b"0" * (5 * 1024 * 1024)),
        },
    )
    good = client.post(url, {**fields, "certificate_file": SimpleUploadedFile("Scan 1.PDF", PDF)})

    assert renamed.status_code == 400
    assert "Upload the certificate as a PDF, PNG or JPEG file." in renamed.content.decode()
    assert huge.status_code == 400
    assert "The file is over 5 MB" in huge.content.decode()
    assert good.status_code == 302
    [credit] = SelfReportedCredit.objects.all()
    assert credit.certificate_file.name.endswith("/scan-1.pdf")
    assert credit.counts_toward_names == ["LMFT (California)"]
    # Only its owner can download the certificate.
    download = reverse("courses:self_reported_certificate", args=[credit.pk])
    assert b"".join(client.get(download).streaming_content) == PDF
    client.force_login(UserFactory())
    assert client.get(download).status_code == 404


def test_credit_cannot_count_toward_someone_elses_license(client, clinician, law_and_ethics):
    stranger = UserFactory().licenses.get()
    client.force_login(clinician)

    response = client.post(
        reverse("courses:self_reported_add"),
        {
            "title": "X",
            "provider_name": "Y",
            "completed_on": "2026-04-01",
            "hours": "2",
            "credit_type": law_and_ethics.pk,
            "licenses": [stranger.pk],
            "certificate_file": SimpleUploadedFile("c.pdf", PDF),
        },
    )

    assert response.status_code == 400
    assert not SelfReportedCredit.objects.exists()


def test_my_ce_shows_each_licenses_renewal_with_links_to_fill_the_gaps(
    client, clinician, california_lmft, general, law_and_ethics
):
    certificate_on(D(2026, 3, 1), learner=clinician, course=_course(general, law_and_ethics))
    client.force_login(clinician)

    html = client.get(reverse("courses:transcript")).content.decode()

    assert "LMFT (California)" in html
    assert "3 of 36 CE hours" in html and "33 still needed" in html
    assert (
        f"{reverse('courses:catalog')}?profession=marriage_family_therapy&amp;state=CA"
        "&amp;credit_type=law-and-ethics" in html
    )


def test_the_transcript_cut_for_a_license_and_period_includes_both_boundary_days(client):
    def course(title):
        course = CourseFactory(title=title)
        ApprovalFactory(
            course=course, coverage=[("social_work", ""), ("marriage_family_therapy", "")]
        )
        return course

    texan = UserFactory(license__license_type="lcsw", license__state="TX")
    for day in (D(2025, 6, 30), D(2025, 7, 1), D(2027, 6, 30), D(2027, 7, 1)):
        certificate_on(day, learner=texan, course=course(f"Taken {day}"))
    california = license_create(holder=texan, license_type="lmft", state="CA", number="M-1")
    certificate_on(D(2026, 1, 1), learner=texan, course=course("Taken 2026-01-01"))
    client.force_login(texan)
    period = {"start": "2025-07-01", "end": "2027-06-30"}

    def listed(license):
        response = client.get(reverse("courses:transcript_csv"), {"license": license.pk, **period})
        rows = b"".join(response.streaming_content).decode().splitlines()[1:]
        return response, [row.split(",")[0] for row in rows]

    texas_csv, texas_rows = listed(texan.licenses.get(state="TX"))
    california_csv, california_rows = listed(california)
    pdf = client.get(reverse("courses:transcript_pdf"), {"license": california.pk, **period})

    assert texas_rows == ["Taken 2027-06-30", "Taken 2026-01-01", "Taken 2025-07-01"]
    assert california_rows == ["Taken 2026-01-01"]  # the others were issued before it
    assert (
        "ce-transcript-lcsw-tx-from-2025-07-01-to-2027-06-30.csv"
        in (texas_csv["Content-Disposition"])
    )
    assert "ce-transcript-lmft-ca-from-2025-07-01" in pdf["Content-Disposition"]
    assert california_csv.status_code == 200


def test_a_transcript_cut_for_someone_elses_license_is_not_found(client):
    client.force_login(UserFactory())
    other = UserFactory().licenses.get()

    assert client.get(reverse("courses:transcript_csv"), {"license": other.pk}).status_code == 404
    assert client.get(reverse("courses:transcript"), {"license": "abc"}).status_code == 400
