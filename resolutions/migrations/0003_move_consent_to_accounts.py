"""Consent to electronic delivery moves to accounts.Consent (the profile owns it): every row of
resolutions.DeliveryConsent is copied with its times, then the old model is dropped (0004)."""

from django.db import migrations

KIND = "electronic_delivery_of_documents"


def copy_consents(apps, schema_editor):
    Old = apps.get_model("resolutions", "DeliveryConsent")
    Consent = apps.get_model("accounts", "Consent")
    Consent.objects.bulk_create(
        [
            Consent(
                user_id=row.user_id, kind=KIND, given_at=row.given_at, withdrawn_at=row.withdrawn_at
            )
            for row in Old.objects.order_by("pk")
        ]
    )


def copy_back(apps, schema_editor):
    Old = apps.get_model("resolutions", "DeliveryConsent")
    Consent = apps.get_model("accounts", "Consent")
    Old.objects.bulk_create(
        [
            Old(user_id=row.user_id, given_at=row.given_at, withdrawn_at=row.withdrawn_at)
            for row in Consent.objects.filter(kind=KIND).order_by("pk")
        ]
    )
    Consent.objects.filter(kind=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_consent_email_change"),
        ("resolutions", "0002_permissions"),
    ]

    operations = [migrations.RunPython(copy_consents, copy_back)]
