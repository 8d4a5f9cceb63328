"""The timeline page: approved accounts read it; the coordination enters and deletes milestones."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ..access import require_perm
from .forms import LoeschenForm, MeilensteinForm
from .zeitleiste import zeitleiste


@require_perm("netzwerk.read_konzept")  # without a concept: approved accounts
def zeitleiste_view(request: HttpRequest) -> HttpResponse:
    darf = request.user.has_perm("netzwerk.edit_konzept")
    if request.method == "POST" and not darf:
        raise Http404
    form = MeilensteinForm() if darf else None
    if request.method == "POST" and "loeschen" in request.POST:
        loeschen = LoeschenForm(request.POST)
        if not loeschen.is_valid():
            raise Http404
        meilenstein = loeschen.cleaned_data["loeschen"]
        meilenstein.delete()
        messages.success(request, _("„%(t)s“ ist gelöscht.") % {"t": meilenstein.title})
        return redirect("netzwerk:zeitleiste")
    if request.method == "POST":
        form = MeilensteinForm(request.POST)
        if form.is_valid():
            meilenstein = form.save(commit=False)
            meilenstein.created_by = request.user
            meilenstein.save()
            messages.success(request, _("Der Meilenstein ist eingetragen."))
            return redirect(f"{reverse('netzwerk:zeitleiste')}#meilenstein-{meilenstein.pk}")
    return render(
        request,
        "netzwerk/konzepte/zeitleiste.html",
        {"eintraege": zeitleiste(user=request.user), "form": form},
    )
