"""Helpers that more than one test module uses."""

import re
import time

from django.core.files import File
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from courses.services.enrollment import enrollment_create
from courses.services.evaluation import evaluation_items_ensure
from courses.services.grading import attempt_start, attempt_submit
from tests.factories import UserFactory, booklet_answers

# Queries every logged-in request makes: its session, then its user. A staff page also
# checks that the second factor its session used is still the staff member's.
AUTH = 2
STAFF = AUTH + 1


def text_of(response):
    """The page's visible text with tags removed and whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def page_data(response):
    """The POST data a browser sends back for an admin add/change page as it was shown."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is False or isinstance(value, File):
                continue  # an unticked box or a stored file is not sent back
            if value is True:
                data[bound.html_name] = "on"
            elif value is None:
                data[bound.html_name] = ""
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data


# For the mail tests' requests: generous for a loaded 2-core machine, yet under their
# worker's SMTP timeout (2.5 s), so a request that waited on the mail server fails it.
PAGE_BUDGET = 2.0


def complete_course(client, course):
    """A learner passes the answer booklet, then submits the evaluation over HTTP.

    Returns the learner and how long the evaluation request took; that request
    completes the course and issues the certificate."""
    learner = UserFactory()
    enrollment = enrollment_create(learner=learner, course=course)
    attempt_submit(attempt=attempt_start(enrollment=enrollment), answers=booklet_answers(course, 2))
    items = evaluation_items_ensure(course=course)
    client.force_login(learner)
    url = reverse("courses:evaluation", kwargs={"slug": course.slug})
    assert client.get(url).status_code == 200  # the learner opens the form first
    data = {f"item-{item.pk}": "5" for item in items} | {"minutes_spent": "60", "comments": ""}
    started = time.perf_counter()
    response = client.post(url, data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.content[:500]
    return learner, elapsed


def migrate(targets=None):
    """Migrate the test database to `targets` (None: the latest); returns the apps as of
    then, for the migration tests (which run with transaction=True)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps
