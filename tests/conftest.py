import pytest
from django.core.cache import caches

from tests.factories import StaffFactory, UserFactory


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
    # Rolled-back tests reuse ids, so nothing cached by one test may reach the next.
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
def staff_client(client, staff):
    client.force_login(staff)
    client.user = staff
    return client
