from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = "Feedback and reports"

    def ready(self):
        from crm.signals import person_data_preview, person_deleting

        from .imports import on_person_data_preview, on_person_deleting

        # Deleting a person (crm.services.person_delete) deletes the legacy-register no-shows under their email.
        person_data_preview.connect(on_person_data_preview, dispatch_uid="feedback.imports.person_data_preview")
        person_deleting.connect(on_person_deleting, dispatch_uid="feedback.imports.person_deleting")
