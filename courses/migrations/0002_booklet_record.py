# Each graded attempt keeps one record of its booklet instead of a snapshot per answer,
# so grading writes one JSON document and narrow answer rows.

from django.db import migrations, models


def answers_to_record(apps, schema_editor):
    Attempt = apps.get_model("courses", "Attempt")
    Answer = apps.get_model("courses", "Answer")
    graded = Attempt.objects.filter(state="graded", booklet_record__isnull=True)
    for attempt in graded.iterator(chunk_size=500):
        record = []
        for answer in Answer.objects.filter(attempt=attempt).order_by("id"):
            snapshot = answer.snapshot
            record.append(
                {
                    "question_id": answer.question_id,
                    "number": snapshot.get("number"),
                    "section_number": snapshot.get("section_number"),
                    "section_title": snapshot.get("section_title", ""),
                    "stem": snapshot.get("stem", ""),
                    "kind": snapshot.get("kind", ""),
                    "explanation": snapshot.get("explanation", ""),
                    "choices": snapshot.get("choices", []),
                    "selected": answer.selected_choice_ids,
                    "is_correct": answer.is_correct,
                }
            )
        record.sort(key=lambda entry: (entry["section_number"] or 0, entry["number"] or 0))
        Attempt.objects.filter(pk=attempt.pk).update(booklet_record=record)


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
