"""Events as iCalendar (RFC 5545), for calendars of every kind."""

from django.conf import settings
from icalendar import Calendar, Event

from .models import Veranstaltung


def kalender(veranstaltungen) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.PORTAL_NAME}//Netzwerkportal//DE")
    calendar.add("version", "2.0")
    for veranstaltung in veranstaltungen:
        calendar.add_component(_event(veranstaltung))
    return calendar.to_ical()


def _event(veranstaltung: Veranstaltung) -> Event:
    event = Event()
    event.add("uid", f"veranstaltung-{veranstaltung.pk}@netzwerkportal")
    event.add("summary", veranstaltung.title)
    event.add("dtstart", veranstaltung.start)
    event.add("dtend", veranstaltung.end)
    event.add("dtstamp", veranstaltung.created_at)
    place = ", ".join(p for p in (veranstaltung.place, veranstaltung.room) if p)
    if place or veranstaltung.online_url:
        event.add("location", place or veranstaltung.online_url)
    if veranstaltung.description:
        event.add("description", veranstaltung.description)
    event.add("url", f"{settings.SITE_URL}/konferenzen/{veranstaltung.pk}/")
    return event
