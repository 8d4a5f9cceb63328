"""The timeline page: approved accounts read it; the coordination enters and deletes milestones."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..access import require_perm
from .models import Konzept, Meilenstein
from .zeitleiste import zeitleiste


class MeilensteinForm(forms.ModelForm):
    date = forms.DateField(
        label=gettext_lazy("Datum"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": gettext_lazy("Bitte geben Sie das Datum an."),
            "invalid": gettext_lazy("Bitte geben Sie ein gültiges Datum an, etwa 15.08.2023."),
        },
    )
    konzept = forms.ModelChoiceField(
        label=gettext_lazy("Konzept"),
        queryset=Konzept.objects.all(),
        required=False,
        empty_label=gettext_lazy("– zu keinem Konzept –"),
    )

    class Meta:
        model = Meilenstein
        fields = ["date", "title", "description", "konzept"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"title": gettext_lazy("Zum Beispiel „Lenkungskreis gegründet“.")}
        error_messages = {
            "title": {"required": gettext_lazy("Bitte geben Sie an, was geschehen ist.")}
        }


class LoeschenForm(forms.Form):
    loeschen = forms.ModelChoiceField(queryset=Meilenstein.objects.all())


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
