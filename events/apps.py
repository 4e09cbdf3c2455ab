from django.apps import AppConfig


def link_walk_in_attendance(sender, request=None, email_address=None, **kwargs):
    """A person proves they own an email address: walk-in attendance recorded under it joins their record.

    Only on verification, never at sign-up or when the team makes an account: an
    unverified address would let anyone claim someone else's attendance and certificates.
    Only the account's own address (allauth has just made a newly confirmed one primary),
    because that is the address ``walk_in_attendance_link`` matches on.
    """
    from .services import walk_in_attendance_link

    user = email_address.user
    if email_address.verified and user.email and email_address.email.lower() == user.email.lower():
        walk_in_attendance_link(user=user)


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = "Sessions and bookings"

    def ready(self):
        from allauth.account.signals import email_confirmed

        from crm.signals import person_data_preview, person_deleting
        from crm.timeline import register_timeline_source

        from .services import people
        from .timeline import training_timeline_items

        email_confirmed.connect(link_walk_in_attendance, dispatch_uid="events.link_walk_in_attendance")
        # Deleting a person (crm.services.person_delete) erases what training holds about them.
        person_data_preview.connect(people.on_person_data_preview, dispatch_uid="events.person_data_preview")
        person_deleting.connect(people.on_person_deleting, dispatch_uid="events.person_deleting")
        # An organisation's engagement timeline (crm.timeline) shows the training its people attended.
        register_timeline_source(training_timeline_items)
