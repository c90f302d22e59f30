"""Reads of issued certificates: one query each, whatever else is on record."""

from courses.models import Certificate, ReissueRequest, ReissueRequestStatus, User


def certificate_for_verification(*, code: str) -> Certificate | None:
    """The certificate behind a public code, with its replacement if it was reissued."""
    return Certificate.objects.select_related("reissued_as").filter(code=code).first()


def certificate_for_owner(*, code: str, user: User) -> Certificate | None:
    """The certificate if `user` earned it; else None."""
    return (
        Certificate.objects.select_related("reissue_of", "reissued_as")
        .filter(code=code, enrollment__learner=user)
        .first()
    )


def reissue_request_pending(*, certificate: Certificate) -> ReissueRequest | None:
    return certificate.reissue_requests.filter(status=ReissueRequestStatus.PENDING).first()
