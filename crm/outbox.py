"""The outbox: every email the site sends is stored first, then sent with retries.

``OutboxBackend`` is Django's EMAIL_BACKEND, so every ``send_mail``, ``EmailMessage.send()``
and allauth email lands here without its caller knowing: it stores each message as an
``OutboxMessage`` row and returns. ``outbox_send_due`` (``manage.py send_outbox``) sends
due rows through the real transport (``OUTBOX_TRANSPORT_BACKEND``: SMTP in production,
the console in development, locmem in tests), one row per transaction, each row locked
with ``SKIP LOCKED`` on PostgreSQL so two senders never send the same message. A failure
waits 1, 5, 15, 60 then 240 minutes before the next try; after ``OUTBOX_MAX_ATTEMPTS``
tries the row is *failed* and shows to the team in the admin (Settings → Outgoing email),
never to the person who booked or signed up.

Messages are stored in the caller's transaction: the services queue an email beside the
change it tells of, so the two commit together or not at all, and the sender (which only
sees committed rows) never sends news of a change that was rolled back.

``OUTBOX_SEND_AT_ONCE`` (tests) sends each message as soon as the storing transaction
commits, through the same code, so a transport failure there is recorded and retried, never raised.

``outbox_defer`` stores a message *to be built* by the sender (a builder's dotted path and its
arguments): what is costly to make - a ticket's QR code, a calendar file, templates - is made by
``send_outbox``, not inside the request that caused it (issue 15). With any other EMAIL_BACKEND
(Django's locmem in tests, a development console) the message is built and sent at once instead.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.mime.base import MIMEBase

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

# Minutes to wait after the 1st, 2nd, 3rd... failed try; the last figure repeats.
BACKOFF_MINUTES = (1, 5, 15, 60, 240)
DEFAULT_MAX_ATTEMPTS = 6
ERROR_LIMIT = 2000  # characters of the transport's error kept on the row
DEFAULT_LATE_MINUTES = 10  # a message due this long ago and still queued: the sender is not running
FAILED_SHOWN_DAYS = 7  # how long a message given up on keeps the dashboard's warning up


def max_attempts() -> int:
    return getattr(settings, "OUTBOX_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the given number of failed tries."""
    return dt.timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def _attachment(attachment) -> dict:
    if isinstance(attachment, MIMEBase):
        filename, content = attachment.get_filename(), attachment.get_payload(decode=True)
        mimetype = attachment.get_content_type()
    else:
        filename, content, mimetype = attachment
    if isinstance(content, str):
        content = content.encode("utf-8")
    return {
        "filename": filename or "",
        "mimetype": mimetype or "application/octet-stream",
        "content_base64": base64.b64encode(content or b"").decode("ascii"),
    }


def _rows(messages: Iterable[EmailMessage], *, now: dt.datetime) -> list[OutboxMessage]:
    """Each message as an unsaved queued row, due ``now``; its attachments keep their bytes, names and types."""
    rows = []
    for message in messages:
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
        )
        rows.append(
            OutboxMessage(
                from_email=message.from_email or settings.DEFAULT_FROM_EMAIL,
                to=list(message.to),
                cc=list(message.cc),
                bcc=list(message.bcc),
                reply_to=list(message.reply_to),
                subject=str(message.subject),
                body=str(message.body),
                html_body=str(html),
                attachments=[_attachment(attachment) for attachment in message.attachments],
                headers={str(key): str(value) for key, value in (message.extra_headers or {}).items()},
                next_attempt_at=now,
            )
        )
    return rows


def outbox_store(*, messages: Iterable[EmailMessage]) -> list[OutboxMessage]:
    """Store each message as a queued outbox row, due now; its attachments keep their bytes, names and types."""
    return OutboxMessage.objects.bulk_create(_rows(messages, now=timezone.now()))


OUTBOX_BACKEND = "crm.outbox.OutboxBackend"


def _send_at_once_on_commit(rows: Sequence[OutboxMessage]) -> None:
    if getattr(settings, "OUTBOX_SEND_AT_ONCE", False):
        # Once the change that queued them commits (at once outside a transaction): a rolled-back
        # change sends nothing, exactly as with the sender command.
        pks = [row.pk for row in rows]
        transaction.on_commit(lambda: outbox_send_due(only=pks))


def outbox_defer(*, builder: str, kwargs: dict, to: Sequence[str], subject: str) -> OutboxMessage | None:
    """Queue an email that the sender builds when it is due: ``import_string(builder)(**kwargs)`` returns the
    EmailMessage, or None when it no longer applies. ``to`` and ``subject`` are what the team sees in the
    outbox until then. ``kwargs`` must be JSON (ids, not objects).

    When the outbox is not the EMAIL_BACKEND (tests' locmem, a console), builds and sends at once instead.
    """
    if settings.EMAIL_BACKEND != OUTBOX_BACKEND:
        message = import_string(builder)(**kwargs)
        if message is not None:
            message.send()
        return None
    row = OutboxMessage.objects.create(
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        subject=str(subject)[:1000],
        builder=builder,
        builder_kwargs=kwargs,
        built=False,
        next_attempt_at=timezone.now(),
    )
    _send_at_once_on_commit([row])
    return row


# What a built message puts on its row (``_rows``): a deferred row gets them when it is built.
MESSAGE_FIELDS = ("from_email", "to", "cc", "bcc", "reply_to", "subject", "body", "html_body", "attachments", "headers")


def _build(row: OutboxMessage) -> bool:
    """Build a deferred row's message and store it on the row; False when the builder says it no longer applies."""
    message = import_string(row.builder)(**row.builder_kwargs)
    if message is None:
        return False
    [stored] = _rows([message], now=row.next_attempt_at)
    for name in MESSAGE_FIELDS:
        setattr(row, name, getattr(stored, name))
    row.built = True
    row.save(update_fields=[*MESSAGE_FIELDS, "built"])
    return True


def email_message(row: OutboxMessage) -> EmailMultiAlternatives:
    """The row as the EmailMessage it was stored from (HTML as an alternative, attachments as they were)."""
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body,
        from_email=row.from_email,
        to=row.to,
        cc=row.cc,
        bcc=row.bcc,
        reply_to=row.reply_to,
        headers=row.headers,
    )
    if row.html_body:
        message.attach_alternative(row.html_body, "text/html")
    for attachment in row.attachments:
        content = base64.b64decode(attachment["content_base64"])
        message.attach(attachment["filename"], content, attachment["mimetype"])
    return message


def transport():
    """The real way out (SMTP in production), never the outbox itself."""
    return get_connection(getattr(settings, "OUTBOX_TRANSPORT_BACKEND", None), fail_silently=False)


def _attempt(row: OutboxMessage, *, now: dt.datetime) -> bool | None:
    """One try at building (if deferred) and sending a locked row; records success, or the error and when to
    try next. True if sent, False if not, None if its builder said it no longer applies (skipped)."""
    row.attempts += 1
    try:
        if not row.built:
            with transaction.atomic():  # a builder's database error rolls back to here; the row records it below
                applies = _build(row)
            if not applies:
                row.status = OutboxStatus.SKIPPED
                row.sent_at = timezone.now()  # when it was dealt with: purged with the sent ones
                row.save(update_fields=["attempts", "status", "sent_at"])
                return None
        transport().send_messages([email_message(row)])
    except Exception as error:  # any transport failure is recorded on the row, never raised
        row.last_error = f"{type(error).__name__}: {error}"[:ERROR_LIMIT]
        if row.attempts >= max_attempts():
            row.status = OutboxStatus.FAILED
            logger.error("Outbox message %s failed after %s tries: %s", row.pk, row.attempts, row.last_error)
        else:
            row.next_attempt_at = now + backoff(row.attempts)
            logger.warning("Outbox message %s not sent (try %s): %s", row.pk, row.attempts, row.last_error)
        row.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
        return False
    row.status = OutboxStatus.SENT
    row.sent_at = timezone.now()
    row.save(update_fields=["attempts", "status", "sent_at"])
    return True


def _lock_next_due(*, now: dt.datetime, only: Sequence[int] | None) -> OutboxMessage | None:
    due = OutboxMessage.objects.filter(status=OutboxStatus.QUEUED, next_attempt_at__lte=now)
    if only is not None:
        due = due.filter(pk__in=only)
    if connection.features.has_select_for_update_skip_locked:
        due = due.select_for_update(skip_locked=True)
    return due.order_by("next_attempt_at", "pk").first()


def outbox_send_due(*, now: dt.datetime | None = None, limit: int = 500, only: Sequence[int] | None = None) -> dict:
    """Send the queued messages that are due, oldest first, at most ``limit``; returns ``{"sent": n, "not_sent": n}``.

    Each row is locked (``SKIP LOCKED`` on PostgreSQL) in its own transaction while it is
    sent, so a second sender passes over it and nothing goes twice; a failure is recorded
    on the row with its next try (``backoff``) or, after ``max_attempts()``, marks it failed.
    Nothing is raised for a failed send.
    """
    now = now or timezone.now()
    counts = {"sent": 0, "not_sent": 0}
    for _ in range(limit):
        with transaction.atomic():
            row = _lock_next_due(now=now, only=only)
            if row is None:
                break
            outcome = _attempt(row, now=now)
            if outcome is not None:
                counts["sent" if outcome else "not_sent"] += 1
    return counts


def outbox_retry(*, message: OutboxMessage) -> None:
    """Put a failed or waiting message back in the queue, due now, with a fresh run of tries (the team's "Retry now")."""
    if message.status in (OutboxStatus.SENT, OutboxStatus.SKIPPED):
        return
    OutboxMessage.objects.filter(pk=message.pk, status__in=[OutboxStatus.QUEUED, OutboxStatus.FAILED]).update(
        status=OutboxStatus.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )


def outbox_purge_sent(*, older_than: dt.timedelta) -> int:
    """Delete sent (and skipped) messages older than ``older_than``: their bodies hold names and one-time links."""
    deleted, _ = OutboxMessage.objects.filter(
        status__in=[OutboxStatus.SENT, OutboxStatus.SKIPPED], sent_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


def late_after() -> dt.timedelta:
    """How long past due a queued message may wait before the outbox counts as late (``OUTBOX_LATE_MINUTES``).

    The sender runs every minute (cron) or every few seconds (``send_outbox --every``), so a due
    message still queued ten minutes on means no sender is running, or it cannot keep up.
    """
    return dt.timedelta(minutes=getattr(settings, "OUTBOX_LATE_MINUTES", DEFAULT_LATE_MINUTES))


@dataclass(frozen=True)
class OutboxHealth:
    """What the team should know about the outbox: emails that should have gone and have not."""

    late: int  # queued, due more than late_after() ago: the sender is not running
    oldest_due: dt.datetime | None  # when the longest-waiting of those was due
    retrying: int  # queued again after a failed try: the mail server refused or did not answer
    failed: int  # given up on after every try, in the last FAILED_SHOWN_DAYS days
    late_after: dt.timedelta

    @property
    def ok(self) -> bool:
        return not (self.late or self.retrying or self.failed)


def _late(now: dt.datetime) -> Q:
    return Q(status=OutboxStatus.QUEUED, next_attempt_at__lte=now - late_after())


def outbox_health(*, now: dt.datetime | None = None) -> OutboxHealth:
    """The outbox's health for the team's dashboard, in one query over the rows not yet sent."""
    now = now or timezone.now()
    late = _late(now)
    counts = OutboxMessage.objects.filter(status__in=[OutboxStatus.QUEUED, OutboxStatus.FAILED]).aggregate(
        late=Count("pk", filter=late),
        oldest_due=Min("next_attempt_at", filter=late),
        retrying=Count("pk", filter=Q(status=OutboxStatus.QUEUED, attempts__gt=0) & ~late),
        # a failed row keeps the due time of its last try, so that is when it failed
        failed=Count(
            "pk",
            filter=Q(status=OutboxStatus.FAILED, next_attempt_at__gte=now - dt.timedelta(days=FAILED_SHOWN_DAYS)),
        ),
    )
    return OutboxHealth(late_after=late_after(), **counts)


def outbox_is_late(*, now: dt.datetime | None = None) -> bool:
    """True when a queued email is more than late_after() past due (for ``/healthz``): one indexed EXISTS."""
    return OutboxMessage.objects.filter(_late(now or timezone.now())).exists()


class OutboxBackend(BaseEmailBackend):
    """Django's EMAIL_BACKEND: store each message in the outbox instead of sending it.

    Returns the number stored. With ``OUTBOX_SEND_AT_ONCE`` (tests) the stored rows are then
    sent by ``outbox_send_due`` when the transaction commits, which records a failure rather than raising.
    """

    def send_messages(self, email_messages):
        messages = list(email_messages or [])
        if not messages:
            return 0
        try:
            rows = outbox_store(messages=messages)
        except Exception:
            if not self.fail_silently:
                raise
            logger.exception("Could not store %s email(s) in the outbox", len(messages))
            return 0
        _send_at_once_on_commit(rows)
        return len(rows)
