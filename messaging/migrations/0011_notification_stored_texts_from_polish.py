"""Notifications the system wrote in Polish get their keys and parameters (core.stored_text),
so that an English reader reads them in English: "Rozliczenie wody dla konta 1001", "Nowe
naliczenia za …", payment reminders, invoices, BOK's messages, meter reading reminders. A
subject or body no pattern matches stays as it was written."""

from django.db import migrations

from core.stored_text_migration import Pattern, first_match

MONEY, DAY = "amount", "day"
SUBJECTS = [
    Pattern("Water settlement for account %(account)s", "Rozliczenie wody dla konta %(account)s"),
    Pattern(
        "New charges for %(month)s — account %(number)s, %(address)s",
        "Nowe naliczenia za %(month)s — konto %(number)s, %(address)s",
        (("month", "month_name"),),
    ),
    Pattern(
        "Payment reminder: due %(due)s — account %(number)s, %(address)s",
        "Przypomnienie o płatności: termin %(due)s — konto %(number)s, %(address)s",
        (("due", DAY),),
    ),
    Pattern("Correcting invoice %(number)s", "Faktura korygująca %(number)s"),
    Pattern("New invoice %(number)s", "Nowa faktura %(number)s"),
    Pattern("A message from BOK: %(subject)s", "Wiadomość od BOK: %(subject)s"),
    Pattern("BOK answered: %(subject)s", "Odpowiedź z BOK: %(subject)s"),
    Pattern(
        "Your water meter reading was corrected", "Odczyt Twojego wodomierza został skorygowany"
    ),
    Pattern("Please submit your water meter readings", "Podaj odczyty wodomierzy"),
]
BODIES = [
    Pattern(
        "The water and sewage settlement %(number)s for account %(account)s is ready: "
        "%(amount)s to pay by %(due)s.",
        "Rozliczenie wody i ścieków %(number)s dla konta %(account)s jest gotowe: %(amount)s do "
        "zapłaty do %(due)s.",
        (("amount", MONEY), ("due", DAY)),
    ),
    Pattern(
        "The water and sewage settlement %(number)s for account %(account)s is ready: "
        "an overpayment of %(amount)s is credited against your next charges.",
        "Rozliczenie wody i ścieków %(number)s dla konta %(account)s jest gotowe: nadpłata "
        "%(amount)s zostaje zaliczona na kolejne naliczenia.",
        (("amount", MONEY),),
    ),
    Pattern(
        "The water and sewage settlement %(number)s for account %(account)s is ready: "
        "the advances covered the use exactly.",
        "Rozliczenie wody i ścieków %(number)s dla konta %(account)s jest gotowe: zaliczki "
        "pokryły zużycie dokładnie.",
    ),
    Pattern(
        "The charges of account %(number)s for %(month)s have been posted: %(amount)s in total, "
        "due by %(due)s.",
        "Zaksięgowano naliczenia na koncie %(number)s za %(month)s: łącznie %(amount)s, termin "
        "płatności %(due)s.",
        (("month", "month_name"), ("amount", MONEY), ("due", DAY)),
    ),
    Pattern(
        "%(amount)s of the charges of account %(number)s is still unpaid and due by %(due)s. "
        "If you have already paid, please ignore this message.",
        "Kwota %(amount)s z naliczeń na koncie %(number)s pozostaje nieopłacona; termin "
        "płatności: %(due)s. Jeśli wpłata została już dokonana, zignoruj tę wiadomość.",
        (("amount", MONEY), ("due", DAY)),
    ),
    Pattern(
        "A correcting invoice %(number)s has been issued for account %(account)s: %(amount)s. "
        "You can download it in e-BOK.",
        "Do konta %(account)s wystawiono fakturę korygującą %(number)s: %(amount)s. Możesz ją "
        "pobrać w e-BOK.",
        (("amount", MONEY),),
    ),
    Pattern(
        "Invoice %(number)s for account %(account)s has been issued: %(amount)s, due by "
        "%(due)s. You can download it in e-BOK.",
        "Do konta %(account)s wystawiono fakturę %(number)s: %(amount)s, termin płatności "
        "%(due)s. Możesz ją pobrać w e-BOK.",
        (("amount", MONEY), ("due", DAY)),
    ),
    Pattern(
        "Readings are collected until %(day)s and we do not have yours yet. Submit them in "
        "e-BOK under Water meters.",
        "Odczyty przyjmujemy do %(day)s, a Twoich jeszcze nie otrzymaliśmy. Podaj je w e-BOK w "
        "zakładce Wodomierze.",
        (("day", "long_day"),),
    ),
]


def _keyed(notification) -> dict | None:
    """The keys and parameters of a notification's subject and body; None when neither was
    made from a known text, or when both were but disagree on a shared parameter."""
    subject = first_match(SUBJECTS, notification.subject)
    body = first_match(BODIES, notification.body)
    if subject is None and body is None:
        return None
    params: dict = {}
    for found in (subject, body):
        for name, value in (found[1] if found else {}).items():
            if params.setdefault(name, value) != value:
                return None
    return {
        "subject_key": subject[0] if subject else "",
        "body_key": body[0] if body else "",
        "text_params": params,
    }


def forwards(apps, schema_editor):
    Notification = apps.get_model("messaging", "Notification")
    rows = Notification.objects.filter(subject_key="", body_key="").only("subject", "body")
    for notification in rows.iterator():
        fields = _keyed(notification)
        if fields:
            Notification.objects.filter(pk=notification.pk).update(**fields)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0010_notification_stored_texts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
