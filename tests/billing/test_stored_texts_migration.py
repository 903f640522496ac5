"""Migrations billing/0021 and messaging/0010 on texts stored in Polish before keys: what the
system wrote gets its key and parameters, what people typed stays as it was."""

import datetime
from decimal import Decimal as D

import pytest
from django.utils import translation

from billing.models import Charge, Payment
from core.stored_text import render
from messaging.models import Notification
from tests.factories import AccountFactory, UserFactory
from tests.migrations import migrate

BEFORE = [("billing", "0020_stored_texts"), ("messaging", "0010_notification_stored_texts")]
NOVEMBER = datetime.date(2026, 11, 1)


def in_english(row_key, params):
    with translation.override("en"):
        return render(row_key, params)


@pytest.mark.django_db(transaction=True)
def test_polish_titles_become_keys_and_typed_ones_stay():
    account = AccountFactory()
    user = UserFactory()
    try:
        old = migrate(BEFORE)
        Component = old.get_model("billing", "Component")
        OldCharge = old.get_model("billing", "Charge")
        OldPayment = old.get_model("billing", "Payment")
        OldNotification = old.get_model("messaging", "Notification")
        # a flushed test database has lost the components: as an installation made before
        rent, _new = Component.objects.update_or_create(
            code="rent", defaults={"name": "Czynsz", "name_en": ""}
        )
        common = {"account_id": account.pk, "quantity": 1, "vat_rate": "zw"}
        monthly = OldCharge.objects.create(
            component_id=rent.pk,
            period=NOVEMBER,
            title="Czynsz 11/2026",
            unit_price=D("380"),
            amount=D("380.00"),
            due_date=datetime.date(2026, 11, 10),
            **common,
        )
        correction = OldCharge.objects.create(
            component_id=rent.pk,
            period=NOVEMBER,
            title="Korekta: Czynsz 11/2026",
            unit_price=D("-80"),
            amount=D("-80.00"),
            due_date=datetime.date(2026, 11, 10),
            corrects_id=monthly.pk,
            reason="Błędny metraż",
            **common,
        )
        typed = OldCharge.objects.create(
            title="Opłata za duplikat klucza",
            unit_price=D("25"),
            amount=D("25.00"),
            due_date=datetime.date(2026, 11, 20),
            **common,
        )
        credit = OldPayment.objects.create(
            account_id=account.pk,
            amount=D("140.37"),
            paid_on=datetime.date(2026, 7, 15),
            method="settlement",
            title="Rozliczenie wody i ścieków 01.01.2026–30.06.2026",
        )
        bank = OldPayment.objects.create(
            account_id=account.pk,
            amount=D("300.00"),
            paid_on=datetime.date(2026, 11, 8),
            method="bank",
            title="Rozliczenie wody i ścieków 01.01.2026–30.06.2026",
        )
        settled = OldNotification.objects.create(
            user_id=user.pk,
            subject="Rozliczenie wody dla konta 1001",
            body="Rozliczenie wody i ścieków RW/2026/1/7 dla konta 1001 jest gotowe: "
            "1\xa0154,74 zł do zapłaty do 31.07.2026.",
        )
        thread = OldNotification.objects.create(
            user_id=user.pk, subject="Odpowiedź z BOK: Wysokość zaliczki", body="Dzień dobry, …"
        )
        free = OldNotification.objects.create(
            user_id=user.pk, subject="Awaria wody w budynku", body="Brak wody do 14:00."
        )

        migrate()
        charges = {c.pk: c for c in Charge.objects.all()}
        assert in_english(charges[monthly.pk].text_key, charges[monthly.pk].text_params) == (
            "Rent 11/2026"  # the component got its English name first
        )
        fixed = charges[correction.pk]
        assert in_english(fixed.text_key, fixed.text_params) == "Correction: Rent 11/2026"
        assert (charges[typed.pk].text_key, charges[typed.pk].text_params) == ("", {})
        assert charges[typed.pk].description == "Opłata za duplikat klucza"
        payments = {p.pk: p for p in Payment.objects.all()}
        with translation.override("en"):
            assert payments[credit.pk].title_text == (
                "Water and sewage settlement 01.01.2026–30.06.2026"
            )
        assert payments[bank.pk].text_key == ""  # a bank's title is the bank's data

        notifications = {n.pk: n for n in Notification.objects.all()}
        with translation.override("en"):
            assert notifications[settled.pk].subject_text == "Water settlement for account 1001"
            body = notifications[settled.pk].body_text
            assert body.startswith("The water and sewage settlement RW/2026/1/7 for account 1001")
            assert "1,154.74" in body  # the amount read back as a number, written in English
            assert body.endswith(" to pay by 31.07.2026.")
            assert notifications[thread.pk].subject_text == "BOK answered: Wysokość zaliczki"
            assert notifications[thread.pk].body_text == "Dzień dobry, …"
            assert notifications[free.pk].subject_text == "Awaria wody w budynku"
        assert notifications[free.pk].subject_key == ""
    finally:
        migrate()
