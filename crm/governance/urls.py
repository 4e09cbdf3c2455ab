from django.urls import path

from . import views

app_name = "advisory_group"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:series>/meetings.ics", views.series_calendar, name="series_calendar"),
    path("<slug:series>/meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("<slug:series>/meetings/<int:pk>/meeting.ics", views.meeting_calendar, name="meeting_calendar"),
    path("<slug:series>/papers/<int:pk>/", views.paper_download, name="paper"),
    path("<slug:series>/actions/", views.action_list, name="actions"),
    path("<slug:series>/concerns/new/", views.concern_new, name="concern_new"),
    path("<slug:series>/agenda/new/", views.agenda_item_new, name="agenda_item_new"),
]
