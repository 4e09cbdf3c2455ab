import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from crm.models import Organisation, OrganisationType
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_school_needs_a_six_digit_urn():
    school = OrganisationFactory.build(organisation_type=OrganisationType.SCHOOL, urn="", ward=None)
    with pytest.raises(ValidationError, match="6-digit URN"):
        school.full_clean()
    school.urn = "12345"
    with pytest.raises(ValidationError, match="6-digit number"):
        school.full_clean()
    school.urn = "100321"
    school.full_clean()


def test_only_schools_have_a_urn():
    group = OrganisationFactory.build(organisation_type=OrganisationType.FAITH, urn="100321", ward=None)
    with pytest.raises(ValidationError, match="Only schools have a URN"):
        group.full_clean()


def test_urn_is_unique_but_blank_urns_are_not_clashes():
    OrganisationFactory(organisation_type=OrganisationType.SCHOOL, urn="100321", name="A", postcode="W6 1AA")
    OrganisationFactory(name="B", postcode="W6 1AB")
    OrganisationFactory(name="C", postcode="W6 1AC")
    with pytest.raises(IntegrityError):
        Organisation.objects.create(
            name="D", organisation_type=OrganisationType.SCHOOL, urn="100321", postcode="W6 1AD"
        )
