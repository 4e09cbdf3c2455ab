from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.search import index

urn_validator = RegexValidator(r"^\d{6}$", "A school's URN is the 6-digit number from Get Information about Schools.")


class Ward(models.Model):
    """One of the borough's electoral wards; outreach and organisations are counted by ward."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationType(models.TextChoices):
    SCHOOL = "school", "School or college"
    FAITH = "faith", "Faith organisation"
    COMMUNITY = "community", "Voluntary or community organisation"
    STATUTORY = "statutory", "Statutory partner"
    COUNCIL = "council", "Council service"
    OTHER = "other", "Other"


class Organisation(index.Indexed, models.Model):
    """A school, faith group, community organisation or partner the team works with."""

    name = models.CharField(max_length=200)
    organisation_type = models.CharField(max_length=20, choices=OrganisationType.choices)
    ward = models.ForeignKey(Ward, on_delete=models.PROTECT, null=True, blank=True, related_name="organisations")
    urn = models.CharField(
        "URN", max_length=6, blank=True, validators=[urn_validator], help_text="Schools only: the DfE unique reference number."
    )
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    email = models.EmailField(blank=True, help_text="A general address, not a person's.")
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("organisation_type"), FieldPanel("urn")]),
        MultiFieldPanel(
            [FieldPanel("address"), FieldRowPanel([FieldPanel("postcode"), FieldPanel("ward")])], heading="Where"
        ),
        MultiFieldPanel([FieldPanel("email"), FieldPanel("phone"), FieldPanel("website")], heading="Contact"),
        FieldPanel("is_active"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("postcode"),
        index.FilterField("organisation_type"),
    ]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["urn"], condition=~models.Q(urn=""), name="unique_school_urn"),
            models.UniqueConstraint(fields=["name", "postcode"], name="unique_organisation_name_postcode"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.organisation_type == OrganisationType.SCHOOL and not self.urn:
            raise ValidationError({"urn": "Enter the school's 6-digit URN."})
        if self.organisation_type != OrganisationType.SCHOOL and self.urn:
            raise ValidationError({"urn": "Only schools have a URN: clear this box or make the type a school."})
        if self.postcode:
            self.postcode = self.postcode.upper().strip()
