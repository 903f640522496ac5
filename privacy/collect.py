"""What the system holds about one person, as tables of typed values (privacy/cells.py says
how each reads in JSON, CSV and the PDF). Money and charges only of the accounts the person may
act for now: a former co-holder gets their own access history, not the new holder's money.
Nothing of anyone else's is selected."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import AccountAccess, Consent
from billing.models import Certificate, Charge, Invoice, Payment
from faults.models import FaultReport
from messaging.models import NoticeDelivery, Notification, ThreadMessage
from meters.models import Reading
from resolutions.models import Vote

from .cells import DATE, MOMENT, MONEY, MONTH, TEXT, VOLUME, YES_NO


@dataclass(frozen=True)
class Column:
    key: str  # the field's name in dane.json
    label: str  # the heading in the CSV file and the PDF
    kind: str = TEXT


@dataclass
class Table:
    key: str  # the list's name in dane.json
    file: str  # the CSV file's name, without .csv
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)


def _table(key, file, title, columns, queryset, row) -> Table:
    return Table(key, file, title, columns, [row(item) for item in queryset])


def profile_of(user) -> Table:
    columns = [
        Column("login", _("Login")),
        Column("first_name", _("First name")),
        Column("last_name", _("Last name")),
        Column("email", _("E-mail")),
        Column("phone", _("Phone")),
        Column("joined", _("Login created on"), MOMENT),
        Column("last_login", _("Last logged in"), MOMENT),
    ]
    row = [
        user.username, user.first_name, user.last_name, user.email, user.phone,
        user.date_joined, user.last_login,
    ]
    return Table("profile", "profil", _("Your data"), columns, [row])


def collect(user) -> list[Table]:
    accesses = AccountAccess.objects.filter(user=user).select_related("account__premises__building")
    current = [a.account_id for a in accesses if a.revoked_at is None]
    account = Column("account", _("Account"))
    return [
        _table(
            "accounts", "konta", _("Accounts"),
            [
                account,
                Column("premises", _("Premises")),
                Column("kind", _("Kind of account")),
                Column("holder", _("Holder")),
                Column("role", _("Your role")),
                Column("granted_at", _("Access since"), MOMENT),
                Column("revoked_at", _("Access until"), MOMENT),
            ],
            accesses.order_by("granted_at", "pk"),
            lambda a: [
                a.account.number,
                str(a.account.premises),
                a.account.get_kind_display(),
                a.account.holder_name,
                a.get_role_display(),
                a.granted_at,
                a.revoked_at,
            ],
        ),
        _table(
            "charges", "naliczenia", _("Charges"),
            [
                account,
                Column("title", _("Title")),
                Column("period", _("Month"), MONTH),
                Column("due_date", _("Due date"), DATE),
                Column("amount", _("Amount"), MONEY),
            ],
            Charge.objects.filter(account_id__in=current)
            .select_related("account")
            .order_by("account__number", "due_date", "pk"),
            lambda c: [c.account.number, c.title, c.period, c.due_date, c.amount],
        ),
        _table(
            "payments", "wplaty", _("Payments"),
            [
                account,
                Column("paid_on", _("Paid on"), DATE),
                Column("amount", _("Amount"), MONEY),
                Column("method", _("Method")),
                Column("title", _("Title")),
            ],
            Payment.objects.filter(account_id__in=current)
            .select_related("account")
            .order_by("account__number", "paid_on", "pk"),
            lambda p: [p.account.number, p.paid_on, p.amount, p.get_method_display(), p.title],
        ),
        _table(
            "invoices", "faktury", _("Invoices"),
            [
                account,
                Column("number", _("Number")),
                Column("issued_on", _("Issued on"), DATE),
                Column("total", _("Gross total"), MONEY),
            ],
            Invoice.objects.filter(account_id__in=current).select_related("account").order_by("pk"),
            lambda i: [i.account.number, i.number, i.issue_date, i.gross_total],
        ),
        _table(
            "certificates", "zaswiadczenia", _("Certificates"),
            [
                Column("number", _("Number")),
                account,
                Column("issued_on", _("Issued on"), DATE),
                Column("valid", _("Valid"), YES_NO),
            ],
            Certificate.objects.filter(requested_by=user).order_by("pk"),
            lambda c: [c.number, c.account_number, c.issued_on, c.is_valid],
        ),
        _table(
            "readings", "odczyty", _("Meter readings"),
            [
                Column("meter", _("Meter")),
                Column("read_on", _("Read on"), DATE),
                Column("value", _("Reading (m³)"), VOLUME),
                Column("source", _("Source")),
                Column("status", _("Status")),
            ],
            Reading.objects.filter(submitted_by=user)
            .select_related("meter")
            .order_by("read_on", "pk"),
            lambda r: [
                r.meter.serial_number,
                r.read_on,
                r.value,
                r.get_source_display(),
                r.get_status_display(),
            ],
        ),
        _table(
            "fault_reports", "awarie", _("Fault reports"),
            [
                Column("number", _("Number")),
                Column("title", _("Title")),
                Column("category", _("Category")),
                Column("place", _("Place")),
                Column("description", _("Description")),
                Column("status", _("Status")),
                Column("reported_at", _("Reported"), MOMENT),
            ],
            FaultReport.objects.filter(reporter=user).order_by("pk"),
            lambda f: [
                f.pk,
                f.title,
                f.get_category_display(),
                f.get_place_display(),
                f.description,
                f.get_status_display(),
                f.created_at,
            ],
        ),
        _table(
            "messages", "wiadomosci", _("Messages"),
            [
                Column("thread", _("Conversation")),
                Column("subject", _("Subject")),
                Column("written_at", _("Written"), MOMENT),
                Column("from_bok", _("From BOK"), YES_NO),
                Column("text", _("Text")),
            ],
            ThreadMessage.objects.filter(Q(thread__created_by=user) | Q(author=user))
            .select_related("thread")
            .order_by("thread_id", "created_at", "pk")
            .distinct(),
            lambda m: [m.thread_id, m.thread.subject, m.created_at, m.from_staff, m.text],
        ),
        _table(
            "notifications", "powiadomienia", _("Notifications"),
            [
                Column("subject", _("Subject")),
                Column("created_at", _("Created"), MOMENT),
                Column("read_at", _("Read"), MOMENT),
                Column("email", _("E-mail")),
                Column("email_sent_at", _("E-mail sent"), MOMENT),
            ],
            Notification.objects.filter(user=user).order_by("created_at", "pk"),
            lambda n: [
                n.subject, n.created_at, n.read_at, n.get_email_status_display(), n.email_sent_at,
            ],
        ),
        _table(
            "notices", "ogloszenia", _("Notices"),
            [
                Column("title", _("Title")),
                Column("delivered_at", _("Delivered"), MOMENT),
                Column("read_at", _("Read"), MOMENT),
                Column("email", _("E-mail")),
                Column("email_sent_at", _("E-mail sent"), MOMENT),
            ],
            NoticeDelivery.objects.filter(user=user).select_related("notice").order_by("pk"),
            lambda d: [
                d.notice.title,
                d.created_at,
                d.read_at,
                d.get_email_status_display(),
                d.email_sent_at,
            ],
        ),
        _table(
            "votes", "glosy", _("Votes"),
            [
                Column("resolution", _("Resolution")),
                Column("choice", _("Vote")),
                Column("channel", _("How cast")),
                Column("cast_at", _("Cast"), MOMENT),
            ],
            Vote.objects.filter(user=user).select_related("resolution").order_by("cast_at", "pk"),
            lambda v: [
                v.resolution.number,
                v.get_choice_display(),
                v.get_channel_display(),
                v.cast_at,
            ],
        ),
        _table(
            "consents", "zgody", _("Consents"),
            [
                Column("consent", _("Consent")),
                Column("given_at", _("Given"), MOMENT),
                Column("withdrawn_at", _("Withdrawn"), MOMENT),
            ],
            Consent.objects.filter(user=user).order_by("given_at", "pk"),
            lambda c: [c.get_kind_display(), c.given_at, c.withdrawn_at],
        ),
    ]
