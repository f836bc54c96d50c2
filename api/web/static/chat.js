// The chat view: the session list, the transcript, and a turn streaming in.

import { api } from "./api.js";
import { clock, h, replace, svg, withResources } from "./dom.js";
import { runTurn } from "./stream.js";

const TOOL_LABELS = {
  get_user_profile: "Profile",
  get_recent_checkins: "Check-ins",
  get_weight_trend: "Weight trend",
  get_nutrition_summary: "Nutrition summary",
  calculate_targets: "Targets",
  estimate_expenditure: "Expenditure",
  get_adherence: "Adherence",
  get_goal_progress: "Goal progress",
  get_progress_photos: "Progress photos",
  propose_plan: "Plan proposal",
};

const FIELD_LABELS = {
  calories_kcal: "Calories",
  protein_g: "Protein",
  carbs_g: "Carbs",
  fat_g: "Fat",
  fiber_g: "Fibre",
  weekly_change_kg: "Weekly change",
  duration_weeks: "Duration",
};

const NOTICE_TITLES = {
  refer: "Please reach out for support",
  block: "The coach can't help with that as asked",
  adjust: "Adjusted to stay safe",
  warn: "A note on safety",
};

const fmt = (value, digits = 0) =>
  value === null || value === undefined ? "–" : Number(value).toFixed(digits);

/** A whole number as it is, anything else to two decimals ("1500", "-1.18"). */
function plain(value) {
  if (value === null || value === undefined) return "–";
  const number = Number(value);
  const text = Number.isInteger(number) ? String(number) : number.toFixed(2);
  return text.replace("-", "−");
}

function signed(value, digits) {
  const text = Math.abs(value).toFixed(digits);
  return value < 0 ? `−${text}` : value > 0 ? `+${text}` : text;
}

function toolItem(tool, callId, started) {
  const label = TOOL_LABELS[tool] || tool;
  return h(
    "li",
    { class: "tool", "data-tool": tool, "data-call-id": callId || "", "data-status": "running" },
    h("span", { class: "tool-name" }, label, " ", h("code", {}, tool)),
    h("span", { class: "tool-status" }, "running"),
    h("span", { class: "tool-time" }, started ? `started ${clock(started)}` : ""),
  );
}

function finishTool(item, { status, cached, latency_ms: latency }) {
  item.dataset.status = status;
  item.querySelector(".tool-status").textContent = status;
  const time = item.querySelector(".tool-time");
  const parts = [time.textContent, latency !== undefined ? `${Math.round(latency)} ms` : ""];
  if (cached) parts.push("cached");
  time.textContent = parts.filter(Boolean).join(" · ");
}

/** The energy split of a plan as a small stacked bar (protein and carbs 4, fat 9 kcal/g). */
function macroBar(plan) {
  const parts = [
    ["protein", (plan.protein_g || 0) * 4],
    ["carbs", (plan.carbs_g || 0) * 4],
    ["fat", (plan.fat_g || 0) * 9],
  ];
  const total = parts.reduce((sum, [, kcal]) => sum + kcal, 0) || 1;
  let x = 0;
  const bars = parts.map(([name, kcal]) => {
    const width = (100 * kcal) / total;
    const rect = svg("rect", { class: `macro-${name}`, x, y: 0, width, height: 10 });
    x += width;
    return rect;
  });
  const summary = parts.map(([name, kcal]) => `${name} ${Math.round((100 * kcal) / total)} %`);
  return svg(
    "svg",
    { class: "macro-bar", viewBox: "0 0 100 10", preserveAspectRatio: "none", role: "img",
      "aria-label": `Energy from ${summary.join(", ")}` },
    bars,
  );
}

function planCard({ plan, adjusted, changes }) {
  const macros = [
    ["Protein", plan.protein_g, "g"],
    ["Carbs", plan.carbs_g, "g"],
    ["Fat", plan.fat_g, "g"],
    ["Fibre", plan.fiber_g, "g"],
  ];
  const weekly = plan.weekly_change_kg;
  const card = h(
    "section",
    { class: "plan-card", "aria-label": "Proposed plan", "data-adjusted": adjusted ? "true" : "false" },
    h("h3", {}, "Proposed plan"),
    h("p", { class: "plan-kcal" }, h("strong", {}, fmt(plan.calories_kcal)), " kcal a day"),
    macroBar(plan),
    h("dl", { class: "plan-macros" }, macros.map(([name, value, unit]) =>
      h("div", {}, h("dt", {}, name), h("dd", {}, `${fmt(value)} ${unit}`)))),
    h(
      "p",
      { class: "plan-pace" },
      weekly === null || weekly === undefined ? "" : `${signed(weekly, 2)} kg a week`,
      plan.duration_weeks ? ` for ${plan.duration_weeks} weeks` : "",
    ),
  );
  if (adjusted && changes && changes.length) {
    card.append(
      h(
        "div",
        { class: "plan-changes" },
        h("h4", {}, "What the safety policy changed"),
        h("ul", {}, changes.map((c) => {
          const what = c.field ? FIELD_LABELS[c.field] || c.field : "Note";
          const values = c.field ? ` ${plain(c.original)} → ${plain(c.adjusted)}` : "";
          return h("li", {}, h("strong", {}, what), values, h("span", { class: "reason" }, `: ${c.reason}`));
        })),
      ),
    );
  }
  return card;
}

function notice(data) {
  const action = data.action || "warn";
  const important = action === "refer" || action === "block";
  if (data.stage === "plan" && action === "adjust") {
    // The plan card that follows lists each change; the policy's own words stay one click away.
    return h(
      "aside",
      { class: "notice notice-adjust", "data-action": action, "data-stage": data.stage, role: "note" },
      h("h3", {}, NOTICE_TITLES.adjust),
      h("p", {}, "The safety policy changed the proposed plan; the changes are listed on it."),
      h("details", {}, h("summary", {}, "The policy's message"), h("p", {}, data.message || "")),
    );
  }
  return h(
    "aside",
    {
      class: `notice notice-${action}`,
      "data-action": action,
      "data-stage": data.stage,
      role: important ? "alert" : "note",
    },
    h("h3", {}, NOTICE_TITLES[action] || "Safety note"),
    h("p", {}, important ? withResources(data.message || "") : data.message || ""),
  );
}

/** One assistant turn, built as its events arrive, in their order. */
class TurnView {
  constructor() {
    this.node = h("article", { class: "msg assistant", "aria-busy": "true" },
      h("h3", { class: "sr-only" }, "Coach"));
    this.tools = new Map();
    this.last = null;
    this.echo = null;
    this.echoed = "";
  }

  block(kind, make) {
    if (this.last && this.last.dataset.kind === kind) return this.last;
    this.last = make();
    this.last.dataset.kind = kind;
    this.node.append(this.last);
    return this.last;
  }

  event({ event, data }) {
    if (event === "text") {
      // A refusal's reply repeats its notice word for word: the notice shows it once.
      if (this.echo !== null && this.echo.startsWith(this.echoed + data.delta)) {
        this.echoed += data.delta;
        return;
      }
      const text = this.echoed + data.delta;
      this.echo = null;
      this.echoed = "";
      this.block("text", () => h("div", { class: "text" })).append(text);
    } else if (event === "tool_call") {
      const item = toolItem(data.tool, data.call_id, new Date());
      this.tools.set(data.call_id, item);
      this.block("tools", () => h("ul", { class: "tools", "aria-label": "Tool calls" })).append(item);
    } else if (event === "tool_result") {
      const item = this.tools.get(data.call_id);
      if (item) finishTool(item, data);
    } else if (event === "plan") {
      this.last = null;
      this.node.append(planCard(data));
    } else if (event === "policy") {
      this.last = null;
      this.node.append(notice(data));
      if (data.action === "refer" || data.action === "block") {
        this.echo = data.message || "";
        this.echoed = "";
      }
    } else if (event === "error") {
      this.last = null;
      this.node.append(h("aside", { class: "notice notice-error", role: "alert" }, data.message));
    } else if (event === "usage") {
      this.usage = data;
    }
    if (event === "done" || event === "error") this.finish();
  }

  finish() {
    this.node.setAttribute("aria-busy", "false");
    if (this.usage && (this.usage.input_tokens || this.usage.output_tokens)) {
      const { input_tokens: input, output_tokens: output } = this.usage;
      this.node.append(h("p", { class: "usage" }, `${input} tokens in, ${output} out`));
    }
  }
}

function userMessage(text) {
  return h("article", { class: "msg user" }, h("h3", { class: "sr-only" }, "You"), h("div", { class: "text" }, text));
}

/** The stored history of a session, as the transcript shows it. */
function historyNodes(history) {
  const nodes = [];
  const calls = new Map();
  for (const item of history) {
    if (item.role === "user") {
      nodes.push(userMessage(item.text));
    } else if (item.role === "assistant") {
      const article = h("article", { class: "msg assistant" }, h("h3", { class: "sr-only" }, "Coach"));
      if (item.tool_calls.length) {
        const list = h("ul", { class: "tools", "aria-label": "Tool calls" });
        for (const call of item.tool_calls) {
          const li = toolItem(call.tool, call.call_id, null);
          calls.set(call.call_id, li);
          list.append(li);
        }
        article.append(list);
      }
      if (item.text) article.append(h("div", { class: "text" }, item.text));
      nodes.push(article);
    } else if (item.role === "tool") {
      const li = calls.get(item.call_id);
      if (li) finishTool(li, { status: item.status || "success" });
    }
  }
  return nodes;
}

function sessionLabel(session) {
  const when = session.started_at ? new Date(session.started_at) : null;
  const date = when ? when.toLocaleString([], { dateStyle: "medium", timeStyle: "short" }) : "New";
  return `${date} · ${session.message_count} messages · ${session.status}`;
}

/** Render the chat view into ``main``; ``sessionId`` opens that session. */
export async function showChat(main, sessionId, { onError }) {
  let current = sessionId || null;
  let busy = false;
  const list = h("ul", { class: "session-list" });
  const transcript = h("div", { class: "transcript", role: "log", "aria-label": "Conversation" });
  const turnStatus = h("p", { class: "turn-status", role: "status", "aria-live": "polite" });
  const input = h("textarea", {
    id: "message", name: "message", rows: 2, required: true, maxlength: 4000,
    autocomplete: "off", placeholder: "How am I doing this month?",
  });
  const send = h("button", { type: "submit", class: "primary" }, "Send");
  const closedHint = h("p", { class: "closed-hint", hidden: true });
  const form = h(
    "form",
    { class: "composer" },
    h("label", { for: "message" }, "Your message"),
    h("div", { class: "composer-row" }, input, send),
    closedHint,
  );

  const setOpen = (open, hint) => {
    input.disabled = !open;
    send.disabled = !open;
    closedHint.hidden = open;
    closedHint.textContent = hint || "";
  };

  async function loadSessions() {
    const page = await api("GET", "/v1/coach/sessions?limit=20");
    replace(list, page.items.map((s) =>
      h("li", {}, h("a", { href: `#/chat/${s.id}`, "aria-current": s.id === current ? "page" : null,
        "data-session-id": s.id }, sessionLabel(s)))));
    if (!page.items.length) list.append(h("li", { class: "empty" }, "No sessions yet."));
  }

  async function openSession(id) {
    const detail = await api("GET", `/v1/coach/sessions/${id}`);
    replace(transcript, historyNodes(detail.history));
    const open = detail.status === "active";
    setOpen(open, open ? "" : `This session is ${detail.status}. Start a new session to keep talking.`);
    transcript.scrollTop = transcript.scrollHeight;
  }

  async function sendMessage(text) {
    busy = true;
    setOpen(false);
    transcript.querySelector(".hint")?.remove();
    transcript.append(userMessage(text));
    const view = new TurnView();
    transcript.append(view.node);
    turnStatus.textContent = "The coach is replying…";
    let resumed = false;
    try {
      const result = await runTurn({
        message: text,
        sessionId: current,
        onEvent: (event) => {
          if (event.event === "session" && event.data.session_id !== current) {
            current = event.data.session_id;
            history.replaceState(null, "", `#/chat/${current}`);
          }
          view.event(event);
          transcript.scrollTop = transcript.scrollHeight;
        },
        onStatus: ({ state, after, attempt }) => {
          if (state === "reconnecting") {
            resumed = true;
            turnStatus.textContent = `Connection lost. Resuming after event ${after} (attempt ${attempt})…`;
          } else if (state === "resumed") {
            turnStatus.textContent = `Reconnected: the reply resumed after event ${after}.`;
          }
        },
      });
      if (!result.terminal) view.finish();
      if (!resumed) turnStatus.textContent = "";
    } catch (error) {
      view.finish();
      turnStatus.textContent = "";
      onError(error);
    } finally {
      busy = false;
      setOpen(true);
      input.focus();
      loadSessions().catch(onError);
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    sendMessage(text);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  const newSession = h("button", { type: "button", class: "primary", onclick: () => {
    location.hash = "#/chat";
  } }, "New session");

  replace(
    main,
    h(
      "div",
      { class: "chat-layout" },
      h("nav", { class: "sessions", "aria-label": "Sessions" }, h("h2", {}, "Sessions"), newSession, list),
      h("section", { class: "conversation", "aria-label": "Chat" },
        h("h2", { class: "sr-only" }, "Chat"), transcript, turnStatus, form),
    ),
  );
  setOpen(true);
  if (current) await openSession(current);
  else transcript.append(h("p", { class: "hint" }, "Ask about your weight trend, your intake, or for a plan."));
  await loadSessions();
  input.focus();
}
