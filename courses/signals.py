"""Signal receivers, connected in CoursesConfig.ready()."""

from django.apps import apps
from django.db import models
from django.db.models.signals import post_delete, post_save, pre_save

from courses.models import Course
from courses.models.content import CONTENT


# Every save or delete of a course's sections, references, questions or choices gives
# the course a new content version, which keys its cached content (courses.content_cache).
# Before a save the course the row is leaving changes; after it, the course it is in.
def content_leaving(sender, instance, raw=False, **kwargs):
    if not raw and not instance._state.adding:
        Course.objects.holding(sender, [instance.pk]).content_changed()


def content_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        lookup, parent = CONTENT[sender]
        parent_lookup = lookup.rpartition("__")[0] or "pk"
        Course.objects.filter(**{parent_lookup: getattr(instance, parent)}).content_changed()


for model in CONTENT:
    name = model._meta.model_name
    pre_save.connect(content_leaving, sender=model, dispatch_uid=f"courses.{name}_leaving")
    post_save.connect(content_changed, sender=model, dispatch_uid=f"courses.{name}_saved")
    post_delete.connect(content_changed, sender=model, dispatch_uid=f"courses.{name}_deleted")


def text_line_breaks(sender, instance, raw=False, **kwargs):
    """Text is stored with LF line breaks, however it arrives.

    Browsers post a textarea's line breaks as CRLF, so without this the first admin
    save of a row made elsewhere (the demo, an archive import) would record an
    unchanged text as changed in its history.
    """
    if raw:
        return
    for attname in TEXT_FIELDS[sender]:
        value = getattr(instance, attname)
        if isinstance(value, str) and "\r" in value:
            setattr(instance, attname, value.replace("\r\n", "\n").replace("\r", "\n"))


# Connected only to this app's models that have text, with their fields listed once,
# rather than looked up on every save of every model.
TEXT_FIELDS = {
    model: [f.attname for f in model._meta.concrete_fields if isinstance(f, models.TextField)]
    for model in apps.get_app_config("courses").get_models()
}
for model, attnames in TEXT_FIELDS.items():
    if attnames:
        pre_save.connect(
            text_line_breaks, sender=model, dispatch_uid=f"courses.{model._meta.model_name}_text"
        )
