def navigation(request):
    """Header links: the training index for everyone, the admin and trainers' pages only for people who may use them."""
    from crm import roles
    from events.models import TrainingIndexPage

    user = getattr(request, "user", None)
    training = TrainingIndexPage.objects.live().only("url_path").first()
    return {
        "uses_admin": bool(user and user.is_authenticated and user.has_perm("wagtailadmin.access_admin")),
        "training_url": training.url if training else None,
        "runs_sessions": bool(user and roles.has_role(user, roles.TRAINER)),
    }
