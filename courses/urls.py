from django.urls import path

from courses.views import booklet, catalog, certificates, evidence, reading, reports, transcript

app_name = "courses"

urlpatterns = [
    path("", catalog.catalog, name="catalog"),
    path("courses/<slug:slug>/", catalog.course_detail, name="course"),
    path("courses/<slug:slug>/sections/<int:number>/", catalog.section_detail, name="section"),
    path(
        "courses/<slug:slug>/sections/<int:number>/beat/", reading.section_beat, name="section_beat"
    ),
    path(
        "courses/<slug:slug>/sections/<int:number>/read/", reading.section_read, name="section_read"
    ),
    # Answer booklet, attempts, evaluation
    path("courses/<slug:slug>/enrol/", booklet.enrol, name="enrol"),
    path("courses/<slug:slug>/booklet/", booklet.booklet, name="booklet"),
    path("courses/<slug:slug>/booklet/retake/", booklet.retake, name="retake"),
    path("attempts/<int:attempt_id>/", booklet.results, name="results"),
    path("courses/<slug:slug>/evaluation/", booklet.evaluation, name="evaluation"),
    # Certificates and transcript
    path("certificates/<str:code>.pdf", certificates.certificate_pdf, name="certificate_pdf"),
    path(
        "certificates/<str:code>/reissue/",
        certificates.reissue_request,
        name="reissue_request",
    ),
    path("my-ce/", transcript.transcript, name="transcript"),
    path("my-ce/transcript.pdf", transcript.download, {"extension": "pdf"}, name="transcript_pdf"),
    path("my-ce/transcript.csv", transcript.download, {"extension": "csv"}, name="transcript_csv"),
    path("my-ce/self-reported/add/", transcript.self_reported_add, name="self_reported_add"),
    path(
        "my-ce/self-reported/<int:pk>/certificate/",
        transcript.self_reported_certificate,
        name="self_reported_certificate",
    ),
    path(
        "my-ce/self-reported/<int:pk>/remove/",
        transcript.self_reported_remove,
        name="self_reported_remove",
    ),
    # Staff records and reports
    path("staff/reports/", reports.report_index, name="report_index"),
    path("staff/reports/completions/", reports.completions, name="completions"),
    path("staff/reports/completions.csv", reports.completions_csv, name="completions_csv"),
    path("staff/reports/courses/<slug:slug>/", reports.course_report, name="course_report"),
    path("staff/reports/approvals/", reports.approvals_lapsing_report, name="approvals_lapsing"),
    path("staff/reports/courses/<slug:slug>/hours/", evidence.hours, name="hours"),
    path("staff/reports/courses/<slug:slug>/hours.pdf", evidence.hours_pdf, name="hours_pdf"),
    path("staff/reports/courses/<slug:slug>/hours.csv", evidence.hours_csv, name="hours_csv"),
    path(
        "staff/certificates/<str:code>.pdf",
        certificates.staff_certificate_pdf,
        name="staff_certificate_pdf",
    ),
    path("staff/certificates/<str:code>/evidence/", evidence.evidence, name="evidence"),
    path("staff/certificates/<str:code>/evidence.pdf", evidence.evidence_pdf, name="evidence_pdf"),
]
