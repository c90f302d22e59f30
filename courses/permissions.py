"""Staff groups: authors write courses, registrars keep the credit records.

A staff account gets its rights from one of these groups (superusers have every right).
The groups are created, and their permissions reset to exactly this list, after every
migrate (CoursesConfig.ready) and by `manage.py setup_groups`.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

AUTHORS = "Authors"
REGISTRARS = "Registrars"

# What authors write. Courses and authors are never deleted (a course is unpublished);
# the parts of a course can be, unless graded answers protect them.
COURSE_PARTS = [
    "section",
    "reference",
    "question",
    "choice",
    "approval",
    "approvalcoverage",
    "courseapproval",
    "coursecredit",
    "evaluationitem",
]
CONTENT = ["course", "author", "credittype", *COURSE_PARTS]
# What learners did: seen by both groups, changed by nobody (the admin is read-only).
LEARNING_RECORDS = ["enrollment", "attempt", "answer", "evaluationresponse", "evaluationrating"]
CREDIT_RECORDS = ["certificate", "certificateevent", "reissuerequest", "selfreportedcredit"]
# What boards ask at renewal, kept by registrars.
RENEWAL_RULES = ["requirementprofile", "requirementminimum"]

# Staff reports and any learner's certificate PDF need this one.
RECORDS_PERMISSION = "courses.view_certificate"


def _view(models):
    return [f"view_{model}" for model in models]


GROUP_PERMISSIONS = {
    AUTHORS: [
        *(f"{action}_{model}" for model in CONTENT for action in ("add", "change", "view")),
        *(f"delete_{model}" for model in COURSE_PARTS),
        *_view(LEARNING_RECORDS),
    ],
    REGISTRARS: [
        # Content is viewable, so its change history (the audit trail) is too.
        *_view(CONTENT + LEARNING_RECORDS + CREDIT_RECORDS),
        # The certificate admin's revoke and reissue approve/decline actions; the records
        # themselves stay read-only for everyone.
        "change_certificate",
        "change_reissuerequest",
        *(f"{action}_{model}" for model in RENEWAL_RULES for action in ("add", "change", "delete")),
        *_view(RENEWAL_RULES),
    ],
}


def staff_groups_ensure(*, using: str = "default") -> list[Group]:
    """Create the staff groups if missing and give each exactly its permissions."""
    with transaction.atomic(using=using):
        return [
            _group_ensure(name, codenames, using) for name, codenames in GROUP_PERMISSIONS.items()
        ]


def _group_ensure(name, codenames, using):
    permissions = list(
        Permission.objects.using(using).filter(
            content_type__app_label="courses", codename__in=codenames
        )
    )
    missing = set(codenames) - {permission.codename for permission in permissions}
    if missing:
        raise ImproperlyConfigured(f"No such permissions for {name}: {sorted(missing)}")
    group, _ = Group.objects.using(using).get_or_create(name=name)
    group.permissions.set(permissions)
    return group
