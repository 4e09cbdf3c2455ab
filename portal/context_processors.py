def navigation(request):
    """Lets the header offer the admin link only to the people who may use it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"uses_admin": False}
    return {"uses_admin": user.has_perm("wagtailadmin.access_admin")}
