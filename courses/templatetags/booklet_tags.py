"""The answer booklet's choices, rendered in Python: as template markup they took most
of the booklet page's render time."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from courses.models import QuestionKind
from courses.selectors.learning import PageQuestion

register = template.Library()


@register.simple_tag
def booklet_choices(item: PageQuestion):
    """The question's choices as radio buttons (single answer) or checkboxes (select all)."""
    question = item.question
    kind = "checkbox" if question.kind == QuestionKind.MULTIPLE else "radio"
    rows = [
        '<div class="form-check booklet-choice">'
        f'<input class="form-check-input" type="{kind}" name="question-{question.pk:d}" '
        f'id="choice-{choice.pk:d}" value="{choice.pk:d}"{" checked" if selected else ""}>'
        f'<label class="form-check-label" for="choice-{choice.pk:d}">{escape(choice.text)}</label>'
        "</div>"
        for choice, selected in item.choices
    ]
    # Ids are formatted as integers (":d" refuses anything else) and the text is escaped.
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703
