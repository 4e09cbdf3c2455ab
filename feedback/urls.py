from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    path("thanks/", views.thanks, name="thanks"),
    path("<str:token>/", views.answer, name="answer"),
]
