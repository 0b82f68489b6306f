"""`POST /carriers/<code>/events`: tracking pushed by carriers and aggregators.

Answers 200 with what was stored, 400 for an unreadable push, 401 for a bad signature and
404 for an unknown carrier, each with `{"error": {"code", "message"}}`; never a 500 for
anything a sender can put in a request.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from services.logistics import pushes


async def carrier_events(request: Request) -> JSONResponse:
    try:
        result = await pushes.receive(
            code=str(request.path_params["code"]),
            body=await request.body(),
            headers=request.headers,
        )
    except pushes.PushRefused as refused:
        return JSONResponse(
            {"error": {"code": refused.code, "message": refused.message}},
            status_code=refused.status,
        )
    return JSONResponse(
        {
            "received": result.received,
            "stored": result.stored,
            "duplicates": result.duplicates,
            "unmatched": result.unmatched,
            "moved": result.moved,
        }
    )
