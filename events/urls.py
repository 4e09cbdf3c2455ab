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
    path(
        "my-training/requirements/<int:requirement_id>/certificate/",
        views.certificate_upload,
        name="certificate_upload",
    ),
    path(
        "my-training/external-certificates/<int:pk>/", views.external_certificate_file, name="external_certificate_file"
    ),
    path("my-training/invitations/<int:pk>/withdraw/", views.invitation_withdraw_view, name="invitation_withdraw"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("bookings/cancel/<str:token>/", views.booking_cancel_link, name="booking_cancel_link"),
    path("calendar/sessions.ics", views.all_sessions_feed, name="all_sessions_feed"),
    path("calendar/personal/<str:token>.ics", views.personal_feed, name="personal_feed"),
    path("certificates/verify/", views.certificate_verify, name="certificate_verify"),
    # Tickets and the session QR code: short paths keep the QR codes small and quick to scan.
    path("t/<str:token>/", views.ticket, name="ticket"),
    path("t/<str:token>/qr.png", views.ticket_qr, name="ticket_qr"),
    path("checkin/<str:token>/", views.self_checkin, name="self_checkin"),
    path("checkin/link/<str:token>/", views.checkin_link, name="checkin_link"),
    # Trainers: their sessions, the check-in desk, posters, registers.
    path("teaching/", views.my_sessions, name="my_sessions"),
    path("teaching/sessions/<int:pk>/desk/", views.checkin_desk, name="desk"),
    path("teaching/sessions/<int:pk>/desk/state/", views.desk_state, name="desk_state"),
    path("teaching/sessions/<int:pk>/desk/mark/", views.desk_mark_view, name="desk_mark"),
    path("teaching/sessions/<int:pk>/desk/scan/", views.desk_scan, name="desk_scan"),
    path("teaching/sessions/<int:pk>/poster/", views.session_poster, name="session_poster"),
    path("teaching/sessions/<int:pk>/poster/qr.png", views.session_qr, name="session_qr"),
    path("teaching/sessions/<int:pk>/screen/", views.session_screen, name="session_screen"),
    path("teaching/sessions/<int:pk>/screen/code.json", views.session_screen_code, name="session_screen_code"),
    path("teaching/sessions/<int:pk>/checkin-mode/", views.checkin_mode_view, name="checkin_mode"),
    path("teaching/sessions/<int:pk>/checkin-code/", views.checkin_code_reset, name="checkin_code_reset"),
    path("teaching/sessions/<int:pk>/register/", views.register, name="register"),
    path("teaching/sessions/<int:pk>/register.pdf", views.register_pdf, name="register_pdf"),
    path("teaching/sessions/<int:pk>/register.<str:fmt>", views.register_export, name="register_export"),
    path("teaching/sessions/<int:pk>/register/upload/", views.register_upload, name="register_upload"),
    path("teaching/sessions/<int:pk>/register/close/", views.register_close_view, name="register_close"),
]
