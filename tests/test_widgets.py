"""PlainSelect writes the same options as Django's Select, without a template per option."""

import re

import pytest

from courses.forms.reports import CompletionFilterForm
from courses.models import Course
from courses.widgets import PlainSelect
from tests.factories import CourseFactory

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')


def options(html):
    return OPTION.findall(html)


def plain(form):
    field = form.fields["course"]
    field.widget = PlainSelect(attrs=field.widget.attrs, label_field="title")
    field.widget.choices = field.choices
    return form


@pytest.mark.parametrize("chosen", [None, 1])
def test_same_options_as_django_select(chosen):
    courses = [CourseFactory(title=title) for title in ("Beta & Co", "Alpha <1>", "Gamma")]
    data = {"course": str(courses[chosen].pk)} if chosen is not None else None

    django_html = str(CompletionFilterForm(data)["course"])
    plain_html = str(plain(CompletionFilterForm(data))["course"])

    assert options(plain_html) == options(django_html)
    assert len(options(plain_html)) == 4  # "All courses" and three courses
    assert "Alpha &lt;1&gt;" in plain_html
    assert plain_html.startswith('<select name="course" id="id_course"')


def test_plain_choices_and_attributes():
    widget = PlainSelect(attrs={"class": "form-select"}, label_field="unused")
    widget.choices = [("a", "A"), ("b", "B")]

    html = widget.render("kind", "b", attrs={"id": "id_kind", "required": True})

    assert html == (
        '<select name="kind" class="form-select" id="id_kind" required>'
        '<option value="a">A</option><option value="b" selected>B</option></select>'
    )


def test_completions_filter_lists_every_course(staff_client):
    CourseFactory.create_batch(3)

    html = staff_client.get("/staff/reports/completions/").content.decode()

    select = html[html.index('<select name="course"') :]
    select = select[: select.index("</select>")]
    assert len(options(select)) == 1 + Course.objects.count()
    assert "form-select" in select  # crispy's Bootstrap class still reaches the widget
