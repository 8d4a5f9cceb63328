import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from akteure.models import Angebot, Organisation, Organisationstyp, Person
from foren.models import Beitrag, Forum
from netzwerk.models import Handlungsfeld, Sozialraum, User

PASSWORD = "Ein-sicheres-Passwort-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@test.example")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    approved_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )

    @factory.post_generation
    def rollen(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class HandlungsfeldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Handlungsfeld
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Handlungsfeld {n}")
    slug = factory.Sequence(lambda n: f"handlungsfeld-{n}")


class SozialraumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sozialraum

    name = factory.Sequence(lambda n: f"Sozialraum {n}")
    slug = factory.Sequence(lambda n: f"sozialraum-{n}")


class OrganisationstypFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisationstyp

    name = factory.Sequence(lambda n: f"Typ {n}")
    slug = factory.Sequence(lambda n: f"typ-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    typ = factory.SubFactory(OrganisationstypFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster {n}")
    organisation = factory.SubFactory(OrganisationFactory)


class ForumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forum

    name = factory.Sequence(lambda n: f"Forum {n}")
    slug = factory.Sequence(lambda n: f"forum-{n}")
    handlungsfeld = factory.SubFactory(HandlungsfeldFactory)


class AngebotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Angebot
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Angebot {n}")
    slug = factory.Sequence(lambda n: f"angebot-{n}")
    organisation = factory.SubFactory(OrganisationFactory)

    @factory.post_generation
    def lebensphasen(self, create, extracted, **kwargs):
        if create and extracted:
            self.lebensphasen.set(extracted)

    @factory.post_generation
    def handlungsfelder(self, create, extracted, **kwargs):
        if create and extracted:
            self.handlungsfelder.set(extracted)


class BeitragFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beitrag

    forum = factory.SubFactory(ForumFactory)
    art = Beitrag.Art.BEDARF
    title = factory.Sequence(lambda n: f"Beitrag {n}")
    text = "Ein Bedarf."
