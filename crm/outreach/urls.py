from django.urls import path

from . import views

app_name = "outreach"

urlpatterns = [
    path("", views.visit_list, name="visits"),
    path("new/", views.visit_new, name="new"),
    path("<int:pk>/edit/", views.visit_edit, name="edit"),
    path("visits.json", views.visit_sync, name="sync"),
    path("sw.js", views.service_worker, name="service_worker"),
]
