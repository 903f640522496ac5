"""`wlasciciel` votes on a resolution; his wife `wspolwlasciciel`, co-owner of the flat, sees
the turnout change, who voted, and the result after closing; the pages pass axe-core."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from resolutions.models import Resolution
from tests.e2e.conftest import assert_no_axe_violations, login
from tests.factories import PASSWORD, UserFactory
from tests.resolutions.factories import close, community_with, opened, own


def test_owner_votes_and_the_co_owner_sees_the_tally_change(page, browser, live_server):
    community, premises = community_with([(3, 10), (3, 10), (2, 10), (2, 10)])
    husband = UserFactory(username="wlasciciel", first_name="Piotr", last_name="Zieliński")
    wife = UserFactory(username="wspolwlasciciel", first_name="Magdalena", last_name="Zielińska")
    own(premises[0], husband, spouse=wife)
    for p in premises[1:]:
        own(p)
    resolution = opened(community, title="Docieplenie ściany północnej")
    detail = f"/uchwaly/{resolution.pk}/"

    context = browser.new_context(base_url=live_server.url, locale="pl-PL")
    other = context.new_page()
    login(other, "wspolwlasciciel", PASSWORD)
    other.goto(detail)
    expect(other.locator("#turnout")).to_contain_text("0,00")

    login(page, "wlasciciel", PASSWORD)
    page.goto("/uchwaly/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("Docieplenie")).click()
    expect(page).to_have_url(re.compile(rf"{detail}$"))
    assert_no_axe_violations(page)
    page.locator('section.ballot input[value="for"]').check()
    page.locator("section.ballot button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{detail}$"))
    expect(page.locator(".current-vote")).to_contain_text("Twój głos: za")  # the voter's own
    assert_no_axe_violations(page)

    other.reload()
    expect(other.locator("#turnout")).to_contain_text("30,00")
    expect(other.locator(".current-vote")).to_contain_text("Piotr Zieliński")

    Resolution.objects.filter(pk=resolution.pk).update(
        ends_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    resolution.refresh_from_db()
    close(resolution)
    other.reload()
    expect(other.locator("#result")).to_be_visible()
    expect(other.locator("table.tally")).to_contain_text("30,00")
    assert_no_axe_violations(other)
    context.close()


def test_an_owner_of_a_flat_and_a_garage_votes_for_the_garage_too_at_320_px(page, live_server):
    community, premises = community_with([(3, 10), (3, 10), (2, 10), (2, 10)])
    owner = UserFactory(username="wlasciciel", first_name="Piotr", last_name="Zieliński")
    own(premises[0], owner)
    own(premises[1], owner)
    for p in premises[2:]:
        own(p)
    resolution = opened(community, title="Docieplenie ściany północnej")
    flat, garage = (resolution.ballots.get(premises=p) for p in premises[:2])
    page.set_viewport_size({"width": 320, "height": 640})
    login(page, "wlasciciel", PASSWORD)
    page.goto(f"/uchwaly/{resolution.pk}/")
    page.locator(f"#id_b{flat.pk}-choice_0").check()  # "za" for the flat
    page.locator(f"section[aria-labelledby='ballot-{flat.pk}'] button[type=submit]").click()
    unvoted = page.locator("#unvoted")
    expect(unvoted).to_contain_text(garage.premises_label)
    expect(unvoted.locator('input[value="for"]')).to_be_checked()  # the vote just cast
    assert_no_axe_violations(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    unvoted.get_by_role("button", name="Oddaj 1 głos").click()
    expect(page.locator(f"#my-vote-{garage.pk}")).to_contain_text("Twój głos: za")
    expect(page.locator("#unvoted")).to_have_count(0)
    expect(page.locator("#turnout")).to_contain_text("Oddano 2 z 4 kart; to 60,00% udziałów.")
