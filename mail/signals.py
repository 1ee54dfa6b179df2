"""What became of a tracked message: sent with ``tracking="<key>"`` (:func:`mail.sending.send`), the
task :func:`mail.tasks.send_message` sends one of these signals once it is done with it.

- :data:`message_sent` ``(tracking)``: the server took the message;
- :data:`message_failed` ``(tracking, reason, bounced)``: the task gave up on it, at once (a 5xx
  answer) or after its last retry. ``bounced`` is true when the server refused the recipients with
  a permanent (5xx) code at SMTP time, a hard bounce; ``reason`` names the error and never an
  address (``"recipients refused (550)"``).

The key is opaque to ``mail/``: the app that sent the message chooses it (``"events.delivery:42"``)
and its receiver recognises its own. Receivers are connected without a sender (the sender is the
task) and called through ``send_robust``: one that raises is logged, and the message still counts
as sent (it is not sent again). A worker that dies after sending but before acknowledging the task
sends the message, and so the signal, again: receivers are best idempotent.
"""

import logging

from django.dispatch import Signal

logger = logging.getLogger(__name__)

message_sent = Signal()
message_failed = Signal()


def notify(signal: Signal, sender: object, tracking: str, **kwargs: object) -> None:
    """Send ``signal`` to every receiver; log the ones that raise instead of raising."""
    for receiver, result in signal.send_robust(sender, tracking=tracking, **kwargs):
        if isinstance(result, Exception):
            logger.error(
                "Mail signal receiver %s failed for %s",
                getattr(receiver, "__qualname__", repr(receiver)),
                tracking,
                exc_info=result,
            )
