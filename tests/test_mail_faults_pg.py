"""Mail that never blocks a learner, against a real SMTP server that misbehaves.

Each test starts a real Celery worker (`celery -A ceapp worker`, one pool process) on
the test database and a private Redis, and an aiosmtpd server on loopback. Two
learners complete a course while the server has a fault: their requests return
within the page budget and their certificates are issued. Once the server recovers,
exactly one certificate-ready email per learner arrives, counted at the server.

The worker and the request share nothing but PostgreSQL and Redis, so the database
must be one both can see: PostgreSQL only.
"""

import time

import pytest
from django.db import connection

from courses.models import Certificate, OutboundEmail, OutboundEmailStatus
from tests.factories import booklet_course
from tests.helpers import PAGE_BUDGET, complete_course
from tests.mail_servers import Fault, wait_until

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the worker needs the test's database"
    ),
    pytest.mark.django_db(transaction=True),
]

EMAIL_TIMEOUT = 2.5  # the worker's SMTP timeout, seconds


def rows():
    return list(OutboundEmail.objects.order_by("pk"))


@pytest.mark.parametrize("fault", [Fault.REFUSE, Fault.HANG, Fault.DROP, Fault.TEMPFAIL], ids=str)
def test_mail_server_fault_delays_but_never_loses_or_repeats_mail(
    fault, client, smtp_server, start_worker
):
    smtp_server.fault = fault
    start_worker(email_timeout=EMAIL_TIMEOUT, retry_delay=0.5)
    course = booklet_course(2)

    learners = []
    for _ in range(2):
        learner, elapsed = complete_course(client, course)
        learners.append(learner)
        # The request returns promptly and the certificate is issued.
        assert elapsed < PAGE_BUDGET, f"the request took {elapsed:.2f} s"
        assert Certificate.objects.filter(enrollment__learner=learner).count() == 1

    # The worker meets the fault for both emails: it was not held by the first one
    # past the timeout (one pool process), and nothing reached a mailbox.
    wait_until(
        lambda: all(row.attempts >= 1 and row.last_error for row in rows()),
        timeout=2 * EMAIL_TIMEOUT + 8,
        what="a failed attempt at each email",
    )
    served = {
        Fault.REFUSE: lambda: all("Connection refused" in row.last_error for row in rows()),
        Fault.HANG: lambda: smtp_server.hung >= 2,
        Fault.DROP: lambda: smtp_server.dropped >= 2,
        Fault.TEMPFAIL: lambda: smtp_server.deferred >= 2,
    }[fault]
    assert served()
    assert smtp_server.deliveries == []
    if fault == Fault.HANG:
        # Measured at the server: each time, the worker left the hung connection after
        # its timeout, not later.
        wait_until(lambda: len(smtp_server.held) >= 2, timeout=5, what="the hung clients gone")
        assert all(EMAIL_TIMEOUT - 0.1 < held < EMAIL_TIMEOUT + 1 for held in smtp_server.held)
    assert {row.status for row in rows()} == {OutboundEmailStatus.PENDING}

    smtp_server.fault = Fault.ACCEPT
    wait_until(
        lambda: all(row.status == OutboundEmailStatus.SENT for row in rows()),
        timeout=20,
        what="every email sent after the server recovered",
    )
    time.sleep(2 * 0.5 * 4)  # longer than the longest retry delay: a duplicate would be here

    # Exactly one email per event, counted at the server.
    assert smtp_server.count_by_recipient() == {learner.email: 1 for learner in learners}
    assert sorted(d.message_id for d in smtp_server.deliveries) == sorted(
        row.message_id for row in rows()
    )
    assert all(d.subject.startswith("Your certificate is ready") for d in smtp_server.deliveries)
