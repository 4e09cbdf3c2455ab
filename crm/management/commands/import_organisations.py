from crm.imports import ORGANISATION_COLUMNS, organisations_import

from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import organisations from a CSV or XLSX file with the columns "
        + ", ".join(ORGANISATION_COLUMNS)
        + " (name and type required; headings in any order and case). Schools are matched by URN, others by "
        "name and postcode. Every row is checked first: any bad row and nothing is saved. "
        "--dry-run says what would change."
    )
    service = organisations_import
