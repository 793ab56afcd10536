"""The sync service's HTTP interface (FastAPI). Laptops authenticate with their device token
(``Authorization: Bearer …``); every request acts as the token's person, whose role the services
check as they would in the app. Requests are handled one at a time: the service keeps one
workspace on the team database and changes who it acts for per request.

  POST /v1/enrol  {username, password, device}   → {device_id, device, token, username, role, name}
  POST /v1/push   {changes: [...]}               → {results: [{id, status, message}]}
  POST /v1/pull   {cursor, limit, have}          → {cases, cursor, more, people?, conflicts?, visible?}
  POST /v1/cases  {refs: [...]}                  → {cases}
  GET  /v1/health                                → {ok}
"""

import logging
import threading
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from app.errors import DoorstepError, NotFound, PermissionDenied, StorageError, ValidationError
from app.services.accounts import SignInFailed
from app.services.sync import devices, pull, push
from app.services.workspace import Actor, Workspace

log = logging.getLogger("doorstep.server")
MAX_BODY = 64 * 1024 * 1024  # a push of 1,000 changes with long notes fits many times over


class EnrolBody(BaseModel):
    username: str = Field(max_length=80)
    password: str = Field(max_length=1000)
    device: str = Field(max_length=200)


class PushBody(BaseModel):
    changes: list[Any] = Field(max_length=push.MAX_BATCH)


class PullBody(BaseModel):
    cursor: int = Field(ge=0)
    limit: int = Field(default=500, ge=1, le=pull.MAX_PAGE)
    have: str | None = Field(default=None, max_length=64)


class CasesBody(BaseModel):
    refs: list[str] = Field(max_length=pull.MAX_PAGE)


def acting(request: Request, authorization: Annotated[str | None, Header()] = None):
    """The enrolled laptop a request comes from (its token checked), or 401/403."""
    if not authorization or not authorization.startswith("Bearer "):
        raise HTTPException(401, "This laptop is not enrolled with the team server.")
    ws, lock = request.app.state.ws, request.app.state.lock
    with lock:
        ws.signed_in = None
        ws.forget()
        try:
            return devices.act_for_token(ws, authorization.removeprefix("Bearer ").strip())
        except PermissionDenied as exc:
            raise HTTPException(403, str(exc)) from None


Device = Annotated[devices.DeviceView, Depends(acting)]


def make_app(ws: Workspace, hooks: dict[str, Any] | None = None) -> FastAPI:
    """The service over ``ws`` (the team database, opened by ``doorstep server run``).

    ``hooks`` lets the fault-injection tests act at named points of a push ("after_commit":
    called after a push committed, before it is answered)."""
    app = FastAPI(title="Doorstep sync service", docs_url=None, redoc_url=None)
    lock = threading.Lock()
    app.state.ws, app.state.lock = ws, lock
    hooks = hooks or {}
    server_device = ws.actor.device

    @app.middleware("http")
    async def _bounded(request: Request, call_next):
        """Refuse a body larger than MAX_BODY before reading it (a broken or hostile client)."""
        size = request.headers.get("content-length")
        if size is not None and (not size.isdigit() or int(size) > MAX_BODY):
            return JSONResponse({"detail": "The request is too large."}, status_code=413)
        if size is None and request.method == "POST":
            return JSONResponse({"detail": "The request must say its length."}, status_code=411)
        return await call_next(request)

    @app.exception_handler(DoorstepError)
    async def _refused(_request: Request, exc: DoorstepError) -> JSONResponse:
        if isinstance(exc, SignInFailed):
            return JSONResponse({"detail": str(exc)}, status_code=401)
        if isinstance(exc, PermissionDenied):
            return JSONResponse({"detail": str(exc)}, status_code=403)
        if isinstance(exc, NotFound | ValidationError):
            return JSONResponse({"detail": str(exc)}, status_code=422)
        if isinstance(exc, StorageError):
            return JSONResponse({"detail": str(exc)}, status_code=503)
        return JSONResponse({"detail": str(exc)}, status_code=400)

    def _as(device: devices.DeviceView) -> None:
        ws.actor = Actor(device.username, f"{device.name} ({device.id[:8]})")
        ws.signed_in = device.username
        ws.forget()

    @app.get("/v1/health")
    def health() -> dict[str, Any]:
        return {"ok": True}

    @app.post("/v1/enrol")
    def enrol(body: EnrolBody) -> dict[str, Any]:
        with lock:
            ws.actor = Actor(body.username.strip(), " ".join(body.device.split())[:120])
            ws.signed_in = None
            try:
                made = devices.enrol(ws, body.username, body.password, body.device)
            finally:
                ws.actor = Actor("sync-service", server_device)
            d = made.device
            return {
                "device_id": d.id,
                "device": d.name,
                "token": made.token,
                "username": d.username,
                "role": d.role,
                "name": d.person_name,
            }

    @app.post("/v1/push")
    def push_changes(body: PushBody, device: Device) -> dict[str, Any]:
        with lock:
            _as(device)
            results = push.apply_changes(ws, device, body.changes)
            if "after_commit" in hooks:
                hooks["after_commit"](results)
            return {"results": results}

    @app.post("/v1/pull")
    def pull_changes(body: PullBody, device: Device) -> dict[str, Any]:
        with lock:
            _as(device)
            return pull.pull(ws, body.cursor, body.limit, body.have)

    @app.post("/v1/cases")
    def whole_cases(body: CasesBody, device: Device) -> dict[str, Any]:
        with lock:
            _as(device)
            return {"cases": pull.full_cases(ws, body.refs)}

    return app


def serve(ws: Workspace, host: str = "127.0.0.1", port: int = 8750) -> None:
    """Run the service until interrupted (``doorstep server run``)."""
    import uvicorn

    uvicorn.run(make_app(ws), host=host, port=port, log_level="warning", access_log=False)
