"""VAT per kind of account that an auditor can defend (issue #28, point 3): an owner in a
community is no tenant, a municipal flat's metered water is a rule staff can change, and under
centralised VAT the issuing unit is in FA(3)'s Podmiot3 as "JST – wystawca"."""

import datetime
from decimal import Decimal as D

import pytest
from lxml import etree

from billing.invoices.fa3.schema import fa3_errors
from billing.invoices.services import invoice_issue_for_month
from billing.ledger.charge_run import charge_run_execute
from billing.models import Charge, ChargeRun, Invoice, VatRule
from demo.ledger import RESIDENTIAL_EXEMPTION, seed_components
from tests.billing.factories import ChargeFactory, FeeFactory, component
from tests.billing.invoice_factories import PERIOD, commercial_access, month_charges
from tests.factories import AccessFactory, AccountFactory, CommunityFactory
from tests.migrations import migrate

NS = {"fa": "http://crd.gov.pl/wzor/2025/06/25/13775/"}
ISSUED = datetime.date(2026, 11, 3)
MUNICIPALITY_NIP = "5482200414"  # a valid NIP (mod 11), the municipality's in these tests


def field(invoice, path):
    xml = bytes(Invoice.objects.get(pk=invoice.pk).fa3.xml)
    assert fa3_errors(xml) == []
    return [e.text for e in etree.fromstring(xml).xpath(path, namespaces=NS)]


def charge_run(period=PERIOD):
    run = ChargeRun.objects.create(period=period, due_day=10)
    charge_run_execute(run_id=run.pk, notify=False)


@pytest.mark.django_db
def test_an_owner_is_no_tenant_management_outside_vat_media_are_supplies():
    access = AccessFactory(account__kind="community_ownership", account__holder_nip="",
                           account__premises__floor_area=D("50.00"))
    account = access.account
    for code, basis, price, quantity in [
        ("management", "per_m2", D("4.2000"), None),  # 50 m² × 4,20 = 210,00
        ("repair_fund", "per_m2", D("2.0000"), None),  # 50 m² × 2,00 = 100,00
        ("water_sewage", "per_person", D("42.8000"), D(2)),  # 2 × 42,80 = 85,60
        ("heating", "per_m2", D("3.1000"), None),  # 50 m² × 3,10 = 155,00
    ]:
        FeeFactory(account=account, component=component(code), basis=basis, unit_price=price,
                   quantity=quantity)
    charge_run()
    rates = dict(Charge.objects.filter(account=account).values_list("component__code", "vat_rate"))
    assert rates == {"management": "np", "repair_fund": "np", "water_sewage": "8", "heating": "23"}
    # on request the owner's invoice has only the supplies; nothing says "art. 43" any more
    invoice = invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED,
                                      on_request=True)
    assert sorted(field(invoice, "//fa:FaWiersz/fa:P_12")) == ["23", "8"]
    # 23%: 155,00 × 100/123 = 126,02, VAT 126,02 × 23% = 28,9846 → 28,98 (= 155,00)
    assert field(invoice, "//fa:Fa/fa:P_13_1") == ["126.02"]
    assert field(invoice, "//fa:Fa/fa:P_14_1") == ["28.98"]
    # 8%: 85,60 × 100/108 = 79,26, VAT 79,26 × 8% = 6,3408 → 6,34 (= 85,60)
    assert field(invoice, "//fa:Fa/fa:P_13_2") == ["79.26"]
    assert field(invoice, "//fa:Fa/fa:P_14_2") == ["6.34"]
    # 155,00 + 85,60 = 240,60; the 210,00 and 100,00 outside VAT are no supply, not invoiced
    assert field(invoice, "//fa:Fa/fa:P_15") == ["240.60"]
    assert field(invoice, "//fa:Zwolnienie/fa:P_19N") == ["1"]
    assert field(invoice, "//fa:Fa/fa:P_13_7") == []


@pytest.mark.django_db
def test_a_municipal_flats_metered_water_is_a_rule_staff_can_change():
    account = AccessFactory(account__kind="municipal_tenancy").account
    water = component("water_sewage")
    FeeFactory(account=account, component=water, basis="per_person", unit_price=D("42.8000"),
               quantity=D(2))
    charge_run()
    november = Charge.objects.get(account=account, period=PERIOD)
    assert (november.vat_rate, november.vat_basis) == ("8", "")  # the default: C-42/14
    # the tax adviser decides water is part of the exempt letting from December on
    VatRule.objects.create(
        component=water, account_kind="municipal_tenancy", valid_from=datetime.date(2026, 12, 1),
        vat_rate="zw", exemption_basis=RESIDENTIAL_EXEMPTION,
    )
    charge_run(datetime.date(2026, 12, 1))
    december = Charge.objects.get(account=account, period=datetime.date(2026, 12, 1))
    assert (december.vat_rate, december.vat_basis) == ("zw", RESIDENTIAL_EXEMPTION)
    november.refresh_from_db()
    assert november.vat_rate == "8"  # a posted charge keeps its rate


BEFORE = [("billing", "0018_invoice_line_vat_rounding")]
AFTER = [("billing", "0019_vat_rules_per_account_kind")]


@pytest.mark.django_db(transaction=True)
def test_migration_0019_moves_the_rules_and_leaves_posted_charges_and_staff_rules():
    seed_components()  # a transactional test before this one may have flushed them
    owner = AccountFactory(kind="community_ownership")
    try:
        old = migrate(BEFORE)
        OldRule = old.get_model("billing", "VatRule")
        OldComponent = old.get_model("billing", "Component")
        OldCharge = old.get_model("billing", "Charge")
        # before: the owner's management advance fell to the rule for every account
        management = OldComponent.objects.get(code="management")
        assert not OldRule.objects.filter(component=management, account_kind="community_ownership")
        posted = OldCharge.objects.create(
            account_id=owner.pk, component=management, period=PERIOD, title="Zaliczka 11/2026",
            quantity=1, unit_price=D("210.00"), amount=D("210.00"), vat_rate="zw",
            vat_basis=RESIDENTIAL_EXEMPTION, due_date=datetime.date(2026, 11, 10),
        )
        # staff had decided a municipal flat's water themselves: that rule stays
        water = OldComponent.objects.get(code="water_sewage")
        OldRule.objects.create(
            component=water, account_kind="municipal_tenancy",
            valid_from=datetime.date(2026, 1, 1), vat_rate="zw",
            exemption_basis=RESIDENTIAL_EXEMPTION,
        )

        new = migrate(AFTER)
        Rule = new.get_model("billing", "VatRule")
        Charge_ = new.get_model("billing", "Charge")
        owners = dict(
            Rule.objects.filter(account_kind="community_ownership").values_list(
                "component__code", "vat_rate"
            )
        )
        assert owners == {
            "management": "np", "water_sewage": "8", "heating": "23", "hot_water": "23",
            "meter_fee": "23",
        }
        tenancy = list(
            Rule.objects.filter(account_kind="municipal_tenancy").values_list(
                "component__code", "vat_rate", "valid_from"
            )
        )
        assert tenancy == [("water_sewage", "zw", datetime.date(2026, 1, 1))]
        charge = Charge_.objects.get(pk=posted.pk)
        assert (charge.vat_rate, charge.vat_basis, charge.amount) == (
            "zw", RESIDENTIAL_EXEMPTION, D("210.00")
        )
    finally:
        migrate()  # every app's newest migration again
        VatRule.objects.filter(
            account_kind="municipal_tenancy", valid_from=datetime.date(2026, 1, 1)
        ).delete()
        Charge.objects.filter(account=owner).delete()


@pytest.mark.django_db
def test_centralised_vat_names_the_municipality_and_the_issuing_unit(settings):
    settings.VAT_MUNICIPALITY_NIP = MUNICIPALITY_NIP
    settings.VAT_MUNICIPALITY_NAME = "Gmina Cieszyn"
    settings.VAT_MUNICIPALITY_ADDRESS = "Rynek 1, 43-400 Cieszyn"
    account = commercial_access().account
    month_charges(account)
    invoice = invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED)
    # the municipality is the taxpayer and seller; the manager issues it as its unit
    assert field(invoice, "//fa:Podmiot1/fa:DaneIdentyfikacyjne/fa:NIP") == [MUNICIPALITY_NIP]
    assert field(invoice, "//fa:Podmiot1/fa:DaneIdentyfikacyjne/fa:Nazwa") == ["Gmina Cieszyn"]
    assert field(invoice, "//fa:Podmiot3/fa:DaneIdentyfikacyjne/fa:NIP") == [settings.MANAGER_NIP]
    assert field(invoice, "//fa:Podmiot3/fa:DaneIdentyfikacyjne/fa:Nazwa") == [
        settings.MANAGER_NAME
    ]
    assert field(invoice, "//fa:Podmiot3/fa:Rola") == ["7"]  # JST – wystawca


@pytest.mark.django_db
def test_without_centralised_vat_there_is_no_podmiot3(settings):
    settings.VAT_MUNICIPALITY_NIP = ""
    account = commercial_access().account
    month_charges(account)
    invoice = invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED)
    assert field(invoice, "//fa:Podmiot1/fa:DaneIdentyfikacyjne/fa:NIP") == [settings.MANAGER_NIP]
    assert field(invoice, "//fa:Podmiot3") == []


@pytest.mark.django_db
def test_a_community_invoice_keeps_the_community_as_seller_under_centralised_vat(settings):
    settings.VAT_MUNICIPALITY_NIP = MUNICIPALITY_NIP
    settings.VAT_MUNICIPALITY_NAME = "Gmina Cieszyn"
    settings.VAT_MUNICIPALITY_ADDRESS = "Rynek 1, 43-400 Cieszyn"
    community = CommunityFactory()
    owner = AccessFactory(account__kind="community_ownership", account__holder_nip="",
                          account__premises__building__community=community)
    ChargeFactory(account=owner.account, period=PERIOD, amount=D("85.60"), vat_rate="8")
    invoice = invoice_issue_for_month(account=owner.account, period=PERIOD, issue_date=ISSUED,
                                      on_request=True)
    assert field(invoice, "//fa:Podmiot1/fa:DaneIdentyfikacyjne/fa:NIP") == [community.nip]
    assert field(invoice, "//fa:Podmiot3") == []


@pytest.mark.django_db
def test_a_community_exempt_as_a_small_taxpayer_sells_its_water_exempt():
    community = CommunityFactory(vat_small_taxpayer=True)
    account = AccessFactory(account__kind="community_ownership", account__holder_nip="",
                            account__premises__floor_area=D("50.00"),
                            account__premises__building__community=community).account
    for code, basis, price, quantity in [
        ("management", "per_m2", D("4.2000"), None),  # 210,00, np
        ("water_sewage", "per_person", D("42.8000"), D(2)),  # 85,60
    ]:
        FeeFactory(account=account, component=component(code), basis=basis, unit_price=price,
                   quantity=quantity)
    charge_run()
    charges = {
        c.component.code: (c.vat_rate, c.vat_basis) for c in Charge.objects.filter(account=account)
    }
    assert charges["management"] == ("np", "")  # outside VAT stays outside
    assert charges["water_sewage"][0] == "zw"
    assert charges["water_sewage"][1].startswith("art. 113 ust. 1")
    invoice = invoice_issue_for_month(account=account, period=PERIOD, issue_date=ISSUED,
                                      on_request=True)
    # only the water, exempt: 85,60 net, no VAT, with the community as the seller
    assert field(invoice, "//fa:Fa/fa:P_13_7") == ["85.60"]
    assert field(invoice, "//fa:Fa/fa:P_15") == ["85.60"]
    assert field(invoice, "//fa:Zwolnienie/fa:P_19A")[0].startswith("art. 113 ust. 1")
    assert field(invoice, "//fa:Podmiot1/fa:DaneIdentyfikacyjne/fa:NIP") == [community.nip]
