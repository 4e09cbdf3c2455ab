"""The forum's plain Django addresses, under /forum/ (its pages are Wagtail's, under /faith-forum/)."""

from django.urls import path

from . import views

app_name = "faith_forum"

urlpatterns = [
    path("calendar/reset/", views.calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.personal_feed, name="personal_feed"),
    path("preferences/", views.preferences, name="preferences"),
]
