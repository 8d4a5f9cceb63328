"""Events as iCalendar (RFC 5545), for calendars of every kind."""

from django.conf import settings
from icalendar import Calendar, Event

from .models import Veranstaltung


def kalender(veranstaltungen, *, base_url: str = "") -> bytes:
    """The events as one calendar file. Links go to `base_url` (a request's own scheme, host and
    port: request.build_absolute_uri("/")); without a request (mails, Celery) to SITE_URL."""
    base = (base_url or settings.SITE_URL).rstrip("/")
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PORTAL_NAME}//Netzwerkportal//DE")
    calendar.add("version", "2.0")
    for veranstaltung in veranstaltungen:
        calendar.add_component(_event(veranstaltung, base))
    return calendar.to_ical()


def _event(veranstaltung: Veranstaltung, base: str) -> Event:
    event = Event()
    event.add("uid", f"veranstaltung-{veranstaltung.pk}@netzwerkportal")
    event.add("dtstart", veranstaltung.start)
    event.add("dtend", veranstaltung.end)
    if veranstaltung.cancelled_at:
        # Subscribed calendars take the date off (or strike it through) instead of keeping it.
        event.add("summary", f"Abgesagt: {veranstaltung.title}")
        event.add("status", "CANCELLED")
        event.add("sequence", 1)
        event.add("dtstamp", veranstaltung.cancelled_at)
    else:
        event.add("summary", veranstaltung.title)
        event.add("status", "CONFIRMED")
        event.add("dtstamp", veranstaltung.created_at)
    place = ", ".join(p for p in (veranstaltung.place, veranstaltung.room) if p)
    if place or veranstaltung.online_url:
        event.add("location", place or veranstaltung.online_url)
    description = veranstaltung.description
    if veranstaltung.cancelled_at:
        description = f"Abgesagt: {veranstaltung.cancel_reason}\n\n{description}".strip()
    if description:
        event.add("description", description)
    event.add("url", f"{base}{veranstaltung.get_absolute_url()}")
    return event
