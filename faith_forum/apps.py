from django.apps import AppConfig


class FaithForumConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "faith_forum"
    verbose_name = "Faith Forum"
