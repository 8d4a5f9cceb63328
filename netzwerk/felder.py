"""Model fields of the portal's own."""

from django.db import models


class LinkField(models.URLField):
    """A web address; typed without a scheme ("rathaus.example/rat") it is read as https, in the
    portal's forms and the back office's alike (Django 6's default; Django 5 warns without it)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})
