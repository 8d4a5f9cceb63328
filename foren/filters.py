import django_filters
from django.utils.translation import gettext_lazy as _

from akteure.filters import BootstrapFilterSet
from netzwerk.models import Lebensphase

from .models import Beitrag


class BeitragFilter(BootstrapFilterSet):
    art = django_filters.ChoiceFilter(
        label=_("Art"), choices=Beitrag.Art.choices, empty_label=_("alle")
    )
    lebensphase = django_filters.ModelChoiceFilter(
        label=_("Lebensphase"),
        field_name="lebensphasen",
        queryset=Lebensphase.objects.all(),
        empty_label=_("alle"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Beitrag.Status.choices, empty_label=_("alle")
    )

    class Meta:
        model = Beitrag
        fields = ["art", "lebensphase", "status"]
