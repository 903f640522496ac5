"""Celery tasks of billing: thin wrappers around services; they take ids and are safe to run
twice."""

from celery import shared_task
from django.utils import timezone

from billing.ledger import charge_run
from billing.reminders import services as notices

# -- the monthly charge run and billing notices -------------------------------------------------


@shared_task(soft_time_limit=600, time_limit=660, name="billing.charge_run_execute")
def execute_charge_run(run_id):
    """Do one pending run; a second delivery finds it claimed and does nothing."""
    run = charge_run.charge_run_execute(run_id=run_id)
    return run.status if run else "skipped"


@shared_task(soft_time_limit=600, time_limit=660, name="billing.charges_posted_notify")
def notify_charges_posted(run_id):
    return notices.charges_posted_notify_run(run_id=run_id)


@shared_task(name="billing.coming_month_charge_run_start")
def start_coming_month_charge_run():
    """Beat: on BILLING_RUN_DAY, charge next month (skipped when a run of it exists)."""
    run = charge_run.coming_month_run_start(today=timezone.localdate())
    return run.pk if run else None


@shared_task(soft_time_limit=600, time_limit=660, name="billing.billing_notices_send")
def send_billing_notices():
    """Beat, daily: posted-charges notices a lost task missed, then due-date reminders."""
    today = timezone.localdate()
    return {
        "posted": notices.posted_notices_catch_up(today=today),
        "reminders": notices.due_reminders_send(today=today),
    }


@shared_task(name="billing.charge_runs_sweep")
def sweep_charge_runs():
    return len(charge_run.charge_runs_sweep())


# -- bank statement import --------------------------------------------------------------------


@shared_task(soft_time_limit=600, time_limit=660, name="billing.statement_import_run")
def import_statement(statement_id):
    """Book one uploaded statement; a second delivery finds it claimed and does nothing."""
    from billing.bank.services import statement_import_run

    statement = statement_import_run(statement_id=statement_id)
    return statement.status if statement else "skipped"


@shared_task(name="billing.statement_imports_sweep")
def sweep_statement_imports():
    """Beat: queue again the imports whose task was lost."""
    from billing.bank.services import statement_imports_sweep

    ids = statement_imports_sweep()
    for pk in ids:
        import_statement.delay(pk)
    return len(ids)


# -- invoices ---------------------------------------------------------------------------------


@shared_task(soft_time_limit=600, time_limit=660, name="billing.invoices_issue_for_run")
def issue_invoices_for_run(run_id):
    """After a charge run: invoice the month's commercial charges (skips what is invoiced)."""
    from billing.invoices.services import invoices_issue_for_run

    return invoices_issue_for_run(run_id=run_id)


@shared_task(soft_time_limit=120, time_limit=180, name="billing.invoice_pdf_render")
def render_invoice_pdf(invoice_id):
    """Render and store one invoice's PDF; a second delivery finds it claimed or stored."""
    from billing.invoices.pdf_jobs import invoice_pdf_make

    return invoice_pdf_make(invoice_id=invoice_id)


@shared_task(name="billing.invoice_pdfs_sweep")
def sweep_invoice_pdfs():
    """Beat: PDFs whose worker died or whose task was lost are queued again."""
    from billing.invoices.pdf_jobs import invoice_pdfs_sweep

    ids = invoice_pdfs_sweep()
    for pk in ids:
        render_invoice_pdf.delay(pk)
    return len(ids)


# -- certificates of no arrears ---------------------------------------------------------------


@shared_task(name="billing.certificate_pdf_render")
def render_certificate_pdf(certificate_id):
    from billing.certificates.services import certificate_pdf_make

    return certificate_pdf_make(certificate_id=certificate_id)


@shared_task(name="billing.certificate_pdfs_sweep")
def sweep_certificate_pdfs():
    """Beat: stuck or lost certificate PDFs are queued again."""
    from billing.certificates.services import certificate_pdfs_sweep

    ids = certificate_pdfs_sweep()
    for pk in ids:
        render_certificate_pdf.delay(pk)
    return len(ids)
