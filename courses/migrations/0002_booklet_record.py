# Each graded attempt keeps one record of its booklet instead of a snapshot per answer,
# so grading writes one JSON document and narrow answer rows.

from itertools import groupby
from operator import itemgetter

from django.db import migrations, models


def answers_to_record(apps, schema_editor):
    Attempt = apps.get_model("courses", "Attempt")
    Answer = apps.get_model("courses", "Answer")
    rows = (
        Answer.objects.filter(attempt__state="graded", attempt__booklet_record__isnull=True)
        .order_by("attempt_id", "id")
        .values_list("attempt_id", "question_id", "selected_choice_ids", "is_correct", "snapshot")
        .iterator(chunk_size=5000)
    )
    batch = []
    for attempt_id, answers in groupby(rows, key=itemgetter(0)):
        record = [
            {
                "question_id": question_id,
                "number": snapshot.get("number"),
                "section_number": snapshot.get("section_number"),
                "section_title": snapshot.get("section_title", ""),
                "stem": snapshot.get("stem", ""),
                "kind": snapshot.get("kind", ""),
                "explanation": snapshot.get("explanation", ""),
                "choices": snapshot.get("choices", []),
                "selected": selected,
                "is_correct": is_correct,
            }
            for _, question_id, selected, is_correct, snapshot in answers
        ]
        record.sort(key=lambda entry: (entry["section_number"] or 0, entry["number"] or 0))
        batch.append(Attempt(pk=attempt_id, booklet_record=record))
        if len(batch) == 500:
            Attempt.objects.bulk_update(batch, ["booklet_record"])
            batch = []
    Attempt.objects.bulk_update(batch, ["booklet_record"])
    # A graded attempt always has answers; should one not, its record is empty, not missing.
    Attempt.objects.filter(state="graded", booklet_record__isnull=True).update(booklet_record=[])


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="attempt",
            name="booklet_record",
            field=models.JSONField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(answers_to_record, migrations.RunPython.noop, elidable=True),
        migrations.RemoveConstraint(
            model_name="attempt",
            name="attempt_graded_has_result",
        ),
        migrations.AddConstraint(
            model_name="attempt",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("state", "in_progress"),
                    models.Q(
                        ("booklet_record__isnull", False),
                        ("pass_mark__isnull", False),
                        ("passed__isnull", False),
                        ("score__isnull", False),
                        ("submitted_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="attempt_graded_has_result",
            ),
        ),
        migrations.RemoveField(
            model_name="answer",
            name="selected_choice_ids",
        ),
        migrations.RemoveField(
            model_name="answer",
            name="snapshot",
        ),
    ]
