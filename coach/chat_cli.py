"""``coach chat``: a terminal client that logs in and streams a conversation with the coach.

It talks to a running ``coach serve`` over HTTP only (``/v1/auth/login``, then
``POST /v1/coach/chat`` read as Server-Sent Events), and renders the turn with rich: reply
text as it arrives, each tool call and result, policy decisions and plans. ``--json``
prints the raw events instead, one JSON object per line; ``--message`` sends one message
and exits (for scripts), with exit status 1 when the turn ends in an error.

Without ``--email``/``--password`` (or ``COACH_EMAIL``/``COACH_PASSWORD``) the demo
account that ``coach serve`` seeded on this machine is used.

The refresh token of each (server, email) is kept in ``<data dir>/chat-tokens.json``
(mode 0600) and used on the next run instead of the password, so repeated runs do not
log in again (logins are rate-limited). A session that a ``--message`` run started is
completed when the turn ends (``--keep-session`` leaves it active, to continue it with
``--session``); so is one the interactive client started, when it leaves it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from httpx_sse import connect_sse
from rich.console import Console
from rich.markup import escape

__all__ = ["ChatClient", "ChatError", "EventRenderer", "TokenStore", "chat"]

#: File in the data directory that keeps the refresh tokens, by server and email.
TOKENS_FILE = "chat-tokens.json"

_HELP = "commands: /new (new session), /session (show id), /quit; Ctrl-C stops a reply"


class ChatError(Exception):
    """The server refused a request (its problem+json detail, and hint when given)."""

    def __init__(self, status: int, detail: str, hint: str | None = None) -> None:
        super().__init__(f"{status}: {detail}" + (f" ({hint})" if hint else ""))
        self.status = status
        self.detail = detail
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Event:
    """One event of a turn."""

    event: str
    id: int | None
    data: dict[str, Any]


def _problem(response: httpx.Response) -> ChatError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    detail = str(body.get("detail") or response.reason_phrase or "request failed")
    hint = body.get("hint")
    return ChatError(response.status_code, detail, str(hint) if hint else None)


class TokenStore:
    """Refresh tokens by server URL and email, in one JSON file only its owner can read."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _read(self) -> dict[str, str]:
        try:
            stored = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(stored, dict):
            return {}
        return {k: v for k, v in stored.items() if isinstance(v, str)}

    @staticmethod
    def _key(url: str, email: str) -> str:
        return f"{url.rstrip('/')} {email.strip().lower()}"

    def get(self, url: str, email: str) -> str | None:
        """The stored refresh token, if any."""
        return self._read().get(self._key(url, email))

    def put(self, url: str, email: str, token: str | None) -> None:
        """Store ``token`` (``None`` forgets it)."""
        from persistence.files import write_private

        tokens = self._read()
        if token is None:
            tokens.pop(self._key(url, email), None)
        else:
            tokens[self._key(url, email)] = token
        write_private(self.path, json.dumps(tokens, indent=1))


class ChatClient:
    """Signs in (refresh token first, then password) and streams turns; signs in again once
    when the access token expires."""

    def __init__(
        self,
        url: str,
        email: str,
        password: str | None,
        *,
        store: TokenStore | None = None,
        timeout: float = 120.0,
    ) -> None:
        self._url = url
        self._email = email
        self.password = password
        self._store = store
        self._token: str | None = None
        # No read timeout on streams beyond this: the server sends a heartbeat every 15 s.
        self._http = httpx.Client(base_url=url.rstrip("/"), timeout=httpx.Timeout(timeout))

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _accept(self, response: httpx.Response) -> None:
        body = response.json()
        self._token = str(body["access_token"])
        if self._store is not None:
            self._store.put(self._url, self._email, str(body["refresh_token"]))

    def refresh(self) -> bool:
        """Exchange the stored refresh token for a new pair; False when there is none or
        the server refuses it (the stored one is then forgotten)."""
        stored = self._store.get(self._url, self._email) if self._store is not None else None
        if stored is None:
            return False
        response = self._http.post("/v1/auth/refresh", json={"refresh_token": stored})
        if response.status_code != 200:
            if response.status_code in (401, 403, 422) and self._store is not None:
                self._store.put(self._url, self._email, None)
            return False
        self._accept(response)
        return True

    def login(self) -> None:
        """Sign in: the stored refresh token when it still works, else the password."""
        if self.refresh():
            return
        if self.password is None:
            raise ChatError(401, "no stored sign-in for this account; a password is needed")
        response = self._http.post(
            "/v1/auth/login", json={"email": self._email, "password": self.password}
        )
        if response.status_code != 200:
            raise _problem(response)
        self._accept(response)

    def complete_session(self, session_id: str) -> None:
        """Mark a session completed (failures are ignored: it expires on its own)."""
        try:
            self._http.post(
                f"/v1/coach/sessions/{session_id}/complete",
                headers={"Authorization": f"Bearer {self._token}"},
            )
        except httpx.HTTPError:
            pass

    def _headers(self) -> dict[str, str]:
        if self._token is None:
            self.login()
        return {"Authorization": f"Bearer {self._token}", "Accept": "text/event-stream"}

    def stream_turn(self, message: str, session_id: str | None) -> Iterator[Event]:
        """Send ``message`` and yield the turn's events as they arrive."""
        body: dict[str, Any] = {"message": message}
        if session_id:
            body["session_id"] = session_id
        for attempt in (1, 2):
            with connect_sse(
                self._http, "POST", "/v1/coach/chat", json=body, headers=self._headers()
            ) as source:
                response = source.response
                if response.status_code == 401 and attempt == 1:
                    self._token = None  # expired: log in again and retry once
                    continue
                if response.status_code != 200:
                    response.read()
                    raise _problem(response)
                for sse in source.iter_sse():
                    data = json.loads(sse.data) if sse.data else {}
                    yield Event(
                        event=sse.event,
                        id=int(sse.id) if sse.id and sse.id.isdigit() else None,
                        data=data if isinstance(data, dict) else {"value": data},
                    )
                return


class EventRenderer:
    """Renders a turn's events on a rich console."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._in_text = False

    def _line(self, markup: str) -> None:
        if self._in_text:
            self.console.print()
            self._in_text = False
        self.console.print(markup, highlight=False)

    def render(self, event: Event) -> None:
        """Print one event."""
        d = event.data
        kind = event.event
        if kind == "text":
            # soft_wrap: the terminal wraps the streamed text; rich cannot, chunk by chunk.
            self.console.print(
                str(d.get("delta", "")), end="", markup=False, highlight=False, soft_wrap=True
            )
            self._in_text = True
        elif kind == "tool_call":
            args = escape(str(d.get("args_summary") or ""))
            self._line(f"[cyan]→ {escape(str(d.get('tool')))}[/cyan][dim]({args})[/dim]")
        elif kind == "tool_result":
            ok = d.get("status") == "success"
            mark = "[green]✓[/green]" if ok else f"[red]✗ {escape(str(d.get('status')))}[/red]"
            cached = " cached" if d.get("cached") else ""
            tool = escape(str(d.get("tool")))
            latency = d.get("latency_ms")
            took = f" {latency:.0f} ms" if isinstance(latency, int | float) else ""
            self._line(f"  {mark} [dim]{tool}{took}{cached}[/dim]")
        elif kind == "policy":
            # The policy's message also arrives as reply text: the line names the decision.
            colour = "red" if d.get("action") in ("block", "refer") else "yellow"
            self._line(
                f"[{colour}]⚠ policy {escape(str(d.get('stage')))}/{escape(str(d.get('type')))}: "
                f"{escape(str(d.get('action')))} ({escape(str(d.get('severity')))})[/{colour}]"
            )
        elif kind == "plan":
            self._render_plan(d)
        elif kind == "done":
            self._line(
                f"[dim]· {d.get('message_count')} messages, {d.get('tokens_used')} tokens[/dim]"
            )
        elif kind == "error":
            self._line(
                f"[red]error {escape(str(d.get('code')))}:[/red] {escape(str(d.get('message')))}"
            )

    def _render_plan(self, d: dict[str, Any]) -> None:
        plan = d.get("plan")
        adjusted = " (adjusted by policy)" if d.get("adjusted") else ""
        self._line(f"[magenta]plan{adjusted}[/magenta]")
        if isinstance(plan, dict):
            for key, value in plan.items():
                if isinstance(value, (str, int, float)):
                    self.console.print(f"  [dim]{escape(str(key))}:[/dim] {escape(str(value))}")
        for change in d.get("changes") or []:
            self.console.print(f"  [yellow]changed:[/yellow] {escape(_describe_change(change))}")


def _describe_change(change: Any) -> str:
    """``fat_g 25 -> 41.7 (reason)`` for a plan change; anything else as text."""
    if not isinstance(change, dict) or "field" not in change:
        return str(change)

    def show(value: Any) -> str:
        return f"{value:.4g}" if isinstance(value, float) else str(value)

    text = f"{change['field']} {show(change.get('original'))} -> {show(change.get('adjusted'))}"
    reason = change.get("reason")
    return f"{text} ({reason})" if reason else text


def _run_turn(
    client: ChatClient,
    message: str,
    session_id: str | None,
    *,
    renderer: EventRenderer | None,
) -> tuple[str | None, bool]:
    """Stream one turn; returns the session id and whether it ended without error."""
    ok = False
    for event in client.stream_turn(message, session_id):
        if renderer is None:
            typer.echo(json.dumps({"event": event.event, "id": event.id, "data": event.data}))
        else:
            renderer.render(event)
        if event.event == "session":
            session_id = str(event.data.get("session_id") or session_id)
        elif event.event == "done":
            ok = True
        elif event.event == "error":
            ok = False
    return session_id, ok


def _data_dir() -> Path:
    from persistence.settings import DatabaseSettings

    return DatabaseSettings().coach_data_dir.expanduser()


def _default_credentials(data_dir: Path) -> tuple[str | None, str | None]:
    from coach.demo import credentials_path

    try:
        stored = json.loads(credentials_path(data_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None, None
    if not isinstance(stored, dict):
        return None, None
    return stored.get("email"), stored.get("password")


def _repl(client: ChatClient, session_id: str | None, renderer: EventRenderer | None) -> None:
    console = Console()
    console.print(f"[dim]{_HELP}[/dim]")
    # A session given with --session was continued on purpose: it is left active.
    _repl_loop(client, session_id, renderer, console, given=session_id)


def _leave(client: ChatClient, session_id: str | None, given: str | None) -> None:
    """Complete a session this client started, as it moves on from it."""
    if session_id is not None and session_id != given:
        client.complete_session(session_id)


def _repl_loop(
    client: ChatClient,
    session_id: str | None,
    renderer: EventRenderer | None,
    console: Console,
    *,
    given: str | None,
) -> None:
    while True:
        try:
            line = console.input("[bold]you>[/bold] ").strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            _leave(client, session_id, given)
            return
        if not line:
            continue
        if line in ("/quit", "/exit"):
            _leave(client, session_id, given)
            return
        if line == "/new":
            _leave(client, session_id, given)
            session_id = None
            console.print("[dim]the next message starts a new session[/dim]")
            continue
        if line == "/session":
            console.print(session_id or "[dim]no session yet[/dim]")
            continue
        if line in ("/help", "/?"):
            console.print(f"[dim]{_HELP}[/dim]")
            continue
        try:
            session_id, _ = _run_turn(client, line, session_id, renderer=renderer)
            console.print()
        except KeyboardInterrupt:
            console.print("\n[dim]stopped[/dim]")
        except ChatError as exc:
            console.print(f"\n[red]{escape(str(exc))}[/red]")
            if exc.status == 409 and exc.hint:
                session_id = None
        except httpx.HTTPError as exc:
            console.print(f"\n[red]connection problem:[/red] {escape(str(exc))}")


def chat(
    url: Annotated[
        str, typer.Option(envvar="COACH_URL", help="server base URL")
    ] = "http://127.0.0.1:8000",
    email: Annotated[str | None, typer.Option(envvar="COACH_EMAIL", help="account email")] = None,
    password: Annotated[
        str | None, typer.Option(envvar="COACH_PASSWORD", help="account password")
    ] = None,
    session: Annotated[str | None, typer.Option("--session", help="continue a session")] = None,
    message: Annotated[
        str | None, typer.Option("--message", "-m", help="send one message and exit")
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="print raw events as JSON lines")
    ] = False,
    keep_session: Annotated[
        bool,
        typer.Option(
            "--keep-session", help="with -m: leave a new session active (to continue it later)"
        ),
    ] = False,
) -> None:
    """Chat with the coach on a running server (streams replies, tool calls and policies)."""
    err = Console(stderr=True)
    data_dir = _data_dir()
    if email is None or password is None:
        demo_email, demo_password = _default_credentials(data_dir)
        email = email or demo_email
        password = password or (demo_password if email == demo_email else None)
    if email is None:
        if message is not None:
            err.print("[red]error:[/red] --email is required (no demo account found)")
            raise typer.Exit(2)
        email = typer.prompt("email")

    client = ChatClient(url, email, password, store=TokenStore(data_dir / TOKENS_FILE))
    renderer = None if json_output else EventRenderer(Console(highlight=False))
    try:
        if not client.refresh():
            if password is None:
                if message is not None:
                    err.print("[red]error:[/red] --password is required (no stored sign-in)")
                    raise typer.Exit(2)
                client.password = typer.prompt("password", hide_input=True)
            client.login()
        if message is not None:
            session_id, ok = _run_turn(client, message, session, renderer=renderer)
            if renderer is not None:
                renderer.console.print()
            if not keep_session:
                _leave(client, session_id, session)
            raise typer.Exit(0 if ok else 1)
        if not json_output:
            err.print(f"[dim]logged in as {escape(email)} on {escape(url)}[/dim]")
        _repl(client, session, renderer)
    except ChatError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    except httpx.HTTPError as exc:
        err.print(f"[red]cannot reach {escape(url)}:[/red] {escape(str(exc))}")
        raise typer.Exit(1) from exc
    finally:
        client.close()
