"""A municipal tenant submits a water meter reading with a photo and sees it in the history;
the meters pages pass axe-core."""

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from meters.models import Reading
from tests.e2e.conftest import assert_no_axe_violations, login
from tests.factories import PASSWORD, AccessFactory
from tests.meters.factories import MeterFactory, ReadingFactory, WindowFactory


def test_tenant_submits_a_reading_with_a_photo(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "private"
    today = timezone.localdate()
    access = AccessFactory(
        user__username="najemca",
        user__first_name="Tomasz",
        user__last_name="Krawczyk",
        account__number="1001",
        account__premises__building__street="ul. Głęboka 15",
        account__premises__number="1",
    )
    premises = access.account.premises
    cold = MeterFactory(premises=premises, serial_number="ZW-1001")
    MeterFactory(premises=premises, serial_number="CW-1001", kind="hot")
    for months, value in ((2, "98,000"), (1, "101,250")):
        ReadingFactory(
            meter=cold,
            value=Decimal(value.replace(",", ".")),
            read_on=today - datetime.timedelta(days=30 * months),
            submitted_by=access.user,
        )
    WindowFactory(
        starts_on=today - datetime.timedelta(days=3), ends_on=today + datetime.timedelta(days=4)
    )
    photo = tmp_path / "licznik.jpg"
    Image.new("RGB", (320, 240), (40, 90, 160)).save(photo, "JPEG")

    login(page, "najemca", PASSWORD)
    page.goto("/liczniki/")
    expect(page.locator("main")).to_contain_text("ZW-1001")
    expect(page.locator("main")).to_contain_text("101,25")  # the decimals it has,
    expect(page.locator("main")).not_to_contain_text("101,250")  # not padded to the litre
    assert_no_axe_violations(page)

    page.locator(f'a[href="/liczniki/{cold.pk}/odczyt/"]').click()
    expect(page).to_have_url(re.compile(rf"/liczniki/{cold.pk}/odczyt/$"))
    assert_no_axe_violations(page)
    page.locator("#id_value").fill("104,5")
    page.locator("#id_photo").set_input_files(str(photo))
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/liczniki/{cold.pk}/$"))
    history = page.locator("table.ledger tbody tr").first
    expect(history).to_contain_text("104,5")
    expect(history).not_to_contain_text("104,500")
    expect(history).to_contain_text("3,25")  # the use since the previous reading: 104,5 − 101,25
    assert_no_axe_violations(page)

    reading = Reading.objects.get(meter=cold, value=Decimal("104.5"))
    assert reading.photo
    photo_link = history.locator(f'a[href="/liczniki/odczyty/{reading.pk}/zdjecie/"]')
    response = page.request.get(photo_link.get_attribute("href"))
    assert response.status == 200
    assert response.headers["content-type"] == "image/jpeg"
