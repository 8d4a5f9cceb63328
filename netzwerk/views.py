from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from foren.selectors import foren_visible_to  # pages are netzwerk's top floor

from .access import require_perm
from .celery import app as celery_app
from .context_processors import rollen_for
from .dashboard import dashboard_context
from .forms import RueckmeldungForm
from .mail import mail_resend
from .middleware import SPRACHE_SESSION_KEY
from .models import Mail, Rueckmeldung, User
from .services import rueckmeldung_create
from .sortierung import deutsch
from .tasks import HEARTBEAT_KEY


def home(request: HttpRequest) -> HttpResponse:
    foren = list(foren_visible_to(request.user).order_by(deutsch("name")))
    return render(
        request,
        "netzwerk/home.html",
        {
            "aktive_foren": [f for f in foren if f.status == f.Status.AKTIV],
            "ruhende_foren": [f for f in foren if f.status == f.Status.RUHEND],
        },
    )


@require_POST
def sprache_setzen(request: HttpRequest) -> HttpResponse:
    """The language switch in the header: Django's set_language (cookie, back to `next`), and
    the choice kept in the session and, for a signed-in person, in the account, from which the
    mails to her take their language too."""
    response = set_language(request)
    code = request.POST.get("language", "")
    if code in dict(settings.LANGUAGES):
        request.session[SPRACHE_SESSION_KEY] = code
        if request.user.is_authenticated and request.user.sprache != code:
            User.objects.filter(pk=request.user.pk).update(sprache=code)
    return response


def hilfe(request: HttpRequest) -> HttpResponse:
    """Help and contact, linked first in every page's footer (WCAG 3.2.6, consistent help)."""
    return render(request, "netzwerk/hilfe.html")


def impressum(request: HttpRequest) -> HttpResponse:
    return render(request, "netzwerk/impressum.html")


def datenschutz(request: HttpRequest) -> HttpResponse:
    from . import datenschutz as register

    return render(request, "netzwerk/datenschutz.html", {"fristen": register.fristen()})


def leichte_sprache(request: HttpRequest) -> HttpResponse:
    return render(request, "netzwerk/leichte_sprache.html")


def barrierefreiheit(request: HttpRequest) -> HttpResponse:
    form = RueckmeldungForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not form.is_spam():
            rueckmeldung_create(**{f: form.cleaned_data[f] for f in form.Meta.fields})
        messages.success(
            request, _("Danke! Ihre Rückmeldung ist bei der Koordination des Netzwerks angekommen.")
        )
        return redirect("netzwerk:barrierefreiheit")
    return render(
        request,
        "netzwerk/barrierefreiheit.html",
        {
            "form": form,
            "stand": settings.BARRIEREFREIHEIT_STAND,
            "schlichtung_name": settings.SCHLICHTUNGSSTELLE_NAME,
            "schlichtung_url": settings.SCHLICHTUNGSSTELLE_URL,
        },
    )


@require_perm("netzwerk.read_feedback")
def rueckmeldung_list(request: HttpRequest) -> HttpResponse:
    rueckmeldungen = Rueckmeldung.objects.all()[:200]
    return render(request, "netzwerk/rueckmeldung_list.html", {"rueckmeldungen": rueckmeldungen})


@require_perm("netzwerk.see_dashboard")
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(
        request, "netzwerk/dashboard.html", dashboard_context(request.user, rollen_for(request))
    )


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Nothing else is asked, so a database outage does not get
    healthy web processes restarted (that is /readyz's question)."""
    return JsonResponse({"status": "ok"})


def _storage_check() -> str:
    """The file storage answers: a small probe written, read back and removed."""
    name = default_storage.save("bereit/probe.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                return "error: content"
    finally:
        default_storage.delete(name)
    return "ok"


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: database, broker and file storage reachable (503 if one is not), for the
    proxy, compose health checks and monitoring; and when a worker last ran beat's heartbeat."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = f"error: {exc.__class__.__name__}"
    if celery_app.conf.task_always_eager:
        checks["broker"] = "in-process"
    else:
        try:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"error: {exc.__class__.__name__}"
    try:
        checks["storage"] = _storage_check()
    except Exception as exc:  # noqa: BLE001
        checks["storage"] = f"error: {exc.__class__.__name__}"
    try:  # the cache is Redis too: down, /readyz still answers its JSON
        checks["worker_heartbeat"] = cache.get(HEARTBEAT_KEY) or "none yet"
    except Exception as exc:  # noqa: BLE001
        checks["worker_heartbeat"] = f"error: {exc.__class__.__name__}"
    ready = all(checks[k] in ("ok", "in-process") for k in ("database", "broker", "storage"))
    return JsonResponse(
        {"status": "ok" if ready else "error", "checks": checks}, status=200 if ready else 503
    )


@require_perm("netzwerk.read_outbox")
def mail_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    mails = Mail.objects.all()
    if status in Mail.Status.values:
        mails = mails.filter(status=status)
    page = Paginator(mails, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "netzwerk/mail_list.html",
        {"page": page, "status": status, "statuses": Mail.Status.choices},
    )


@require_POST
@require_perm("netzwerk.read_outbox")
def mail_resend_view(request: HttpRequest, pk: int) -> HttpResponse:
    mail = get_object_or_404(Mail, pk=pk)
    if mail.status in (Mail.Status.FAILED, Mail.Status.SENT):
        mail_resend(mail=mail)
        messages.success(request, _("Die E-Mail wird erneut gesendet."))
    else:
        messages.info(request, _("Diese E-Mail ist noch unterwegs."))
    return redirect("netzwerk:mail-list")
