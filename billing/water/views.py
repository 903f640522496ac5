"""The resident's water settlements: the list per account, one document, its PDF."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from billing.invoices.models import Invoice
from billing.water import queries
from billing.water.pdf import filename_of
from billing.water.presentation import settlement_context
from billing.water.services import settlement_pdf_request


@login_required
def settlements(request):
    rows = queries.settlement_rows_for_user(request.user)
    return render(request, "billing/water/settlements.html", {"rows": rows})


@login_required
def detail(request, pk):
    document = queries.get_settlement_for_user(request.user, pk)
    return render(request, "billing/water/detail.html", settlement_context(document))


@login_required
def pdf(request, pk):
    document = queries.get_settlement_for_user(request.user, pk)
    name = document.pdf_file.name
    if document.pdf_status == Invoice.PdfStatus.DONE and name and document.pdf_file.storage.exists(
        name
    ):
        with document.pdf_file.open("rb") as stored:
            content = stored.read()
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{filename_of(document)}"'
        return response
    settlement_pdf_request(document)
    return render(request, "billing/water/pdf_not_ready.html", {"document": document})
