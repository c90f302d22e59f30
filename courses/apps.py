from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _staff_groups(sender, using, **kwargs):
    from courses.permissions import staff_groups_ensure

    staff_groups_ensure(using=using)


def _cache_tables(sender, using, **kwargs):
    # The database cache's table (settings.CACHES), so `migrate` is all a site needs.
    call_command("createcachetable", database=using, verbosity=0)


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Continuing education"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses import checks, security, signals  # noqa: F401  (checks, receivers)

        # After auth has created this app's permissions (auth comes first in INSTALLED_APPS).
        post_migrate.connect(_staff_groups, sender=self, dispatch_uid="courses.staff_groups")
        post_migrate.connect(_cache_tables, sender=self, dispatch_uid="courses.cache_tables")
