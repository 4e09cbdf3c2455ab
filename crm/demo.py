"""Demo organisations and the borough's wards (idempotent)."""

from .models import Organisation, OrganisationType, Ward

WARDS = (
    "Addison",
    "Avonmore",
    "Brook Green",
    "College Park and Old Oak",
    "Coningham",
    "Fulham Reach",
    "Fulham Town",
    "Grove",
    "Hammersmith Broadway",
    "Lillie",
    "Munster",
    "Palace and Hurlingham",
    "Parsons Green and Sandford",
    "Ravenscourt",
    "Sands End",
    "Shepherd's Bush Green",
    "Walham Green",
    "Wendell Park",
    "West Kensington",
    "White City",
    "Wormholt",
)

# (name, type, ward, URN, postcode)
ORGANISATIONS = (
    ("Brook Green Primary School", OrganisationType.SCHOOL, "Brook Green", "100321", "W6 7BS"),
    ("Wormholt Park Primary School", OrganisationType.SCHOOL, "Wormholt", "100334", "W12 0SR"),
    ("Fulham Cross Academy", OrganisationType.SCHOOL, "Munster", "138245", "SW6 6BP"),
    ("Sands End Community College", OrganisationType.SCHOOL, "Sands End", "100378", "SW6 2TA"),
    ("White City Secondary School", OrganisationType.SCHOOL, "White City", "100362", "W12 7PH"),
    ("Ravenscourt Sixth Form College", OrganisationType.SCHOOL, "Ravenscourt", "130412", "W6 0UT"),
    ("Shepherd's Bush Mosque", OrganisationType.FAITH, "Shepherd's Bush Green", "", "W12 8QE"),
    ("St Paul's Church Hammersmith", OrganisationType.FAITH, "Hammersmith Broadway", "", "W6 9PJ"),
    ("West London Gurdwara", OrganisationType.FAITH, "Addison", "", "W14 0AA"),
    ("Fulham Synagogue", OrganisationType.FAITH, "Parsons Green and Sandford", "", "SW6 4AA"),
    ("Avonmore Buddhist Centre", OrganisationType.FAITH, "Avonmore", "", "W14 8RL"),
    ("White City Community Centre", OrganisationType.COMMUNITY, "White City", "", "W12 7QD"),
    ("Grove Neighbourhood Centre", OrganisationType.COMMUNITY, "Grove", "", "W6 0NF"),
    ("Fulham Reach Youth Club", OrganisationType.COMMUNITY, "Fulham Reach", "", "W6 9AP"),
    ("Women's Voices West London", OrganisationType.COMMUNITY, "College Park and Old Oak", "", "NW10 6RB"),
    ("Somali Families Support Network", OrganisationType.COMMUNITY, "Wendell Park", "", "W12 9BS"),
    ("Metropolitan Police, Hammersmith", OrganisationType.STATUTORY, "Hammersmith Broadway", "", "W6 9AR"),
    ("Central London Community Healthcare NHS Trust", OrganisationType.STATUTORY, "Lillie", "", "SW6 1UW"),
    ("Children's Services", OrganisationType.COUNCIL, "Hammersmith Broadway", "", "W6 9JU"),
    ("Housing Services", OrganisationType.COUNCIL, "Hammersmith Broadway", "", "W6 9JU"),
)


def seed() -> dict[str, int]:
    wards = {name: Ward.objects.get_or_create(name=name)[0] for name in WARDS}
    for name, kind, ward, urn, postcode in ORGANISATIONS:
        Organisation.objects.update_or_create(
            name=name,
            postcode=postcode,
            defaults={"organisation_type": kind, "ward": wards[ward], "urn": urn},
        )
    return {"wards": Ward.objects.count(), "organisations": Organisation.objects.count()}
