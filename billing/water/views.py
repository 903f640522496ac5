"""The resident's water settlements: the list per account, one document, its PDF."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from billing.water import queries
from billing.water.models import Settlement
from billing.water.pdf import filename_of
from billing.water.presentation import settlement_context
from core.downloads import download_view
from core.pdf_jobs import pdf_again, stored_pdf_or_again


@login_required
def settlements(request):
    rows = queries.settlement_rows_for_user(request.user)
    return render(request, "billing/water/settlements.html", {"rows": rows})


@login_required
def detail(request, pk):
    document = queries.get_settlement_for_user(request.user, pk)
    return render(request, "billing/water/detail.html", settlement_context(document))


@download_view
@login_required
def pdf(request, pk):
    document = queries.get_settlement_for_user(request.user, pk)
    response = stored_pdf_or_again(
        document,
        filename_of(document),
        lambda: pdf_again(Settlement, document, "billing.water_settlement_pdf_render"),
    )
    if response:
        return response
    return render(request, "billing/water/pdf_not_ready.html", {"document": document})
