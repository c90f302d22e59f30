from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def secret_key_set(app_configs, **kwargs):
    """Without SECRET_KEY the settings make up a key per process (ceapp/settings.py):
    safe, but no deploy can run on it."""
    if settings.SECRET_KEY.startswith("django-insecure-"):
        return [
            Error(
                "SECRET_KEY is not set, so each process signs sessions with a random key "
                "of its own: logins would not survive a restart or reach another server.",
                hint="Set SECRET_KEY to 50+ random characters, the same on every server.",
                id="ceapp.E001",
            )
        ]
    return []
