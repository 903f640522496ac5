"""Access scoping, declared once for every resident URL.

Each URL pattern outside the admin and allauth is declared here: `SCOPED` for pages of one
resident's object (the owner gets it, anybody else a 404), `PRIVATE` for pages that only need a
login, `PUBLIC` for pages anyone may open. tests/ebok/test_access_scoping.py walks the URL
resolver, so a new pattern that is not declared here fails the suite. A feature adds its URLs
here with a `make` that creates an object of the given user and returns the URL's arguments.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

from messaging import notify


@dataclass(frozen=True)
class ScopedURL:
    name: str
    make: Callable  # make(user) -> URL args of an object the user may see
    method: str = "get"
    ok: int = 200  # what the owner gets (a form that acts answers with a redirect)

    def __str__(self):
        return self.name


def own_account(user):
    return [user.account_accesses.get().account.pk]


def own_meter(user):
    from tests.meters.factories import meter_of

    return [meter_of(user).pk]


def own_reading_photo(user):
    from django.core.files.base import ContentFile

    from tests.meters.factories import ReadingFactory, meter_of

    reading = ReadingFactory.build(meter=meter_of(user), submitted_by=user)
    reading.photo.save("x.jpg", ContentFile(b"\xff\xd8\xff\xd9"), save=True)
    return [reading.pk]


def own_fault(user):
    from tests.faults.factories import ReportFactory

    return [ReportFactory(reporter=user).pk]


def own_fault_photo(user):
    from tests.faults.factories import PhotoFactory, ReportFactory

    return [PhotoFactory(report=ReportFactory(reporter=user)).pk]


def own_pending_upload(user):
    from django.core.files.base import ContentFile

    from core import pending_uploads
    from tests.faults.factories import jpeg_bytes

    return [pending_uploads.keep(user, ContentFile(jpeg_bytes(), name="a.jpg")).token]


def own_invoice(user):
    from billing.invoices.services import invoice_issue_for_month
    from tests.billing.invoice_factories import PERIOD, commercial_account_with_charges

    account = commercial_account_with_charges(user)
    return [invoice_issue_for_month(account=account, period=PERIOD).pk]


def own_notification(user):
    return [notify(user, "Test", "Body").pk]


def own_notice(user):
    from tests.messaging.factories import delivered_notice

    return [delivered_notice(user).pk]


def own_notice_attachment(user):
    from tests.messaging.factories import delivered_notice, notice_attachment

    notice = delivered_notice(user)
    return [notice.pk, notice_attachment(notice).pk]


def own_thread(user):
    from tests.messaging.factories import thread_of

    return [thread_of(user).pk]


def own_message_attachment(user):
    from tests.messaging.factories import message_with_attachment, thread_of

    message = message_with_attachment(thread_of(user))
    return [message.thread_id, message.pk]


def own_resolution(user):
    from tests.resolutions.factories import community_in_vote

    return [community_in_vote(user).pk]


def own_closed_resolution(user):
    from tests.resolutions.factories import close, community_in_vote

    return [close(community_in_vote(user, past=True)).pk]


def own_resolution_attachment(user):
    from django.core.files.base import ContentFile

    from resolutions.models import Attachment
    from tests.resolutions.factories import community_in_vote

    item = Attachment(resolution=community_in_vote(user), title="Kosztorys")
    item.file.save("k.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return [item.pk]


def own_statement(user):
    from billing.account.services import statement_pdf_make, statement_request

    account = user.account_accesses.get().account
    statement = statement_request(user=user, account=account, year=None)
    statement_pdf_make(statement_id=statement.pk)
    return [statement.pk]


def own_certificate(user):
    from billing.certificates.services import certificate_pdf_make, certificate_request

    account = user.account_accesses.get().account
    certificate = certificate_request(user=user, account=account)
    certificate_pdf_make(certificate_id=certificate.pk)
    return [certificate.pk]


def own_water_settlement(user):
    """A posted water settlement of the user's account (plan, tariff and run made here)."""
    from datetime import date

    from billing.ledger.models import Component
    from billing.water import services
    from billing.water.models import SettlementPlan, WaterTariff
    from tests.factories import StaffFactory
    from tests.meters.factories import MeterFactory, ReadingFactory

    account = user.account_accesses.get().account
    meter = MeterFactory(premises=account.premises)
    ReadingFactory(meter=meter, value=10, read_on=date(2025, 12, 31))
    ReadingFactory(meter=meter, value=15, read_on=date(2026, 6, 30))
    plan, _new = SettlementPlan.objects.get_or_create(
        building=account.premises.building, defaults={"first_day": date(2026, 1, 1)}
    )
    plan.advance_components.add(Component.objects.get(code="water_sewage"))
    WaterTariff.objects.get_or_create(
        valid_from=date(2025, 1, 1), defaults={"water_price": 6, "sewage_price": 8}
    )
    clerk = StaffFactory()
    run = services.run_create(building=plan.building, period_start=date(2026, 1, 1), clerk=clerk)
    services.run_post(run=run, clerk=clerk)
    return [account.water_settlements.get().pk]


def own_data_export(user):
    from privacy.services import export_build, export_request

    export = export_request(user=user)
    export_build(export_id=export.pk)
    return [export.pk]


SCOPED = [
    ScopedURL("account_detail", own_account),
    ScopedURL("billing:balance", own_account),
    ScopedURL("billing:current", own_account),
    ScopedURL("billing:history", own_account),
    ScopedURL("billing:history_csv", own_account),
    ScopedURL("billing:history_pdf", own_account, ok=302),  # to the statement's page
    ScopedURL("billing:statement", own_statement),
    ScopedURL("billing:statement_pdf", own_statement),
    ScopedURL("billing:pay", own_account),
    ScopedURL("billing:pay_qr", own_account),
    ScopedURL("billing:invoice_pdf", own_invoice),
    ScopedURL("billing:invoice_xml", own_invoice),
    ScopedURL("billing:certificate", own_account),
    ScopedURL("billing:certificate_pdf", own_certificate),
    ScopedURL("billing:water_detail", own_water_settlement),
    ScopedURL("billing:water_pdf", own_water_settlement),
    ScopedURL("privacy:download", own_data_export),
    ScopedURL("meters:detail", own_meter),
    ScopedURL("meters:submit", own_meter),
    ScopedURL("meters:withdraw", own_meter, method="post", ok=302),
    ScopedURL("meters:photo", own_reading_photo),
    ScopedURL("messaging:notification_detail", own_notification),
    ScopedURL("messaging:notice_detail", own_notice),
    ScopedURL("messaging:notice_attachment", own_notice_attachment),
    ScopedURL("messaging:thread_detail", own_thread),
    ScopedURL("messaging:message_attachment", own_message_attachment),
    ScopedURL("faults:detail", own_fault),
    ScopedURL("faults:photo", own_fault_photo),
    ScopedURL("pending_upload", own_pending_upload),
    ScopedURL("resolutions:detail", own_resolution),
    ScopedURL("resolutions:vote", own_resolution, method="post"),
    ScopedURL("resolutions:vote_all", own_resolution, method="post"),
    ScopedURL("resolutions:votes", own_closed_resolution),
    ScopedURL("resolutions:protocol", own_closed_resolution),
    ScopedURL("resolutions:attachment", own_resolution_attachment),
]

# name -> HTTP method a logged-in resident uses
PRIVATE = {
    "dashboard": "get",
    "billing:index": "get",
    "billing:invoices": "get",
    "billing:water": "get",
    "first_password": "get",
    "meters:index": "get",
    "faults:index": "get",
    "faults:new": "get",
    "messaging:notification_list": "get",
    "messaging:read_all": "post",
    "messaging:preferences": "get",
    "messaging:thread_list": "get",
    "messaging:thread_new": "get",
    "resolutions:index": "get",
    "resolutions:consent": "post",
    "profile": "get",
    "profile_phone": "post",
    "profile_email": "post",
    "profile_email_confirm": "post",
    "profile_preferences": "post",
    "profile_consent": "post",
    "privacy:index": "get",
}

PUBLIC = {
    "activate",
    "email_confirm",
    "accessibility:statement",
    "accessibility:request",
    "accessibility:request_sent",
    "billing:verify",
    "billing:verify_code",
}

# Third-party URL trees, tested by their authors and by our login tests.
FOREIGN_PREFIXES = ("admin/", "auth/", "i18n/")


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def resident_url_names():
    """(route, name) of every URL pattern that is ours, not the admin's or allauth's."""
    return [
        (route, name)
        for route, name in _walk(get_resolver().url_patterns)
        if not route.startswith(FOREIGN_PREFIXES)
    ]


def declared_names():
    return {u.name for u in SCOPED} | set(PRIVATE) | PUBLIC
