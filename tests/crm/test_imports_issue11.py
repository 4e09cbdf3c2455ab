"""Issue 11 §1: schools from a GIAS download and organisations from a spreadsheet (crm.imports), and their commands."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from crm.exports import CSV, XLSX
from crm.imports import (
    ORGANISATION_COLUMNS,
    ImportInvalid,
    ImportOutdated,
    gias_phase,
    organisations_import,
    organisations_template,
    schools_import_gias,
)
from crm.imports.gias import MISSING_COLUMNS
from crm.models import EstablishmentStatus, Organisation, OrganisationType, SchoolPhase
from tests.factories import OrganisationFactory, WardFactory

pytestmark = pytest.mark.django_db

GIAS_HEADINGS = [
    "URN",
    "LA (code)",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "Street",
    "Town",
    "Postcode",
    "SchoolWebsite",
    "TelephoneNum",
    "AdministrativeWard (name)",
    "NumberOfPupils",
]


def gias_file(rows, headings=GIAS_HEADINGS, name="edubasealldata20260101.csv") -> ContentFile:
    """A GIAS download as GIAS writes it: Windows-1252, CRLF, quoted where needed."""
    lines = [",".join(headings)]
    for row in rows:
        lines.append(",".join(f'"{value}"' if "," in value else value for value in row))
    return ContentFile(("\r\n".join(lines) + "\r\n").encode("cp1252"), name=name)


def gias_row(urn, name, status="Open", kind="Community school", phase="Primary", ward="Brook Green", **extra):
    values = {
        "street": "Brook Green Road",
        "town": "London",
        "postcode": "W6 7BS",
        "website": "www.brookgreen.example.sch.uk",
        "phone": "020 7946 0001",
    } | extra
    return [
        urn,
        "205",
        name,
        "01",
        kind,
        status,
        phase,
        values["street"],
        values["town"],
        values["postcode"],
        values["website"],
        values["phone"],
        ward,
        "412",
    ]


@pytest.fixture
def borough():
    """Two schools already in the register, as the last import left them."""
    brook_green = WardFactory(name="Brook Green")
    shepherds_bush = WardFactory(name="Shepherd's Bush Green")
    common = {"organisation_type": OrganisationType.SCHOOL, "phase": SchoolPhase.PRIMARY, "town": "London"}
    first = OrganisationFactory(
        name="Brook Green Primary School",
        urn="100321",
        ward=brook_green,
        address="Brook Green Road",
        postcode="W6 7BS",
        website="https://www.brookgreen.example.sch.uk",
        phone="020 7946 0001",
        **common,
    )
    second = OrganisationFactory(
        name="Goldhawk Infant School",
        urn="100322",
        ward=shepherds_bush,
        address="Goldhawk Road",
        postcode="W12 8DH",
        website="https://www.goldhawk.example.sch.uk",
        phone="020 7946 0002",
        **common,
    )
    return first, second


def renamed_and_closed_file():
    return gias_file(
        [
            # Renamed, with a curly apostrophe (0x92 in Windows-1252).
            gias_row("100321", "Brook Green Primary Academy’s School"),
            # Closed; its ward written with GIAS's curly apostrophe.
            gias_row(
                "100322",
                "Goldhawk Infant School",
                status="Closed",
                ward="Shepherd’s Bush Green",
                street="Goldhawk Road",
                postcode="W12 8DH",
                website="www.goldhawk.example.sch.uk",
                phone="020 7946 0002",
            ),
            # New, with an accent (0xE9).
            gias_row("148801", "École Française de Fulham", kind="Free schools", postcode="W6 7BT"),
            # Closed long ago and never in the register: skipped, not added.
            gias_row("100300", "Hurlingham Secondary School", status="Closed", phase="Secondary"),
            # Not a school the team counts: skipped.
            gias_row("123456", "Bayonne Children’s Centre", kind="Children's centre", phase="Not applicable"),
        ]
    )


def test_a_windows_1252_gias_file_is_read_exactly(borough):
    upload = renamed_and_closed_file()
    assert "’".encode("cp1252") in upload.read()  # the file really is Windows-1252, not UTF-8
    upload.seek(0)
    schools_import_gias(upload=upload)
    assert Organisation.objects.get(urn="100321").name == "Brook Green Primary Academy’s School"
    assert Organisation.objects.get(urn="148801").name == "École Française de Fulham"


def test_the_dry_run_saves_nothing_and_reports_the_rename_and_the_closure(borough):
    before = list(Organisation.objects.order_by("pk").values())
    plan = schools_import_gias(upload=renamed_and_closed_file(), dry_run=True)

    assert list(Organisation.objects.order_by("pk").values()) == before
    assert [change.organisation.urn for change in plan.renamed] == ["100321"]
    assert plan.renamed[0].changes["Name"] == ("Brook Green Primary School", "Brook Green Primary Academy’s School")
    assert [change.organisation.urn for change in plan.closed] == ["100322"]
    assert plan.closed[0].changes["Status"] == ("Open", "Closed")
    assert [change.organisation.urn for change in plan.new] == ["148801"]
    assert len(plan.skipped) == 2
    report = "\n".join(plan.lines())
    assert "Renamed (1):" in report and "Brook Green Primary School → Brook Green Primary Academy’s School" in report
    assert "Closed (1):" in report and "Goldhawk Infant School (URN 100322)" in report
    assert "Hurlingham Secondary School (URN 100300) is closed and not in the register" in report
    assert "Dry run: nothing was saved." in report


def test_the_import_applies_the_plan_and_importing_again_changes_nothing(borough):
    schools_import_gias(upload=renamed_and_closed_file())

    closed = Organisation.objects.get(urn="100322")
    assert closed.establishment_status == EstablishmentStatus.CLOSED
    assert closed.is_active is False  # no longer offered in choices
    assert closed.ward.name == "Shepherd's Bush Green"  # matched despite the curly apostrophe
    new = Organisation.objects.get(urn="148801")
    assert new.organisation_type == OrganisationType.SCHOOL
    assert new.phase == SchoolPhase.PRIMARY
    assert new.website == "https://www.brookgreen.example.sch.uk"
    assert not Organisation.objects.filter(urn__in=["100300", "123456"]).exists()
    assert set(Organisation.objects.open_schools().values_list("urn", flat=True)) == {"100321", "148801"}
    snapshot = list(Organisation.objects.order_by("pk").values())

    again = schools_import_gias(upload=renamed_and_closed_file())
    assert again.changes == []
    assert again.unchanged == 3
    assert list(Organisation.objects.order_by("pk").values()) == snapshot


def test_a_blank_gias_cell_keeps_what_the_register_holds_and_unknown_wards_are_reported_not_created(borough):
    plan = schools_import_gias(
        upload=gias_file([gias_row("100321", "Brook Green Primary School", ward="North End", website="")])
    )
    school = Organisation.objects.get(urn="100321")
    assert school.website == "https://www.brookgreen.example.sch.uk"
    assert school.ward.name == "Brook Green"
    assert plan.changes == []
    assert any("Ward 'North End' (row 2) is not in the register" in warning for warning in plan.warnings)
    assert not Organisation.objects.filter(ward__name="North End").exists()


@pytest.mark.parametrize(
    "type_name, phase_name, phase",
    [
        ("Community school", "Primary", SchoolPhase.PRIMARY),
        ("Academy converter", "Middle deemed secondary", SchoolPhase.SECONDARY),
        ("Free schools", "All-through", SchoolPhase.ALL_THROUGH),
        ("Local authority nursery school", "Nursery", SchoolPhase.NURSERY),
        ("Community special school", "Not applicable", SchoolPhase.SPECIAL),
        ("Pupil referral unit", "Not applicable", SchoolPhase.PRU),
        ("Academy alternative provision converter", "Secondary", SchoolPhase.PRU),
        ("Sixth form centres", "16 plus", SchoolPhase.POST_16),
        ("Further education", "Not applicable", SchoolPhase.POST_16),
        ("Other independent school", "Primary", SchoolPhase.INDEPENDENT),
        ("Children's centre", "Not applicable", None),
        ("Higher education institutions", "Not applicable", None),
    ],
)
def test_the_phase_follows_the_gias_type_and_phase(type_name, phase_name, phase):
    assert gias_phase(type_name, phase_name) == phase


def test_a_file_without_the_urn_column_is_refused_and_nothing_is_saved(borough):
    headings = [heading for heading in GIAS_HEADINGS if heading != "URN"]
    rows = [row[1:] for row in (gias_row("100321", "Renamed School"), gias_row("148801", "New School"))]
    with pytest.raises(ImportInvalid) as refused:
        schools_import_gias(upload=gias_file(rows, headings=headings))
    assert refused.value.problems == [MISSING_COLUMNS.format(missing="URN")]
    assert Organisation.objects.get(urn="100321").name == "Brook Green Primary School"
    assert not Organisation.objects.filter(urn="148801").exists()


def test_a_bad_urn_is_named_by_row_and_nothing_is_saved_not_even_the_good_rows(borough):
    rows = [
        gias_row("100321", "Renamed School"),
        gias_row("148801", "New School"),
        gias_row("12AB", "Typo School"),
        gias_row("100321", "Twice School"),
        gias_row("148802", "Odd Status School", status="Sort of open"),
    ]
    with pytest.raises(ImportInvalid) as refused:
        schools_import_gias(upload=gias_file(rows))
    problems = refused.value.problems
    assert "Row 4, column 'URN': '12AB' is not a URN. A URN is 6 digits, e.g. 100321." in problems
    assert "Row 5, column 'URN': 100321 is also on row 2. Each school should be in the file once." in problems
    assert any(problem.startswith("Row 6, column 'EstablishmentStatus (name)'") for problem in problems)
    assert Organisation.objects.get(urn="100321").name == "Brook Green Primary School"
    assert not Organisation.objects.filter(urn="148801").exists()


def test_a_file_that_is_not_a_gias_csv_is_refused_clearly(borough):
    with pytest.raises(ImportInvalid) as refused:
        schools_import_gias(upload=ContentFile(b"PK\x03\x04junk", name="schools.xlsx"))
    assert "A GIAS download is a CSV file" in refused.value.problems[0]
    with pytest.raises(ImportInvalid) as empty:
        schools_import_gias(upload=ContentFile(b"", name="gias.csv"))
    assert "The file is empty" in empty.value.problems[0]


def test_a_confirmed_preview_is_refused_if_the_register_changed_meanwhile(borough):
    preview = schools_import_gias(upload=renamed_and_closed_file(), dry_run=True)
    Organisation.objects.filter(urn="100321").update(name="Renamed by hand meanwhile")
    with pytest.raises(ImportOutdated):
        schools_import_gias(upload=renamed_and_closed_file(), expected_digest=preview.digest)
    assert not Organisation.objects.filter(urn="148801").exists()


def test_import_schools_command_dry_run_and_real_run(borough, tmp_path):
    path = tmp_path / "gias.csv"
    path.write_bytes(renamed_and_closed_file().read())
    out = io.StringIO()
    call_command("import_schools", str(path), "--dry-run", stdout=out)
    assert "1 new, 2 changed (1 renamed, 1 closed, 0 reopened)" in out.getvalue()
    assert not Organisation.objects.filter(urn="148801").exists()
    call_command("import_schools", str(path), stdout=io.StringIO())
    assert Organisation.objects.filter(urn="148801").exists()


def test_import_schools_command_fails_naming_the_problems(borough, tmp_path):
    path = tmp_path / "gias.csv"
    path.write_bytes(gias_file([gias_row("1234567", "Too Long URN School")]).read())
    with pytest.raises(CommandError) as failed:
        call_command("import_schools", str(path))
    assert "Row 2, column 'URN': '1234567' is not a URN" in str(failed.value)


def test_the_sample_gias_file_shipped_for_trying_the_import_is_windows_1252_and_imports(tmp_path):
    from crm import demo

    demo.seed()
    out = io.StringIO()
    call_command("import_schools", "crm/samples/gias-sample.csv", "--dry-run", stdout=out)
    report = out.getvalue()
    assert "1 new, 2 changed (1 renamed, 1 closed, 0 reopened)" in report
    assert "St Étienne’s Catholic Primary School" in report


# --- The generic organisations import -----------------------------------------------------------


def organisations_csv(lines: list[str], name="organisations.csv") -> ContentFile:
    return ContentFile(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"), name=name)


def test_organisations_are_imported_with_headings_in_any_order_and_case():
    WardFactory(name="Grove")
    plan = organisations_import(
        upload=organisations_csv(
            [
                "Postcode,NAME,Type,Ward,URN,Website,Email",
                "W6 0NB,Grove Methodist Church,Faith organisation,grove,,www.grovemethodist.example.org,Office@Grove.example.org",
                "W6 0LB,St Augustine's Catholic High School,school,Grove,100376,,",
            ]
        )
    )
    assert len(plan.new) == 2
    church = Organisation.objects.get(name="Grove Methodist Church")
    assert church.organisation_type == OrganisationType.FAITH
    assert church.ward.name == "Grove"
    assert church.website == "https://www.grovemethodist.example.org"
    assert church.email == "office@grove.example.org"
    assert Organisation.objects.get(urn="100376").organisation_type == OrganisationType.SCHOOL

    # Again, with a new phone number: the church is matched by name and postcode and updated, not added.
    plan = organisations_import(
        upload=organisations_csv(["name,type,postcode,phone", "Grove Methodist Church,faith,w6 0nb,020 7946 0300"])
    )
    assert [change.changes for change in plan.updated] == [{"Phone": ("", "020 7946 0300")}]
    assert Organisation.objects.filter(name="Grove Methodist Church").count() == 1


def test_organisations_import_with_bad_rows_saves_nothing_and_names_each_problem_by_row_and_column():
    WardFactory(name="Grove")
    upload = organisations_csv(
        [
            "Name,Type,Ward,URN,Email,Website",
            "Grove Neighbourhood Centre,community,Grove,,,",  # good, but not saved
            ",faith,Grove,,,",
            "Mystery Club,club,Grove,,,",
            "Avonmore Mosque,faith,Nowhere,,,",
            "Sands End School,school,Grove,,,",
            "Grove Baptist,faith,Grove,100999,,",
            "Grove Hall,community,Grove,,not-an-email,",
            "Grove Hub,community,Grove,,,not a website",
        ]
    )
    with pytest.raises(ImportInvalid) as refused:
        organisations_import(upload=upload)
    problems = refused.value.problems
    assert "Row 3, column 'Name': the name is missing." in problems
    assert any(problem.startswith("Row 4, column 'Type': 'club' is not an organisation type") for problem in problems)
    assert any(
        problem.startswith("Row 5, column 'Ward': 'Nowhere' is not one of the borough's wards") for problem in problems
    )
    assert "Row 6, column 'URN': Enter the school's 6-digit URN." in problems
    assert any(problem.startswith("Row 7, column 'URN': Only schools have a URN") for problem in problems)
    assert any(problem.startswith("Row 8, column 'Email'") for problem in problems)
    assert "Row 9, column 'Website': 'not a website' is not a website address." in problems
    assert not Organisation.objects.exists()


def test_organisations_import_dry_run_saves_nothing():
    plan = organisations_import(
        upload=organisations_csv(["name,type", "Fulham Reach Youth Club,community"]), dry_run=True
    )
    assert [change.label for change in plan.new] == ["Fulham Reach Youth Club"]
    assert not Organisation.objects.exists()


def test_organisations_import_reads_xlsx_too():
    workbook = Workbook()
    workbook.active.append(["Type", "Name"])
    workbook.active.append(["statutory", "Metropolitan Police, Fulham"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    organisations_import(upload=ContentFile(buffer.getvalue(), name="orgs.xlsx"))
    assert Organisation.objects.get().organisation_type == OrganisationType.STATUTORY


@pytest.mark.parametrize("fmt", [CSV, XLSX])
def test_the_template_reads_back_with_every_column_and_imports_once_filled(fmt):
    data = organisations_template(fmt)
    if fmt == CSV:
        headings = data.decode("utf-8-sig").splitlines()[0].split(",")
    else:
        headings = [cell.value for cell in next(load_workbook(io.BytesIO(data)).active.iter_rows())]
    assert headings == list(ORGANISATION_COLUMNS)
    filled = organisations_csv([",".join(headings), "Housing Services,council,,,,,,,,,"])
    organisations_import(upload=filled)
    assert Organisation.objects.get().name == "Housing Services"


def test_import_organisations_command_exits_non_zero_on_a_bad_row(tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(organisations_csv(["name,type", "Nameless,"]).read())
    with pytest.raises(CommandError) as failed:
        call_command("import_organisations", str(path))
    assert "Row 2, column 'type': the type is missing." in str(failed.value)
    assert not Organisation.objects.exists()
