"""The forum's plain Django addresses, under /forum/ (its pages are Wagtail's, under /faith-forum/)."""

from django.urls import path  # noqa: F401

app_name = "faith_forum"

urlpatterns: list = []
