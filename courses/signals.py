"""Signal receivers, connected in CoursesConfig.ready()."""

import sqlite3

from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from courses.models import Choice, Course, Question, Section


@receiver(connection_created, dispatch_uid="courses.sqlite_query_params")
def sqlite_query_params(sender, connection, **kwargs):
    """Let Django batch by this SQLite's real bound-parameter limit, as Django 6.0 does.

    Django 5.2 assumes SQLite's pre-3.32 limit of 999 parameters, which would split
    the answers of a 200-question booklet into two INSERTs; the library reports its
    real limit (32766 or more).
    """
    if connection.vendor == "sqlite":
        connection.features.max_query_params = connection.connection.getlimit(
            sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER
        )


# Every change to what a booklet asks moves its course to a new content version, which
# keys the cached booklet (courses.selectors.learning.booklet_questions). Before a save
# the course the row is leaving changes; after it, the course it is in.
@receiver(pre_save, sender=Section, dispatch_uid="courses.section_leaving")
def section_leaving(sender, instance, raw=False, **kwargs):
    if not instance._state.adding and not raw:
        Course.objects.filter(sections=instance.pk).content_changed()


@receiver(post_save, sender=Section, dispatch_uid="courses.section_saved")
@receiver(post_delete, sender=Section, dispatch_uid="courses.section_deleted")
def section_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        Course.objects.filter(pk=instance.course_id).content_changed()


@receiver(pre_save, sender=Question, dispatch_uid="courses.question_leaving")
def question_leaving(sender, instance, raw=False, **kwargs):
    if not instance._state.adding and not raw:
        Course.objects.filter(sections__questions=instance.pk).content_changed()


@receiver(post_save, sender=Question, dispatch_uid="courses.question_saved")
@receiver(post_delete, sender=Question, dispatch_uid="courses.question_deleted")
def question_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        Course.objects.filter(sections=instance.section_id).content_changed()


@receiver(pre_save, sender=Choice, dispatch_uid="courses.choice_leaving")
def choice_leaving(sender, instance, raw=False, **kwargs):
    if not instance._state.adding and not raw:
        Course.objects.filter(sections__questions__choices=instance.pk).content_changed()


@receiver(post_save, sender=Choice, dispatch_uid="courses.choice_saved")
@receiver(post_delete, sender=Choice, dispatch_uid="courses.choice_deleted")
def choice_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        Course.objects.filter(sections__questions=instance.question_id).content_changed()
