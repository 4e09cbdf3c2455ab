from django.apps import AppConfig
from django.db.models.signals import post_migrate
from wagtail.users.apps import WagtailUsersAppConfig


class PortalConfig(AppConfig):
    default = True
    default_auto_field = "django.db.models.BigAutoField"
    name = "portal"
    verbose_name = "Portal"

    def ready(self):
        from . import roles

        # Permissions for models added by later migrations exist only after
        # migrate has run, so the role definitions are re-applied then.
        post_migrate.connect(roles.sync_roles_after_migrate, dispatch_uid="portal.sync_roles")


class PortalUsersAppConfig(WagtailUsersAppConfig):
    """Wagtail's Users admin with the profile and elected-Member fields."""

    user_viewset = "portal.viewsets.PortalUserViewSet"
