"""{% status_badge obj %} or {% status_badge value "app.model" %}: a status as the one badge
component, colour and icon from netzwerk.status."""

from django import template
from django.db import models

from netzwerk import status

register = template.Library()


@register.inclusion_tag("netzwerk/_status_badge.html")
def status_badge(obj_or_value: models.Model | str | None, kind: str | None = None) -> dict:
    """Nothing for an empty value or a row without a derived state (an event not cancelled)."""
    if isinstance(obj_or_value, models.Model):
        return {"badge": status.badge_for(obj_or_value)}
    if kind is None:
        raise template.TemplateSyntaxError("status_badge: a plain value needs its kind")
    return {"badge": status.badge(obj_or_value, kind)}
