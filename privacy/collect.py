"""What the system holds about one person, as tables (name -> (columns, rows)). Money and
charges only of the accounts the person may act for now: a former co-holder gets their own
access history, not the new holder's money. Nothing of anyone else's is selected."""

from django.db.models import Q
from django.utils import timezone

from accounts.models import AccountAccess, Consent
from billing.models import Certificate, Charge, Invoice, Payment
from faults.models import FaultReport
from messaging.models import NoticeDelivery, Notification, ThreadMessage
from meters.models import Reading
from resolutions.models import Vote


def _when(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _table(columns, queryset, row):
    return columns, [row(item) for item in queryset]


def profile_of(user):
    return {
        "login": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "phone": user.phone,
        "joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
    }


def collect(user) -> dict:
    accesses = AccountAccess.objects.filter(user=user).select_related("account__premises__building")
    current = [a.account_id for a in accesses if a.revoked_at is None]
    return {
        "accounts": _table(
            ["account", "premises", "kind", "holder", "role", "granted_at", "revoked_at"],
            accesses.order_by("granted_at", "pk"),
            lambda a: [
                a.account.number,
                str(a.account.premises),
                a.account.get_kind_display(),
                a.account.holder_name,
                a.get_role_display(),
                _when(a.granted_at),
                _when(a.revoked_at),
            ],
        ),
        "charges": _table(
            ["account", "title", "period", "due_date", "amount"],
            Charge.objects.filter(account_id__in=current)
            .select_related("account")
            .order_by("account__number", "due_date", "pk"),
            lambda c: [
                c.account.number,
                c.title,
                _when(c.period),
                _when(c.due_date),
                str(c.amount),
            ],
        ),
        "payments": _table(
            ["account", "paid_on", "amount", "method", "title"],
            Payment.objects.filter(account_id__in=current)
            .select_related("account")
            .order_by("account__number", "paid_on", "pk"),
            lambda p: [
                p.account.number,
                _when(p.paid_on),
                str(p.amount),
                p.get_method_display(),
                p.title,
            ],
        ),
        "invoices": _table(
            ["account", "number", "issued_on", "total"],
            Invoice.objects.filter(account_id__in=current).select_related("account").order_by("pk"),
            lambda i: [i.account.number, i.number, _when(i.issue_date), str(i.gross_total)],
        ),
        "certificates": _table(
            ["number", "account", "issued_on", "valid"],
            Certificate.objects.filter(requested_by=user).order_by("pk"),
            lambda c: [c.number, c.account_number, _when(c.issued_on), c.is_valid],
        ),
        "readings": _table(
            ["meter", "read_on", "value", "source", "status"],
            Reading.objects.filter(submitted_by=user)
            .select_related("meter")
            .order_by("read_on", "pk"),
            lambda r: [
                r.meter.serial_number,
                _when(r.read_on),
                str(r.value),
                r.get_source_display(),
                r.get_status_display(),
            ],
        ),
        "fault_reports": _table(
            ["number", "title", "category", "place", "description", "status", "reported_at"],
            FaultReport.objects.filter(reporter=user).order_by("pk"),
            lambda f: [
                f.pk,
                f.title,
                f.get_category_display(),
                f.get_place_display(),
                f.description,
                f.get_status_display(),
                _when(f.created_at),
            ],
        ),
        "messages": _table(
            ["thread", "subject", "written_at", "from_bok", "text"],
            ThreadMessage.objects.filter(Q(thread__created_by=user) | Q(author=user))
            .select_related("thread")
            .order_by("thread_id", "created_at", "pk")
            .distinct(),
            lambda m: [m.thread_id, m.thread.subject, _when(m.created_at), m.from_staff, m.text],
        ),
        "notifications": _table(
            ["subject", "created_at", "read_at", "email", "email_sent_at"],
            Notification.objects.filter(user=user).order_by("created_at", "pk"),
            lambda n: [
                n.subject,
                _when(n.created_at),
                _when(n.read_at),
                n.get_email_status_display(),
                _when(n.email_sent_at),
            ],
        ),
        "notices": _table(
            ["title", "delivered_at", "read_at", "email", "email_sent_at"],
            NoticeDelivery.objects.filter(user=user).select_related("notice").order_by("pk"),
            lambda d: [
                d.notice.title,
                _when(d.created_at),
                _when(d.read_at),
                d.get_email_status_display(),
                _when(d.email_sent_at),
            ],
        ),
        "votes": _table(
            ["resolution", "choice", "channel", "cast_at"],
            Vote.objects.filter(user=user).select_related("resolution").order_by("cast_at", "pk"),
            lambda v: [
                v.resolution.number,
                v.get_choice_display(),
                v.get_channel_display(),
                _when(v.cast_at),
            ],
        ),
        "consents": _table(
            ["consent", "given_at", "withdrawn_at"],
            Consent.objects.filter(user=user).order_by("given_at", "pk"),
            lambda c: [c.get_kind_display(), _when(c.given_at), _when(c.withdrawn_at)],
        ),
    }
