# ruff: noqa: E501 (texts of the demo, one translation a line)
"""Demo data for the family guide: weekly times, barrier-free access, Leichte Sprache and
translations on the demo town's offers (akteure.demo made them), and a free German course for
four-year-olds in Nord, which a parent finds with three filters."""

import random
from datetime import time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from akteure.models import Angebot, Angebotsuebersetzung, Angebotszeit, Organisation
from netzwerk.models import Handlungsfeld, Lebensphase, Sozialraum, Sprache

# Per theme of akteure.demo.THEMEN: Leichte Sprache, then (title, description) in en, tr, ar, uk.
TEXTE = {
    "Sprachförderung im Kita-Alltag": (
        "Die Kinder lernen Deutsch. Beim Spielen. Beim Singen. Jeden Tag in der Kita.",
        {
            "en": (
                "Language support in day care",
                "Children learn German while playing, singing and eating together – every day at the day-care centre.",
            ),
            "tr": (
                "Kreşte dil desteği",
                "Çocuklar oyun oynarken, şarkı söylerken ve birlikte yemek yerken Almanca öğrenir – her gün kreşte.",
            ),
            "ar": (
                "دعم اللغة في الروضة",
                "يتعلّم الأطفال الألمانية أثناء اللعب والغناء وتناول الطعام معًا – كل يوم في الروضة.",
            ),
            "uk": (
                "Мовна підтримка в дитсадку",
                "Діти вивчають німецьку під час гри, співу та спільного харчування – щодня в дитсадку.",
            ),
        },
    ),
    "Elterncafé": (
        "Eltern treffen sich. Sie trinken Kaffee. Sie reden über ihre Kinder. Kinder dürfen mitkommen.",
        {
            "en": (
                "Parents' café",
                "Parents meet over coffee, talk about everyday family life and get tips. Children are welcome.",
            ),
            "tr": (
                "Veli kafesi",
                "Veliler kahve eşliğinde buluşur, aile hayatı hakkında konuşur ve öneriler alır. Çocuklar da gelebilir.",
            ),
            "ar": (
                "مقهى الأهل",
                "يلتقي الأهل على فنجان قهوة ويتحدثون عن الحياة اليومية للعائلة ويحصلون على نصائح. الأطفال مرحَّب بهم.",
            ),
            "uk": (
                "Кафе для батьків",
                "Батьки зустрічаються за кавою, говорять про сімейні будні й отримують поради. Діти – ласкаво просимо.",
            ),
        },
    ),
    "Babysprechstunde": (
        "Sie haben ein Baby. Sie haben Fragen. Eine Hebamme hilft Ihnen.",
        {
            "en": (
                "Baby clinic",
                "Questions about feeding, sleep and development? A midwife answers them.",
            ),
            "tr": (
                "Bebek danışma saati",
                "Beslenme, uyku ve gelişim hakkında sorularınız mı var? Bir ebe yanıtlıyor.",
            ),
            "ar": ("استشارة الرضّع", "هل لديك أسئلة حول الرضاعة والنوم والنمو؟ قابلة تجيب عنها."),
            "uk": (
                "Консультація для немовлят",
                "Питання про годування, сон і розвиток? Акушерка відповість.",
            ),
        },
    ),
    "Hausaufgabenhilfe": (
        "Kinder machen ihre Hausaufgaben. Jemand hilft ihnen dabei. Nach der Schule.",
        {
            "en": ("Homework help", "After school, children do their homework with help."),
            "tr": ("Ödev yardımı", "Okuldan sonra çocuklar ödevlerini destekle yapar."),
            "ar": ("المساعدة في الواجبات المدرسية", "بعد المدرسة يحلّ الأطفال واجباتهم بمساعدة."),
            "uk": (
                "Допомога з домашніми завданнями",
                "Після школи діти виконують домашні завдання з допомогою.",
            ),
        },
    ),
    "Erziehungsberatung für Eltern": (
        "Sie haben Sorgen mit Ihrem Kind? Sie können mit uns reden. Das kostet nichts. Wir erzählen es nicht weiter.",
        {
            "en": (
                "Parenting advice",
                "Worried about your child? Talk to us – free and confidential.",
            ),
            "tr": (
                "Ebeveynlere eğitim danışmanlığı",
                "Çocuğunuz için endişeleniyor musunuz? Bizimle konuşun – ücretsiz ve gizli.",
            ),
            "ar": ("استشارات تربوية للأهل", "هل أنت قلق على طفلك؟ تحدّث معنا – مجانًا وبسرية تامة."),
            "uk": (
                "Консультації з виховання для батьків",
                "Турбуєтеся про дитину? Поговоріть з нами – безкоштовно й конфіденційно.",
            ),
        },
    ),
    "Offener Jugendtreff": (
        "Jugendliche treffen sich. Sie spielen. Sie reden. Sie machen Musik.",
        {
            "en": (
                "Open youth club",
                "A place for young people to meet, play, talk and make music.",
            ),
            "tr": (
                "Açık gençlik buluşması",
                "Gençlerin buluştuğu, oyun oynadığı, sohbet ettiği ve müzik yaptığı bir yer.",
            ),
            "ar": (
                "نادي الشباب المفتوح",
                "مكان يلتقي فيه الشباب ويلعبون ويتحدثون ويعزفون الموسيقى.",
            ),
            "uk": (
                "Відкритий молодіжний клуб",
                "Місце, де молодь зустрічається, грає, спілкується й займається музикою.",
            ),
        },
    ),
}
KURS_SLUG = "deutschkurs-fuer-kita-kinder"
KURS = (
    "Deutschkurs für Kita-Kinder",
    "Spielerischer Deutschkurs für Kinder von 3 bis 6 Jahren: Lieder, Bilderbücher und "
    "Bewegungsspiele. Zweimal in der Woche, kostenlos, ohne Anmeldung.",
    "Kinder lernen Deutsch. Mit Liedern und Spielen. Für Kinder von 3 bis 6 Jahren. "
    "Es kostet nichts. Sie müssen sich nicht anmelden.",
    {
        "en": ("German course for pre-school children", "A playful German course for children aged 3 to 6: songs, picture books and games. Twice a week, free of charge, no registration."),
        "tr": ("Kreş çocukları için Almanca kursu", "3-6 yaş arası çocuklar için eğlenceli Almanca kursu: şarkılar, resimli kitaplar ve oyunlar. Haftada iki kez, ücretsiz, kayıt gerekmez."),
        "ar": ("دورة ألمانية لأطفال الروضة", "دورة ألمانية ممتعة للأطفال من 3 إلى 6 سنوات: أغانٍ وكتب مصوّرة وألعاب. مرتين في الأسبوع، مجانًا، دون تسجيل."),
        "uk": ("Курс німецької для дошкільнят", "Ігровий курс німецької для дітей від 3 до 6 років: пісні, книжки з малюнками та ігри. Двічі на тиждень, безкоштовно, без реєстрації."),
    },
)  # fmt: skip
BEGINN = [time(9), time(10), time(14, 30), time(15), time(16), time(17, 30), time(18)]


def _thema(angebot: Angebot) -> str:
    return angebot.title.rsplit(" (", 1)[0]


def _zeiten(angebot: Angebot, rng: random.Random) -> None:
    angebot.zeiten.all().delete()
    for wochentag in sorted(rng.sample(range(6), rng.randint(1, 2))):
        beginn = rng.choice(BEGINN)
        ende = time(beginn.hour + rng.choice([1, 2]), beginn.minute)
        Angebotszeit.objects.create(angebot=angebot, wochentag=wochentag, beginn=beginn, ende=ende)


def _uebersetzen(angebot: Angebot, texte: dict, zusatz: str = "") -> None:
    for sprache, (title, description) in texte.items():
        Angebotsuebersetzung.objects.update_or_create(
            angebot=angebot,
            sprache=sprache,
            defaults={"title": f"{title}{zusatz}", "description": description},
        )


def _kurs() -> Angebot:
    """The offer of the browser test's story: free, for 3-6, German, in Nord, current."""
    title, description, leicht, texte = KURS
    org = Organisation.objects.get(slug="kita-sonnenblume")
    kurs, _ = Angebot.objects.update_or_create(
        slug=KURS_SLUG,
        defaults={
            "organisation": org,
            "title": title,
            "description": description,
            "leichte_sprache": leicht,
            "sozialraum": Sozialraum.objects.get(slug="nord"),
            "cost": Angebot.Kosten.KOSTENLOS,
            "barrierefrei": True,
            "is_public": True,
            "languages": "Deutsch",
            "confirmed_at": timezone.now(),
            "contact": org.personen.active().with_public_consent().first(),
        },
    )
    kurs.lebensphasen.set([Lebensphase.objects.get(slug=slugify("3-6 Jahre (Kita)"))])
    kurs.handlungsfelder.set([Handlungsfeld.objects.get(slug=slugify("Sprache und Bildung"))])
    kurs.sprachen.set(Sprache.objects.filter(slug="deutsch"))
    kurs.zeiten.all().delete()
    for wochentag in (1, 3):
        Angebotszeit.objects.create(
            angebot=kurs, wochentag=wochentag, beginn=time(15), ende=time(16)
        )
    _uebersetzen(kurs, texte)
    return kurs


def build(users: dict) -> None:
    rng = random.Random(16)  # deterministic: the same guide on every run
    for angebot in Angebot.objects.exclude(slug=KURS_SLUG).order_by("pk"):
        _zeiten(angebot, rng)
        angebot.barrierefrei = rng.random() < 0.4
        fields = ["barrierefrei"]
        if (text := TEXTE.get(_thema(angebot))) is not None:
            leicht, texte = text
            angebot.leichte_sprache = leicht
            fields.append("leichte_sprache")
            # About half of these offers are translated; the rest show the German note.
            if rng.random() < 0.5:
                _uebersetzen(angebot, texte, f" ({angebot.organisation.name})")
        angebot.save(update_fields=fields)
    # The longest unconfirmed public offer passes the guide's second period: hidden there, still
    # in the registry with its reminder.
    if alt := Angebot.objects.public().order_by("confirmed_at").first():
        alt.confirmed_at = timezone.now() - timedelta(days=settings.WEGWEISER_AUSBLENDEN_TAGE + 30)
        alt.save(update_fields=["confirmed_at"])
    _kurs()
