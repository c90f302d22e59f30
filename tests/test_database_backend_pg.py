"""PostgreSQL through Django's own backend: health-checked persistent connections, and
prepared statements for repeated queries. (A terminated connection replaced on the next
request: tests/test_production_settings.py, in a process of its own.)"""

import pytest
from django.db import connection, connections

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")


@pytest.fixture
def second_connection():
    """A connection of the app's own, outside the test's transaction, closed afterwards."""
    wrapper = connections.create_connection("default")
    wrapper.ensure_connection()
    yield wrapper
    wrapper.close()


def test_the_app_uses_djangos_backend_with_health_checks():
    app_connection = connections["default"]

    assert type(app_connection).__module__ == "django.db.backends.postgresql.base"
    assert app_connection.settings_dict["CONN_HEALTH_CHECKS"] is True


def test_a_terminated_connection_is_found_unusable(second_connection):
    assert second_connection.is_usable() is True
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
