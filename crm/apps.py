from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save, pre_save
from wagtail.users.apps import WagtailUsersAppConfig


class CrmConfig(AppConfig):
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "crm"
    verbose_name = "People and organisations"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from . import audit, authcache, roles, text, timeline

        # Roles, permissions and two-factor answers kept between requests go stale on any change to them.
        authcache.connect_invalidation()

        # Permissions for models added by later migrations exist only after
        # migrate has run, so the role definitions are re-applied then.
        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="crm.sync_roles")
        # Control characters never reach the database, whichever form or service saves the text.
        pre_save.connect(text.text_clean_before_save, dispatch_uid="crm.text_clean")
        # Sign-ins and failed sign-ins go to the audit log (issue 10 item 10).
        user_logged_in.connect(audit.login_record, dispatch_uid="crm.audit_login")
        user_login_failed.connect(audit.login_failure_record, dispatch_uid="crm.audit_login_failed")
        # An organisation's engagement timeline: crm's own outreach visits; the apps above add theirs.
        timeline.register_timeline_source(timeline.outreach_timeline_items)
        # Governance (issue 13): PAG concerns in the ward hot spots; meeting papers kept private.
        from .governance import hotspots as governance_hotspots
        from .governance import papers as governance_papers
        from .hotspots import register_hotspot_measure

        register_hotspot_measure(governance_hotspots.PAG_CONCERNS)
        post_save.connect(
            governance_papers.paper_made_private, sender="crm.MeetingPaper", dispatch_uid="crm.meeting_paper_private"
        )


class CrmUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's Users admin with the profile and elected-Member fields."""

    user_viewset = "crm.viewsets.PortalUserViewSet"
    group_viewset = "crm.wagtail_hooks.RoleGroupViewSet"  # the role groups keep their names
