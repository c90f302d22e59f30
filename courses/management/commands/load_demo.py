import io
import secrets
import zipfile
from pathlib import Path

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from courses.models import Course, LicenseType, ProviderSettings, User
from courses.services.archive import MANIFEST_NAME, MEDIA_DIR, ArchiveError, course_import

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_SLUG = "power-in-the-helping-relationship"
PROVIDER_NAME = "Helping Professions CE"
ADMINISTRATOR_NAME = "Jordan Ellis, PhD"
ADMIN = {"email": "admin@example.com", "full_name": "Demo Administrator"}
CLINICIAN = {
    "email": "clinician@example.com",
    "full_name": "Sam Rivera, LCSW",
    "license_type": LicenseType.LCSW,
    "license_number": "LCSW-DEMO-1234",
    "license_state": "CA",
}


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
        self.stdout.write(
            "\nDemo accounts (log in with the email address):\n"
            f"  Admin (superuser): {admin}\n"
            f"  Clinician ({CLINICIAN['full_name']}, license {CLINICIAN['license_number']}, "
            f"{CLINICIAN['license_state']}): {clinician}\n"
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
        self._verified(create(password=password, **fields))
        return f"{email} / password {password}"

    @staticmethod
    def _verified(user):
        # Demo addresses cannot receive mail: count them as verified, as a link would.
        EmailAddress.objects.get_or_create(
            user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
        )
