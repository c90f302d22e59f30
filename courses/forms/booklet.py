"""Forms of the answer booklet and the course evaluation."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms
from django.utils.text import Truncator

from courses.models import EvaluationItem
from courses.selectors.learning import BookletQuestion
from courses.services.grading import answers_errors

QUESTION_PREFIX = "question-"


def _short(value: str) -> str:
    return Truncator(value).chars(40)


def is_record_id(value: str) -> bool:
    """A database id as posted: ASCII digits that fit a bigint (and Python's int())."""
    return value.isascii() and value.isdigit() and len(value) < 19


class BookletForm(forms.Form):
    """A posted answer booklet, read into {"<question id>": [choice ids]}.

    Each question is posted as "question-<id>" with the chosen choice ids, and the page
    lists the questions it showed as "shown" (a question left blank posts nothing, so
    only this says it was cleared). Anything that is not a choice of that question in
    this booklet is refused with a message.
    """

    action = forms.ChoiceField(
        choices=[("save", "Save progress"), ("submit", "Submit answers for grading")],
        error_messages={"required": "Choose Save progress or Submit answers for grading."},
    )

    def __init__(self, data, *, questions: list[BookletQuestion]):
        super().__init__(data)
        self.questions = questions
        self.answers: dict[str, list[int]] = {}
        self.shown: set[str] = set()

    def clean(self):
        cleaned = super().clean()
        answers, errors = {}, []
        asked = {str(question.pk) for question in self.questions}
        shown = set()
        for question_id in self.data.getlist("shown"):
            if is_record_id(question_id) and str(int(question_id)) in asked:
                shown.add(str(int(question_id)))
            else:
                errors.append(f"“{_short(question_id)}” is not a question in this answer booklet.")
        for key in self.data:
            if not key.startswith(QUESTION_PREFIX):
                continue
            question_id = key.removeprefix(QUESTION_PREFIX)
            values = self.data.getlist(key)
            if not is_record_id(question_id):
                errors.append(f"“{_short(question_id)}” is not a question in this answer booklet.")
                continue
            bad = [value for value in values if not is_record_id(value)]
            if bad:
                errors.append(f"“{_short(bad[0])}” is not a choice id.")
                continue
            if values:
                answers[str(int(question_id))] = [int(value) for value in values]
        errors += answers_errors(questions=self.questions, answers=answers)
        if errors:
            raise forms.ValidationError(errors)
        self.answers = {key: sorted(set(ids)) for key, ids in answers.items()}
        self.shown = shown
        return cleaned

    @property
    def error_messages(self) -> list[str]:
        return [message for messages in self.errors.values() for message in messages]

    @property
    def unanswered(self) -> list[BookletQuestion]:
        return [question for question in self.questions if str(question.pk) not in self.answers]


LIKERT_CHOICES = [
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
]


class EvaluationForm(forms.Form):
    minutes_spent = forms.IntegerField(
        label="Time you actually spent on this course (minutes)",
        min_value=1,
        max_value=10000,
        help_text="Reading, listening and answering the booklet, in whole minutes. It starts "
        "from the time measured on the course's pages; correct it if that is not right.",
    )
    comments = forms.CharField(
        label="Comments (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, items: list[EvaluationItem], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[self.item_field(item)] = forms.TypedChoiceField(
                label=item.text,
                choices=LIKERT_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose how much you agree with this statement."},
            )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(Field(self.item_field(item), wrapper_class="likert") for item in items),
            Field("minutes_spent", wrapper_class="evaluation-minutes"),
            "comments",
        )
        self.helper.add_input(Submit("submit", "Submit evaluation"))

    @staticmethod
    def item_field(item: EvaluationItem) -> str:
        return f"item-{item.pk}"

    @property
    def ratings(self) -> dict[int, int]:
        return {item.pk: self.cleaned_data[self.item_field(item)] for item in self.items}
