// The chat turn over Server-Sent Events, read with fetch (EventSource cannot send the
// Authorization header), and resumed after a dropped connection with Last-Event-ID.

import { authFetch, errorOf } from "./api.js";

const TERMINAL = new Set(["done", "error"]);
const MAX_RESUME_ATTEMPTS = 6;

/**
 * An incremental parser of the text/event-stream format (WHATWG HTML, "Server-sent
 * events"): lines end with CRLF, LF or CR; a blank line dispatches the event; lines
 * starting with ":" are comments (the server's pings); one space after the colon is
 * dropped. ``onEvent`` receives {event, id, data} with ``data`` parsed as JSON.
 */
export class SseParser {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.buffer = "";
    this.reset();
  }

  reset() {
    this.event = "";
    this.id = "";
    this.data = [];
  }

  push(text) {
    this.buffer += text;
    let match;
    const lineEnd = /\r\n|\r|\n/g;
    let start = 0;
    while ((match = lineEnd.exec(this.buffer)) !== null) {
      // A lone CR at the very end may be the first half of a CRLF: wait for more.
      if (match[0] === "\r" && match.index === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, match.index));
      start = lineEnd.lastIndex;
    }
    this.buffer = this.buffer.slice(start);
  }

  line(line) {
    if (line === "") {
      this.dispatch();
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") this.data.push(value);
    else if (field === "id" && !value.includes("\0")) this.id = value;
  }

  dispatch() {
    if (this.data.length) {
      const event = {
        event: this.event || "message",
        id: Number.parseInt(this.id, 10),
        data: JSON.parse(this.data.join("\n")),
      };
      this.onEvent(event);
    }
    this.reset();
  }
}

/**
 * Feed a response body to ``onEvent``; resolves at its end, rejects if the connection fails.
 *
 * The body is read directly and decoded here, not piped through a TextDecoderStream: a
 * pipe that sees the connection fail errors its readable side, which throws away what it
 * had received and not yet handed out, so the events that came just before a drop (all of
 * them, when they arrived in one packet) would be lost, the ``session`` event included.
 * With one pending read, every byte received is in ``onEvent``'s hands before the failure.
 */
export async function readEvents(response, onEvent) {
  const parser = new SseParser(onEvent);
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      parser.push(decoder.decode());
      return;
    }
    parser.push(decoder.decode(value, { stream: true }));
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Send ``message`` and deliver the turn's events to ``onEvent`` in order, each once.
 *
 * If the stream ends before ``done`` or ``error`` (a dropped connection, a proxy timeout),
 * the rest of the turn is read from ``GET /v1/coach/sessions/{id}/stream`` with
 * ``Last-Event-ID`` set to the last event received, a few times with backoff. Events with
 * an id already seen are skipped, so no text is shown twice. ``onStatus`` hears about
 * reconnects: {state: "reconnecting" | "resumed", after, attempt}.
 */
export async function runTurn({ message, sessionId, onEvent, onStatus }) {
  const state = { last: 0, sessionId: sessionId || null, terminal: false };
  const accept = (event) => {
    if (!Number.isFinite(event.id) || event.id <= state.last) return;
    state.last = event.id;
    if (event.event === "session") state.sessionId = event.data.session_id;
    if (TERMINAL.has(event.event)) state.terminal = true;
    onEvent(event);
  };
  const body = { message };
  if (sessionId) body.session_id = sessionId;
  const response = await authFetch("/v1/coach/chat", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw await errorOf(response);
  try {
    await readEvents(response, accept);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error; // TypeError: the network failed
  }
  let attempt = 0;
  while (!state.terminal) {
    if (!state.sessionId) throw new Error("The connection dropped before the turn started.");
    if (attempt >= MAX_RESUME_ATTEMPTS) {
      throw new Error("The connection keeps dropping; the reply is saved in the session.");
    }
    onStatus({ state: "reconnecting", after: state.last, attempt: attempt + 1 });
    if (attempt > 0) await sleep(Math.min(8000, 500 * 2 ** attempt));
    attempt += 1;
    const from = state.last;
    let resumed;
    try {
      resumed = await authFetch(`/v1/coach/sessions/${state.sessionId}/stream`, {
        headers: { Accept: "text/event-stream", "Last-Event-ID": String(state.last) },
      });
    } catch (error) {
      if (error instanceof TypeError) continue;
      throw error;
    }
    if (resumed.status === 204) break; // nothing after our last event: all was delivered
    if (!resumed.ok) throw await errorOf(resumed);
    try {
      await readEvents(resumed, accept);
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
    }
    if (state.terminal) onStatus({ state: "resumed", after: from, attempt });
  }
  return state;
}
