from django.urls import path

from . import consumable_views, invoice_views, sample_views, views

app_name = "facility"
urlpatterns = [
    path("instruments/<key:key>/series/", views.series_new, name="series_new"),
    path("instruments/<key:key>/series/book/", views.series_book, name="series_book"),
    path("series/<int:pk>/", views.series_detail, name="series"),
    path("series/<int:pk>/cancel/", views.series_cancel, name="series_cancel"),
    path("instruments/<key:key>/waitlist/", views.waitlist_join, name="waitlist_join"),
    path("waitlist/<int:pk>/", views.waitlist_offer, name="waitlist_offer"),
    path("waitlist/<int:pk>/claim/", views.waitlist_claim, name="waitlist_claim"),
    path("waitlist/<int:pk>/leave/", views.waitlist_leave, name="waitlist_leave"),
    path("kiosk/<key:key>/", views.kiosk, name="kiosk"),
    path("kiosk/<key:key>/qr.svg", views.kiosk_qr, name="kiosk_qr"),
    path("instruments/<key:key>/usage/", views.usage_page, name="usage"),
    path("instruments/<key:key>/usage/rules/", views.billing_rule, name="billing_rule"),
    path("instruments/<key:key>/usage/correct/", views.usage_correct, name="usage_correct"),
]
# --- invoices (issue 13, item 7) ---
urlpatterns += [
    path("invoices/", invoice_views.invoices, name="invoices"),
    path("invoices/close/", invoice_views.month_close, name="month_close"),
    path("invoices/accounting.csv", invoice_views.accounting_csv, name="accounting_csv"),
    path("invoices/settings/", invoice_views.invoicing_settings, name="invoicing_settings"),
    path("invoices/<int:pk>/", invoice_views.invoice_detail, name="invoice"),
    path("invoices/<int:pk>/pdf/", invoice_views.invoice_download, name="invoice_pdf"),
    path("invoices/<int:pk>/credit/", invoice_views.credit_note, name="credit_note"),
]
# --- incidents (issue 13, item 4) ---
urlpatterns += [
    path("instruments/<key:key>/incidents/", views.incidents, name="incidents"),
    path("instruments/<key:key>/incidents/declare/", views.incident_declare, name="incident_declare"),
    path("incidents/<int:pk>/end/", views.incident_end, name="incident_end"),
    path("incidents/offers/<int:pk>/", views.incident_offer, name="incident_offer"),
    path("incidents/offers/<int:pk>/take/", views.incident_offer_take, name="incident_offer_take"),
]
# --- sample submission forms (issue 13, item 5) ---
urlpatterns += [
    path("services/<key:key>/sample-form/", sample_views.sample_form, name="sample_form"),
    path("services/<key:key>/sample-form/save/", sample_views.sample_field_save, name="sample_field_save"),
    path("sample-fields/<int:pk>/remove/", sample_views.sample_field_remove, name="sample_field_remove"),
    path("services/<key:key>/orders.csv", sample_views.service_orders_csv, name="service_orders_csv"),
    path("orders/<int:pk>/samples-received/", sample_views.samples_received, name="samples_received"),
    path("sample-answers/<int:pk>/file/", sample_views.sample_file, name="sample_attachment"),
]
# --- consumables (issue 13, item 6) ---
urlpatterns += [
    path("platforms/<key:key>/consumables/", consumable_views.consumables_page, name="consumables"),
    path("platforms/<key:key>/consumables/save/", consumable_views.consumable_save, name="consumable_save"),
    path("consumables/<int:pk>/restock/", consumable_views.consumable_restock, name="consumable_restock"),
    path("orders/<int:pk>/consumables/add/", consumable_views.order_consumable_add, name="order_consumable_add"),
    path("bookings/<int:pk>/consumables/", consumable_views.booking_consumables, name="booking_consumables"),
    path("bookings/<int:pk>/consumables/add/", consumable_views.booking_consumable_add,
         name="booking_consumable_add"),
]
