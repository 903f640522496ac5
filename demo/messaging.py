"""Demo notices and messages: a published notice to everyone, one to the Bobrecka 12 community,
and a conversation of `najemca` with BOK that has an answer. Safe to run twice: each is found
by its title or subject and made only when missing."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Account, Community, User
from messaging import services
from messaging.models import Notice, Thread

EVERYONE_TITLE = "Przegląd przewodów kominowych i wentylacyjnych"
COMMUNITY_NAME = "Wspólnota Mieszkaniowa Bobrecka 12"
COMMUNITY_TITLE = "Zebranie właścicieli Wspólnoty Bobrecka 12"
THREAD_SUBJECT = "Wysokość zaliczki na wodę"


def _notice(clerk, title, body, **audience):
    if Notice.objects.filter(title=title).exists():
        return 0
    notice = Notice.objects.create(
        title=title,
        body=body,
        created_by=clerk,
        expires_at=timezone.now() + timedelta(days=60),
        **audience,
    )
    services.notice_publish(notice_id=notice.pk, clerk=clerk)
    services.notice_deliver(notice_id=notice.pk)  # in-process: demo data must exist at once
    return 1


def seed_messaging(*, today=None) -> dict:
    clerk = User.objects.filter(username="bok").first()
    tenant = User.objects.filter(username="najemca").first()
    if clerk is None or tenant is None:
        return {}
    created = {"notices": 0, "threads": 0}
    created["notices"] += _notice(
        clerk,
        EVERYONE_TITLE,
        "Informujemy, że w przyszłym miesiącu kominiarz sprawdzi przewody kominowe i "
        "wentylacyjne we wszystkich budynkach. Prosimy o udostępnienie lokali; dokładne "
        "terminy wywiesimy na klatkach schodowych.",
        audience=Notice.Audience.EVERYONE,
    )
    community = Community.objects.filter(name=COMMUNITY_NAME).first()
    if community:
        created["notices"] += _notice(
            clerk,
            COMMUNITY_TITLE,
            "Zarząd zaprasza właścicieli lokali na coroczne zebranie Wspólnoty. W porządku "
            "obrad: sprawozdanie finansowe, plan gospodarczy i wysokość funduszu remontowego.",
            audience=Notice.Audience.COMMUNITY,
            audience_community=community,
        )
    account = Account.objects.filter(number="1001").first()
    if account and not Thread.objects.filter(subject=THREAD_SUBJECT, created_by=tenant).exists():
        thread = services.thread_start(
            user=tenant,
            account_id=account.pk,
            topic="meters",
            subject=THREAD_SUBJECT,
            text="Dzień dobry, dlaczego zaliczka na wodę wzrosła od tego miesiąca? "
            "Mieszkam sam.",
        )
        services.thread_staff_reply(
            clerk=clerk,
            thread_id=thread.pk,
            text="Dzień dobry, zaliczka jest liczona od liczby osób zgłoszonych w lokalu. "
            "Jeśli mieszka Pan sam, prosimy o złożenie oświadczenia w BOK — skorygujemy ją "
            "od następnego miesiąca.",
        )
        created["threads"] += 1
    return created
