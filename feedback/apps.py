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
        from events.after_attendance import register_attendance_link
        from events.services import people as training_people

        from . import services

        # Deleting a person (crm.services.person_delete): their feedback stays for the figures, detached.
        person_data_preview.connect(services.on_person_data_preview, dispatch_uid="feedback.person_data_preview")
        person_deleting.connect(services.on_person_deleting, dispatch_uid="feedback.person_deleting")
        # Receivers run in the order they connected, and events (an earlier app) connected first. Training blanks
        # the person's attendances; feedback must find theirs before that, so training's receiver moves after ours.
        if person_deleting.disconnect(dispatch_uid="events.person_deleting"):
            person_deleting.connect(training_people.on_person_deleting, dispatch_uid="events.person_deleting")
        # "Give feedback" beside each attendance on the check-in thank-you screen and in My training.
        register_attendance_link(services.feedback_attendance_links)
