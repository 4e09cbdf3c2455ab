"""The roles people hold, as Django groups, and what each may do.

Groups are created by migration ``crm.0002``; the permissions below are
(re)granted after every ``migrate`` so that models added by later issues are
covered as soon as their tables exist. Granting only adds: a permission the
team gave a group by hand in the admin is never taken away.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

PREVENT_ADMIN = "Prevent team admin"
OUTREACH_OFFICER = "Outreach officer"
TRAINER = "Trainer"
LEARNER = "Learner"
ELECTED_MEMBER = "Elected Member"
FAITH_FORUM_MEMBER = "Faith Forum member"
PAG_MEMBER = "PAG member"

ALL_ROLES = (PREVENT_ADMIN, OUTREACH_OFFICER, TRAINER, LEARNER, ELECTED_MEMBER, FAITH_FORUM_MEMBER, PAG_MEMBER)
ADMIN_ROLES = (PREVENT_ADMIN, OUTREACH_OFFICER)  # the roles that use the Wagtail admin

# Every permission of these apps goes to the Prevent team admin.
TEAM_APPS = ("portal", "crm", "events", "faith_forum", "feedback", "wagtailforms", "wagtailredirects")

# Permissions as "app_label.codename" (or "app_label.*" for all of an app's).
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    PREVENT_ADMIN: (
        "wagtailadmin.access_admin",
        # Settings → Groups: groups such as Designated Safeguarding Leads, for training requirements.
        "auth.add_group",
        "auth.change_group",
        "auth.delete_group",
        "auth.view_group",
        *(f"{app}.*" for app in TEAM_APPS),
    ),
    OUTREACH_OFFICER: (
        "wagtailadmin.access_admin",
        "crm.view_ward",
        "crm.view_organisation",
        "crm.add_organisation",
        "crm.change_organisation",
        # Named people at organisations: officers keep them up to date; only the team deletes.
        "crm.view_contact",
        "crm.add_contact",
        "crm.change_contact",
        # Later issues add meetings here.
        # Officers see every visit in the admin (counts and places) and its topic tags; they log and
        # correct their own on the public site (/outreach/), where the 30-day rule lives
        # (crm.outreach.services), so the admin's add and change stay with the team.
        "crm.view_outreachvisit",
        "crm.view_outreachtag",
    ),
    TRAINER: (),
    LEARNER: (),
    ELECTED_MEMBER: (),
    FAITH_FORUM_MEMBER: (),
    PAG_MEMBER: (),
}

ADMIN_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page")
ADMIN_COLLECTION_PERMISSIONS = (
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtailimages.delete_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "wagtaildocs.delete_document",
)


def create_role_groups(group_model) -> None:
    for name in ALL_ROLES:
        group_model.objects.get_or_create(name=name)


def _permissions(specs: Iterable[str]):
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    query = Q(pk__in=[])
    for spec in specs:
        app_label, codename = spec.split(".", 1)
        if codename == "*":
            query |= Q(content_type__app_label=app_label)
        else:
            query |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(query)


def sync_roles() -> None:
    """Create the role groups and grant each the permissions defined above."""
    from django.contrib.auth.models import Group
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    create_role_groups(Group)
    for name, specs in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        group.permissions.add(*_permissions(specs))

    admin_group = Group.objects.get(name=PREVENT_ADMIN)
    root_page = Page.get_first_root_node()
    if root_page is not None:
        for perm in _permissions(f"wagtailcore.{codename}" for codename in ADMIN_PAGE_PERMISSIONS):
            GroupPagePermission.objects.get_or_create(group=admin_group, page=root_page, permission=perm)
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for perm in _permissions(ADMIN_COLLECTION_PERMISSIONS):
            GroupCollectionPermission.objects.get_or_create(
                group=admin_group, collection=root_collection, permission=perm
            )


def sync_roles_after_migrate(sender, **kwargs) -> None:
    # post_migrate fires once per app, and Django creates each app's
    # permissions in its own turn; make them all first, then grant.
    if sender.name != "crm":
        return
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    sync_roles()


# Who a page restricted to a role is for, as a sentence says it: "This page is for elected Members."
AUDIENCES = {
    PREVENT_ADMIN: "the Prevent team",
    OUTREACH_OFFICER: "outreach officers",
    TRAINER: "trainers",
    LEARNER: "learners",
    ELECTED_MEMBER: "elected Members",
    FAITH_FORUM_MEMBER: "Faith Forum members",
    PAG_MEMBER: "Prevent Advisory Group members",
}


def audience(group_names: Iterable[str]) -> str:
    """Who the people holding ``group_names`` are, in words: "elected Members", "Faith Forum members".

    The Prevent team is left out when others are named, as it may open every page.
    A group the team made itself is named as it is.
    """
    names = sorted(set(group_names))
    named = [name for name in names if name != PREVENT_ADMIN] or names
    words = sorted(AUDIENCES.get(name, f"the {name} group") for name in named)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def role_names(user) -> frozenset[str]:
    """The names of the user's roles: kept on the user for the request, and between requests under
    the auth generation (``crm.authcache``), which every change of someone's groups makes stale."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        from .authcache import auth_cached

        cached = auth_cached(user, "roles", lambda: frozenset(user.groups.values_list("name", flat=True)))
        user._role_names = cached
    return cached


def view_restrictions(page) -> list:
    """A page's view restrictions (its own and its ancestors'), read once per page object: the serving
    hook, the booking rule and the page's "who is this for" each ask (issue 15)."""
    cached = page.__dict__.get("_view_restrictions")
    if cached is None:
        cached = page.__dict__["_view_restrictions"] = list(page.get_view_restrictions())
    return cached


def has_role(user, *roles: str) -> bool:
    """True when the user holds any of ``roles``. The team admin and superusers hold all."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    names = role_names(user)
    return PREVENT_ADMIN in names or any(role in names for role in roles)


def is_team(user) -> bool:
    """The Prevent team: sees and changes everything, in the admin and on the site."""
    return bool(user and user.is_authenticated and has_role(user, PREVENT_ADMIN))


# The roles that reach people's records: the admin and the CRM (team admin, outreach officers),
# registers and check-in desks (trainers), compliance lists (the team).
STAFF_ROLES = (PREVENT_ADMIN, OUTREACH_OFFICER, TRAINER)


def reaches_records(user) -> bool:
    """True when the user's roles reach the admin, the CRM, registers or compliance lists.

    Such a person must sign in with two-factor authentication (portal.middleware.MFARequiredMiddleware)
    and is signed out when idle (StaffIdleTimeoutMiddleware). Django staff and superusers count,
    as does anyone the team gave the admin by hand through a group of its own.
    """
    if not user.is_authenticated:
        return False
    return (
        user.is_staff or user.is_superuser or has_role(user, *STAFF_ROLES) or user.has_perm("wagtailadmin.access_admin")
    )


def role_required(*roles: str):
    """View decorator: sign-in required, then one of ``roles``; otherwise 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied("Your account does not have the role this page needs.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
