import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth.models import Group
from django.utils.text import slugify
from wagtail.models import PageViewRestriction, Site

from crm import roles as crm_roles
from crm.models import Organisation, OrganisationType, User, Ward
from events.models import CoursePage, ReportingCategory, TrainingIndexPage
from portal.models import StandardPage
from tests.pagetree import restore_home_page

PASSWORD = "correct-horse-battery-staple"
# The smallest file a PDF reader accepts: an external training certificate in tests.
CERTIFICATE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# The authenticator app's secret of every test user made with one (base32, as apps take it).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET, *, steps: int = 0) -> str:
    """The code an authenticator app holding ``secret`` shows now (``steps`` periods of 30 s later or earlier)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + steps))


# What a new member of council staff types into the sign-up form.
SIGN_UP = {
    "email": "jo.bloggs@lbhf.gov.uk",
    "first_name": "Jo",
    "last_name": "Bloggs",
    "organisation_name": "Hammersmith & Fulham Council",
    "organisation_type": "council",
    "job_role": "Housing officer",
    "password1": "Tulip-Kettle-Harbour-9",
    "password2": "Tulip-Kettle-Harbour-9",
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.Sequence(lambda n: f"person{n}@example.gov.uk")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    organisation_name = "Hammersmith & Fulham Council"
    organisation_type = "council"
    job_role = "Housing officer"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=name) for name in extracted))

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """Whoever must use two-factor authentication has it on, with TOTP_SECRET; ``totp=False``: not yet set up.

        ``totp=True`` turns it on for anyone. Decided on a fresh copy, so no role or permission
        is cached on the user the test holds.
        """
        if not create or extracted is False:
            return
        if extracted or crm_roles.reaches_records(User.objects.get(pk=self.pk)):
            TOTP.activate(self, TOTP_SECRET)


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Ward {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Community organisation {n}")
    organisation_type = OrganisationType.COMMUNITY
    ward = factory.SubFactory(WardFactory)
    postcode = "W6 9JU"


# --- Wagtail pages ------------------------------------------------------------------
# wagtail-factories declares Wagtail 7 only, so pages are made here the way the admin makes them.


class PageFactory(factory.django.DjangoModelFactory):
    """A live page added under ``parent`` (by default the default site's home page).

    ``restricted_to=[role, ...]`` limits who may see it, as the page's privacy setting does in the admin.
    """

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Page {n}")
    slug = factory.LazyAttribute(lambda page: slugify(page.title))

    @classmethod
    def default_parent(cls):
        # A transactional test before this one may have flushed the page tree the migrations made.
        restore_home_page()
        return Site.objects.get(is_default_site=True).root_page

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        page = model_class(*args, **kwargs)
        (parent or cls.default_parent()).add_child(instance=page)
        return page

    @factory.post_generation
    def restricted_to(self, create, extracted, **kwargs):
        if create and extracted:
            restriction = PageViewRestriction.objects.create(page=self, restriction_type=PageViewRestriction.GROUPS)
            restriction.groups.add(*(Group.objects.get(name=name) for name in extracted))


class StandardPageFactory(PageFactory):
    class Meta:
        model = StandardPage

    introduction = "A page for the tests."


class TrainingIndexPageFactory(PageFactory):
    class Meta:
        model = TrainingIndexPage

    title = "Training"


class CoursePageFactory(PageFactory):
    """A course under the training index (made when there is none yet)."""

    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "A course for the tests."
    audience = "Council staff"
    duration = "2 hours"
    reporting_category = ReportingCategory.OTHER

    @classmethod
    def default_parent(cls):
        return TrainingIndexPage.objects.first() or TrainingIndexPageFactory()


def book_colleague(*, session, lead, colleague):
    """A lead's colleague booking as it happens: the lead invites the colleague's address, the colleague accepts."""
    from events.services import colleagues_invite, invitation_accept

    [invitation] = colleagues_invite(session=session, lead=lead, addresses=[colleague.email])
    return invitation_accept(invitation=invitation, user=colleague)
