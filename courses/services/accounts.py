"""Accounts: a superuser resets a staff member's lost second factor."""

import logging

from allauth.mfa.models import Authenticator
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.db import transaction

logger = logging.getLogger("courses.accounts")

SECOND_FACTOR_RESET = "Reset the second factor (authenticator app and recovery codes)."


@transaction.atomic
def user_second_factor_reset(*, user, actor) -> int:
    """Remove the user's authenticator app and recovery codes, so the next staff page they
    open asks them to set up a new one. Only a superuser may; the admin's history and the
    app's log record who reset whose, and when. Returns the authenticators removed."""
    if not actor.is_superuser:
        raise PermissionDenied("Only a superuser can reset a second factor.")
    removed, _ = Authenticator.objects.filter(user=user).delete()
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=SECOND_FACTOR_RESET,
        single_object=True,
    )
    logger.warning(
        "second factor reset",
        extra={
            "actor_id": actor.pk,
            "actor": actor.email,
            "user_id": user.pk,
            "user": user.email,
            "authenticators_removed": removed,
        },
    )
    return removed
