"""Staff groups in the admin, and the audit trail.

Authors write courses and can see learning records; registrars keep the credit records
(reports, revoke, reissue) and can read everything else. An author cannot revoke a
certificate and a registrar cannot edit a question. Every change to course content
records who made it and when (django-simple-history); revokes and reissues leave a
CertificateEvent with the staff member and the time.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses.models import (
    CertificateEventKind,
    CertificateStatus,
    Choice,
    Course,
    Question,
    ReissueRequestStatus,
)
from courses.permissions import AUTHORS, GROUP_PERMISSIONS, REGISTRARS, staff_groups_ensure
from courses.services.certificates import reissue_request_create
from tests.factories import AuthorFactory, QuestionFactory, make_publishable
from tests.second_factor import force_login_with_second_factor
from tests.security_data import admin_form_data, author, learner_with_records, registrar


def codenames(group):
    return set(Group.objects.get(name=group).permissions.values_list("codename", flat=True))


# --- The groups ------------------------------------------------------------------------


def test_migrate_creates_both_groups_with_exactly_their_permissions(db):
    authors, registrars = codenames(AUTHORS), codenames(REGISTRARS)

    assert authors == set(GROUP_PERMISSIONS[AUTHORS])
    assert registrars == set(GROUP_PERMISSIONS[REGISTRARS])
    assert {"change_course", "add_question", "change_choice", "view_attempt"} <= authors
    assert not {"change_certificate", "view_certificate", "change_reissuerequest"} & authors
    assert not {p for p in authors if p.endswith(("_user", "_providersettings"))}
    assert {"view_certificate", "change_certificate", "change_reissuerequest"} <= registrars
    assert {"view_course", "view_question"} <= registrars
    # Registrars add and delete nothing but the renewal requirements they keep.
    renewal_rules = {
        f"{action}_{model}"
        for action in ("add", "delete")
        for model in ("requirementprofile", "requirementminimum")
    }
    assert {p for p in registrars if p.startswith(("add_", "delete_"))} == renewal_rules
    assert not {"change_course", "change_question", "change_choice", "change_section"} & registrars


def test_setup_groups_is_idempotent_and_undoes_hand_edits(db, capsys):
    authors = Group.objects.get(name=AUTHORS)
    authors.permissions.add(Permission.objects.get(codename="change_certificate"))

    call_command("setup_groups")
    staff_groups_ensure()

    assert Group.objects.filter(name__in=[AUTHORS, REGISTRARS]).count() == 2
    assert "change_certificate" not in codenames(AUTHORS)
    assert f"{AUTHORS}: {len(GROUP_PERMISSIONS[AUTHORS])} permissions." in capsys.readouterr().out


# --- Authors and registrars in the admin ---------------------------------------------


@pytest.fixture
def records(db):
    return learner_with_records()


def logged_in(client, user):
    return force_login_with_second_factor(client, user)


def test_an_author_edits_courses_but_never_credit_records(client, records):
    logged_in(client, author())
    certificate = records.certificate
    course_url = reverse("admin:courses_course_change", args=[records.reading.pk])

    page = client.get(course_url)
    assert page.status_code == 200
    assert page.context["has_change_permission"]
    data = admin_form_data(page)
    data["title"] = "Reading, revised"
    assert client.post(course_url, data).status_code == 302
    assert Course.objects.get(pk=records.reading.pk).title == "Reading, revised"

    # Learning records: readable, never changeable.
    assert client.get(reverse("admin:courses_attempt_changelist")).status_code == 200
    attempt_url = reverse("admin:courses_attempt_change", args=[records.passed_attempt.pk])
    assert not client.get(attempt_url).context["has_change_permission"]
    assert client.post(attempt_url, {"number": 9}).status_code == 403

    # Credit records, accounts and the provider's settings: not at all.
    for url in (
        reverse("admin:courses_certificate_changelist"),
        reverse("admin:courses_certificate_change", args=[certificate.pk]),
        reverse("admin:courses_reissuerequest_changelist"),
        reverse("admin:courses_user_changelist"),
        reverse("admin:courses_providersettings_change", args=[1]),
        reverse("admin:auth_group_changelist"),
        reverse("admin:account_emailaddress_changelist"),
        reverse("admin:mfa_authenticator_changelist"),
    ):
        assert client.get(url).status_code == 403, url


def test_an_author_cannot_revoke_a_certificate(client, records):
    logged_in(client, author())
    changelist = reverse("admin:courses_certificate_changelist")
    data = {
        "action": "revoke_selected",
        "_selected_action": [records.certificate.pk],
        "apply": "1",
        "reason": "Because I can",
    }

    assert client.post(changelist, data).status_code == 403

    records.certificate.refresh_from_db()
    assert records.certificate.status == CertificateStatus.VALID
    assert not records.certificate.events.filter(kind=CertificateEventKind.REVOKED).exists()


def test_a_registrar_cannot_edit_questions_or_courses(client, records):
    logged_in(client, registrar())
    question = records.reading.sections.get().questions.get()
    question_url = reverse("admin:courses_question_change", args=[question.pk])
    course_url = reverse("admin:courses_course_change", args=[records.reading.pk])

    page = client.get(question_url)
    assert page.status_code == 200  # readable, for audits
    assert not page.context["has_change_permission"]
    assert "Save and continue editing" not in page.content.decode()
    data = {"section": question.section_id, "number": 1, "kind": "single", "stem": "Hacked?"}
    assert client.post(question_url, data).status_code == 403
    assert client.get(reverse("admin:courses_question_add")).status_code == 403
    assert client.post(course_url, {"title": "Hacked"}).status_code == 403
    unpublish = {"action": "unpublish", "_selected_action": [records.reading.pk]}
    client.post(reverse("admin:courses_course_changelist"), unpublish)
    retire = {"action": "retire", "_selected_action": [question.pk]}
    client.post(reverse("admin:courses_question_changelist"), retire)

    question.refresh_from_db()
    assert (question.stem, question.is_retired) == ("Question stem 1?", False)
    assert Course.objects.get(pk=records.reading.pk).is_published
    assert Choice.objects.filter(question=question).count() == 4


def test_a_registrar_revokes_with_a_reason_and_the_trail_names_them(client, records):
    clerk = registrar()
    logged_in(client, clerk)
    changelist = reverse("admin:courses_certificate_changelist")
    data = {"action": "revoke_selected", "_selected_action": [records.certificate.pk]}

    assert "Revoke certificates" in client.post(changelist, data).content.decode()
    before = timezone.now()
    response = client.post(changelist, {**data, "apply": "1", "reason": "Board audit: no hours"})

    assert response.status_code == 302
    certificate = records.certificate
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    event = certificate.events.get(kind=CertificateEventKind.REVOKED)
    assert (event.actor, event.note) == (clerk, "Board audit: no hours")
    assert before <= event.at <= timezone.now()
    # The trail is on the certificate's admin page.
    page = client.get(reverse("admin:courses_certificate_change", args=[certificate.pk]))
    assert "Board audit: no hours" in page.content.decode()
    assert str(clerk) in page.content.decode()


def test_a_registrar_approves_a_reissue_and_the_trail_names_them(client, records):
    learner = records.learner
    learner.full_name = "Owen Newname, LCSW"
    learner.save()
    reissue_request_create(certificate=records.certificate, learner=learner, reason="Married")
    clerk = registrar()
    logged_in(client, clerk)
    request = records.certificate.reissue_requests.get()

    client.post(reverse("admin:courses_reissuerequest_review", args=[request.pk]))

    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ReissueRequestStatus.APPROVED, clerk)
    original = records.certificate
    original.refresh_from_db()
    assert original.status == CertificateStatus.REISSUED
    event = original.events.get(kind=CertificateEventKind.REISSUED)
    assert event.actor == clerk
    assert original.reissued_as.learner_name == "Owen Newname, LCSW"


def test_the_reports_link_shows_only_to_staff_who_may_open_it(client, records):
    reports = f'href="{reverse("courses:report_index")}"'
    logged_in(client, author())
    assert reports not in client.get(reverse("courses:catalog")).content.decode()
    logged_in(client, registrar())
    assert reports in client.get(reverse("courses:catalog")).content.decode()


# --- The audit trail of content --------------------------------------------------------


def test_editing_a_published_course_records_who_and_when(client, records):
    writer = author()
    logged_in(client, writer)
    course = records.completed
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = admin_form_data(client.get(url))
    data.update(pass_mark="90", ce_hours="2.5", **{"credits-0-hours": "2.5"})

    before = timezone.now()
    assert client.post(url, data).status_code == 302

    latest = course.history.latest()
    assert (latest.history_user, latest.history_type) == (writer, "~")
    assert before - timedelta(seconds=1) <= latest.history_date <= timezone.now()
    changes = {
        change.field: (change.old, change.new)
        for change in latest.diff_against(latest.prev_record).changes
    }
    assert changes["pass_mark"] == (75, 90)
    assert str(changes["ce_hours"][1]) == "2.50"
    # A registrar reads the same trail on the course's history page.
    logged_in(client, registrar())
    page = client.get(reverse("admin:courses_course_history", args=[course.pk])).content.decode()
    assert "Avery Author" in page
    assert "Pass mark (%)" in page or "pass mark (%)" in page.lower()


def test_changing_a_course_s_authors_is_recorded(client, records):
    writer = author()
    logged_in(client, writer)
    course = records.completed
    course.authors.set([AuthorFactory(name="Dr. Ada Old")])
    before_edit = course.history.latest()
    replacement = AuthorFactory(name="Dr. Rosa Diaz")
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = admin_form_data(client.get(url))
    data["authors"] = [str(replacement.pk)]

    assert client.post(url, data).status_code == 302

    latest = course.history.latest()
    assert latest.history_user == writer
    assert [row.author.name for row in latest.authors.all()] == ["Dr. Rosa Diaz"]
    # The record from before the edit still names the author learners were shown.
    assert [row.author.name for row in before_edit.authors.all()] == ["Dr. Ada Old"]


def test_saving_an_unchanged_course_records_no_change(client, records):
    # Browsers post textarea line breaks as CRLF; the course was made with LF.
    logged_in(client, author())
    course = records.completed
    course.learning_objectives = "Name the four marks.\nApply them."
    course.save()
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = admin_form_data(client.get(url))
    data["learning_objectives"] = data["learning_objectives"].replace("\n", "\r\n")

    assert client.post(url, data).status_code == 302

    latest = course.history.latest()
    assert latest.diff_against(latest.prev_record).changes == []
    course.refresh_from_db()
    assert course.learning_objectives == "Name the four marks.\nApply them."


def test_question_and_choice_edits_are_recorded_with_their_author(client, records):
    writer = author()
    logged_in(client, writer)
    question = records.passed.sections.get().questions.get()
    url = reverse("admin:courses_question_change", args=[question.pk])
    data = admin_form_data(client.get(url))
    data["stem"] = "A clearer stem?"
    first_choice = question.choices.order_by("position").first()
    data[next(k for k, v in data.items() if k.endswith("-text") and v == first_choice.text)] = (
        "A, reworded"
    )

    assert client.post(url, data).status_code == 302

    assert question.history.latest().history_user == writer
    assert question.history.latest().stem == "A clearer stem?"
    assert first_choice.history.latest().history_user == writer
    assert first_choice.history.latest().text == "A, reworded"


def test_publish_unpublish_and_retire_actions_are_recorded(client, records):
    writer = author()
    logged_in(client, writer)
    course = make_publishable(records.reading)
    question = course.sections.get().questions.get()
    QuestionFactory(section=question.section, number=2)  # the course keeps one to ask
    courses = reverse("admin:courses_course_changelist")
    before = course.history.count()

    client.post(courses, {"action": "unpublish", "_selected_action": [course.pk]})
    client.post(courses, {"action": "publish", "_selected_action": [course.pk]})
    client.post(
        reverse("admin:courses_question_changelist"),
        {"action": "retire", "_selected_action": [question.pk]},
    )

    steps = list(course.history.order_by("history_date", "history_id")[before:])
    assert [(h.is_published, h.history_user) for h in steps] == [(False, writer), (True, writer)]
    assert (question.history.latest().is_retired, question.history.latest().history_user) == (
        True,
        writer,
    )
    assert Question.objects.get(pk=question.pk).is_retired


def test_old_versions_can_be_read_but_never_saved_back(client, records):
    logged_in(client, author())
    course = records.completed
    course.title = "Renamed"
    course.save()
    first = course.history.earliest()
    url = reverse("admin:courses_course_simple_history", args=[course.pk, first.history_id])

    page = client.get(url)
    assert page.status_code == 200
    assert 'value="completed course"' in page.content.decode()
    assert "Revert" not in page.content.decode()
    data = admin_form_data(page)

    assert client.post(url, data).status_code == 403
    assert Course.objects.get(pk=course.pk).title == "Renamed"
    assert course.history.count() == 2
