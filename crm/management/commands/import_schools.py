from crm.imports import schools_import_gias

from ._importing import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the borough's schools from a Get Information about Schools (GIAS) CSV download, matched by URN: "
        "new schools are added, renamed and closed ones updated. Nothing is saved if any row is bad; "
        "--dry-run says what would change, school by school."
    )
    service = schools_import_gias
