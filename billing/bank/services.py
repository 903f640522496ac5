"""Importing a bank statement: upload, then a background job that books each incoming transfer
to an account, or leaves it for a clerk.

The job is a row (pending → running → done / error) claimed with a conditional UPDATE, so two
workers never run it at once; each line is booked in its own transaction under a unique
checksum, so a line already imported (from this file or any other) is never booked twice.
"""

import hashlib
import logging
import re
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Account
from audit.services import Action, audit_clerk, resident_of
from billing.bank.bulk_booking import LINE_COLUMNS, book_batch_copy
from billing.bank.creditors import Creditors, nrb_of, refusal
from billing.bank.formats import (
    ParsedStatement,
    StatementFormatError,
    parse_statement,
    sniff_statement,
)
from billing.bank.matching import AccountLookup
from billing.bank.models import StatementImport, StatementLine
from billing.bank.queries import DATA_AS_OF_KEY
from billing.ledger.models import Payment
from billing.ledger.services import (
    BillingError,
    payment_build,
    payment_post,
    payments_post_bulk,
)
from core.enqueue import enqueue_on_commit

logger = logging.getLogger(__name__)

MAX_STATEMENT_BYTES = 20 * 1024 * 1024
# Lines booked in one transaction (and between progress updates the job's page shows).
BATCH = 2000
# A running import not finished by then was lost with its worker and may be taken again.
STALE_AFTER = timedelta(hours=1)
DUPLICATE_CHECK_CHUNK = 1000
# Days a line may lie outside its statement's period (value and booking dates, weekends).
PERIOD_SLACK = timedelta(days=7)
_SPACES = re.compile(r"\s+")


class StatementLineError(BillingError):
    """A clerk's action on a statement line was refused."""


def line_checksums(statement: ParsedStatement, *, identities: bool = True) -> list[str]:
    """The unique key of each credit line: the bank's own transaction id where it has one,
    else a fingerprint of the transfer (the account that received it, day, amount, payer and
    title) with its place among identical ones in this statement. The same transfer in a
    daily and in a monthly statement has one key; two identical transfers on one day have
    two (the first and the second of their kind). identities=False: every line's fingerprint,
    the key a line had before its bank's reference was read as its identity."""
    seen: dict[str, int] = {}
    keys = []
    for line in statement.credits:
        if line.identity and identities:
            keys.append(hashlib.sha256(f"id|{line.identity}".encode()).hexdigest())
            continue
        fingerprint = "|".join(
            [
                "fp",
                nrb_of(line.account or statement.account),
                line.booked_on.isoformat(),
                str(line.amount),
                line.counterparty_account,
                _SPACES.sub(" ", line.title).strip().upper(),
                _SPACES.sub(" ", line.counterparty_name).strip().upper(),
                line.virtual_account,
            ]
        )
        seen[fingerprint] = seen.get(fingerprint, 0) + 1
        keys.append(hashlib.sha256(f"{fingerprint}|{seen[fingerprint]}".encode()).hexdigest())
    return keys


def line_checksum(statement: ParsedStatement, line) -> str:
    """The key lines had before fingerprints (statement reference and position): a file
    imported then is still known."""
    if line.identity:
        key = f"id|{line.identity}"
    else:
        key = "|".join(
            [
                "line",
                statement.reference,
                str(line.position),
                line.booked_on.isoformat(),
                str(line.amount),
                line.title,
                line.counterparty_name,
                line.counterparty_account,
                line.virtual_account,
            ]
        )
    return hashlib.sha256(key.encode()).hexdigest()


def statement_upload(*, file, clerk) -> StatementImport:
    """Store the file and queue its import: a worker reads and books it (a large statement
    takes longer than a web request may), and the job's page shows how far it got. Only what
    shows at once is refused here: a file too large, or one that is no statement at all."""
    if file.size > MAX_STATEMENT_BYTES:
        raise StatementFormatError(
            _("The file is too large (at most %(mb)s MB).")
            % {"mb": MAX_STATEMENT_BYTES // (1024 * 1024)}
        )
    data = file.read()
    name = (file.name or "statement")[:255]
    file_format, encoding = sniff_statement(data, name)  # StatementFormatError: nothing stored
    with transaction.atomic(durable=True):
        statement = StatementImport(
            original_name=name, uploaded_by=clerk, file_format=file_format, encoding=encoding
        )
        statement.file.save(name, ContentFile(data), save=False)  # under a random name
        statement.save()
        audit_clerk(
            clerk,
            action=Action.ADD,
            obj=statement,
            new={"original_name": name, "file_format": statement.file_format},
        )
        enqueue_on_commit("billing.statement_import_run", statement.pk)
    return statement


def _refuse_unknown_accounts(parsed):
    creditors = Creditors.load()
    accounts = {line.account or parsed.account for line in parsed.lines} or {parsed.account}
    unknown = sorted(a for a in accounts if creditors.of(a) is None)
    if unknown:
        raise StatementFormatError(
            _(
                "The statement is for bank account %(account)s, which is neither one of the "
                "manager's accounts (MUNICIPAL_BANK_ACCOUNTS) nor a housing community's. "
                "Nothing was imported."
            )
            % {"account": unknown[0]}
        )


def _claim(statement_id) -> bool:
    now = timezone.now()
    with transaction.atomic(durable=True):
        return bool(
            StatementImport.objects.filter(pk=statement_id)
            .filter(
                Q(status=StatementImport.Status.PENDING)
                | Q(status=StatementImport.Status.RUNNING, started_at__lt=now - STALE_AFTER)
            )
            .update(status=StatementImport.Status.RUNNING, started_at=now, error="")
        )


def _update(statement_id, **fields):
    with transaction.atomic(durable=True):
        StatementImport.objects.filter(pk=statement_id).update(**fields)


def statement_import_run(*, statement_id) -> StatementImport | None:
    """Book a pending import's lines; None when another worker has it or it is finished."""
    if not _claim(statement_id):
        return None
    statement = StatementImport.objects.get(pk=statement_id)
    try:
        with statement.file.open("rb") as handle:
            parsed = parse_statement(handle.read(), statement.original_name)
        _refuse_unknown_accounts(parsed)
    except (StatementFormatError, OSError) as error:
        message = str(error) if isinstance(error, StatementFormatError) else _(
            "The uploaded file cannot be read any more."
        )
        _update(
            statement_id,
            status=StatementImport.Status.ERROR,
            error=message,
            finished_at=timezone.now(),
        )
        return StatementImport.objects.get(pk=statement_id)
    try:
        _book_lines(statement, parsed)
    except Exception:
        logger.exception("statement import %s failed", statement_id)
        _update(
            statement_id,
            status=StatementImport.Status.ERROR,
            error=_("The import stopped on an unexpected error; the lines booked so far stay."),
            finished_at=timezone.now(),
        )
        raise
    return StatementImport.objects.get(pk=statement_id)


def hold_reason(parsed: ParsedStatement, line, newest) -> str:
    """Why a line must wait for a clerk although it could be matched, or ''. `newest`: the
    date of the statement's newest credit line."""
    start, end = parsed.period_start, parsed.period_end
    if start and end and not (start - PERIOD_SLACK <= line.booked_on <= end + PERIOD_SLACK):
        day = formats.date_format(line.booked_on, "j E Y")
        return _(
            "Dated %(day)s, outside the statement's own period (%(start)s – %(end)s): check "
            "that it was not booked already."
        ) % {
            "day": day,
            "start": formats.date_format(start, "j E Y"),
            "end": formats.date_format(end, "j E Y"),
        }
    if line.booked_on < newest - timedelta(days=settings.BANK_HOLD_OLDER_THAN_DAYS):
        day = formats.date_format(line.booked_on, "j E Y")
        days = settings.BANK_HOLD_OLDER_THAN_DAYS
        return ngettext(
            "Dated %(day)s, more than %(days)d day before the statement's newest transfer: "
            "check that it was not booked already.",
            "Dated %(day)s, more than %(days)d days before the statement's newest transfer: "
            "check that it was not booked already.",
            days,
        ) % {"day": day, "days": days}
    return ""


def _matches(parsed, credits):
    """[(account pk, matched by, hold reason)] of the credit lines: each matched only among
    the accounts of the creditor whose bank account received it."""
    creditors = Creditors.load()
    lookup = AccountLookup.load()
    lookups = {}
    result = []
    newest = max((c.booked_on for c in credits), default=None)
    for line in credits:
        creditor = creditors.of(line.account or parsed.account)
        if creditor is None:
            result.append((None, StatementLine.MatchedBy.NONE, refusal(None, None)))
            continue
        if creditor not in lookups:
            lookups[creditor] = lookup.for_creditor(creditor)
        pk, matched_by = lookups[creditor].match(line)
        reason = hold_reason(parsed, line, newest) if pk else ""
        if reason:
            pk, matched_by = None, StatementLine.MatchedBy.NONE
        result.append((pk, matched_by, reason))
    return result


def _book_lines(statement, parsed):
    credits = parsed.credits
    checksums = line_checksums(parsed)
    legacy = [line_checksum(parsed, line) for line in credits]
    # A line booked under its fingerprint before its bank's reference (:86: subfield 10) was
    # read as its identity is known by that fingerprint: the same file again books nothing.
    fingerprints = line_checksums(parsed, identities=False)
    _update(
        statement.pk,
        file_format=parsed.file_format,
        encoding=parsed.encoding,
        lines_total=len(credits),
        lines_done=0,
    )
    known = _existing(checksums + legacy + fingerprints)
    matches = _matches(parsed, credits)
    accounts = _accounts({pk for pk, _by, _reason in matches if pk})
    todo = [
        (line, checksum, accounts.get(pk), matched_by, reason)
        for line, checksum, old, fingerprint, (pk, matched_by, reason) in zip(
            credits, checksums, legacy, fingerprints, matches, strict=True
        )
        if checksum not in known and old not in known and fingerprint not in known
    ]
    done = len(credits) - len(todo)
    new = matched = 0
    with _commits_without_waiting_for_disk():
        for start in range(0, len(todo), BATCH):
            batch = todo[start : start + BATCH]
            stored, paid = _book_batch(statement, batch)
            new += stored
            matched += paid
            done += len(batch)
            _update(
                statement.pk,
                lines_done=done,
                lines_new=new,
                lines_matched=matched,
                lines_duplicate=done - new,
            )
    # Counted from the rows, so a run resumed after a lost worker reports the whole file.
    own = StatementLine.objects.filter(statement=statement)
    total_new = own.count()
    _update(
        statement.pk,
        status=StatementImport.Status.DONE,
        finished_at=timezone.now(),
        lines_done=done,
        lines_new=total_new,
        lines_matched=own.exclude(
            matched_by__in=[StatementLine.MatchedBy.NONE, StatementLine.MatchedBy.CLERK]
        ).count(),
        lines_duplicate=len(credits) - total_new,
    )
    cache.delete(DATA_AS_OF_KEY)  # the money pages' "data as of" date moves


def _existing(checksums) -> set:
    if connection.vendor == "postgresql":  # one array parameter, not a placeholder each
        table = connection.ops.quote_name(StatementLine._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT checksum FROM {table} WHERE checksum = ANY(%s)",  # noqa: S608
                [list(checksums)],
            )
            return {row[0] for row in cursor.fetchall()}
    found: set[str] = set()
    for i in range(0, len(checksums), DUPLICATE_CHECK_CHUNK):
        chunk = checksums[i : i + DUPLICATE_CHECK_CHUNK]
        found.update(
            StatementLine.objects.filter(checksum__in=chunk).values_list("checksum", flat=True)
        )
    return found


@contextmanager
def _commits_without_waiting_for_disk():
    """The lines' commits need not wait for their WAL flush: the import's final status update
    is an ordinary commit, which flushes every line before it, and a run lost before that is
    taken again by the sweeper and books only what is missing."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _accounts(pks) -> dict:
    found, pks = {}, list(pks)
    for i in range(0, len(pks), DUPLICATE_CHECK_CHUNK):
        chunk = pks[i : i + DUPLICATE_CHECK_CHUNK]
        found.update(Account.objects.only("pk", "number").in_bulk(chunk))
    return found


def _line_values(line, checksum, account, matched_by, reason="") -> dict:
    return {
        "checksum": checksum,
        "bank_reference": line.bank_reference[:100],
        "booked_on": line.booked_on,
        "amount": line.amount,
        "title": line.title[:500],
        "counterparty_name": line.counterparty_name[:300],
        "counterparty_account": line.counterparty_account[:34],
        "virtual_account": line.virtual_account[:34],
        "account_id": account.pk if account else None,
        "status": StatementLine.Status.MATCHED if account else StatementLine.Status.UNMATCHED,
        "matched_by": matched_by if account else StatementLine.MatchedBy.NONE,
        "bank_account": nrb_of(line.account)[:34],
        "hold_reason": reason[:300],
    }


def _line_row(statement, line, checksum, account, matched_by, reason=""):
    values = _line_values(line, checksum, account, matched_by, reason)
    del values["account_id"]
    return StatementLine(statement=statement, account=account, **values)


def _book_batch(statement, batch) -> tuple[int, int]:
    """(lines stored, lines booked to an account) of a batch, each line once: one that
    another import booked meanwhile is skipped."""
    if connection.vendor == "postgresql":
        return book_batch_copy(statement, [_copy_row(*item) for item in batch])
    try:
        with transaction.atomic(durable=True):
            rows = StatementLine.objects.bulk_create(
                [_line_row(statement, *item) for item in batch]
            )
            payments_post_bulk(
                [payment_build(**_line_payment(row)) for row in rows if row.account_id]
            )
    except IntegrityError:  # one was booked meanwhile (nothing of the batch is stored)
        booked = [_book_line(statement, *item) for item in batch]
        return sum(b is not None for b in booked), sum(b or 0 for b in booked)
    return len(rows), sum(1 for row in rows if row.account_id)


def _copy_row(line, checksum, account, matched_by, reason=""):
    values = _line_values(line, checksum, account, matched_by, reason)
    return tuple(values[column] for column in LINE_COLUMNS)


def _book_line(statement, line, checksum, account, matched_by, reason=""):
    """1 if booked to an account, 0 if left for a clerk, None if already imported."""
    try:
        with transaction.atomic(durable=True):
            row = _line_row(statement, line, checksum, account, matched_by, reason)
            row.save(force_insert=True)
            if account:
                payment_post(**_line_payment(row))
    except IntegrityError:
        # another import booked it since we looked (the checksum is unique)
        if StatementLine.objects.filter(checksum=checksum).exists():
            return None
        raise
    return 1 if account else 0


def _line_payment(line: StatementLine, clerk=None) -> dict:
    """payment_build's and payment_post's arguments for the bank payment of a line booked to
    its account."""
    return {
        "account": line.account,
        "amount": line.amount,
        "paid_on": line.booked_on,
        "method": Payment.Method.BANK,
        "title": line.title[:300],
        "payer": line.counterparty_name[:200],
        "clerk": clerk,
        "statement_line": line,
    }


def statement_line_assign(*, line: StatementLine, account, clerk) -> Payment:
    """A clerk books a line left unmatched to an account: posts exactly one payment."""
    with transaction.atomic(durable=True):
        line = StatementLine.objects.select_for_update().get(pk=line.pk)
        _refuse_unless_waiting(line)
        refused = ""
        if line.bank_account:  # lines imported before the account was kept: as before
            refused = refusal(Creditors.load().of(line.bank_account), account)
        if refused:
            raise StatementLineError(refused)
        old = {"status": line.status, "account": line.account_id}
        line.account = account
        line.status = StatementLine.Status.MATCHED
        line.matched_by = StatementLine.MatchedBy.CLERK
        line.assigned_by = clerk
        line.assigned_at = timezone.now()
        line.save(
            update_fields=["account", "status", "matched_by", "assigned_by", "assigned_at"]
        )
        audit_clerk(
            clerk,
            action=Action.CHANGE,
            obj=line,
            resident=resident_of(account),
            old=old,
            new={"status": line.status, "account": account.pk},
        )
        return payment_post(**_line_payment(line, clerk=clerk))


def statement_line_ignore(*, line: StatementLine, clerk, reason: str) -> StatementLine:
    """A clerk marks a line as not a payment for any account (e.g. a refund from a supplier)."""
    reason = (reason or "").strip()
    if not reason:
        raise StatementLineError(_("Give the reason why this transfer is not a payment."))
    with transaction.atomic(durable=True):
        line = StatementLine.objects.select_for_update().get(pk=line.pk)
        _refuse_unless_waiting(line)
        old = {"status": line.status}
        line.status = StatementLine.Status.IGNORED
        line.ignore_reason = reason[:300]
        line.assigned_by = clerk
        line.assigned_at = timezone.now()
        line.save(update_fields=["status", "ignore_reason", "assigned_by", "assigned_at"])
        audit_clerk(
            clerk,
            action=Action.CHANGE,
            obj=line,
            old=old,
            new={"status": line.status, "ignore_reason": line.ignore_reason},
        )
        return line


def _refuse_unless_waiting(line):
    if line.status == StatementLine.Status.MATCHED:
        raise StatementLineError(
            _("This transfer is already booked to account %(number)s.")
            % {"number": line.account.number}
        )
    if line.status == StatementLine.Status.IGNORED:
        raise StatementLineError(_("This transfer was marked as not a payment."))


def statement_imports_sweep() -> list:
    """Ids of imports whose task was lost: pending for a while, or running far too long."""
    now = timezone.now()
    return list(
        StatementImport.objects.filter(
            Q(status=StatementImport.Status.PENDING, uploaded_at__lt=now - timedelta(minutes=5))
            | Q(status=StatementImport.Status.RUNNING, started_at__lt=now - STALE_AFTER)
        ).values_list("pk", flat=True)
    )
