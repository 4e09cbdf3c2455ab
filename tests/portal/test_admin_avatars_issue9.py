"""Issue 9, item 10: the admin fetches nothing from outside the site: no Gravatar avatars.

Wagtail's default asks gravatar.com for each person's avatar with a hash of their email,
councillors' included; every image and avatar address in the admin must be the site's own.
"""

import re
from urllib.parse import urlsplit

import pytest

from crm import roles

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/users/", "/admin/account/"]


def external_addresses(html: str) -> list[str]:
    """Image sources and avatar URLs (also inside the sidebar's JSON) that point off the site."""
    sources = re.findall(r"""<img[^>]*\ssrc=["']([^"']+)""", html)
    sources += re.findall(r'"avatarUrl":\s*"([^"]+)"', html)
    return [src for src in sources if urlsplit(src).netloc or src.startswith("//")]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_load_no_avatar_from_another_site(client, make_user, path):
    admin = make_user(roles.PREVENT_ADMIN, email="amira@lbhf.example")
    make_user(roles.ELECTED_MEMBER, email="cllr.ellis@lbhf.example")
    client.force_login(admin)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "gravatar" not in html.lower()
    assert external_addresses(html) == []
    # The people listing still shows an avatar for each person: the site's own default.
    if path == "/admin/users/":
        assert re.search(r"""<img[^>]*class="[^"]*avatar[^"]*"[^>]*src="/static/""", html) or re.search(
            r"""<img[^>]*src="/static/[^"]*avatar""", html
        )
