"""Steps the browser journeys share."""

import datetime as dt
import re
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError

from tests.factories import PASSWORD, TOTP_SECRET, totp_code

# (email, 30-second period) of each code entered: a code is accepted once, so a second sign-in of
# the same person within the period takes the next period's code (the site allows one period of drift).
_ENTERED_CODES: set[tuple[str, int]] = set()


def fresh_totp_code(user, secret: str = TOTP_SECRET) -> str:
    """A code of the person's authenticator app that this run has not entered yet."""
    while True:
        now = int(time.time())
        for steps in (0, 1):
            key = (user.email, now // 30 + steps)
            if key not in _ENTERED_CODES:
                _ENTERED_CODES.add(key)
                return totp_code(secret, steps=steps)
        time.sleep(30 - now % 30)


def enter_totp_code(page, user, secret: str = TOTP_SECRET) -> None:
    """The second step of signing in: the authenticator app's code."""
    page.get_by_role("heading", name="Enter your code").wait_for()
    page.get_by_label("Code").fill(fresh_totp_code(user, secret))
    page.get_by_role("button", name="Sign in", exact=True).click()


def sign_in(page, user):
    """Sign in through the form; with the authenticator app's code when the person has one."""
    from allauth.mfa.models import Authenticator

    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        enter_totp_code(page, user)
    page.get_by_role("heading", name="My training", exact=True).wait_for()  # LOGIN_REDIRECT_URL


def session_starting(course, *, minutes: int, hours: int = 2):
    """A session of the course starting so many minutes from now (negative: in the past)."""
    from events.models import TrainingSession

    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(minutes=minutes)
    return TrainingSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + dt.timedelta(hours=hours), venue="Fulham Library", capacity=10
    )


# --- Crawling a site and scanning each page ------------------------------------


# Files, not pages: downloads the crawl never opens.
DOWNLOAD_SUFFIXES = (".ics", ".pdf", ".csv", ".xlsx", ".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp", ".zip")
# Addresses that sign out or only answer a POST.
SKIPPED_PATHS = re.compile(
    r"/logout/|/desk/(state|mark|scan)/|/checkin-code/|/register/close/|/calendar/reset/"
    # The admin's bulk actions need ids posted to them; previews show our page templates, scanned live.
    r"|^/admin/bulk/|/preview/"
)
# Sorting and paging show the same listing again.
SAME_PAGE_KEYS = {"p", "ordering"}
# Wagtail's generic screens, alike for every model: one of each kind is enough.
GENERIC_ADMIN_SCREENS = ("history", "usage")
_TOKEN = re.compile(r"^(?=.*\d)[A-Za-z0-9_\-:.]{16,}$|^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def url_pattern(url: str) -> str:
    """The shape of an address: numbers become N, tokens T, query values dropped.

    The crawl opens one address of each shape, so a listing of 500 sessions costs one page,
    its sorted and paged copies none, and Wagtail's history and usage screens one each.
    """
    parts = urlsplit(url)
    segments = ["N" if s.isdigit() else "T" if _TOKEN.match(s) else s for s in parts.path.split("/")]
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)} - SAME_PAGE_KEYS)
    if segments[:2] == ["", "admin"]:
        generic = [s for s in segments if s in GENERIC_ADMIN_SCREENS]
        if generic:
            return f"/admin/*/{generic[0]}/"
    return "/".join(segments) + ("?" + "&".join(keys) if keys else "")


def is_crawlable(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    if parts.path.lower().endswith(DOWNLOAD_SUFFIXES) or SKIPPED_PATHS.search(parts.path):
        return False
    return not any(key in ("export", "format") for key, _ in parse_qsl(parts.query))


@dataclass
class Violation:
    rule: str
    impact: str
    url: str
    selector: str
    help: str

    def __str__(self):
        return f"{self.rule} ({self.impact}) at {self.url}: {self.selector} -- {self.help}"


@dataclass
class Crawl:
    """What a crawl saw: the pages it opened, what axe found, pages wider than the phone."""

    who: str
    pages: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    overflowing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    patterns: set[str] = field(default_factory=set)
    seconds: float = 0.0


def axe_scan(page, url: str, impacts=("serious", "critical")) -> list[Violation]:
    """Run axe-core in the page; one Violation per element it flags at the given impacts."""
    from tests.conftest import inject_axe

    inject_axe(page)
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        Violation(v["id"], v["impact"], url, " ".join(map(str, node["target"])), v["help"])
        for v in results["violations"]
        if v["impact"] in impacts
        for node in v["nodes"]
    ]


_WIDEST = """width => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > width && !e.querySelector('*'))
    .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).trim().replace(/ +/g, '.') : '')
              + ' ends at ' + Math.round(e.getBoundingClientRect().right) + 'px')
    .slice(0, 3)"""


def sideways_scroll(page, width: int = 360) -> str:
    """Empty when the page fits the phone's width; else how wide it is and what sticks out."""
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if scroll_width <= width:
        return ""
    return f"{scroll_width}px wide; sticking out: {', '.join(page.evaluate(_WIDEST, width)) or '?'}"


def crawl(page, origin: str, start_paths, *, who: str, seen=(), max_pages: int = 150, phone_width: int = 360) -> Crawl:
    """Open every same-origin page reachable from the start paths, one per url_pattern; axe each.

    ``seen`` holds patterns another crawl already scanned, left out here unless a start path.
    Pages outside the admin are also checked for sideways scrolling at the phone's width.
    """
    result = Crawl(who=who)
    started = time.monotonic()
    queue = [urljoin(origin + "/", path) for path in start_paths]
    seen = result.patterns = set(seen) - {url_pattern(url) for url in queue}
    while queue and len(result.pages) < max_pages:
        url = queue.pop(0)
        pattern = url_pattern(url)
        if pattern in seen:
            continue
        seen.add(pattern)
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" in error.message:
                continue  # a file served without a file's suffix (a calendar feed)
            raise
        status = response.status if response else 0
        if status >= 400 and status != 403:
            result.errors.append(f"{status} at {url}")
        if not (response and "text/html" in (response.headers.get("content-type") or "")):
            continue
        landed = urlsplit(page.url)
        if url_pattern(page.url) != pattern:
            if url_pattern(page.url) in seen:
                continue  # redirected to a page already scanned
            seen.add(url_pattern(page.url))
        path = urlunsplit(("", "", landed.path, landed.query, ""))
        result.pages.append(path)
        result.violations += axe_scan(page, path)
        if not landed.path.startswith("/admin/"):
            problem = sideways_scroll(page, phone_width)
            if problem:
                result.overflowing.append(f"{path}: {problem}")
        links = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href.split('#')[0])")
        queue += [link for link in dict.fromkeys(links) if is_crawlable(link, origin)]
    left = {url_pattern(url) for url in queue} - seen
    if left:
        result.errors.append(f"stopped after {max_pages} pages with {len(left)} kinds of page left")
    result.seconds = time.monotonic() - started
    return result


def crawl_report(crawls, allowed=lambda violation: False) -> list[str]:
    """One line per problem found by the crawls, grouped so a footer flaw on every page reads as one line."""
    grouped: dict[tuple, list[str]] = {}
    for result in crawls:
        for violation in result.violations:
            if not allowed(violation):
                key = (violation.rule, violation.impact, violation.selector, violation.help)
                grouped.setdefault(key, []).append(f"{violation.url} ({result.who})")
    lines = [
        f"{rule} ({impact}): {selector} -- {help_text}\n    at {', '.join(where[:3])}"
        + (f" and {len(where) - 3} more" if len(where) > 3 else "")
        for (rule, impact, selector, help_text), where in grouped.items()
    ]
    for result in crawls:
        lines += [f"scrolls sideways at 360px ({result.who}): {problem}" for problem in result.overflowing]
        lines += [f"{error} ({result.who})" for error in result.errors]
    return lines
