from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from netzwerk.access import get_object_for_user, require_perm
from netzwerk.selectors import accounts_awaiting_approval
from netzwerk.services import account_reject

from .forms import FreigabeForm
from .models import Organisation
from .services import account_approve


@require_perm("netzwerk.approve_accounts")
def freigabe_list(request: HttpRequest) -> HttpResponse:
    wartende = [(user, FreigabeForm(prefix=f"u{user.pk}")) for user in accounts_awaiting_approval()]
    return render(request, "akteure/freigabe_list.html", {"wartende": wartende})


@require_POST
@require_perm("netzwerk.approve_accounts")
def freigabe_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(accounts_awaiting_approval(), pk=pk)
    form = FreigabeForm(request.POST, prefix=f"u{user.pk}")
    if not form.is_valid():
        others = [
            (u, FreigabeForm(prefix=f"u{u.pk}"))
            for u in accounts_awaiting_approval().exclude(pk=user.pk)
        ]
        return render(
            request,
            "akteure/freigabe_list.html",
            {"wartende": [(user, form), *others]},
            status=400,
        )
    if form.cleaned_data["decision"] == "approve":
        account_approve(
            user=user,
            approved_by=request.user,
            rolle=form.cleaned_data["rolle"],
            organisation=form.cleaned_data["organisation"],
        )
        messages.success(request, f"{user} ist freigegeben und wird per E-Mail informiert.")
    else:
        account_reject(user=user, rejected_by=request.user)
        messages.info(request, f"Die Registrierung von {user} ist abgelehnt.")
    return redirect("akteure:freigabe-list")


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_for_user(
        request,
        Organisation.objects.select_related("typ", "sozialraum"),
        "akteure.read_organisation",
        slug=slug,
    )
    return render(
        request,
        "akteure/organisation_detail.html",
        {
            "organisation": organisation,
            "personen": organisation.personen.all(),
            "darf_bearbeiten": request.user.has_perm("akteure.edit_organisation", organisation),
        },
    )
