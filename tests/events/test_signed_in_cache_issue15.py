"""Issue 15: what every signed-in request asked the database - the session, the person's roles and
permissions, whether two-factor is on, the site and the team's contact details - is kept in the cache,
and each change to it is seen on the very next request."""

import datetime as dt

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from crm import authcache, roles
from crm.models import User
from crm.services import role_assign, role_remove
from portal.models import TeamContactSettings

pytestmark = pytest.mark.django_db

KEPT_TABLES = ("django_session", "auth_group", "auth_permission", "mfa_authenticator", "wagtailcore_site")


def tables_read(client, url: str) -> set[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return {
        table
        for table in (*KEPT_TABLES, "portal_teamcontactsettings")
        if any(f'"{table}"' in query["sql"] for query in captured)
    }


@pytest.fixture
def desk_url(make_session, trainer):
    session = make_session(days=0, capacity=5)
    session.starts_at = timezone.now() + dt.timedelta(minutes=10)
    session.save()
    session.trainers.add(trainer)
    return reverse("events:desk", args=[session.pk])


def test_a_second_signed_in_request_reads_none_of_it_from_the_database(client, trainer, desk_url):
    client.force_login(trainer)
    # The first visits fill the cache (the first makes the site's contact details row, which is a change).
    assert "django_session" in tables_read(client, desk_url)
    tables_read(client, desk_url)
    assert tables_read(client, desk_url) == set()


def test_a_role_given_or_taken_is_seen_on_the_next_request(client, make_user, team_admin):
    person = make_user(roles.LEARNER)
    client.force_login(person)
    assert client.get(reverse("events:my_sessions")).status_code == 403
    role_assign(user=person, role=roles.TRAINER, by=team_admin)
    assert client.get(reverse("events:my_sessions")).status_code in (200, 302)  # 302: set up two-factor first
    assert roles.has_role(User.objects.get(pk=person.pk), roles.TRAINER)
    role_remove(user=person, role=roles.TRAINER, by=team_admin)
    assert client.get(reverse("events:my_sessions")).status_code == 403
    # Groups changed straight through the relation, as the admin's user form does, are seen too.
    User.objects.get(pk=person.pk).groups.add(Group.objects.get(name=roles.TRAINER))
    assert roles.has_role(User.objects.get(pk=person.pk), roles.TRAINER)
    User.objects.get(pk=person.pk).groups.clear()
    assert not roles.has_role(User.objects.get(pk=person.pk), roles.TRAINER)


def test_a_permission_given_to_or_taken_from_a_group_is_seen_at_once(make_user):
    person = make_user(roles.LEARNER)
    group = Group.objects.get(name=roles.LEARNER)
    permission = Permission.objects.get(codename="access_admin")
    assert not User.objects.get(pk=person.pk).has_perm("wagtailadmin.access_admin")  # now kept
    group.permissions.add(permission)
    assert User.objects.get(pk=person.pk).has_perm("wagtailadmin.access_admin")
    group.permissions.remove(permission)
    assert not User.objects.get(pk=person.pk).has_perm("wagtailadmin.access_admin")
    person.user_permissions.add(permission)
    assert User.objects.get(pk=person.pk).has_perm("wagtailadmin.access_admin")


def test_a_superuser_flag_and_a_deactivated_account_are_never_answered_from_the_cache(make_user):
    person = make_user(roles.LEARNER)
    assert not User.objects.get(pk=person.pk).has_perm("events.change_trainingsession")  # kept as a non-superuser
    User.objects.filter(pk=person.pk).update(is_superuser=True)  # no signal at all
    assert User.objects.get(pk=person.pk).has_perm("events.change_trainingsession")
    User.objects.filter(pk=person.pk).update(is_superuser=False, is_active=False)
    Group.objects.get(name=roles.LEARNER).permissions.add(Permission.objects.get(codename="access_admin"))
    assert not User.objects.get(pk=person.pk).has_perm("wagtailadmin.access_admin")


def test_an_authenticator_removed_sends_the_person_to_set_one_up_on_the_next_request(client, trainer, desk_url):
    client.force_login(trainer)
    assert client.get(desk_url).status_code == 200  # two-factor on: kept
    Authenticator.objects.filter(user=trainer).delete()
    response = client.get(desk_url)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")


def test_the_team_contact_details_changed_show_on_the_next_signed_in_page(client, make_user):
    client.force_login(make_user(roles.LEARNER))
    site = Site.objects.get(is_default_site=True)
    contact = TeamContactSettings.for_site(site)
    contact.email = "before@council.example"
    contact.save()
    assert "before@council.example" in client.get(reverse("events:my_training")).content.decode()
    contact = TeamContactSettings.for_site(site)
    contact.email = "after@council.example"
    contact.save()
    page = client.get(reverse("events:my_training")).content.decode()
    assert "after@council.example" in page and "before@council.example" not in page


def test_a_lost_generation_starts_again_past_every_old_one():
    first = authcache.auth_generation()
    authcache.auth_cache_invalidate()
    assert authcache.auth_generation() == first + 1
    cache.delete(authcache.GENERATION_KEY)  # Redis restarted or evicted the key
    assert authcache.auth_generation() > first + 1
