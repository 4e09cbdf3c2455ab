from django.apps import AppConfig


class FaithForumConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "faith_forum"
    verbose_name = "Faith Forum"

    def ready(self):
        from crm.timeline import register_timeline_source

        from .timeline import forum_timeline_items

        # An organisation's engagement timeline (crm.timeline) shows its forum membership and the forum
        # events its people attended (events.timeline leaves those out of training).
        register_timeline_source(forum_timeline_items)
