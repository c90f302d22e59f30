import pytest
from django.core.cache import caches

from courses.selectors.learning import booklet_cache_clear
from courses.views.catalog import section_content_cache_clear
from tests.factories import StaffFactory, UserFactory
from tests.second_factor import force_login_with_second_factor


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Every test writes uploads to its own media root and hashes passwords cheaply."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Rolled-back tests reuse ids, so nothing cached by one test may reach the next:
    # not the booklets and section contents each process keeps, nor the shared caches.
    booklet_cache_clear()
    section_content_cache_clear()
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def learner(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def learner_client(client, learner):
    client.force_login(learner)
    client.user = learner
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, past the second factor the admin asks staff for."""
    return force_login_with_second_factor(client, admin_user)


@pytest.fixture
def staff_client(client, staff):
    force_login_with_second_factor(client, staff)
    client.user = staff
    return client
