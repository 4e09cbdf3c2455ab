"""Public and trainer-facing views. Thin: parse input, call one service, render.

booking: the course page's Book button, My training, calendar feeds, certificates.
tickets: tickets and their QR codes, the session QR code's self check-in and walk-ins.
checkin: the trainer's sessions, check-in desk and session poster.
registers: printed and exported registers, paper register upload, closing the register.
requirements: mandatory training - sending in an external certificate and reading it back.
"""

from .booking import *  # noqa: F401,F403
from .checkin import *  # noqa: F401,F403
from .registers import *  # noqa: F401,F403
from .requirements import *  # noqa: F401,F403
from .tickets import *  # noqa: F401,F403
