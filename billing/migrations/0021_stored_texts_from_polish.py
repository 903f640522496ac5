"""Charges and payments the system titled in Polish get their key and parameters
(core.stored_text), so that an English reader reads them in English: a charge run's
"Czynsz 11/2026", a correction's "Korekta: …", a water settlement's "Rozliczenie wody i ścieków
01.01.2026–30.06.2026". A title typed by a clerk or sent by a bank stays as it is. The fee
components written by migrations get their English names."""

from django.db import migrations

from core.stored_text_migration import Pattern, first_match

MONTHLY = "%(component)s %(month)s"
CORRECTION = "Correction: %(title)s"
SETTLEMENT = Pattern(
    "Water and sewage settlement %(start)s–%(end)s",
    "Rozliczenie wody i ścieków %(start)s–%(end)s",
    (("start", "day"), ("end", "day")),
)
ENGLISH_NAMES = {
    "rent": "Rent",
    "commercial_rent": "Rent for commercial premises",
    "management": "Advance for management costs",
    "repair_fund": "Repair fund",
    "heating": "Central heating advance",
    "hot_water": "Water heating advance",
    "water_sewage": "Water and sewage advance",
    "waste": "Municipal waste collection",
    "meter_fee": "Water meter fee",
    "water_settlement": "Water and sewage settlement",
}


def _english_names(Component):
    for code, name in ENGLISH_NAMES.items():
        Component.objects.filter(code=code, name_en="").update(name_en=name)


def _monthly(Charge, Component):
    components = {c.pk: c for c in Component.objects.all()}
    groups = (
        Charge.objects.filter(
            text_key="", corrects__isnull=True, component__isnull=False, period__isnull=False
        )
        .values_list("component_id", "period")
        .distinct()
        .order_by()
    )
    for component_id, period in list(groups):
        component = components[component_id]
        Charge.objects.filter(
            text_key="",
            corrects__isnull=True,
            component_id=component_id,
            period=period,
            title=f"{component.name} {period:%m/%Y}",
        ).update(
            text_key=MONTHLY,
            text_params={
                "component": {"names": {"pl": component.name, "en": component.name_en}},
                "month": {"month": period.isoformat()},
            },
        )


def _settlements(model, rows):
    for pk, title in rows.values_list("pk", "title").iterator():
        found = first_match([SETTLEMENT], title)
        if found:
            model.objects.filter(pk=pk).update(text_key=found[0], text_params=found[1])


def _corrections(Charge):
    corrections = Charge.objects.filter(
        text_key="", corrects__isnull=False, title__startswith="Korekta: "
    ).select_related("corrects")
    for correction in corrections.iterator():
        original = correction.corrects
        if original.text_key and correction.title == f"Korekta: {original.title}":
            Charge.objects.filter(pk=correction.pk).update(
                text_key=CORRECTION,
                text_params={
                    "title": {"text": {"key": original.text_key, "params": original.text_params}}
                },
            )


def forwards(apps, schema_editor):
    Charge = apps.get_model("billing", "Charge")
    Payment = apps.get_model("billing", "Payment")
    Component = apps.get_model("billing", "Component")
    _english_names(Component)
    _monthly(Charge, Component)
    prefix = "Rozliczenie wody i ścieków "
    _settlements(Charge, Charge.objects.filter(text_key="", title__startswith=prefix))
    _settlements(
        Payment,
        Payment.objects.filter(
            text_key="", method__in=["settlement", "correction"], title__startswith=prefix
        ),
    )
    _corrections(Charge)


class Migration(migrations.Migration):
    dependencies = [("billing", "0020_stored_texts")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
