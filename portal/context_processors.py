from django.core.cache import cache

from crm.pagecache import page_tree_generation


def navigation(request):
    """Header links: the training index for everyone, the admin and trainers' pages only for people who may use them.

    The footer and the forms that take personal details link the privacy notice: the live,
    public page with the slug "privacy" (the demo makes one), or no link when there is none.
    """
    from crm import roles
    from events.models import TrainingIndexPage

    from .middleware import MFA_NEXT_SESSION_KEY
    from .models import StandardPage

    user = getattr(request, "user", None)
    session = getattr(request, "session", None)

    def links():
        training = TrainingIndexPage.objects.live().only("url_path").first()
        privacy = StandardPage.objects.live().public().filter(slug="privacy").only("url_path").first()
        return {
            "privacy_url": privacy.get_url(request) if privacy else None,
            "training_url": training.get_url(request) if training else None,
        }

    # The two page lookups every page's header and footer need, kept until a page changes
    # (the page tree's generation: crm.pagecache) - signed-in pages are never kept whole.
    site = request.get_host()
    pages = cache.get_or_set(f"portal:navigation:{page_tree_generation()}:{site}", links, 3600)
    return {
        **pages,
        "uses_admin": bool(user and user.is_authenticated and user.has_perm("wagtailadmin.access_admin")),
        "runs_sessions": bool(user and roles.has_role(user, roles.TRAINER)),
        "logs_outreach": bool(user and roles.has_role(user, roles.OUTREACH_OFFICER)),
        # Where someone sent to set up two-factor authentication was going: "Continue" once it is on.
        "mfa_next_url": session.get(MFA_NEXT_SESSION_KEY) if session is not None else None,
    }
