"""The PostgreSQL backend: prepared statements for repeated queries, and a health check
that is free while the server is quiet and a real `SELECT 1` once the server has spoken
(a terminated backend, a restart)."""

from unittest import mock

import pytest
from django.db import connection, connections
from django.db.backends.postgresql import base as django_postgresql

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the check watches a PostgreSQL connection's socket")


@pytest.fixture
def second_connection():
    """A connection of the app's own, outside the test's transaction, closed afterwards."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def test_the_app_uses_the_backend_with_the_cheap_health_check():
    app_connection = connections["default"]

    assert type(app_connection).__module__ == "ceapp.postgresql.base"
    assert app_connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_quiet_connection_is_usable_without_a_round_trip(second_connection):
    with mock.patch.object(django_postgresql.DatabaseWrapper, "is_usable") as select_one:
        assert second_connection.is_usable() is True

    select_one.assert_not_called()


def test_a_terminated_connection_is_found_unusable(second_connection):
    pid = second_connection.connection.info.backend_pid
    with connection.cursor() as cursor:
        # Waits (up to 5 s) until the backend has said goodbye and exited.
        cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])

    assert second_connection.is_usable() is False


def test_a_query_run_repeatedly_becomes_a_prepared_statement(second_connection):
    for _ in range(6):
        with second_connection.cursor() as cursor:
            cursor.execute("SELECT email FROM courses_user WHERE id = %s", [1])

    with second_connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ["SELECT email FROM courses_user WHERE id = $1%"],
        )
        assert cursor.fetchone()[0] == 1
