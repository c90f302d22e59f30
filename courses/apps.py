from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _staff_groups(sender, using, **kwargs):
    from courses.permissions import staff_groups_ensure

    staff_groups_ensure(using=using)


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = "Continuing education"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courses import security, signals  # noqa: F401  (connects the receivers)

        # After auth has created this app's permissions (auth comes first in INSTALLED_APPS).
        post_migrate.connect(_staff_groups, sender=self, dispatch_uid="courses.staff_groups")
