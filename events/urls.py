from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("my-training/", views.my_training, name="my_training"),
    path("my-training/bookings/<int:pk>/cancel/", views.booking_cancel_view, name="booking_cancel"),
    path("my-training/bookings/<int:pk>/calendar.ics", views.booking_ics, name="booking_ics"),
    path("my-training/calendar/reset/", views.calendar_subscription_reset_view, name="calendar_reset"),
    path("my-training/certificates/<int:pk>/", views.certificate, name="certificate"),
    path("my-training/certificates/<int:pk>/certificate.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("bookings/cancel/<str:token>/", views.booking_cancel_link, name="booking_cancel_link"),
    path("calendar/sessions.ics", views.all_sessions_feed, name="all_sessions_feed"),
    path("calendar/personal/<str:token>.ics", views.personal_feed, name="personal_feed"),
    path("certificates/verify/", views.certificate_verify, name="certificate_verify"),
]
