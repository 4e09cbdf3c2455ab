from django.db import migrations

ROLE_NAMES = (
    "Prevent team admin",
    "Outreach officer",
    "Trainer",
    "Learner",
    "Elected Member",
    "Faith Forum member",
    "PAG member",
)


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth.Group")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth.Group").objects.filter(name__in=ROLE_NAMES).delete()


def create_home_page(apps, schema_editor):
    """Replace Wagtail's placeholder page with the portal's home page."""
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("portal.HomePage")

    page_type = ContentType.objects.get(model="page", app_label="wagtailcore")
    Page.objects.filter(content_type=page_type, slug="home", depth=2).delete()
    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="portal")
    home = HomePage.objects.create(
        title="Prevent training and engagement",
        draft_title="Prevent training and engagement",
        slug="home",
        content_type=home_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=Locale.objects.order_by("pk").first(),
        introduction="Book Prevent awareness training and find out how the council works with communities.",
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "root_page": home, "site_name": "Prevent training"},
    )


def remove_home_page(apps, schema_editor):
    apps.get_model("portal.HomePage").objects.filter(slug="home", depth=2).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0002_pages_and_settings"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(create_home_page, remove_home_page),
    ]
