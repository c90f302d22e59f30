from django import template

from courses.charts import PercentBarChart

register = template.Library()


@register.inclusion_tag("courses/reports/_percent_bar_chart.html")
def percent_bar_chart(chart: PercentBarChart) -> dict:
    return {"chart": chart, "rows": chart.rows, "guides": chart.guide_marks}
