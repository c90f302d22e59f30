"""Helpers that more than one test module uses."""

from django.core.files import File

# Queries every logged-in request makes: its session, then its user. A staff page also
# checks that the second factor its session used is still the staff member's.
AUTH = 2
STAFF = AUTH + 1


def page_data(response):
    """The POST data a browser sends back for an admin add/change page as it was shown."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is False or isinstance(value, File):
                continue  # an unticked box or a stored file is not sent back
            if value is True:
                data[bound.html_name] = "on"
            elif value is None:
                data[bound.html_name] = ""
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets", []):
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data
