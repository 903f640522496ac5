"""The resident's invoices: the list and the PDF download, for commercial accounts only."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from billing.invoices import queries as invoice_queries
from billing.invoices.pdf import filename_of, xml_filename_of
from billing.invoices.services import invoices_pdf_request
from core.downloads import download_view
from core.pdf_jobs import stored_pdf_or_again


@login_required
def invoices(request):
    accounts, rows = invoice_queries.invoice_rows_for_user(request.user)
    return render(request, "billing/invoices.html", {"accounts": accounts, "rows": rows})


@download_view
@login_required
def invoice_pdf(request, pk):
    invoice = invoice_queries.get_invoice_for_user(request.user, pk)
    # Not rendered yet, failed, or the file is gone: queue it (a stored PDF is never redone).
    response = stored_pdf_or_again(
        invoice, filename_of(invoice), lambda: invoices_pdf_request(invoice_ids=[invoice.pk])
    )
    if response:
        return response
    return render(request, "billing/invoice_not_ready.html", {"invoice": invoice}, status=200)


@download_view
@login_required
def invoice_xml(request, pk):
    """The structured invoice (FA(3) XML) exactly as it went to KSeF: the legal invoice."""
    invoice = invoice_queries.get_invoice_for_user(request.user, pk)
    xml = invoice_queries.fa3_xml_of(invoice)
    if not xml:
        raise Http404
    response = HttpResponse(xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{xml_filename_of(invoice)}"'
    return response
