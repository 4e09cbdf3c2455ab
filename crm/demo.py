"""Demo data of the register (idempotent): the borough's wards, schools, faith groups and other organisations, contacts."""

from .models import (
    Contact,
    ContactMethod,
    EstablishmentStatus,
    LawfulBasis,
    Organisation,
    OrganisationType,
    SchoolPhase,
    User,
    Ward,
)

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

# The borough's schools: (name, phase, ward, URN, street, postcode, status). Fictional, GIAS-shaped.
P, S = SchoolPhase, EstablishmentStatus
SCHOOLS = (
    ("Brook Green Primary School", P.PRIMARY, "Brook Green", "100321", "Brook Green Road", "W6 7BS", S.OPEN),
    ("Addison Gardens Primary School", P.PRIMARY, "Addison", "100322", "Addison Gardens", "W14 0DT", S.OPEN),
    ("Avonmore Primary School", P.PRIMARY, "Avonmore", "100323", "Avonmore Road", "W14 8SH", S.OPEN),
    ("Coningham Road Primary School", P.PRIMARY, "Coningham", "100324", "Coningham Road", "W12 8BD", S.OPEN),
    ("Fulham Reach Primary School", P.PRIMARY, "Fulham Reach", "100325", "Distillery Road", "W6 9RH", S.OPEN),
    ("Grove Park Primary School", P.PRIMARY, "Grove", "100326", "Grove Road", "W6 0DP", S.OPEN),
    ("Lillie Road Primary School", P.PRIMARY, "Lillie", "100327", "Lillie Road", "SW6 7PH", S.OPEN),
    ("Munster Road Primary School", P.PRIMARY, "Munster", "100328", "Munster Road", "SW6 6AX", S.OPEN),
    (
        "Palace Gardens Primary School",
        P.PRIMARY,
        "Palace and Hurlingham",
        "100329",
        "Hurlingham Road",
        "SW6 3LA",
        S.OPEN,
    ),
    (
        "St Thomas' CE Primary School",
        P.PRIMARY,
        "Parsons Green and Sandford",
        "100330",
        "Parsons Green Lane",
        "SW6 4LL",
        S.OPEN,
    ),
    ("Ravenscourt Park Primary School", P.PRIMARY, "Ravenscourt", "100331", "Ravenscourt Avenue", "W6 0SL", S.OPEN),
    ("Sands End Infant School", P.PRIMARY, "Sands End", "100332", "Stephendale Road", "SW6 2LH", S.OPEN),
    (
        "Our Lady of Walsingham RC Primary School",
        P.PRIMARY,
        "Wendell Park",
        "100333",
        "Wendell Road",
        "W12 9JS",
        S.OPEN,
    ),
    ("Wormholt Park Primary School", P.PRIMARY, "Wormholt", "100334", "Bryony Road", "W12 0SR", S.OPEN),
    ("West Kensington Primary School", P.PRIMARY, "West Kensington", "100335", "Comeragh Road", "W14 9QE", S.OPEN),
    ("Old Oak Primary School", P.PRIMARY, "College Park and Old Oak", "100336", "Mellitus Street", "W12 0AS", S.OPEN),
    ("White City Primary Academy", P.PRIMARY, "White City", "142118", "Australia Road", "W12 7PA", S.OPEN),
    (
        "Shepherd's Bush Green Nursery School",
        P.NURSERY,
        "Shepherd's Bush Green",
        "100318",
        "Goldhawk Road",
        "W12 8DH",
        S.OPEN,
    ),
    ("Lillie Gardens Nursery School", P.NURSERY, "Fulham Town", "100319", "Bayonne Road", "SW6 7DQ", S.OPEN),
    ("Fulham Cross Academy", P.SECONDARY, "Munster", "138245", "Munster Road", "SW6 6BP", S.OPEN),
    ("Sands End Community College", P.SECONDARY, "Sands End", "100378", "Peterborough Road", "SW6 2TA", S.OPEN),
    ("White City Secondary School", P.SECONDARY, "White City", "100362", "Bloemfontein Road", "W12 7PH", S.OPEN),
    (
        "Hammersmith Broadway Academy",
        P.SECONDARY,
        "Hammersmith Broadway",
        "140411",
        "Queen Caroline Street",
        "W6 9YD",
        S.OPEN,
    ),
    ("Walham Green High School", P.SECONDARY, "Walham Green", "100374", "Vanston Place", "SW6 1LB", S.OPEN),
    ("Wendell Park Girls' School", P.SECONDARY, "Wendell Park", "100375", "Cobbold Road", "W12 9LR", S.OPEN),
    ("St Augustine's Catholic High School", P.SECONDARY, "Grove", "100376", "Dalling Road", "W6 0LB", S.OPEN),
    (
        "Old Oak Common School",
        P.ALL_THROUGH,
        "College Park and Old Oak",
        "146022",
        "Old Oak Common Lane",
        "NW10 6QJ",
        S.OPEN,
    ),
    ("Cambridge Lane School", P.SPECIAL, "Ravenscourt", "100380", "Cambridge Grove", "W6 0RG", S.OPEN),
    ("Coningham Special School", P.SPECIAL, "Coningham", "100381", "Askew Road", "W12 9AZ", S.OPEN),
    ("Westway Learning Centre", P.PRU, "White City", "100383", "Wood Lane", "W12 7RH", S.OPEN),
    ("Ravenscourt Sixth Form College", P.POST_16, "Ravenscourt", "130412", "King Street", "W6 0UT", S.OPEN),
    ("West London Technical College", P.POST_16, "Hammersmith Broadway", "130413", "Gliddon Road", "W14 9BL", S.OPEN),
    (
        "Palace Green Preparatory School",
        P.INDEPENDENT,
        "Palace and Hurlingham",
        "102345",
        "Fulham Palace Road",
        "SW6 6EY",
        S.OPEN,
    ),
    ("St Mary's Hall School", P.INDEPENDENT, "Brook Green", "102346", "Shepherd's Bush Road", "W6 7BP", S.OPEN),
    # Closed: merged into others, so no longer offered in choices (but kept, with their history).
    ("Sands End Junior School", P.PRIMARY, "Sands End", "100377", "Stephendale Road", "SW6 2LJ", S.CLOSED),
    ("Walham Green Primary School", P.PRIMARY, "Walham Green", "100379", "Dawes Road", "SW6 7EN", S.CLOSED),
)

# Other organisations: (name, type, ward, postcode).
ORGANISATIONS = (
    ("Shepherd's Bush Mosque", OrganisationType.FAITH, "Shepherd's Bush Green", "W12 8QE"),
    ("Fulham Islamic Centre", OrganisationType.FAITH, "Munster", "SW6 6HA"),
    ("White City Masjid", OrganisationType.FAITH, "White City", "W12 7QA"),
    ("Al-Noor Community Mosque", OrganisationType.FAITH, "Wormholt", "W12 0RL"),
    ("St Paul's Church Hammersmith", OrganisationType.FAITH, "Hammersmith Broadway", "W6 9PJ"),
    ("Our Lady of Sands End RC Church", OrganisationType.FAITH, "Sands End", "SW6 2PR"),
    ("Grove Methodist Church", OrganisationType.FAITH, "Grove", "W6 0NB"),
    ("Ravenscourt Baptist Church", OrganisationType.FAITH, "Ravenscourt", "W6 0TU"),
    ("New Life Pentecostal Church", OrganisationType.FAITH, "College Park and Old Oak", "NW10 6RE"),
    ("St Andrew's Church West Kensington", OrganisationType.FAITH, "West Kensington", "W14 9DX"),
    ("Holy Trinity Orthodox Church", OrganisationType.FAITH, "Lillie", "SW6 1HB"),
    ("West London Gurdwara", OrganisationType.FAITH, "Addison", "W14 0AA"),
    ("Fulham Synagogue", OrganisationType.FAITH, "Parsons Green and Sandford", "SW6 4AA"),
    ("Shri Ram Mandir Hammersmith", OrganisationType.FAITH, "Addison", "W14 0RT"),
    ("Avonmore Buddhist Centre", OrganisationType.FAITH, "Avonmore", "W14 8RL"),
    ("Brook Green Quaker Meeting House", OrganisationType.FAITH, "Brook Green", "W6 7BH"),
    ("White City Community Centre", OrganisationType.COMMUNITY, "White City", "W12 7QD"),
    ("Grove Neighbourhood Centre", OrganisationType.COMMUNITY, "Grove", "W6 0NF"),
    ("Fulham Reach Youth Club", OrganisationType.COMMUNITY, "Fulham Reach", "W6 9AP"),
    ("Women's Voices West London", OrganisationType.COMMUNITY, "College Park and Old Oak", "NW10 6RB"),
    ("Somali Families Support Network", OrganisationType.COMMUNITY, "Wendell Park", "W12 9BS"),
    ("Metropolitan Police, Hammersmith", OrganisationType.STATUTORY, "Hammersmith Broadway", "W6 9AR"),
    ("Central London Community Healthcare NHS Trust", OrganisationType.STATUTORY, "Lillie", "SW6 1UW"),
    ("Children's Services", OrganisationType.COUNCIL, "Hammersmith Broadway", "W6 9JU"),
    ("Housing Services", OrganisationType.COUNCIL, "Hammersmith Broadway", "W6 9JU"),
)

L = LawfulBasis
# Named people at organisations: (organisation, name, role, email, phone, prefers, lawful basis, note).
# A contact whose email is a demo account's is linked to it (``contacts_link_accounts``).
CONTACTS = (
    (
        "Brook Green Primary School",
        "Helen Carter",
        "Head teacher",
        "head@brookgreen.example.sch.uk",
        "020 7946 0101",
        ContactMethod.EMAIL,
        L.PUBLIC_TASK,
        "",
    ),
    (
        "Brook Green Primary School",
        "Priya Shah",
        "Designated Safeguarding Lead",
        "school.dsl@demo.example",
        "020 7946 0102",
        ContactMethod.EMAIL,
        L.PUBLIC_TASK,
        "",
    ),
    (
        "Fulham Cross Academy",
        "Mark Osei",
        "Designated Safeguarding Lead",
        "dsl@fulhamcross.example.sch.uk",
        "020 7946 0111",
        ContactMethod.PHONE,
        L.PUBLIC_TASK,
        "",
    ),
    (
        "White City Secondary School",
        "Joanne Fletcher",
        "Head teacher",
        "head@whitecity.example.sch.uk",
        "020 7946 0121",
        ContactMethod.EMAIL,
        L.PUBLIC_TASK,
        "",
    ),
    (
        "White City Secondary School",
        "Tariq Mahmood",
        "Deputy DSL",
        "t.mahmood@whitecity.example.sch.uk",
        "",
        ContactMethod.EMAIL,
        L.PUBLIC_TASK,
        "",
    ),
    (
        "Sands End Community College",
        "Claire Dunn",
        "Designated Safeguarding Lead",
        "dsl@sandsend.example.sch.uk",
        "020 7946 0131",
        ContactMethod.ANY,
        L.PUBLIC_TASK,
        "",
    ),
    (
        "Westway Learning Centre",
        "Femi Adeyemi",
        "Centre head",
        "office@westway.example.sch.uk",
        "020 7946 0141",
        ContactMethod.PHONE,
        L.PUBLIC_TASK,
        "",
    ),
    (
        "Ravenscourt Sixth Form College",
        "Laura Bennett",
        "Safeguarding manager",
        "safeguarding@ravenscourt.example.ac.uk",
        "020 7946 0151",
        ContactMethod.EMAIL,
        L.PUBLIC_TASK,
        "",
    ),
    (
        "Shepherd's Bush Mosque",
        "Imam Abdullah Rahman",
        "Imam",
        "imam@sbmosque.example.org",
        "020 7946 0201",
        ContactMethod.IN_PERSON,
        L.LEGITIMATE_INTERESTS,
        "Faith Forum partnership; he asked us to keep his work details.",
    ),
    (
        "Fulham Islamic Centre",
        "Khadija Noor",
        "Centre manager",
        "manager@fulhamislamic.example.org",
        "020 7946 0211",
        ContactMethod.EMAIL,
        L.LEGITIMATE_INTERESTS,
        "Venue for community stalls; details given for bookings.",
    ),
    (
        "St Paul's Church Hammersmith",
        "Revd Thomas Hughes",
        "Vicar",
        "vicar@stpauls.example.org",
        "020 7946 0221",
        ContactMethod.EMAIL,
        L.LEGITIMATE_INTERESTS,
        "",
    ),
    (
        "West London Gurdwara",
        "Harjit Singh",
        "Secretary",
        "secretary@wlgurdwara.example.org",
        "",
        ContactMethod.PHONE,
        L.CONSENT,
        "Consent given in person at the Faith Forum, March; recorded on the sign-up sheet.",
    ),
    (
        "Fulham Synagogue",
        "Rabbi Miriam Cohen",
        "Rabbi",
        "office@fulhamsynagogue.example.org",
        "020 7946 0241",
        ContactMethod.EMAIL,
        L.LEGITIMATE_INTERESTS,
        "",
    ),
    (
        "White City Community Centre",
        "Andre Baptiste",
        "Centre manager",
        "andre@wccc.example.org",
        "020 7946 0251",
        ContactMethod.ANY,
        L.LEGITIMATE_INTERESTS,
        "",
    ),
)


def school_phone(number: int) -> str:
    """Ofcom's drama range: numbers that reach nobody."""
    return f"020 7946 {number:04d}"


def school_website(name: str) -> str:
    slug = "".join(word[0] for word in name.replace("'", "").split() if word[0].isalnum()).lower()
    return f"https://www.{slug}{len(name)}.example.sch.uk"


def seed() -> dict[str, int]:
    wards = {name: Ward.objects.get_or_create(name=name)[0] for name in WARDS}
    for number, (name, phase, ward, urn, street, postcode, status) in enumerate(SCHOOLS, start=1):
        Organisation.objects.update_or_create(
            urn=urn,
            defaults={
                "name": name,
                "organisation_type": OrganisationType.SCHOOL,
                "phase": phase,
                "establishment_status": status,
                "is_active": status == EstablishmentStatus.OPEN,
                "ward": wards[ward],
                "address": street,
                "town": "London",
                "postcode": postcode,
                "phone": school_phone(number),
                "website": school_website(name),
            },
        )
    for name, kind, ward, postcode in ORGANISATIONS:
        Organisation.objects.update_or_create(
            name=name,
            postcode=postcode,
            urn="",
            defaults={"organisation_type": kind, "ward": wards[ward]},
        )
    organisations = {organisation.name: organisation for organisation in Organisation.objects.all()}
    for organisation, name, role, email, phone, prefers, basis, note in CONTACTS:
        Contact.objects.update_or_create(
            organisation=organisations[organisation],
            name=name,
            defaults={
                "role": role,
                "email": email,
                "phone": phone,
                "preferred_contact": prefers,
                "lawful_basis": basis,
                "lawful_basis_note": note,
            },
        )
    contacts_link_accounts()
    return {
        "wards": Ward.objects.count(),
        "organisations": Organisation.objects.count(),
        "schools": Organisation.objects.schools().count(),
        "contacts": Contact.objects.count(),
    }


def contacts_link_accounts() -> int:
    """Link each demo contact to the account with its email, once the demo people exist (portal's seed)."""
    linked = 0
    for contact in Contact.objects.filter(user__isnull=True).exclude(email=""):
        user = User.objects.filter(email__iexact=contact.email).first()
        if user is not None:
            contact.user = user
            contact.save(update_fields=["user"])
            linked += 1
    return linked
