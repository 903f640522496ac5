from datetime import date
from decimal import Decimal

from django.db import migrations


# code, name (Polish, as on statements), default VAT rate, order
COMPONENTS = [
    ("rent", "Czynsz", "zw", 10),
    ("management", "Zaliczka na koszty zarządu", "zw", 20),
    ("repair_fund", "Fundusz remontowy", "np", 30),
    ("heating", "Zaliczka na centralne ogrzewanie", "zw", 40),
    ("hot_water", "Zaliczka na podgrzanie wody", "zw", 50),
    ("water_sewage", "Zaliczka na wodę i ścieki", "zw", 60),
    ("waste", "Wywóz odpadów komunalnych", "np", 70),
    ("meter_fee", "Opłata za wodomierze", "zw", 80),
    ("commercial_rent", "Czynsz za lokal użytkowy", "23", 15),
]

# Statutory interest for delay = NBP reference rate + 5.5 pp (art. 481 § 2 k.c.).
SOURCE = "stopa referencyjna NBP + 5,5 pp (art. 481 § 2 k.c.)"
RATES = [
    (date(2016, 1, 1), "7.00"),
    (date(2020, 3, 18), "6.50"),
    (date(2020, 4, 9), "6.00"),
    (date(2020, 5, 29), "5.60"),
    (date(2021, 10, 7), "6.00"),
    (date(2021, 11, 4), "6.75"),
    (date(2021, 12, 9), "7.25"),
    (date(2022, 1, 5), "7.75"),
    (date(2022, 2, 9), "8.25"),
    (date(2022, 3, 9), "9.00"),
    (date(2022, 4, 7), "10.00"),
    (date(2022, 5, 6), "10.75"),
    (date(2022, 6, 9), "11.50"),
    (date(2022, 7, 8), "12.00"),
    (date(2022, 9, 8), "12.25"),
    (date(2023, 9, 7), "11.50"),
    (date(2023, 10, 5), "11.25"),
    (date(2025, 5, 8), "10.75"),
    (date(2025, 7, 3), "10.50"),
    (date(2025, 9, 4), "10.25"),
    (date(2025, 10, 9), "10.00"),
    (date(2025, 11, 6), "9.75"),
    (date(2025, 12, 4), "9.50"),
    (date(2026, 3, 5), "9.25"),
]


def seed(apps, schema_editor):
    Component = apps.get_model("billing", "Component")
    InterestRate = apps.get_model("billing", "InterestRate")
    for code, name, vat, order in COMPONENTS:
        Component.objects.get_or_create(
            code=code, defaults={"name": name, "default_vat_rate": vat, "order": order}
        )
    for valid_from, rate in RATES:
        InterestRate.objects.get_or_create(
            valid_from=valid_from, defaults={"rate": Decimal(rate), "source": SOURCE}
        )


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial"), ("accounts", "0003_community_prefix_validator")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
