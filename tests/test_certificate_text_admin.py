"""Text staff enter that certificates and transcripts print must be text the PDF fonts draw.

Each model refuses it in clean(), so the admin (which calls full_clean) shows the error
beside the field; rows saved any other way keep saving.
"""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from courses.models import Course, ProviderSettings
from tests.factories import ApprovalFactory, AuthorFactory, CourseFactory, CreditTypeFactory
from tests.helpers import page_data

pytestmark = pytest.mark.django_db


def provider_settings():
    settings = ProviderSettings.load()
    settings.administrator_name = "Jordan Lee"  # required, and blank in a new row
    return settings


# (what to build, field, how the message names it): every field that is copied into
# the certificate snapshot or printed on the transcript and that staff type.
FIELDS = [
    (CourseFactory, "title", "The course title"),
    (AuthorFactory, "name", "The author's name"),
    (AuthorFactory, "credentials", "The author's credentials"),
    (ApprovalFactory, "body_name", "The approving body"),
    (ApprovalFactory, "body_abbreviation", "The abbreviation"),
    (ApprovalFactory, "number", "The approval number"),
    (ApprovalFactory, "statement_template", "The approval statement"),
    (CreditTypeFactory, "name", "The credit type"),
    (provider_settings, "provider_name", "The provider name"),
    (provider_settings, "administrator_name", "The CE administrator's name"),
    (provider_settings, "administrator_title", "The CE administrator's title"),
    (provider_settings, "delivery_format", "The delivery format"),
]
FIELD_IDS = [f"{make.__name__}.{field}" for make, field, _ in FIELDS]

UNPRINTABLE = [
    ("王秀英", '"王", "秀", "英"'),  # CJK: no glyphs in DejaVu Sans
    ("שרה כהן", '"ש", "ר", "ה", "כ", "ן"'),  # glyphs exist, but would print reversed
    ("Dana\u200bRivera", "U+200B"),  # an invisible zero-width space, by code point
]
PRINTABLE = [
    "Nguyễn Thị Minh Khai",  # Latin Extended Additional (Vietnamese)
    "Αικατερίνη Παπαδοπούλου",  # Greek
    "Андрей Соловьёв",  # Cyrillic
]


@pytest.mark.parametrize(("make", "field", "label"), FIELDS, ids=FIELD_IDS)
@pytest.mark.parametrize(("text", "shown"), UNPRINTABLE, ids=["cjk", "hebrew", "zero-width"])
def test_full_clean_refuses_text_the_certificate_cannot_print(make, field, label, text, shown):
    obj = make()
    setattr(obj, field, text)

    with pytest.raises(ValidationError) as refused:
        obj.full_clean()

    assert refused.value.message_dict == {field: [f"{label}: certificates cannot print {shown}."]}


@pytest.mark.parametrize(("make", "field", "label"), FIELDS, ids=FIELD_IDS)
@pytest.mark.parametrize("text", PRINTABLE, ids=["vietnamese", "greek", "cyrillic"])
def test_full_clean_accepts_latin_greek_and_cyrillic_and_stores_it_composed(
    make, field, label, text
):
    obj = make()
    # Typed as letters plus combining marks, as some keyboards send it.
    setattr(obj, field, unicodedata.normalize("NFD", text))

    obj.full_clean()

    assert getattr(obj, field) == text


def test_approval_statement_may_break_lines_but_a_course_title_may_not():
    # The statement is wrapped as a paragraph, where a line break is a space; a title
    # typed into one line has no business holding one.
    approval = ApprovalFactory(
        statement_template="Approved by the APA.\r\nProvider 1234.\tSee below."
    )
    approval.full_clean()

    course = CourseFactory(title="Grief\nand loss")
    with pytest.raises(ValidationError) as refused:
        course.full_clean()
    assert refused.value.message_dict == {
        "title": ["The course title: certificates cannot print U+000A."]
    }


def test_rows_saved_outside_full_clean_keep_saving_and_loading():
    # Only clean() judges: an old course with such a title still saves and loads.
    course = CourseFactory(title="王秀英")
    course.summary = "Changed."
    course.save()

    assert Course.objects.get(pk=course.pk).title == "王秀英"


def test_admin_refuses_a_course_title_the_certificate_cannot_print(staff_client):
    course = CourseFactory(title="Grief and loss")
    url = reverse("admin:courses_course_change", args=[course.pk])
    data = page_data(staff_client.get(url))
    data["title"] = "Grief and loss 悲伤"

    response = staff_client.post(url, data)

    assert response.status_code == 200
    message = 'The course title: certificates cannot print "悲", "伤".'
    assert response.context["adminform"].form.errors["title"] == [message]
    assert escape(message) in response.content.decode()
    course.refresh_from_db()
    assert course.title == "Grief and loss"


def test_a_long_unprintable_text_names_ten_characters_and_counts_the_rest():
    course = CourseFactory.build(title="".join(chr(0x4E00 + n) for n in range(25)))

    with pytest.raises(ValidationError) as refused:
        course.full_clean(exclude=["slug"])

    [message] = refused.value.message_dict["title"]
    shown = ", ".join(f'"{chr(0x4E00 + n)}"' for n in range(10))
    assert message == f"The course title: certificates cannot print {shown} and 15 more."
