import datetime
import io
import secrets
import zipfile
from pathlib import Path

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from courses.models import (
    Course,
    CreditType,
    LicenseType,
    ProviderSettings,
    RequirementMinimum,
    RequirementProfile,
    User,
)
from courses.services.archive import MANIFEST_NAME, MEDIA_DIR, ArchiveError, course_import
from courses.services.licenses import license_create

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_SLUG = "power-in-the-helping-relationship"
PROVIDER_NAME = "Helping Professions CE"
ADMINISTRATOR_NAME = "Jordan Ellis, PhD"
ADMIN = {"email": "admin@example.com", "full_name": "Demo Administrator"}
CLINICIAN = {"email": "clinician@example.com", "full_name": "Sam Rivera, LCSW, LMFT"}
# Licensed in two states, so the course page and My CE show two answers.
CLINICIAN_LICENSES = [
    {"license_type": LicenseType.LCSW, "state": "TX", "number": "LCSW-DEMO-1234", "days": 200},
    {"license_type": LicenseType.LMFT, "state": "CA", "number": "LMFT-DEMO-5678", "days": 420},
]

# Sample renewal requirements, marked as samples: check each against the board's
# current rules before relying on it. (state, license type, months, hours, home-study
# cap, [(credit type slug, minimum hours)], source)
SAMPLE_REQUIREMENTS = [
    ("CA", LicenseType.LMFT, 24, 36, None, [("law-and-ethics", 6)], "CA BBS, 16 CCR §1887.3"),
    ("CA", LicenseType.LCSW, 24, 36, None, [("law-and-ethics", 6)], "CA BBS, 16 CCR §1887.3"),
    ("TX", LicenseType.LCSW, 24, 30, None, [("ethics", 6)], "Texas BSWE continuing education"),
    ("NY", LicenseType.LCSW, 36, 36, 12, [], "NY SED social work CE (self-study cap)"),
]


def sample_requirements_ensure() -> int:
    """Add the sample requirement profiles that are missing; returns how many."""
    added = 0
    for state, kind, months, hours, cap, minimums, source in SAMPLE_REQUIREMENTS:
        profile, created = RequirementProfile.objects.get_or_create(
            state=state,
            license_type=kind,
            defaults={
                "period_months": months,
                "hours_required": hours,
                "home_study_cap": cap,
                "source": source,
                "is_sample": True,
            },
        )
        if created:
            added += 1
            for slug, minimum in minimums:
                RequirementMinimum.objects.create(
                    profile=profile, credit_type=CreditType.objects.get(slug=slug), hours=minimum
                )
    return added


def demo_archive() -> bytes:
    """courses/demo/ as a course archive: its manifest.json, and audio/* as media/*."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.write(DEMO_DIR / MANIFEST_NAME, MANIFEST_NAME)
        for path in sorted((DEMO_DIR / "audio").glob("*.mp3")):
            zf.write(path, MEDIA_DIR + path.name)
    return buffer.getvalue()


class Command(BaseCommand):
    help = (
        "Load the demo course 'Power in the Helping Relationship', the provider settings, "
        "a demo admin and a demo clinician. Safe to run again: nothing is loaded twice."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        course = Course.objects.filter(slug=DEMO_SLUG).first()
        if course:
            self.stdout.write(f"The demo course {course.title!r} is already loaded; left as it is.")
        else:
            try:
                # The same import an admin uses for any course archive.
                course = course_import(archive=demo_archive())
            except ArchiveError as exc:
                raise CommandError(f"The demo course in {DEMO_DIR} is broken: {exc}") from None
            course.is_published = True
            course.save(update_fields=["is_published"])
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded and published the demo course {course.title!r} "
                    f"({course.sections.count()} sections)."
                )
            )

        added = sample_requirements_ensure()
        self.stdout.write(
            f"Sample renewal requirement profiles: {added} added "
            "(marked as samples; check them against each board's current rules)."
        )

        provider = ProviderSettings.load()
        if not provider.administrator_name:
            provider.provider_name = PROVIDER_NAME
            provider.administrator_name = ADMINISTRATOR_NAME
            provider.save()
        self.stdout.write(
            f"Provider: {provider.provider_name}; CE administrator: {provider.administrator_name}."
        )

        admin = self._account(ADMIN, superuser=True)
        clinician = self._account(CLINICIAN, superuser=False)
        licenses = ", ".join(
            f"{lic['license_type'].upper()} {lic['state']}" for lic in CLINICIAN_LICENSES
        )
        self.stdout.write(
            "\nDemo accounts (log in with the email address):\n"
            f"  Admin (superuser): {admin}\n"
            f"  Clinician ({CLINICIAN['full_name']}; {licenses}): {clinician}\n"
            "\nStart the server (DEBUG=1 manage.py runserver 127.0.0.1:8000), then log in:\n"
            "  Admin:      http://127.0.0.1:8000/admin/ (staff set up an authenticator app "
            "the first time)\n"
            "  Clinicians: http://127.0.0.1:8000/accounts/login/\n"
        )

    def _account(self, fields, *, superuser):
        email = fields["email"]
        user = User.objects.filter(email=email).first()
        if user:
            self._verified(user)
            return (
                f"{email} already exists; its password was left unchanged "
                f"(manage.py changepassword {email} sets a new one)."
            )
        password = secrets.token_urlsafe(12)
        create = User.objects.create_superuser if superuser else User.objects.create_user
        user = create(password=password, **fields)
        self._verified(user)
        if not superuser:
            today = timezone.localdate()
            for lic in CLINICIAN_LICENSES:
                license_create(
                    holder=user,
                    license_type=lic["license_type"],
                    state=lic["state"],
                    number=lic["number"],
                    renews_on=today + datetime.timedelta(days=lic["days"]),
                )
        return f"{email} / password {password}"

    @staticmethod
    def _verified(user):
        # Demo addresses cannot receive mail: count them as verified, as a link would.
        EmailAddress.objects.get_or_create(
            user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
        )
