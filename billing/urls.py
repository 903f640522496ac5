from django.urls import path

from billing.account import pay_views, views
from billing.certificates import views as certificate_views
from billing.invoices import views as invoice_views
from billing.water import views as water_views

app_name = "billing"
urlpatterns = [
    path("oplaty/", views.index, name="index"),
    path("oplaty/<int:pk>/", views.balance, name="balance"),
    path("oplaty/<int:pk>/biezace/", views.current, name="current"),
    path("oplaty/<int:pk>/historia/", views.history, name="history"),
    path("oplaty/<int:pk>/historia.csv", views.history_export_csv, name="history_csv"),
    path("oplaty/<int:pk>/historia.pdf", views.history_export_pdf, name="history_pdf"),
    path("oplaty/wyciagi/<int:pk>/", views.statement, name="statement"),
    path("oplaty/wyciagi/<int:pk>/pdf/", views.statement_pdf, name="statement_pdf"),
    path("oplaty/<int:pk>/zaplac/", pay_views.pay, name="pay"),
    path("oplaty/<int:pk>/zaplac/qr.png", pay_views.pay_qr, name="pay_qr"),
    path("oplaty/<int:pk>/zaswiadczenie/", certificate_views.certificate, name="certificate"),
    path(
        "oplaty/zaswiadczenia/<int:pk>/pdf/",
        certificate_views.certificate_pdf,
        name="certificate_pdf",
    ),
    path("weryfikacja/", certificate_views.verify, name="verify"),
    path("weryfikacja/<str:code>/", certificate_views.verify_code, name="verify_code"),
    path("faktury/", invoice_views.invoices, name="invoices"),
    path("faktury/<int:pk>/pdf/", invoice_views.invoice_pdf, name="invoice_pdf"),
    path("faktury/<int:pk>/xml/", invoice_views.invoice_xml, name="invoice_xml"),
    path("rozliczenia-wody/", water_views.settlements, name="water"),
    path("rozliczenia-wody/<int:pk>/", water_views.detail, name="water_detail"),
    path("rozliczenia-wody/<int:pk>/pdf/", water_views.pdf, name="water_pdf"),
]
