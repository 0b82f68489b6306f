"""After-sales: returns, exchanges, repairs, complaints and inquiries as one case.

Other domains and flows use what is named here: opening a case, the conversation, staff
decisions, the return policy and preview, SLA and closing jobs.
"""

from services.aftersales.alerts import sweep as sla_sweep
from services.aftersales.cases import LineRequest, customer_reply, open_case, staff_message
from services.aftersales.closing import close_solved, offer_surveys, rate
from services.aftersales.policy import Policy, from_environment, returnable
from services.aftersales.preview import Preview, preview_return
from services.aftersales.staff import Inspection, approve, assign, close, decline, receive, resolve

__all__ = [
    "Inspection",
    "LineRequest",
    "Policy",
    "Preview",
    "approve",
    "assign",
    "close",
    "close_solved",
    "customer_reply",
    "decline",
    "from_environment",
    "offer_surveys",
    "open_case",
    "preview_return",
    "rate",
    "receive",
    "resolve",
    "returnable",
    "sla_sweep",
    "staff_message",
]
