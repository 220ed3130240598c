"""The customer's member acting in this request or job, named in the audit log (issue 18).

Set once per HTTP request by the role guard; the audit log adapter reads it.
"""

from __future__ import annotations

from contextvars import ContextVar

acting_member: ContextVar[str | None] = ContextVar("acting_member", default=None)
