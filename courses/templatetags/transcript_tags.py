from django import template

from courses.models.content import hours_text

register = template.Library()
register.filter("hours", hours_text)
