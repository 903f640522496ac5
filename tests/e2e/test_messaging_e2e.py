"""A tenant reads a notice in the inbox and replies to BOK in a conversation BOK answered; the
inbox, notice and thread pages pass axe-core."""

import re

from playwright.sync_api import expect

from messaging import services
from messaging.models import ThreadMessage
from tests.e2e.conftest import assert_no_axe_violations, login
from tests.factories import PASSWORD, AccessFactory, StaffFactory
from tests.messaging.factories import delivered_notice, notice_attachment


def test_tenant_reads_a_notice_and_replies_to_bok(page, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "private"
    access = AccessFactory(
        user__username="najemca",
        account__number="1001",
        account__premises__building__street="ul. Głęboka 15",
    )
    tenant = access.user
    clerk = StaffFactory()
    notice = delivered_notice(
        tenant, title="Przerwa w dostawie wody", body="We wtorek od 8 do 12 nie będzie wody."
    )
    notice_attachment(notice, name="harmonogram.pdf")
    thread = services.thread_start(
        user=tenant,
        account_id=access.account.pk,
        topic="meters",
        subject="Wysokość zaliczki na wodę",
        text="Dlaczego zaliczka wzrosła?",
    )
    services.thread_staff_reply(
        clerk=clerk, thread_id=thread.pk, text="Prosimy o oświadczenie o liczbie osób."
    )

    login(page, "najemca", PASSWORD)
    page.goto("/powiadomienia/")
    main = page.locator("main")
    expect(main).to_contain_text("Przerwa w dostawie wody")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Przerwa w dostawie wody").click()
    expect(page).to_have_url(re.compile(rf"/ogloszenia/{notice.pk}/$"))
    expect(main).to_contain_text("We wtorek od 8 do 12 nie będzie wody.")
    expect(page.get_by_role("link", name="harmonogram.pdf")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto("/wiadomosci/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Wysokość zaliczki na wodę").click()
    expect(page).to_have_url(re.compile(rf"/wiadomosci/{thread.pk}/$"))
    expect(main).to_contain_text("Prosimy o oświadczenie o liczbie osób.")
    assert_no_axe_violations(page)
    page.locator("#id_text").fill("Dziękuję, złożę oświadczenie jutro.")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/wiadomosci/{thread.pk}/$"))
    expect(main).to_contain_text("Dziękuję, złożę oświadczenie jutro.")
    assert ThreadMessage.objects.filter(
        thread=thread, author=tenant, text="Dziękuję, złożę oświadczenie jutro."
    ).exists()

    page.goto("/wiadomosci/nowa/")
    assert_no_axe_violations(page)
    page.goto("/powiadomienia/ustawienia/")
    assert_no_axe_violations(page)
