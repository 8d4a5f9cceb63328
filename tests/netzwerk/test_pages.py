import re

import pytest
from django.core import mail
from django.urls import reverse

from netzwerk.models import Rueckmeldung

pytestmark = pytest.mark.django_db


def test_accessibility_feedback_reaches_the_coordinators(
    client, welt, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("netzwerk:barrierefreiheit"),
            {"name": "Ute", "email": "ute@test.example", "page_url": "/x/", "message": "Zu klein."},
            follow=True,
        )
    assert "Danke" in response.content.decode()
    rueckmeldung = Rueckmeldung.objects.get()
    assert rueckmeldung.notified_at is not None
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"koordination@test.example", "neu-koordination@test.example"}
    assert "Zu klein." in mail.outbox[0].body


def test_feedback_is_announced_only_once_even_when_delivery_runs_again(
    client, welt, django_capture_on_commit_callbacks
):
    from netzwerk.mail import mail_deliver
    from netzwerk.models import Mail

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("netzwerk:barrierefreiheit"), {"message": "Kontrast zu schwach."})
    outbox_row = Mail.objects.get(template="rueckmeldung")
    assert mail_deliver(mail_id=outbox_row.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_feedback_without_a_message_keeps_what_was_typed_and_says_why(client, welt):
    response = client.post(
        reverse("netzwerk:barrierefreiheit"),
        {"name": "Ute Beispiel", "email": "kein-at-zeichen", "message": ""},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dieses Feld ist zwingend erforderlich." in page
    assert "Bitte gültige E-Mail-Adresse eingeben." in page
    assert 'value="Ute Beispiel"' in page
    assert Rueckmeldung.objects.count() == 0


def test_the_honeypot_swallows_bot_feedback(client, welt):
    client.post(
        reverse("netzwerk:barrierefreiheit"),
        {"message": "Spam", "homepage": "http://spam.example"},
    )
    assert Rueckmeldung.objects.count() == 0
    assert mail.outbox == []


def test_healthz_only_says_the_process_answers(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        body = client.get(reverse("healthz")).json()
    assert body == {"status": "ok"}


def test_readyz_reports_database_broker_and_storage(client, db):
    body = client.get(reverse("readyz")).json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] in ("ok", "in-process")
    assert body["checks"]["storage"] == "ok"


def test_readyz_answers_503_when_the_storage_fails(client, db, monkeypatch):
    from django.core.files.storage import default_storage

    def broken(*args, **kwargs):
        raise OSError("Datenträger nicht erreichbar")

    monkeypatch.setattr(default_storage, "save", broken)
    response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "error: OSError"


def test_json_logs_carry_the_message_and_extra_fields():
    import json
    import logging

    from netzwerk.logformat import JsonFormatter

    record = logging.makeLogRecord(
        {
            "name": "netzwerk.mail",
            "levelname": "WARNING",
            "msg": "Versand %s",
            "args": ("fehlgeschlagen",),
            "mail_id": 7,
        }
    )
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "Versand fehlgeschlagen" and entry["mail_id"] == 7
    assert entry["level"] == "WARNING" and entry["logger"] == "netzwerk.mail"


@pytest.mark.parametrize(
    "name",
    ["netzwerk:home", "netzwerk:impressum", "netzwerk:datenschutz", "netzwerk:leichte-sprache"],
)
def test_pages_load_nothing_from_other_hosts(client, welt, name):
    response = client.get(reverse(name))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    page = response.content.decode()
    external = re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="(https?:)?//', page)
    assert external == []
    assert 'lang="de"' in page
    assert 'href="#inhalt"' in page and 'id="inhalt"' in page


def test_the_dashboard_shows_each_role_its_own_part(client_as):
    koordination = client_as("koordination").get(reverse("netzwerk:dashboard")).content.decode()
    assert "Registrierungen, die auf Freigabe warten" in koordination
    partner = client_as("partner").get(reverse("netzwerk:dashboard")).content.decode()
    assert "Kita Wolke" in partner and "Freigabe warten" not in partner
    moderation = client_as("moderation").get(reverse("netzwerk:dashboard")).content.decode()
    assert "Meine moderierten Foren" in moderation and "Forum Intern" in moderation
    gremium = client_as("gremium").get(reverse("netzwerk:dashboard")).content.decode()
    assert "Noch liegt kein Sachstandsbericht" in gremium


def test_a_dormant_forum_says_it_waits_for_someone(client, welt):
    from foren.models import Forum

    welt.forum_other.status = Forum.Status.RUHEND
    welt.forum_other.save()
    page = client.get(welt.forum_other.get_absolute_url()).content.decode()
    assert "ruht, bis jemand es aufgreift" in page


def test_a_missing_page_answers_in_german_in_the_portal_layout(client, db):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Diese Seite gibt es nicht" in page and 'href="#inhalt"' in page


def test_a_crash_shows_the_german_error_page(client, db, monkeypatch):
    import netzwerk.views

    def broken(request):
        raise RuntimeError("kaputt")

    monkeypatch.setattr(netzwerk.views, "render", lambda *a, **k: broken(None))
    client.raise_request_exception = False
    response = client.get(reverse("netzwerk:impressum"))
    assert response.status_code == 500
    assert "Da ist etwas schiefgegangen" in response.content.decode()


def test_plain_text_mails_are_not_html_escaped(client, welt, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("netzwerk:barrierefreiheit"),
            {"name": "Müller & Söhne", "page_url": "/a?b=1&c=2", "message": "<b>fett</b> & gut"},
        )
    body = mail.outbox[0].body
    assert "Müller & Söhne" in body and "/a?b=1&c=2" in body and "<b>fett</b> & gut" in body


def test_a_forum_page_never_shows_a_moderators_e_mail_address(client, welt):
    moderator = welt.users["moderation"]
    moderator.first_name = moderator.last_name = ""
    moderator.save()
    welt.forum_public.moderators.add(moderator)
    page = client.get(welt.forum_public.get_absolute_url()).content.decode()
    assert moderator.email not in page


def test_the_accessibility_statement_names_date_contact_and_conciliation(client, settings, db):
    settings.SCHLICHTUNGSSTELLE_URL = "https://schlichtung.example"
    page = client.get(reverse("netzwerk:barrierefreiheit")).content.decode()
    assert settings.BARRIEREFREIHEIT_STAND in page
    assert settings.PORTAL_KONTAKT_TELEFON in page and settings.PORTAL_KONTAKT_EMAIL in page
    assert 'href="https://schlichtung.example"' in page


def test_metrics_are_closed_without_a_token_and_wrong_tokens(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert client.get(reverse("metrics")).status_code == 404
    settings.METRICS_TOKEN = "geheim-für-prometheus"
    assert client.get(reverse("metrics")).status_code == 404
    assert client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer falsch").status_code == 404


def test_metrics_show_requests_the_outbox_and_task_failures(client, db, settings):
    from datetime import timedelta

    from django.utils import timezone

    from netzwerk import metriken
    from netzwerk.models import Mail

    settings.METRICS_TOKEN = "geheim"
    Mail.objects.create(
        template="t", to=["a@test.example"], subject="s", body_text="b",
        created_at=timezone.now() - timedelta(minutes=10),
    )  # fmt: skip
    Mail.objects.create(template="t", to=["b@test.example"], subject="s", body_text="b")
    Mail.objects.create(
        template="t", to=["c@test.example"], subject="s", body_text="b", status="failed"
    )
    metriken._count_failure()
    metriken._count_failure()
    client.get(reverse("healthz"))
    body = client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer geheim").content.decode()
    assert "netzwerk_postausgang_wartend 2.0" in body
    assert "netzwerk_postausgang_fehlgeschlagen 1.0" in body
    alter = float(re.search(r"^netzwerk_postausgang_aelteste_sekunden (\S+)$", body, re.M)[1])
    assert 590 < alter < 700
    assert "netzwerk_celery_fehler_total 2.0" in body
    assert (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="healthz"}'
        in body
    )
