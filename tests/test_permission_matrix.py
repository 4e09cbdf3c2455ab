"""The permission matrix: every URL the site serves x every role -> the answer that role should get.

Columns: anonymous, then the eight demo sign-ins of the README (the seven roles; the school DSL is a
Learner in the *Designated Safeguarding Leads* group, at a school).

Rows (``MATRIX`` below) are keyed by the URL pattern's name (``namespace:name``), or by its route
when it has no name. Wagtail pages are keyed ``page:<app>.<Model>`` and a routable page's sub-URLs
``page:<app>.<Model>:<route name>``. A key may carry a variant in brackets, e.g.
``page:portal.StandardPage [Faith Forum members]``, to test the same URL on other data.

A walker (``served_urls``) lists every pattern of ``config.urls`` (Wagtail admin, allauth and the
apps included) and every page type with its sub-URLs. ``test_every_served_url_has_a_row`` fails
naming any project URL without a row. The Wagtail admin's own screens (pages, images, reports...)
need no row: ``test_wagtail_admin_screens_refuse_everyone_but_admin_roles`` checks each one sends
anonymous visitors to sign in and refuses the other roles (403); a row, where there is one, says
more (e.g. what the team admin and the outreach officer get). Every admin screen the project adds
(a viewset or a ``register_admin_urls`` view of crm, events, portal...) needs its own row.

To add a URL: one line in ``MATRIX``, in the section it belongs to::

    "events:my_new_page": ("/teaching/sessions/{session.pk}/new/", LOGIN, 200, 403, 200, 403, 403, 403, 403, 403),

- the path: filled with ``str.format`` from the data ``build_world`` makes (``{session.pk}``,
  ``{booking.ticket_token}``, ``{wrap.url}``...; add data there when a row needs more). Start it
  with ``POST `` for an endpoint that only takes POST (the test client does not check CSRF).
- then the expected answer for each column, in the order of ``ROLES``: a status code (200, 403,
  404, 405...), ``LOGIN`` (sent to sign in), ``ADMIN_NO`` (Wagtail's "no permission": back to the
  admin's dashboard) or ``"->/path/"`` for another redirect. A failure prints the answers the
  site actually gave, as a row, for comparison.
- row shorthands: ``PUBLIC``, ``SIGNED_IN``, ``ADMIN_ROLES``, ``TEAM_ONLY``.

Answers are what the site *should* do; each cell runs in a transaction that is rolled back, so a
POST (cancel, close a register) does not change what the next role sees. Roles sign in through one
helper, ``sign_in``: change it there if a role needs more (e.g. an MFA-verified session).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone
from wagtail.admin.viewsets import viewsets as admin_viewsets
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.documents import get_document_model
from wagtail.models import Page, Site, get_page_models

from crm import roles
from crm.governance.models import CommunityConcern, ConcernTheme, Meeting, MeetingAction, MeetingSeries, SeriesKind
from crm.governance.services import minutes_approve, minutes_correct, minutes_draft
from crm.models import (
    Contact,
    MeetingPaper,
    OrganisationType,
    OutboxMessage,
    OutreachTag,
    Recommendation,
    RecommendationAction,
    Risk,
    SeriesMember,
)
from crm.outreach.services import outreach_visit_log
from events.models import (
    Attendance,
    Booking,
    BookingStatus,
    CalendarSubscription,
    CertificateStatus,
    ColleagueInvitation,
    CourseLesson,
    ExternalCertificate,
    ReportingCategory,
    TrainingRequirement,
    TrainingSession,
)
from events.services import invitation_token
from events.services.attendance import checkin_link_url
from faith_forum.models import (
    FaithForumPage,
    ForumApplication,
    ForumMembership,
    ForumMembersPage,
    ForumRepresentative,
)
from faith_forum.papers import forum_papers_collection
from faith_forum.services import members_area_restrict
from feedback.links import feedback_token
from feedback.models import FeedbackForm, FeedbackQuestion
from portal.models import HomePage
from tests.factories import (
    CERTIFICATE_PDF,
    PASSWORD,
    CoursePageFactory,
    OrganisationFactory,
    StandardPageFactory,
    UserFactory,
    WardFactory,
)
from tests.pagetree import restore_home_page

PROJECT_APPS = ("portal", "crm", "events", "faith_forum", "feedback")
ADMIN_PREFIX = "admin/"

# The columns: anonymous, then the README's demo sign-ins.
ROLES = ("anonymous", "team admin", "outreach", "trainer", "learner", "school DSL", "councillor", "faith", "PAG")
ROLE_GROUPS = {
    "team admin": (roles.PREVENT_ADMIN,),
    "outreach": (roles.OUTREACH_OFFICER,),
    "trainer": (roles.TRAINER,),
    "learner": (roles.LEARNER,),
    "school DSL": (roles.LEARNER, "Designated Safeguarding Leads"),
    "councillor": (roles.ELECTED_MEMBER,),
    "faith": (roles.FAITH_FORUM_MEMBER,),
    "PAG": (roles.PAG_MEMBER,),
}
NON_ADMIN_ROLES = ("trainer", "learner", "school DSL", "councillor", "faith", "PAG")

LOGIN = "login"  # a redirect to /accounts/login/
ADMIN_NO = "->/admin/"  # Wagtail's "Sorry, you do not have permission": back to the dashboard
HOME = "->/"
MY_TRAINING = "->/my-training/"
REAUTH = "->/accounts/reauthenticate/"  # allauth asks for the password again before changing two-factor sign-in

PUBLIC = (200,) * 9
SIGNED_IN = (LOGIN, *(200,) * 8)
ADMIN_ROLES = (LOGIN, 200, 200, *(403,) * 6)  # the team admin and the outreach officer
TEAM_ONLY = (LOGIN, 200, ADMIN_NO, *(403,) * 6)  # in the admin, the team admin only

# fmt: off
MATRIX: dict[str, tuple] = {
    # --- portal ---------------------------------------------------------------------------------------
    #                     path                                       anon   team   outr   train  learn  dsl    cllr   faith  pag
    "healthz":            ("/healthz",                               *PUBLIC),
    "portal:account":     ("/account/",                              *SIGNED_IN),

    # --- allauth: sign-in, sign-up, email, password ------------------------------------------------------
    "account_signup":     ("/accounts/signup/",                      200, *(MY_TRAINING,) * 8),
    "account_login":      ("/accounts/login/",                       200, *(MY_TRAINING,) * 8),
    "account_logout":     ("/accounts/logout/",                      HOME, *(200,) * 8),
    "account_inactive":   ("/accounts/inactive/",                    *PUBLIC),
    "account_reauthenticate": ("/accounts/reauthenticate/",          *SIGNED_IN),
    "account_email":      ("/accounts/email/",                       *SIGNED_IN),
    "account_email_verification_sent": ("/accounts/confirm-email/",  *PUBLIC),
    "account_confirm_email": ("/accounts/confirm-email/not-a-key/",  *PUBLIC),
    "account_change_password": ("/accounts/password/change/",        *SIGNED_IN),
    # Everyone has a password, so "set" sends them to "change".
    "account_set_password": ("/accounts/password/set/",              LOGIN, *("->/accounts/password/change/",) * 8),
    "account_reset_password": ("/accounts/password/reset/",          *PUBLIC),
    "account_reset_password_done": ("/accounts/password/reset/done/", *PUBLIC),
    "account_reset_password_from_key": ("/accounts/password/reset/key/1-not-a-key/", *PUBLIC),
    "account_reset_password_from_key_done": ("/accounts/password/reset/key/done/", *PUBLIC),
    # Sign-in by emailed code is off: nobody has a code to confirm.
    "account_confirm_login_code": ("/accounts/login/code/confirm/",  LOGIN, *(MY_TRAINING,) * 8),

    # --- events: My training, certificates, feeds -------------------------------------------------------
    "events:my_training": ("/my-training/",                          *SIGNED_IN),
    # Another person's booking is "not found": ids reveal nothing.
    "events:booking_cancel": ("/my-training/bookings/{booking.pk}/cancel/", LOGIN, 404, 404, 404, 200, 404, 404, 404, 404),
    "events:booking_ics": ("/my-training/bookings/{booking.pk}/calendar.ics", LOGIN, 404, 404, 404, 200, 404, 404, 404, 404),
    "events:calendar_reset": ("POST /my-training/calendar/reset/",   LOGIN, *(MY_TRAINING,) * 8),
    "events:certificate": ("/my-training/certificates/{attendance.pk}/", LOGIN, 404, 404, 404, 200, 404, 404, 404, 404),
    "events:certificate_pdf": ("/my-training/certificates/{attendance.pk}/certificate.pdf", LOGIN, 404, 404, 404, 200, 404, 404, 404, 404),
    # Only people the requirement applies to (elected Members) send a certificate in for it.
    "events:certificate_upload": ("/my-training/requirements/{requirement.pk}/certificate/", LOGIN, 404, 404, 404, 404, 404, 200, 404, 404),
    "events:external_certificate_file": ("/my-training/external-certificates/{certificate.pk}/", LOGIN, 200, 403, 403, 403, 403, 200, 403, 403),
    # The token in the email is the key: no sign-in needed.
    "events:booking_cancel_link": ("/bookings/cancel/{booking.cancel_token}/", *PUBLIC),
    "events:all_sessions_feed": ("/calendar/sessions.ics",           *PUBLIC),
    "events:personal_feed": ("/calendar/personal/{subscription.token}.ics", *PUBLIC),
    "events:certificate_verify": ("/certificates/verify/?code={attendance.certificate_code}", *PUBLIC),

    # --- events: tickets and check-in ---------------------------------------------------------------------
    # Anyone holding a ticket's link sees the ticket; only the session's trainers and the team can check it in.
    "events:invitation":  ("/invitations/{invitation_token}/",       *PUBLIC),
    "events:invitation_withdraw": ("POST /my-training/invitations/{invitation.pk}/withdraw/", LOGIN, 404, 404, 404, MY_TRAINING, 404, 404, 404, 404),
    "events:checkin_link": ("/checkin/link/{checkin_link_token}/",   *PUBLIC),
    "events:session_screen": ("/teaching/sessions/{session.pk}/screen/", LOGIN, 200, 403, 200, 403, 403, 403, 403, 403),
    "events:session_screen_code": ("/teaching/sessions/{session.pk}/screen/code.json", LOGIN, 200, 403, 200, 403, 403, 403, 403, 403),
    "events:checkin_mode": ("POST /teaching/sessions/{session.pk}/checkin-mode/", LOGIN, "->/teaching/sessions/{session.pk}/screen/", 403, "->/teaching/sessions/{session.pk}/screen/", 403, 403, 403, 403, 403),
    # Two-factor authentication (allauth.mfa): a person's own. The staff roles have an authenticator app (the
    # factory gives them one, as MFA requires); the others have none, so there is nothing to turn off or view.
    "mfa_index":          ("/accounts/2fa/",                           *SIGNED_IN),
    "mfa_authenticate": ("/accounts/2fa/authenticate/",              LOGIN, *(MY_TRAINING,) * 8),
    "mfa_reauthenticate": ("/accounts/2fa/reauthenticate/",            LOGIN, 200, 200, 200, *(REAUTH,) * 5),
    "mfa_activate_totp": ("/accounts/2fa/totp/activate/",             LOGIN, *(REAUTH,) * 8),
    "mfa_deactivate_totp": ("/accounts/2fa/totp/deactivate/",          LOGIN, REAUTH, REAUTH, REAUTH, *(404,) * 5),
    "mfa_view_recovery_codes": ("/accounts/2fa/recovery-codes/",       LOGIN, *(404,) * 8),
    "mfa_generate_recovery_codes": ("/accounts/2fa/recovery-codes/generate/", LOGIN, *(REAUTH,) * 8),
    "mfa_download_recovery_codes": ("/accounts/2fa/recovery-codes/download/", LOGIN, *(404,) * 8),
    "events:ticket":      ("/t/{booking.ticket_token}/",             *PUBLIC),
    "events:ticket_qr":   ("/t/{booking.ticket_token}/qr.png",       *PUBLIC),
    "events:self_checkin": ("/checkin/{session.checkin_token}/",     *PUBLIC),

    # --- events: Sessions I run (the session's own trainers and the team) ---------------------------------
    "events:my_sessions": ("/teaching/",                             LOGIN, 200, 403, 200, 403, 403, 403, 403, 403),
    "events:desk":        ("/teaching/sessions/{session.pk}/desk/",  LOGIN, 200, 403, 200, 403, 403, 403, 403, 403),
    "events:desk_state":  ("/teaching/sessions/{session.pk}/desk/state/", LOGIN, 200, 403, 200, 403, 403, 403, 403, 403),
    "events:desk_mark":   ("POST /teaching/sessions/{session.pk}/desk/mark/", LOGIN, 404, 403, 404, 403, 403, 403, 403, 403),
    # 409: read, and refused as the POST carries no ticket code.
    "events:desk_scan":   ("POST /teaching/sessions/{session.pk}/desk/scan/", LOGIN, 409, 403, 409, 403, 403, 403, 403, 403),
    "events:session_poster": ("/teaching/sessions/{session.pk}/poster/", LOGIN, 200, 403, 200, 403, 403, 403, 403, 403),
    "events:session_qr":  ("/teaching/sessions/{session.pk}/poster/qr.png", LOGIN, 200, 403, 200, 403, 403, 403, 403, 403),
    "events:checkin_code_reset": ("POST /teaching/sessions/{session.pk}/checkin-code/", LOGIN, "->/teaching/sessions/{session.pk}/poster/", 403, "->/teaching/sessions/{session.pk}/poster/", 403, 403, 403, 403, 403),
    "events:register":    ("/teaching/sessions/{session.pk}/register/", LOGIN, 200, 403, 200, 403, 403, 403, 403, 403),
    "events:register_pdf": ("/teaching/sessions/{session.pk}/register.pdf", LOGIN, 200, 403, 200, 403, 403, 403, 403, 403),
    "events:register_export": ("/teaching/sessions/{session.pk}/register.csv", LOGIN, 200, 403, 200, 403, 403, 403, 403, 403),
    "events:register_upload": ("/teaching/sessions/{session.pk}/register/upload/", LOGIN, 200, 403, 200, 403, 403, 403, 403, 403),
    "events:register_close": ("POST /teaching/sessions/{session.pk}/register/close/", LOGIN, "->/teaching/sessions/{session.pk}/register/", 403, "->/teaching/sessions/{session.pk}/register/", 403, 403, 403, 403, 403),
    "events:register_close [another trainer's session]": ("POST /teaching/sessions/{other_session.pk}/register/close/", LOGIN, "->/teaching/sessions/{other_session.pk}/register/", 403, 403, 403, 403, 403, 403, 403),
    "events:desk [another trainer's session]": ("/teaching/sessions/{other_session.pk}/desk/", LOGIN, 200, 403, 403, 403, 403, 403, 403, 403),

    # --- Wagtail pages and their sub-URLs ---------------------------------------------------------------
    "page:portal.HomePage": ("/",                                     *PUBLIC),
    "page:portal.StandardPage": ("{about.url}",                       *PUBLIC),
    "page:portal.StandardPage [Faith Forum members]": ("{faith_area.url}", LOGIN, 200, 403, 403, 403, 403, 403, 200, 403),
    "page:portal.StandardPage [PAG members]": ("{pag_area.url}",      LOGIN, 200, 403, 403, 403, 403, 403, 403, 200),
    "page:events.TrainingIndexPage": ("{training.url}",               *PUBLIC),
    "page:events.CoursePage:course": ("{wrap.url}",                   *PUBLIC),
    "page:events.CoursePage:calendar": ("{wrap.url}calendar/",        *PUBLIC),
    "page:events.CoursePage:book": ("{wrap.url}book/{session.pk}/",   *SIGNED_IN),
    "page:events.CoursePage:lesson": ("{wrap.url}lessons/{lesson.pk}/", *PUBLIC),
    "page:events.CoursePage:course [Members only]": ("{member_course.url}", LOGIN, 200, 403, 403, 403, 403, 200, 403, 403),
    "page:events.CoursePage:calendar [Members only]": ("{member_course.url}calendar/", LOGIN, 200, 403, 403, 403, 403, 200, 403, 403),
    "page:events.CoursePage:book [Members only]": ("{member_course.url}book/{member_session.pk}/", LOGIN, 200, 403, 403, 403, 403, 200, 403, 403),
    "page:events.CoursePage:lesson [Members only]": ("{member_course.url}lessons/{member_lesson.pk}/", LOGIN, 200, 403, 403, 403, 403, 200, 403, 403),
    # The Faith Forum's members' area (issue 14): members and the team; the directory checks the role itself too.
    "page:faith_forum.ForumMembersPage:index": ("{forum_members.url}", LOGIN, 200, 403, 403, 403, 403, 403, 200, 403),
    "page:faith_forum.ForumMembersPage:directory": ("{forum_members.url}directory/", LOGIN, 200, 403, 403, 403, 403, 403, 200, 403),

    # --- Wagtail's own front-end URLs -------------------------------------------------------------------
    "wagtaildocs_serve":  ("/documents/{document.pk}/{document.filename}", *PUBLIC),
    # Meeting papers (issue 13) are in the team-only "Meeting papers" collection: members download them from /advisory-group/.
    # Wagtail sends anonymous visitors to sign in; signed in without the role, refused (portal.wagtail_hooks): never the file.
    "wagtaildocs_serve [meeting paper]": ("/documents/{pag_paper.document.pk}/{pag_paper.document.filename}", LOGIN, 200, *(403,) * 7),
    # Faith Forum papers (issue 14) are in the "Faith Forum papers" collection, restricted to members and the team.
    "wagtaildocs_serve [Faith Forum paper]": ("/documents/{forum_paper.pk}/{forum_paper.filename}", LOGIN, 200, *(403,) * 5, 200, 403),
    "wagtaildocs_authenticate_with_password": ("/documents/authenticate_with_password/0/", *(404,) * 9),
    "wagtailcore_authenticate_with_password": ("/_util/authenticate_with_password/0/{home.pk}/", *(404,) * 9),
    # One sign-in for everyone (allauth's): Wagtail's own sign-in forms only send people there.
    "wagtailcore_login":  ("/_util/login/",                           *(LOGIN,) * 9),
    "admin/login/":       ("/admin/login/",                           LOGIN, LOGIN, LOGIN, *(403,) * 6),

    # --- Wagtail admin: a sample of Wagtail's own screens ---------------------------------------------------
    "wagtailadmin_home":  ("/admin/",                                 *ADMIN_ROLES),
    "wagtailadmin_explore_root": ("/admin/pages/",                    *TEAM_ONLY),
    "wagtailadmin_explore": ("/admin/pages/{home.pk}/",               *TEAM_ONLY),
    "wagtailadmin_pages:edit": ("/admin/pages/{wrap.pk}/edit/",       *TEAM_ONLY),
    "wagtailadmin_account": ("/admin/account/",                       *ADMIN_ROLES),
    "wagtailsettings:edit": ("/admin/settings/portal/teamcontactsettings/", LOGIN, "->/admin/settings/portal/teamcontactsettings/{site.pk}/", ADMIN_NO, *(403,) * 6),
    # Wagtail shows each admin user only the history of what they may see.
    "wagtailadmin_reports:site_history": ("/admin/reports/site-history/", *ADMIN_ROLES),
    "wagtailimages:index": ("/admin/images/",                         *TEAM_ONLY),
    "wagtaildocs:index":  ("/admin/documents/",                       *TEAM_ONLY),
    "wagtailredirects:index": ("/admin/redirects/",                   *TEAM_ONLY),
    "wagtailsites:index": ("/admin/sites/",                           LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    # Wagtail's admin pages open to anyone: its icons and translations; unknown addresses (after sign-in: 404).
    "wagtailadmin_sprite": ("/admin/sprite/",                         200, 200, 200, *(403,) * 6),
    "wagtailadmin_javascript_catalog": ("/admin/jsi18n/",             200, 200, 200, *(403,) * 6),
    "admin/^.*/$":        ("/admin/no-such-screen/",                  "->/admin/login/", 404, 404, *(403,) * 6),
    # Passwords are reset through allauth's pages only (throttled, one flow): Wagtail's are turned off.
    "wagtailadmin_password_reset": ("/admin/password_reset/",          404, 404, 404, *(403,) * 6),
    "wagtailadmin_password_reset_done": ("/admin/password_reset/done/", 404, 404, 404, *(403,) * 6),
    "wagtailadmin_password_reset_confirm": ("/admin/password_reset/confirm/x/y/", 404, 404, 404, *(403,) * 6),
    "wagtailadmin_password_reset_complete": ("/admin/password_reset/complete/", 404, 404, 404, *(403,) * 6),

    # --- Project admin: CRM (organisations and wards) -------------------------------------------------------
    "organisations:index": ("/admin/crm/organisations/",               *ADMIN_ROLES),
    "organisations:index_results": ("/admin/crm/organisations/results/", *ADMIN_ROLES),
    "organisations:add":  ("/admin/crm/organisations/new/",            *ADMIN_ROLES),
    "organisations:edit": ("/admin/crm/organisations/edit/{organisation.pk}/", *ADMIN_ROLES),
    "organisations:delete": ("/admin/crm/organisations/delete/{organisation.pk}/", *TEAM_ONLY),
    "organisations:history": ("/admin/crm/organisations/history/{organisation.pk}/", *ADMIN_ROLES),
    "organisations:history_results": ("/admin/crm/organisations/history-results/{organisation.pk}/", *ADMIN_ROLES),
    "organisations:usage": ("/admin/crm/organisations/usage/{organisation.pk}/", *ADMIN_ROLES),
    "organisations:copy": ("/admin/crm/organisations/copy/{organisation.pk}/", *ADMIN_ROLES),
    "contacts:index":     ("/admin/crm/contacts/",                     *ADMIN_ROLES),
    "contacts:index_results": ("/admin/crm/contacts/results/",         *ADMIN_ROLES),
    "contacts:add":       ("/admin/crm/contacts/new/",                 *ADMIN_ROLES),
    "contacts:edit":      ("/admin/crm/contacts/edit/{contact.pk}/",   *ADMIN_ROLES),
    "contacts:delete":    ("/admin/crm/contacts/delete/{contact.pk}/", *TEAM_ONLY),
    "contacts:history":   ("/admin/crm/contacts/history/{contact.pk}/", *ADMIN_ROLES),
    "contacts:history_results": ("/admin/crm/contacts/history-results/{contact.pk}/", *ADMIN_ROLES),
    "contacts:usage":     ("/admin/crm/contacts/usage/{contact.pk}/",  *ADMIN_ROLES),
    "contacts:copy":      ("/admin/crm/contacts/copy/{contact.pk}/",   *ADMIN_ROLES),
    "crm_import":         ("/admin/crm/import/schools/",               *TEAM_ONLY),
    "crm_import [organisations]": ("/admin/crm/import/organisations/", *TEAM_ONLY),
    "crm_import_confirm": ("POST /admin/crm/import/schools/confirm/",  LOGIN, "->/admin/crm/import/schools/", ADMIN_NO, *(403,) * 6),
    "crm_import_template": ("/admin/crm/import-template/organisations.xlsx", *TEAM_ONLY),
    # CRM -> Import legacy registers (issue 12, feedback/import_admin.py): upload, preview, confirm; the team only.
    "feedback_register_import": ("/admin/imports/registers/",          *TEAM_ONLY),
    "feedback_register_import_confirm": ("POST /admin/imports/registers/confirm/", LOGIN, "->/admin/imports/registers/", ADMIN_NO, *(403,) * 6),
    "feedback_register_import_template": ("/admin/imports/registers/template.csv", *TEAM_ONLY),
    "organisations:timeline": ("/admin/crm/organisations/timeline/{organisation.pk}/", *TEAM_ONLY),
    # CRM -> Match names: typed organisation names linked or added, and merging two organisations; the team only.
    "organisation_matching:index": ("/admin/crm/matching/",            *TEAM_ONLY),
    "organisation_matching:index [Link exact matches]": ("POST /admin/crm/matching/", LOGIN, "->/admin/crm/matching/", ADMIN_NO, *(403,) * 6),
    "organisation_matching:merge": ("/admin/crm/matching/merge/?organisation={organisation.pk}", *TEAM_ONLY),
    "organisation_matching:merge [the merge itself]": ("POST /admin/crm/matching/merge/", LOGIN, 200, ADMIN_NO, *(403,) * 6),
    "wards:index":        ("/admin/crm/wards/",                        *ADMIN_ROLES),
    "wards:index_results": ("/admin/crm/wards/results/",               *ADMIN_ROLES),
    "wards:add":          ("/admin/crm/wards/new/",                    *TEAM_ONLY),
    "wards:edit":         ("/admin/crm/wards/edit/{ward.pk}/",         *TEAM_ONLY),
    "wards:delete":       ("/admin/crm/wards/delete/{ward.pk}/",       *TEAM_ONLY),
    "wards:history":      ("/admin/crm/wards/history/{ward.pk}/",      *TEAM_ONLY),
    "wards:history_results": ("/admin/crm/wards/history-results/{ward.pk}/", *TEAM_ONLY),
    "wards:usage":        ("/admin/crm/wards/usage/{ward.pk}/",        *TEAM_ONLY),
    "wards:copy":         ("/admin/crm/wards/copy/{ward.pk}/",         *TEAM_ONLY),
    # Ward hot spots: exact counts for the team (an outreach officer is sent to the publishable version).
    "hot_spots:index":    ("/admin/crm/hot-spots/",                    LOGIN, 200, "->/admin/crm/hot-spots/publishable/", *(403,) * 6),
    "hot_spots:publishable": ("/admin/crm/hot-spots/publishable/",     *ADMIN_ROLES),

    # --- Project admin: Settings -> Outgoing email (read only; the team retries) ------------------------------
    "outbox:index":       ("/admin/outbox/",                           *TEAM_ONLY),
    "outbox:index_results": ("/admin/outbox/results/",                 *TEAM_ONLY),
    "outbox:inspect":     ("/admin/outbox/inspect/{outbox.pk}/",       *TEAM_ONLY),
    "outbox:history":     ("/admin/outbox/history/{outbox.pk}/",       LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "outbox:history_results": ("/admin/outbox/history-results/{outbox.pk}/", LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "outbox:usage":       ("/admin/outbox/usage/{outbox.pk}/",         LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "outbox:retry":       ("/admin/outbox/{outbox.pk}/retry/",         *TEAM_ONLY),
    # Nobody writes an email by hand, changes or deletes one: not even the team.
    "outbox:add":         ("/admin/outbox/new/",                       LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "outbox:edit":        ("/admin/outbox/edit/{outbox.pk}/",          LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "outbox:delete":      ("/admin/outbox/delete/{outbox.pk}/",        LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "outbox:copy":        ("/admin/outbox/copy/{outbox.pk}/",          LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),

    # --- Colleague invitations: the team looks; nobody adds, changes or deletes one there ----------------
    "invitations:index":  ("/admin/training/invitations/",             *TEAM_ONLY),
    "invitations:index_results": ("/admin/training/invitations/results/", *TEAM_ONLY),
    "invitations:inspect": ("/admin/training/invitations/inspect/{invitation.pk}/", *TEAM_ONLY),
    "invitations:history": ("/admin/training/invitations/history/{invitation.pk}/", LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "invitations:history_results": ("/admin/training/invitations/history-results/{invitation.pk}/", LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "invitations:usage":  ("/admin/training/invitations/usage/{invitation.pk}/", LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "invitations:add":    ("/admin/training/invitations/new/",         LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "invitations:edit":   ("/admin/training/invitations/edit/{invitation.pk}/", LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "invitations:delete": ("/admin/training/invitations/delete/{invitation.pk}/", LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "invitations:copy":   ("/admin/training/invitations/copy/{invitation.pk}/", LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    # --- Outreach (issue 11 §2): officers log and correct their own visits on the public site ---------------
    "outreach:visits":    ("/outreach/",                               *ADMIN_ROLES),
    "outreach:new":       ("/outreach/new/",                           *ADMIN_ROLES),
    # The outreach officer's own visit (within 30 days); the team changes anyone's.
    "outreach:edit":      ("/outreach/{outreach_visit.pk}/edit/",      *ADMIN_ROLES),
    # The phone's sync: JSON answers (401 signed out; 400 as the POST carries no visit).
    "outreach:sync":      ("POST /outreach/visits.json",               401, 400, 400, *(403,) * 6),
    "outreach:service_worker": ("/outreach/sw.js",                     *PUBLIC),
    "outreach_visits:index": ("/admin/crm/outreach-visits/",           *ADMIN_ROLES),
    "outreach_visits:index_results": ("/admin/crm/outreach-visits/results/", *ADMIN_ROLES),
    "outreach_visits:add": ("/admin/crm/outreach-visits/new/",         *TEAM_ONLY),
    "outreach_visits:edit": ("/admin/crm/outreach-visits/edit/{outreach_visit.pk}/", *TEAM_ONLY),
    "outreach_visits:delete": ("/admin/crm/outreach-visits/delete/{outreach_visit.pk}/", *TEAM_ONLY),
    "outreach_visits:history": ("/admin/crm/outreach-visits/history/{outreach_visit.pk}/", *TEAM_ONLY),
    "outreach_visits:history_results": ("/admin/crm/outreach-visits/history-results/{outreach_visit.pk}/", *TEAM_ONLY),
    "outreach_visits:usage": ("/admin/crm/outreach-visits/usage/{outreach_visit.pk}/", *TEAM_ONLY),
    "outreach_visits:copy": ("/admin/crm/outreach-visits/copy/{outreach_visit.pk}/", *TEAM_ONLY),
    "outreach_visits:import": ("/admin/crm/outreach-visits/import/",   *TEAM_ONLY),
    "outreach_tags:index": ("/admin/crm/outreach-tags/",               *ADMIN_ROLES),
    "outreach_tags:index_results": ("/admin/crm/outreach-tags/results/", *ADMIN_ROLES),
    "outreach_tags:add":  ("/admin/crm/outreach-tags/new/",            *TEAM_ONLY),
    "outreach_tags:edit": ("/admin/crm/outreach-tags/edit/{outreach_tag.pk}/", *TEAM_ONLY),
    "outreach_tags:delete": ("/admin/crm/outreach-tags/delete/{outreach_tag.pk}/", *TEAM_ONLY),
    "outreach_tags:history": ("/admin/crm/outreach-tags/history/{outreach_tag.pk}/", *TEAM_ONLY),
    "outreach_tags:history_results": ("/admin/crm/outreach-tags/history-results/{outreach_tag.pk}/", *TEAM_ONLY),
    "outreach_tags:usage": ("/admin/crm/outreach-tags/usage/{outreach_tag.pk}/", *TEAM_ONLY),
    "outreach_tags:copy": ("/admin/crm/outreach-tags/copy/{outreach_tag.pk}/", *TEAM_ONLY),

    # --- The PAG members' area (issue 13): PAG members who represent an organisation on the series, and the team ---
    # Every other role is refused (403) on every URL; another series' meetings and papers are not found (404).
    "advisory_group:index": ("/advisory-group/",                      LOGIN, 200, *(403,) * 6, 200),
    "advisory_group:meeting": ("/advisory-group/{pag_series.slug}/meetings/{pag_meeting.pk}/", LOGIN, 200, *(403,) * 6, 200),
    "advisory_group:meeting [another series]": ("/advisory-group/{other_pag_series.slug}/meetings/{other_pag_meeting.pk}/", LOGIN, 200, *(403,) * 6, 404),
    "advisory_group:meeting_calendar": ("/advisory-group/{pag_series.slug}/meetings/{pag_meeting.pk}/meeting.ics", LOGIN, 200, *(403,) * 6, 200),
    "advisory_group:series_calendar": ("/advisory-group/{pag_series.slug}/meetings.ics", LOGIN, 200, *(403,) * 6, 200),
    "advisory_group:paper": ("/advisory-group/{pag_series.slug}/papers/{pag_paper.pk}/", LOGIN, 200, *(403,) * 6, 200),
    "advisory_group:paper [another series]": ("/advisory-group/{other_pag_series.slug}/papers/{other_pag_paper.pk}/", LOGIN, 200, *(403,) * 6, 404),
    "advisory_group:actions": ("/advisory-group/{pag_series.slug}/actions/", LOGIN, 200, *(403,) * 6, 200),
    # The team sees the forms as a preview (it records concerns in the admin).
    "advisory_group:concern_new": ("/advisory-group/{pag_series.slug}/concerns/new/", LOGIN, 200, *(403,) * 6, 200),
    "advisory_group:agenda_item_new": ("/advisory-group/{pag_series.slug}/agenda/new/", LOGIN, 200, *(403,) * 6, 200),

    # People's records history: the audit log filtered by person, the team only.
    "crm_people_history": ("/admin/reports/people-history/",           *TEAM_ONLY),
    "crm_people_history_results": ("/admin/reports/people-history/results/", *TEAM_ONLY),
    "feedback_analytics:index": ("/admin/reports/feedback-analytics/",   *TEAM_ONLY),
    "feedback_analytics:export": ("/admin/reports/feedback-analytics/export/quarters/?export=csv", *TEAM_ONLY),

    # Governance registers (issue 13): the programme risk register and the peer-review tracker, the team only.
    "risks:index": ("/admin/governance/risks/", *TEAM_ONLY),
    "risks:index_results": ("/admin/governance/risks/results/", *TEAM_ONLY),
    "risks:add": ("/admin/governance/risks/new/", *TEAM_ONLY),
    "risks:edit": ("/admin/governance/risks/edit/{risk.pk}/", *TEAM_ONLY),
    "risks:delete": ("/admin/governance/risks/delete/{risk.pk}/", *TEAM_ONLY),
    "risks:history": ("/admin/governance/risks/history/{risk.pk}/", *TEAM_ONLY),
    "risks:history_results": ("/admin/governance/risks/history-results/{risk.pk}/", *TEAM_ONLY),
    "risks:usage": ("/admin/governance/risks/usage/{risk.pk}/", *TEAM_ONLY),
    "risks:copy": ("/admin/governance/risks/copy/{risk.pk}/", *TEAM_ONLY),
    "risks:reviews": ("/admin/governance/risks/reviews/{risk.pk}/", *TEAM_ONLY),
    "risks:reviews [record a review]": ("POST /admin/governance/risks/reviews/{risk.pk}/", LOGIN, 200, ADMIN_NO, *(403,) * 6),
    "risks:register": ("/admin/governance/risks/register/", *TEAM_ONLY),
    "recommendations:index": ("/admin/governance/recommendations/", *TEAM_ONLY),
    "recommendations:index_results": ("/admin/governance/recommendations/results/", *TEAM_ONLY),
    "recommendations:add": ("/admin/governance/recommendations/new/", *TEAM_ONLY),
    "recommendations:edit": ("/admin/governance/recommendations/edit/{recommendation.pk}/", *TEAM_ONLY),
    "recommendations:delete": ("/admin/governance/recommendations/delete/{recommendation.pk}/", *TEAM_ONLY),
    "recommendations:history": ("/admin/governance/recommendations/history/{recommendation.pk}/", *TEAM_ONLY),
    "recommendations:history_results": ("/admin/governance/recommendations/history-results/{recommendation.pk}/", *TEAM_ONLY),
    "recommendations:usage": ("/admin/governance/recommendations/usage/{recommendation.pk}/", *TEAM_ONLY),
    "recommendations:copy": ("/admin/governance/recommendations/copy/{recommendation.pk}/", *TEAM_ONLY),
    "recommendations:progress": ("/admin/governance/recommendations/progress/", *TEAM_ONLY),
    "recommendation_actions:index": ("/admin/governance/recommendation-actions/", *TEAM_ONLY),
    "recommendation_actions:index_results": ("/admin/governance/recommendation-actions/results/", *TEAM_ONLY),
    "recommendation_actions:add": ("/admin/governance/recommendation-actions/new/", *TEAM_ONLY),
    "recommendation_actions:edit": ("/admin/governance/recommendation-actions/edit/{recommendation_action.pk}/", *TEAM_ONLY),
    "recommendation_actions:delete": ("/admin/governance/recommendation-actions/delete/{recommendation_action.pk}/", *TEAM_ONLY),
    "recommendation_actions:history": ("/admin/governance/recommendation-actions/history/{recommendation_action.pk}/", *TEAM_ONLY),
    "recommendation_actions:history_results": ("/admin/governance/recommendation-actions/history-results/{recommendation_action.pk}/", *TEAM_ONLY),
    "recommendation_actions:usage": ("/admin/governance/recommendation-actions/usage/{recommendation_action.pk}/", *TEAM_ONLY),
    "recommendation_actions:copy": ("/admin/governance/recommendation-actions/copy/{recommendation_action.pk}/", *TEAM_ONLY),

    # --- Project admin: Training ---------------------------------------------------------------------------
    "events_session_run": ("/admin/training/sessions/run/",            *TEAM_ONLY),
    "sessions:index":     ("/admin/training/sessions/",                *TEAM_ONLY),
    "sessions:index_results": ("/admin/training/sessions/results/",    *TEAM_ONLY),
    "sessions:add":       ("/admin/training/sessions/new/",            *TEAM_ONLY),
    "sessions:edit":      ("/admin/training/sessions/edit/{session.pk}/", *TEAM_ONLY),
    "sessions:delete":    ("/admin/training/sessions/delete/{session.pk}/", *TEAM_ONLY),
    "sessions:history":   ("/admin/training/sessions/history/{session.pk}/", *TEAM_ONLY),
    "sessions:history_results": ("/admin/training/sessions/history-results/{session.pk}/", *TEAM_ONLY),
    "sessions:usage":     ("/admin/training/sessions/usage/{session.pk}/", *TEAM_ONLY),
    "sessions:copy":      ("/admin/training/sessions/copy/{session.pk}/", *TEAM_ONLY),
    "bookings:index":     ("/admin/training/bookings/",                *TEAM_ONLY),
    "bookings:index_results": ("/admin/training/bookings/results/",    *TEAM_ONLY),
    "bookings:add":       ("/admin/training/bookings/new/",            *TEAM_ONLY),
    "bookings:edit":      ("/admin/training/bookings/edit/{booking.pk}/", *TEAM_ONLY),
    "bookings:inspect":   ("/admin/training/bookings/inspect/{booking.pk}/", *TEAM_ONLY),
    "bookings:history":   ("/admin/training/bookings/history/{booking.pk}/", *TEAM_ONLY),
    "bookings:history_results": ("/admin/training/bookings/history-results/{booking.pk}/", *TEAM_ONLY),
    "bookings:usage":     ("/admin/training/bookings/usage/{booking.pk}/", *TEAM_ONLY),
    # Bookings are cancelled, never deleted (the rules live in booking_create / booking_cancel).
    "bookings:delete":    ("/admin/training/bookings/delete/{booking.pk}/", LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    # A copy is the add form filled in: it books through booking_create like any other.
    "bookings:copy":      ("/admin/training/bookings/copy/{booking.pk}/", *TEAM_ONLY),
    "attendance:index":   ("/admin/training/attendance/",              *TEAM_ONLY),
    "attendance:index_results": ("/admin/training/attendance/results/", *TEAM_ONLY),
    "attendance:add":     ("/admin/training/attendance/new/",          *TEAM_ONLY),
    "attendance:edit":    ("/admin/training/attendance/edit/{attendance.pk}/", *TEAM_ONLY),
    "attendance:delete":  ("/admin/training/attendance/delete/{attendance.pk}/", *TEAM_ONLY),
    "attendance:history": ("/admin/training/attendance/history/{attendance.pk}/", *TEAM_ONLY),
    "attendance:history_results": ("/admin/training/attendance/history-results/{attendance.pk}/", *TEAM_ONLY),
    "attendance:usage":   ("/admin/training/attendance/usage/{attendance.pk}/", *TEAM_ONLY),
    "attendance:copy":    ("/admin/training/attendance/copy/{attendance.pk}/", *TEAM_ONLY),
    "requirements:index": ("/admin/training/requirements/",            *TEAM_ONLY),
    "requirements:index_results": ("/admin/training/requirements/results/", *TEAM_ONLY),
    "requirements:add":   ("/admin/training/requirements/new/",        *TEAM_ONLY),
    "requirements:edit":  ("/admin/training/requirements/edit/{requirement.pk}/", *TEAM_ONLY),
    "requirements:delete": ("/admin/training/requirements/delete/{requirement.pk}/", *TEAM_ONLY),
    "requirements:history": ("/admin/training/requirements/history/{requirement.pk}/", *TEAM_ONLY),
    "requirements:history_results": ("/admin/training/requirements/history-results/{requirement.pk}/", *TEAM_ONLY),
    "requirements:usage": ("/admin/training/requirements/usage/{requirement.pk}/", *TEAM_ONLY),
    "requirements:copy":  ("/admin/training/requirements/copy/{requirement.pk}/", *TEAM_ONLY),
    "certificates:index": ("/admin/training/certificates/",            *TEAM_ONLY),
    "certificates:index_results": ("/admin/training/certificates/results/", *TEAM_ONLY),
    "certificates:edit":  ("/admin/training/certificates/edit/{certificate.pk}/", *TEAM_ONLY),
    "certificates:inspect": ("/admin/training/certificates/inspect/{certificate.pk}/", *TEAM_ONLY),
    "certificates:history": ("/admin/training/certificates/history/{certificate.pk}/", *TEAM_ONLY),
    "certificates:history_results": ("/admin/training/certificates/history-results/{certificate.pk}/", *TEAM_ONLY),
    "certificates:usage": ("/admin/training/certificates/usage/{certificate.pk}/", *TEAM_ONLY),
    # People send certificates in from My training; the team reviews them, never makes, copies or deletes one.
    "certificates:add":   ("/admin/training/certificates/new/",        LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "certificates:copy":  ("/admin/training/certificates/copy/{certificate.pk}/", LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "certificates:delete": ("/admin/training/certificates/delete/{certificate.pk}/", LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "compliance:index":   ("/admin/training/compliance/",              *TEAM_ONLY),
    "compliance:requirement": ("/admin/training/compliance/{requirement.pk}/", *TEAM_ONLY),
    "compliance:requirement_results": ("/admin/training/compliance/{requirement.pk}/results/", *TEAM_ONLY),
    "compliance:summary": ("/admin/training/compliance/{requirement.pk}/summary/", *TEAM_ONLY),
    "compliance:summary_csv": ("/admin/training/compliance/{requirement.pk}/summary.csv", *TEAM_ONLY),
    "schools_coverage:index": ("/admin/training/schools-coverage/",   *TEAM_ONLY),
    "feedback_report:index": ("/admin/reports/performance/",          *TEAM_ONLY),
    "feedback_report:json": ("/admin/reports/performance/json/",       *TEAM_ONLY),
    "feedback_report:quarterly": ("/admin/reports/performance/quarterly/", *TEAM_ONLY),
    "feedback_report:publishable": ("/admin/reports/performance/publishable/", *TEAM_ONLY),

    # --- Feedback after training (issue 12): the signed link; the forms the team edits -----------------------
    # A link for an account's attendance needs that account (the learner's); anyone else signed in is refused.
    "feedback:answer":    ("/feedback/{feedback_token}/",               LOGIN, 403, 403, 403, 200, 403, 403, 403, 403),
    "feedback:answer [walk-in without an account]": ("/feedback/{walk_in_feedback_token}/", *PUBLIC),
    "feedback:answer [tampered]": ("/feedback/{feedback_token}x/",      *(404,) * 9),
    "feedback:thanks":    ("/feedback/thanks/",                         *PUBLIC),
    "wagtailsnippets_feedback_feedbackform:list": ("/admin/snippets/feedback/feedbackform/", *TEAM_ONLY),
    "wagtailsnippets_feedback_feedbackform:list_results": ("/admin/snippets/feedback/feedbackform/results/", *TEAM_ONLY),
    "wagtailsnippets_feedback_feedbackform:add": ("/admin/snippets/feedback/feedbackform/add/", *TEAM_ONLY),
    "wagtailsnippets_feedback_feedbackform:edit": ("/admin/snippets/feedback/feedbackform/edit/{feedback_form.pk}/", *TEAM_ONLY),
    "wagtailsnippets_feedback_feedbackform:delete": ("/admin/snippets/feedback/feedbackform/delete/{feedback_form.pk}/", *TEAM_ONLY),
    "wagtailsnippets_feedback_feedbackform:copy": ("/admin/snippets/feedback/feedbackform/copy/{feedback_form.pk}/", *TEAM_ONLY),
    "wagtailsnippets_feedback_feedbackform:history": ("/admin/snippets/feedback/feedbackform/history/{feedback_form.pk}/", *TEAM_ONLY),
    "wagtailsnippets_feedback_feedbackform:history_results": ("/admin/snippets/feedback/feedbackform/history-results/{feedback_form.pk}/", *TEAM_ONLY),
    "wagtailsnippets_feedback_feedbackform:usage": ("/admin/snippets/feedback/feedbackform/usage/{feedback_form.pk}/", *TEAM_ONLY),

    # --- Faith Forum membership (issue 14): the application; the team's Applications and Memberships -------
    "page:faith_forum.FaithForumPage:apply": ("{forum_page.url}apply/", *PUBLIC),
    "forum_applications:index": ("/admin/faith-forum/applications/", *TEAM_ONLY),
    "forum_applications:index_results": ("/admin/faith-forum/applications/results/", *TEAM_ONLY),
    # Applications come from the public form only.
    "forum_applications:add": ("/admin/faith-forum/applications/new/", LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "forum_applications:edit": ("/admin/faith-forum/applications/edit/{forum_application.pk}/", *TEAM_ONLY),
    "forum_applications:edit [a POST without a decision]": ("POST /admin/faith-forum/applications/edit/{forum_application.pk}/", LOGIN, "->/admin/faith-forum/applications/edit/{forum_application.pk}/", ADMIN_NO, *(403,) * 6),
    "forum_applications:delete": ("/admin/faith-forum/applications/delete/{forum_application.pk}/", *TEAM_ONLY),
    "forum_applications:history": ("/admin/faith-forum/applications/history/{forum_application.pk}/", *TEAM_ONLY),
    "forum_applications:history_results": ("/admin/faith-forum/applications/history-results/{forum_application.pk}/", *TEAM_ONLY),
    "forum_applications:usage": ("/admin/faith-forum/applications/usage/{forum_application.pk}/", *TEAM_ONLY),
    "forum_memberships:index": ("/admin/faith-forum/memberships/", *TEAM_ONLY),
    "forum_memberships:index_results": ("/admin/faith-forum/memberships/results/", *TEAM_ONLY),
    "forum_memberships:add": ("/admin/faith-forum/memberships/new/", *TEAM_ONLY),
    "forum_memberships:edit": ("/admin/faith-forum/memberships/edit/{forum_membership.pk}/", *TEAM_ONLY),
    # A membership ends through Mark as left (its representatives lose the role), never a delete.
    "forum_memberships:delete": ("/admin/faith-forum/memberships/delete/{forum_membership.pk}/", LOGIN, ADMIN_NO, ADMIN_NO, *(403,) * 6),
    "forum_memberships:history": ("/admin/faith-forum/memberships/history/{forum_membership.pk}/", *TEAM_ONLY),
    "forum_memberships:history_results": ("/admin/faith-forum/memberships/history-results/{forum_membership.pk}/", *TEAM_ONLY),
    "forum_memberships:usage": ("/admin/faith-forum/memberships/usage/{forum_membership.pk}/", *TEAM_ONLY),
    "forum_memberships:leave": ("/admin/faith-forum/memberships/leave/{forum_membership.pk}/", *TEAM_ONLY),
    "forum_memberships:leave [the leaving itself]": ("POST /admin/faith-forum/memberships/leave/{forum_membership.pk}/", LOGIN, "->/admin/faith-forum/memberships/", ADMIN_NO, *(403,) * 6),
    "forum_memberships:representatives": ("/admin/faith-forum/memberships/representatives/{forum_membership.pk}/", *TEAM_ONLY),

    # --- Governance (issue 13, crm/governance/admin.py): meetings, minutes, actions, concern themes; the team only ----
    "meeting_series:index": ("/admin/governance/series/", *TEAM_ONLY),
    "meeting_series:index_results": ("/admin/governance/series/results/", *TEAM_ONLY),
    "meeting_series:add": ("/admin/governance/series/new/", *TEAM_ONLY),
    "meeting_series:edit": ("/admin/governance/series/edit/{meeting_series.pk}/", *TEAM_ONLY),
    "meeting_series:delete": ("/admin/governance/series/delete/{meeting_series.pk}/", *TEAM_ONLY),
    "meeting_series:history": ("/admin/governance/series/history/{meeting_series.pk}/", *TEAM_ONLY),
    "meeting_series:history_results": ("/admin/governance/series/history-results/{meeting_series.pk}/", *TEAM_ONLY),
    "meeting_series:usage": ("/admin/governance/series/usage/{meeting_series.pk}/", *TEAM_ONLY),
    "meeting_series:copy": ("/admin/governance/series/copy/{meeting_series.pk}/", *TEAM_ONLY),
    "meetings:index": ("/admin/governance/meetings/", *TEAM_ONLY),
    "meetings:index_results": ("/admin/governance/meetings/results/", *TEAM_ONLY),
    "meetings:add": ("/admin/governance/meetings/new/", *TEAM_ONLY),
    "meetings:edit": ("/admin/governance/meetings/edit/{meeting.pk}/", *TEAM_ONLY),
    "meetings:delete": ("/admin/governance/meetings/delete/{meeting.pk}/", *TEAM_ONLY),
    "meetings:history": ("/admin/governance/meetings/history/{meeting.pk}/", *TEAM_ONLY),
    "meetings:history_results": ("/admin/governance/meetings/history-results/{meeting.pk}/", *TEAM_ONLY),
    "meetings:usage": ("/admin/governance/meetings/usage/{meeting.pk}/", *TEAM_ONLY),
    "meetings:copy": ("/admin/governance/meetings/copy/{meeting.pk}/", *TEAM_ONLY),
    "meeting_actions:index": ("/admin/governance/actions/", *TEAM_ONLY),
    "meeting_actions:index_results": ("/admin/governance/actions/results/", *TEAM_ONLY),
    "meeting_actions:add": ("/admin/governance/actions/new/", *TEAM_ONLY),
    "meeting_actions:edit": ("/admin/governance/actions/edit/{meeting_action.pk}/", *TEAM_ONLY),
    "meeting_actions:delete": ("/admin/governance/actions/delete/{meeting_action.pk}/", *TEAM_ONLY),
    "meeting_actions:history": ("/admin/governance/actions/history/{meeting_action.pk}/", *TEAM_ONLY),
    "meeting_actions:history_results": ("/admin/governance/actions/history-results/{meeting_action.pk}/", *TEAM_ONLY),
    "meeting_actions:usage": ("/admin/governance/actions/usage/{meeting_action.pk}/", *TEAM_ONLY),
    "meeting_actions:copy": ("/admin/governance/actions/copy/{meeting_action.pk}/", *TEAM_ONLY),
    "meeting_actions:add_update": ("/admin/governance/actions/update/{meeting_action.pk}/", *TEAM_ONLY),
    "concern_themes:index": ("/admin/governance/concern-themes/", *TEAM_ONLY),
    "concern_themes:index_results": ("/admin/governance/concern-themes/results/", *TEAM_ONLY),
    "concern_themes:add": ("/admin/governance/concern-themes/new/", *TEAM_ONLY),
    "concern_themes:edit": ("/admin/governance/concern-themes/edit/{concern_theme.pk}/", *TEAM_ONLY),
    "concern_themes:delete": ("/admin/governance/concern-themes/delete/{concern_theme.pk}/", *TEAM_ONLY),
    "concern_themes:history": ("/admin/governance/concern-themes/history/{concern_theme.pk}/", *TEAM_ONLY),
    "concern_themes:history_results": ("/admin/governance/concern-themes/history-results/{concern_theme.pk}/", *TEAM_ONLY),
    "concern_themes:usage": ("/admin/governance/concern-themes/usage/{concern_theme.pk}/", *TEAM_ONLY),
    "concern_themes:copy": ("/admin/governance/concern-themes/copy/{concern_theme.pk}/", *TEAM_ONLY),
    "concerns:index": ("/admin/governance/concerns/", *TEAM_ONLY),
    "concerns:index_results": ("/admin/governance/concerns/results/", *TEAM_ONLY),
    "concerns:add": ("/admin/governance/concerns/new/", *TEAM_ONLY),
    "concerns:edit": ("/admin/governance/concerns/edit/{concern.pk}/", *TEAM_ONLY),
    "concerns:delete": ("/admin/governance/concerns/delete/{concern.pk}/", *TEAM_ONLY),
    "concerns:history": ("/admin/governance/concerns/history/{concern.pk}/", *TEAM_ONLY),
    "concerns:history_results": ("/admin/governance/concerns/history-results/{concern.pk}/", *TEAM_ONLY),
    "concerns:usage": ("/admin/governance/concerns/usage/{concern.pk}/", *TEAM_ONLY),
    "concerns:copy": ("/admin/governance/concerns/copy/{concern.pk}/", *TEAM_ONLY),
    "wagtailsnippets_crm_meetingminutes:list": ("/admin/snippets/crm/meetingminutes/", *TEAM_ONLY),
    "wagtailsnippets_crm_meetingminutes:list_results": ("/admin/snippets/crm/meetingminutes/results/", *TEAM_ONLY),
    "wagtailsnippets_crm_meetingminutes:add": ("/admin/snippets/crm/meetingminutes/add/", *TEAM_ONLY),
    "wagtailsnippets_crm_meetingminutes:edit": ("/admin/snippets/crm/meetingminutes/edit/{minutes.pk}/", *TEAM_ONLY),
    "wagtailsnippets_crm_meetingminutes:delete": ("/admin/snippets/crm/meetingminutes/delete/{minutes.pk}/", *TEAM_ONLY),
    "wagtailsnippets_crm_meetingminutes:copy": ("/admin/snippets/crm/meetingminutes/copy/{minutes.pk}/", *TEAM_ONLY),
    "wagtailsnippets_crm_meetingminutes:history": ("/admin/snippets/crm/meetingminutes/history/{minutes.pk}/", *TEAM_ONLY),
    "wagtailsnippets_crm_meetingminutes:history_results": ("/admin/snippets/crm/meetingminutes/history-results/{minutes.pk}/", *TEAM_ONLY),
    "wagtailsnippets_crm_meetingminutes:usage": ("/admin/snippets/crm/meetingminutes/usage/{minutes.pk}/", *TEAM_ONLY),
    "wagtailsnippets_crm_meetingminutes:unpublish": ("/admin/snippets/crm/meetingminutes/unpublish/{minutes.pk}/", *TEAM_ONLY),
    "wagtailsnippets_crm_meetingminutes:revisions_compare": ("/admin/snippets/crm/meetingminutes/history/{minutes.pk}/revisions/compare/earliest...latest/", *TEAM_ONLY),
    "wagtailsnippets_crm_meetingminutes:revisions_revert": ("/admin/snippets/crm/meetingminutes/history/{minutes.pk}/revisions/{minutes_first_revision.pk}/revert/", *TEAM_ONLY),
    "wagtailsnippets_crm_meetingminutes:revisions_unschedule": ("/admin/snippets/crm/meetingminutes/history/{minutes.pk}/revisions/{minutes_first_revision.pk}/unschedule/", *TEAM_ONLY),

    # --- Project admin: Settings -> Users and Groups -------------------------------------------------------
    "wagtailusers_users:index": ("/admin/users/",                      *TEAM_ONLY),
    "wagtailusers_users:index_results": ("/admin/users/results/",      *TEAM_ONLY),
    "wagtailusers_users:add": ("/admin/users/new/",                    *TEAM_ONLY),
    "wagtailusers_users:edit": ("/admin/users/edit/{learner.pk}/",     *TEAM_ONLY),
    "wagtailusers_users:delete": ("/admin/users/delete/{learner.pk}/", *TEAM_ONLY),
    "wagtailusers_users:history": ("/admin/users/history/{learner.pk}/", *TEAM_ONLY),
    "wagtailusers_users:history_results": ("/admin/users/history-results/{learner.pk}/", *TEAM_ONLY),
    "wagtailusers_users:usage": ("/admin/users/usage/{learner.pk}/",   *TEAM_ONLY),
    "wagtailusers_users:copy": ("/admin/users/copy/{learner.pk}/",     *TEAM_ONLY),
    "wagtailusers_groups:index": ("/admin/groups/",                    *TEAM_ONLY),
    "wagtailusers_groups:index_results": ("/admin/groups/results/",    *TEAM_ONLY),
    "wagtailusers_groups:add": ("/admin/groups/new/",                  *TEAM_ONLY),
    "wagtailusers_groups:edit": ("/admin/groups/edit/{dsl_group.pk}/", *TEAM_ONLY),
    "wagtailusers_groups:delete": ("/admin/groups/delete/{dsl_group.pk}/", *TEAM_ONLY),
    "wagtailusers_groups:delete [a role's group]": ("/admin/groups/delete/{learner_group.pk}/", LOGIN, "->/admin/groups/edit/{learner_group.pk}/", ADMIN_NO, *(403,) * 6),
    "wagtailusers_groups:history": ("/admin/groups/history/{dsl_group.pk}/", *TEAM_ONLY),
    "wagtailusers_groups:history_results": ("/admin/groups/history-results/{dsl_group.pk}/", *TEAM_ONLY),
    "wagtailusers_groups:usage": ("/admin/groups/usage/{dsl_group.pk}/", *TEAM_ONLY),

    # --- Faith Forum events (issue 14): the forum page, event pages, feeds, a member's choices -----------
    # A members-only event is "not found" to anyone but members and the team: its existence is not leaked.
    "page:faith_forum.FaithForumPage:index": ("{forum_page.url}",      *PUBLIC),
    "page:faith_forum.FaithForumPage:event": ("{forum_page.url}events/{forum_members_event.pk}/", 404, 200, 404, 404, 404, 404, 404, 200, 404),
    "page:faith_forum.FaithForumPage:event [public event]": ("{forum_page.url}events/{forum_public_event.pk}/", *PUBLIC),
    # Replying: a POST with no answer shows the form again; only members and the team may reply at all.
    "page:faith_forum.FaithForumPage:event [reply]": ("POST {forum_page.url}events/{forum_members_event.pk}/", 404, 200, 404, 404, 404, 404, 404, 200, 404),
    # The member's own invitation: only for their own confirmed place (the faith column's account is going).
    "page:faith_forum.FaithForumPage:event_ics": ("{forum_page.url}events/{forum_members_event.pk}/calendar/", LOGIN, 404, 404, 404, 404, 404, 404, 200, 404),
    "page:faith_forum.FaithForumPage:public_feed": ("{forum_page.url}calendar/", *PUBLIC),
    # The secret address is the key (as My training's feed): no sign-in needed.
    "faith_forum:personal_feed": ("/forum/calendar/{forum_subscription.token}.ics", *PUBLIC),
    "faith_forum:calendar_reset": ("POST /forum/calendar/reset/",     LOGIN, "->/account/", *(403,) * 5, "->/account/", 403),
    "faith_forum:preferences": ("POST /forum/preferences/",           LOGIN, "->/account/", *(403,) * 5, "->/account/", 403),
    # Faith Forum -> Events and Participation in the admin: the team only.
    "forum_events:index": ("/admin/faith-forum/events/",               *TEAM_ONLY),
    "forum_events:index_results": ("/admin/faith-forum/events/results/", *TEAM_ONLY),
    "forum_events:add":   ("/admin/faith-forum/events/new/",           *TEAM_ONLY),
    "forum_events:edit":  ("/admin/faith-forum/events/edit/{forum_members_event.pk}/", *TEAM_ONLY),
    "forum_events:delete": ("/admin/faith-forum/events/delete/{forum_members_event.pk}/", *TEAM_ONLY),
    "forum_events:history": ("/admin/faith-forum/events/history/{forum_members_event.pk}/", *TEAM_ONLY),
    "forum_events:history_results": ("/admin/faith-forum/events/history-results/{forum_members_event.pk}/", *TEAM_ONLY),
    "forum_events:usage": ("/admin/faith-forum/events/usage/{forum_members_event.pk}/", *TEAM_ONLY),
    "forum_events:publish": ("/admin/faith-forum/events/{forum_members_event.pk}/publish/", *TEAM_ONLY),
    "forum_events:publish [take it off the pages]": ("POST /admin/faith-forum/events/{forum_members_event.pk}/publish/", LOGIN, "->/admin/faith-forum/events/edit/{forum_members_event.pk}/", ADMIN_NO, *(403,) * 6),
    "forum_events:report": ("/admin/faith-forum/events/{forum_members_event.pk}/report/", *TEAM_ONLY),
    "forum_events:report_results": ("/admin/faith-forum/events/{forum_members_event.pk}/report/results/", *TEAM_ONLY),
    "forum_participation:index": ("/admin/faith-forum/participation/?year=2025", *TEAM_ONLY),
    "forum_participation:index_results": ("/admin/faith-forum/participation/results/", *TEAM_ONLY),
}
# fmt: on


# --- What the site serves -------------------------------------------------------------------------------


def _walk(patterns, prefix="", namespace=None):
    """(route, name or None, view module) of every pattern, resolvers included, in order."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            view = getattr(pattern.callback, "view_class", pattern.callback)
            yield prefix + str(pattern.pattern), name, getattr(view, "__module__", "")


def _is_project_module(module: str) -> bool:
    return module.split(".")[0] in PROJECT_APPS


def _project_admin_namespaces() -> set[str]:
    """The URL namespaces of admin viewsets the project defines (its own or subclasses of Wagtail's)."""
    return {vs.url_namespace for vs in admin_viewsets.viewsets if _is_project_module(type(vs).__module__)}


def served_urls() -> dict[str, tuple[str, bool]]:
    """Every URL key the site serves -> (route, whether the project owns it and so needs a row)."""
    get_resolver().url_patterns  # noqa: B018 - loads the admin's hooks, which register the viewsets
    project_namespaces = _project_admin_namespaces()
    served: dict[str, tuple[str, bool]] = {}
    for route, name, module in _walk(get_resolver().url_patterns):
        if name == "wagtail_serve":
            continue  # Wagtail's pages: one key per page type, below
        key = name or route
        if route.startswith(ADMIN_PREFIX):
            owned = _is_project_module(module) or (name or "").split(":")[0] in project_namespaces
        else:
            owned = True
        served.setdefault(key, (route, owned))
    for model in get_page_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        label = f"page:{model._meta.label}"
        if issubclass(model, RoutablePageMixin):
            patterns = set()
            for sub in model.get_subpage_urls():
                if str(sub.pattern) not in patterns:  # an earlier route with the same pattern hides this one
                    patterns.add(str(sub.pattern))
                    served[f"{label}:{sub.name}"] = ("", True)
        else:
            served[label] = ("", True)
    return served


def _base_key(key: str) -> str:
    """``"events:desk [another trainer's session]"`` -> ``"events:desk"``."""
    return key.split(" [", 1)[0]


SERVED = served_urls()


def test_every_served_url_has_a_row():
    missing = sorted(key for key, (_, owned) in SERVED.items() if owned and key not in MATRIX)
    assert not missing, (
        "These URLs have no row in tests/test_permission_matrix.py's MATRIX; add one line each "
        "(path, then the expected answer for each role; see the module docstring):\n  " + "\n  ".join(missing)
    )


def test_every_row_is_a_served_url():
    stale = sorted(key for key in MATRIX if _base_key(key) not in SERVED)
    assert not stale, f"Rows for URLs the site no longer serves (remove or rename them): {stale}"


def test_the_walker_sees_every_part_of_the_site():
    """The walker reaches the admin, allauth, the apps and the page types, so a gap is not hidden."""
    for key in ("wagtailadmin_home", "account_login", "events:desk", "portal:account", "page:events.CoursePage:book"):
        assert key in SERVED, key
    assert sum(route.startswith(ADMIN_PREFIX) for route, _ in SERVED.values()) > 200


# --- The data: one set for the whole module -------------------------------------------------------------


def sign_in(client: Client, user) -> None:
    """The one place a role signs in (adapt here if, say, staff need an MFA-verified session)."""
    client.force_login(user)


def build_world() -> SimpleNamespace:
    """Demo-like data: the eight demo people, courses, sessions, a booking, an attendance, a certificate."""
    restore_home_page()
    w = SimpleNamespace()
    w.home = HomePage.objects.get()
    w.site = Site.objects.get(is_default_site=True)
    dsl_group, _ = Group.objects.get_or_create(name="Designated Safeguarding Leads")
    w.dsl_group = dsl_group
    w.learner_group = Group.objects.get(name=roles.LEARNER)
    w.users = {}
    for role, group_names in ROLE_GROUPS.items():
        org_type = OrganisationType.SCHOOL if role == "school DSL" else OrganisationType.COUNCIL
        w.users[role] = UserFactory(roles=group_names, organisation_type=org_type)
    w.learner = w.users["learner"]
    trainer, learner, councillor = w.users["trainer"], w.users["learner"], w.users["councillor"]

    w.about = StandardPageFactory(title="About the team", slug="about")
    w.faith_area = StandardPageFactory(
        title="Faith Forum news", slug="faith-forum-news", restricted_to=[roles.FAITH_FORUM_MEMBER, roles.PREVENT_ADMIN]
    )
    # The Faith Forum (issue 14): its page, a pending application and a member organisation.
    w.forum_page = FaithForumPage(title="Faith Forum", slug="faith-forum")
    w.home.add_child(instance=w.forum_page)
    w.faith_organisation = OrganisationFactory(name="Central Gurdwara", organisation_type=OrganisationType.FAITH)
    w.forum_application = ForumApplication.objects.create(
        organisation=w.faith_organisation,
        faith="sikh",
        full_name="Harjit Kaur",
        job_role="Secretary",
        email="harjit@example.org",
    )
    w.forum_membership = ForumMembership.objects.create(organisation=w.faith_organisation, faith="sikh")
    ForumRepresentative.objects.create(membership=w.forum_membership, user=w.users["faith"], role="Trustee")
    # Not at /advisory-group/: that is the PAG members' area (crm.governance.urls), served before Wagtail's pages.
    w.pag_area = StandardPageFactory(
        title="Prevent Advisory Group news",
        slug="advisory-group-news",
        restricted_to=[roles.PAG_MEMBER, roles.PREVENT_ADMIN],
    )
    w.wrap = CoursePageFactory(title="WRAP", slug="wrap", reporting_category=ReportingCategory.WRAP)
    w.training = w.wrap.get_parent().specific
    w.lesson = CourseLesson.objects.create(page=w.wrap, sort_order=0, title="What is Prevent?", minutes=5, body=[])
    w.member_course = CoursePageFactory(
        title="Member training",
        slug="member-training",
        reporting_category=ReportingCategory.MEMBER,
        restricted_to=[roles.ELECTED_MEMBER, roles.PREVENT_ADMIN],
    )
    w.member_lesson = CourseLesson.objects.create(page=w.member_course, sort_order=0, title="The duty", body=[])

    def session(course, days, trainers=()):
        starts = timezone.now() + dt.timedelta(days=days)
        made = TrainingSession.objects.create(
            course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall", capacity=20
        )
        made.trainers.set(trainers)
        return made

    w.session = session(w.wrap, 7, [trainer])
    w.other_session = session(w.wrap, 8)  # run by nobody in the matrix: only the team may open it
    w.member_session = session(w.member_course, 9, [trainer])
    w.past_session = session(w.wrap, -7, [trainer])
    w.booking = Booking.objects.create(
        session=w.session, user=learner, status=BookingStatus.CONFIRMED, confirmed_at=timezone.now()
    )
    past_booking = Booking.objects.create(session=w.past_session, user=learner, status=BookingStatus.CONFIRMED)
    w.attendance = Attendance.objects.create(
        session=w.past_session, booking=past_booking, user=learner, full_name="Sam Taylor", email=learner.email
    )
    w.subscription = CalendarSubscription.objects.create(user=learner)
    w.invitation = ColleagueInvitation.objects.create(
        session=w.session,
        invited_by=learner,
        email="colleague@school.example.sch.uk",
        expires_at=timezone.now() + dt.timedelta(days=7),
    )
    w.invitation_token = invitation_token(w.invitation)
    # Someone typed the councillor's address at the door: a self-declared walk-in, and its one-time link.
    typed = Attendance.objects.create(session=w.session, email=councillor.email, full_name="Typed", self_declared=True)
    w.checkin_link_token = checkin_link_url(typed).rstrip("/").rsplit("/", 1)[-1]

    w.requirement = TrainingRequirement.objects.create(
        name="Prevent training for elected Members", external_certificate_name="Home Office Prevent e-learning"
    )
    w.requirement.groups.add(Group.objects.get(name=roles.ELECTED_MEMBER))
    w.requirement.courses.add(w.wrap, w.member_course)
    w.certificate = ExternalCertificate(
        user=councillor,
        requirement=w.requirement,
        title="Home Office Prevent e-learning",
        completed_on=dt.date(2026, 1, 5),
        status=CertificateStatus.PENDING,
    )
    w.certificate.file.save("e-learning.pdf", ContentFile(CERTIFICATE_PDF), save=True)

    w.ward = WardFactory(name="Addison")
    w.organisation = OrganisationFactory(name="Brook Green Primary School", ward=w.ward)
    w.outreach_tag = OutreachTag.objects.create(name="Online harms")
    w.outreach_visit, _ = outreach_visit_log(
        officer=w.users["outreach"],
        uuid="8d6f1f44-3c1f-4a57-8b55-7c1f0d5e2a10",
        visited_at=timezone.now() - dt.timedelta(days=1),
        ward=w.ward,
        organisation=w.organisation,
        contact_type="face_to_face",
        activity="assembly",
        people_engaged=120,
        tags=[w.outreach_tag],
    )
    w.contact = Contact.objects.create(name="Helen Carter", role="Head teacher", organisation=w.organisation)
    w.outbox = OutboxMessage.objects.create(
        from_email="prevent@example.gov.uk", to=[learner.email], subject="Your booking", next_attempt_at=timezone.now()
    )
    # Governance registers (issue 13): a risk, a peer-review recommendation and one of its actions.
    w.risk = Risk.objects.create(title="Staff turnover", likelihood=3, impact=4, owner_name="Prevent Coordinator")
    w.recommendation = Recommendation.objects.create(
        source="Home Office peer review, November 2018", text="Train Members"
    )
    w.recommendation_action = RecommendationAction.objects.create(
        recommendation=w.recommendation,
        description="Member briefings",
        owner="Prevent Coordinator",
        due_on=dt.date(2026, 3, 31),
    )
    w.document = get_document_model().objects.create(
        title="Pre-reading", file=ContentFile(b"Read this before the session.\n", name="pre-reading.txt")
    )
    # Feedback (issue 12): the WRAP form (the migration's, or one made here after a flush), and signed links.
    w.feedback_form = FeedbackForm.objects.filter(default_for=ReportingCategory.WRAP).first()
    if w.feedback_form is None:
        w.feedback_form = FeedbackForm.objects.create(title="WRAP feedback", default_for=ReportingCategory.WRAP)
        FeedbackQuestion.objects.create(form=w.feedback_form, label="Overall?", measure="overall")
    w.feedback_token = feedback_token(w.attendance)
    walk_in = Attendance.objects.create(session=w.past_session, full_name="Robin Okafor", email="robin@example.org")
    w.walk_in_feedback_token = feedback_token(walk_in)
    # Governance (issue 13): a PAG meeting with approved minutes (corrected once: two versions), an action, a theme.
    w.meeting_series = MeetingSeries.objects.create(name="Prevent Advisory Group", slug="pag-team", kind=SeriesKind.PAG)
    starts = timezone.now() - dt.timedelta(days=10)
    w.meeting = Meeting.objects.create(
        series=w.meeting_series, starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Town Hall"
    )
    w.minutes = minutes_approve(minutes=minutes_draft(meeting=w.meeting, body="<p>Agreed</p>", by=None), by=None)
    minutes_correct(minutes=w.minutes, body="<p>Agreed, corrected</p>", by=None)
    w.minutes_first_revision = w.minutes.revisions.order_by("pk").first()
    w.meeting_action = MeetingAction.objects.create(
        meeting=w.meeting, description="Share the leaflet", owner=trainer, due_on=dt.date(2026, 1, 5)
    )
    w.concern_theme = ConcernTheme.objects.get_or_create(name="Online radicalisation")[0]
    w.concern = CommunityConcern.objects.create(
        series=w.meeting_series,
        meeting=w.meeting,
        theme=w.concern_theme,
        ward=w.ward,
        raised_by=w.organisation,
        description="Stickers at the bus station",
    )
    # The PAG members' area (issue 13): the PAG column's account represents an organisation on one series.
    w.pag_series = MeetingSeries.objects.create(name="PAG", slug="pag", kind="pag", members_role=roles.PAG_MEMBER)
    w.other_pag_series = MeetingSeries.objects.create(
        name="Other PAG", slug="other-pag", kind="pag", members_role=roles.PAG_MEMBER
    )
    SeriesMember.objects.create(series=w.pag_series, organisation=w.organisation, representative=w.users["PAG"])
    w.pag_meeting, w.other_pag_meeting = (
        Meeting.objects.create(
            series=series,
            starts_at=timezone.now() + dt.timedelta(days=10),
            ends_at=timezone.now() + dt.timedelta(days=10, hours=2),
            venue="Town Hall",
        )
        for series in (w.pag_series, w.other_pag_series)
    )
    w.pag_paper, w.other_pag_paper = (
        MeetingPaper.objects.create(
            meeting=meeting,
            document=get_document_model().objects.create(
                title="Paper", file=ContentFile(b"A paper.\n", name="paper.txt")
            ),
        )
        for meeting in (w.pag_meeting, w.other_pag_meeting)
    )
    # Faith Forum events (issue 14): on the forum page and membership above, a forum course, a members-only
    # and a public event; the faith column's account (a representative of the membership above) is going to
    # the members-only event, and has a private feed.
    from faith_forum.models import EventAudience, ForumCalendarSubscription, ForumEvent
    from faith_forum.services import rsvp_set

    forum_course = CoursePageFactory(
        title="Faith Forum meeting",
        slug="faith-forum-meeting",
        reporting_category=ReportingCategory.FORUM,
        restricted_to=[roles.FAITH_FORUM_MEMBER, roles.PREVENT_ADMIN],
    )
    w.forum_members_event, w.forum_public_event = (
        ForumEvent.objects.create(
            session=session(forum_course, days), title=title, audience=audience, is_published=True
        )
        for days, title, audience in (
            (11, "Members' meeting", EventAudience.MEMBERS),
            (12, "Walk", EventAudience.PUBLIC),
        )
    )
    rsvp_set(event=w.forum_members_event, user=w.users["faith"], answer="going")
    w.forum_subscription = ForumCalendarSubscription.objects.create(user=w.users["faith"])
    # The Faith Forum's members' area (restricted) beneath the forum page above, and a paper in the members' collection.
    w.forum_members = w.forum_page.add_child(instance=ForumMembersPage(title="Members' area", slug="members"))
    members_area_restrict(w.forum_members)
    w.forum_paper = get_document_model().objects.create(
        title="Forum minutes",
        collection=forum_papers_collection(),
        file=ContentFile(b"Forum minutes.\n", name="forum-minutes.txt"),
    )
    # Wagtail serves a document from its file's path: put a copy there (MEDIA_ROOT is a temporary folder here).
    Path(w.document.file.path).parent.mkdir(parents=True, exist_ok=True)
    Path(w.document.file.path).write_bytes(b"Read this before the session.\n")
    Path(w.pag_paper.document.file.path).write_bytes(b"A paper.\n")
    Path(w.forum_paper.file.path).write_bytes(b"Forum minutes.\n")
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One set of data for every test here, made once in a transaction rolled back at the end.

    Each test runs in a savepoint inside it (pytest-django's ``db``), and each cell of a row in one
    more (``_answer``), so nothing one request changes is seen by the next.
    """
    media = override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media")))
    with media, django_db_blocker.unblock(), transaction.atomic():
        w = build_world()
        w.cookies = {}
        for role, user in w.users.items():
            client = Client()
            sign_in(client, user)
            w.cookies[role] = client.cookies
        yield w
        transaction.set_rollback(True)


def _client(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        for name, morsel in world.cookies[role].items():
            client.cookies[name] = morsel.value
    return client


def _describe(response) -> object:
    """The answer as the matrix writes it: a status code, LOGIN, or "->/path/" for a redirect."""
    if response.status_code in (301, 302, 303, 307, 308):
        target = re.split(r"[?#]", response["Location"], maxsplit=1)[0].removeprefix("http://testserver")
        return LOGIN if target == "/accounts/login/" else f"->{target}"
    return response.status_code


def _answer(world, role: str, method: str, path: str) -> object:
    with transaction.atomic():
        client = _client(world, role)
        response = client.post(path) if method == "POST" else client.get(path)
        transaction.set_rollback(True)
    return _describe(response)


def _request_line(spec: str, world) -> tuple[str, str]:
    method, _, path = spec.partition(" ") if spec.startswith("POST ") else ("GET", "", spec)
    return method, path.format(**vars(world))


def _page_key(path: str) -> str:
    """The matrix key of the page (and sub-URL) a path opens."""
    pages = [page for page in Page.objects.live().specific() if page.url and path.startswith(page.url)]
    page = max(pages, key=lambda p: len(p.url))
    label = f"page:{page._meta.label}"
    if isinstance(page, RoutablePageMixin):
        rest = "/" + path.removeprefix(page.url).split("?", 1)[0]
        label += ":" + page.get_resolver().resolve(rest.replace("//", "/")).url_name
    return label


@pytest.mark.parametrize("key", list(MATRIX))
def test_permission_matrix(world, db, key):
    spec, *expected = MATRIX[key]
    assert len(expected) == len(ROLES), f"{key}: {len(expected)} answers for {len(ROLES)} roles"
    method, path = _request_line(spec, world)
    base = _base_key(key)
    if base.startswith("page:"):
        assert _page_key(path) == base, f"{key}: {path} is not that page"
    else:
        match = resolve(path.split("?", 1)[0])
        opened = (match.view_name, match.route.replace("^", ""))
        assert base.replace("^", "") in opened, f"{key}: {path} opens {match.view_name or match.route}"
    expected = [e.format(**vars(world)) if isinstance(e, str) else e for e in expected]
    actual = [_answer(world, role, method, path) for role in ROLES]
    wrong = [f"{role}: expected {e!r}, got {a!r}" for role, e, a in zip(ROLES, expected, actual, strict=True) if e != a]
    assert not wrong, f"{key} ({method} {path}):\n  " + "\n  ".join(wrong) + f"\n  the site answered: {tuple(actual)}"


# --- The rest of the Wagtail admin: refused to everyone but the admin roles -----------------------------

_CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")
_SAMPLE_VALUES = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000000"}
# Admin routes written as regular expressions, which the sample builder cannot fill.
_SAMPLE_PATHS = {
    r"admin/pages/^(?P<pk>\d+)/revisions/compare/(?P<revision_id_a>live|earliest|\d+)\.\.\.(?P<revision_id_b>live|latest|\d+)/$": "/admin/pages/1/revisions/compare/live...latest/",  # noqa: E501
}


def _sample_path(route: str) -> str:
    if route in _SAMPLE_PATHS:
        return _SAMPLE_PATHS[route]
    return "/" + _CONVERTER.sub(lambda m: _SAMPLE_VALUES.get(m.group(1) or "str", "x"), route.replace("^", ""))


WAGTAIL_ADMIN_UNLISTED = sorted(
    key for key, (route, owned) in SERVED.items() if route.startswith(ADMIN_PREFIX) and not owned and key not in MATRIX
)


@pytest.mark.parametrize(
    "key, role", [(key, NON_ADMIN_ROLES[i % len(NON_ADMIN_ROLES)]) for i, key in enumerate(WAGTAIL_ADMIN_UNLISTED)]
)
def test_wagtail_admin_screens_refuse_everyone_but_admin_roles(world, db, key, role):
    """Anonymous visitors are sent to sign in; signed in without an admin role, refused (403).

    The refusal is one middleware's (portal.middleware.AdminAccessMiddleware), the same for each
    role that is not an admin role, so each screen is tried with one of them in turn.
    """
    route, _ = SERVED[key]
    path = _sample_path(route)
    opened = resolve(path).route
    assert opened.replace("^", "") == route.replace("^", ""), f"{key}: the sample path {path} opens {opened}"
    actual = {"anonymous": _answer(world, "anonymous", "GET", path), role: _answer(world, role, "GET", path)}
    assert actual == {"anonymous": LOGIN, role: 403}, f"{key} (GET {path})"


# --- Found by the matrix ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_wagtails_own_sign_in_form_cannot_sign_anyone_in(client):
    """Wagtail's front-end sign-in form (/_util/login/) skipped allauth: its email verification, its
    throttle of wrong passwords, and the MFA to come. It now only sends people to allauth's sign-in."""
    person = UserFactory(verified=False)  # has not confirmed their email, so allauth would not let them in
    response = client.post("/_util/login/", {"username": person.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert _describe(response) == LOGIN
