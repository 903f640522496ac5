"""Demo: one published accessibility statement; rerunning changes nothing."""

import datetime

from accessibility.models import AccessibilityStatement

PROCEDURE = (
    "Każdy ma prawo wystąpić z żądaniem zapewnienia dostępności cyfrowej strony internetowej "
    "lub jej elementu albo zapewnienia dostępu alternatywnego. Żądanie można złożyć przez "
    "formularz na tej stronie, e-mailem lub telefonicznie. Odpowiadamy niezwłocznie, nie później "
    "niż w ciągu 7 dni; jeśli to niemożliwe, informujemy o terminie, nie dłuższym niż 2 miesiące. "
    "Po odmowie można złożyć skargę, a następnie wniosek do Rzecznika Praw Obywatelskich."
)


def seed_accessibility(*, today) -> int:
    if AccessibilityStatement.objects.exists():
        return 0
    AccessibilityStatement.objects.create(
        entity_name="Zakład Budynków Miejskich w Cieszynie",
        prepared_on=datetime.date(today.year, 1, 15),
        published_on=datetime.date(2025, 9, 1),
        reviewed_on=datetime.date(today.year, 1, 15),
        status=AccessibilityStatement.Status.PARTIAL,
        non_accessible="Skany uchwał wspólnot sprzed 2020 r. nie mają warstwy tekstowej.",
        assessment_method="samoocena przeprowadzona przez podmiot publiczny",
        contact_name="Anna Nowak",
        contact_email="dostepnosc@zbm.example.pl",
        contact_phone="33 000 00 11",
        procedure=PROCEDURE,
        architectural="Biuro obsługi klienta na parterze, wejście z podjazdem dla wózków.",
    )
    return 1
