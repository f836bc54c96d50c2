// Small SVG charts drawn from the user's days (no chart library, nothing fetched).

import { h, svg } from "./dom.js";

const WIDTH = 640;
const HEIGHT = 220;
const PAD = { top: 16, right: 14, bottom: 30, left: 50 };

function scale(domain, range) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (value) => r0 + ((value - d0) / span) * (r1 - r0);
}

/** Round tick values covering [low, high]. */
function ticks(low, high, count = 4) {
  const raw = (high - low) / count || 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) || raw;
  const out = [];
  for (let v = Math.ceil(low / step) * step; v <= high + 1e-9; v += step) out.push(Number(v.toFixed(6)));
  return out;
}

const shortDate = (iso) => {
  const [, month, day] = iso.split("-");
  return `${Number(day)}/${Number(month)}`;
};

function frame(label, description) {
  return svg(
    "svg",
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "chart", role: "img", "aria-label": label },
    svg("title", {}, label),
    svg("desc", {}, description),
  );
}

function axes(root, days, x, y, yTicks, unit) {
  for (const value of yTicks) {
    const py = y(value);
    root.append(
      svg("line", { class: "grid", x1: PAD.left, x2: WIDTH - PAD.right, y1: py, y2: py }),
      svg("text", { class: "tick", x: PAD.left - 6, y: py + 4, "text-anchor": "end" }, `${value}${unit}`),
    );
  }
  const every = Math.max(1, Math.ceil(days.length / 5));
  days.forEach((day, i) => {
    if (i % every !== 0 && i !== days.length - 1) return;
    root.append(svg("text", { class: "tick", x: x(i), y: HEIGHT - 9, "text-anchor": "middle" }, shortDate(day.date)));
  });
}

/** Weigh-ins as dots and the trend as a line, over the window's days. */
export function weightChart(days) {
  const weights = days.filter((d) => d.weight_kg !== null).map((d) => d.weight_kg);
  const trends = days.filter((d) => d.trend_kg !== null).map((d) => d.trend_kg);
  const values = [...weights, ...trends];
  const first = trends[0];
  const last = trends[trends.length - 1];
  const label = values.length
    ? `Weight over ${days.length} days: ${weights.length} weigh-ins; trend from ${first} kg to ${last} kg`
    : `No weigh-ins in the last ${days.length} days`;
  if (!values.length) return h("p", { class: "empty-chart" }, label, ".");
  const root = frame(label, "Dots are weigh-ins; the line is the trend weight.");
  const low = Math.floor(Math.min(...values) - 0.5);
  const high = Math.ceil(Math.max(...values) + 0.5);
  const x = scale([0, days.length - 1], [PAD.left + 6, WIDTH - PAD.right - 6]);
  const y = scale([low, high], [HEIGHT - PAD.bottom, PAD.top]);
  axes(root, days, x, y, ticks(low, high), "");
  const points = days
    .map((d, i) => (d.trend_kg === null ? null : `${x(i).toFixed(1)},${y(d.trend_kg).toFixed(1)}`))
    .filter(Boolean);
  root.append(svg("polyline", { class: "trend-line", points: points.join(" ") }));
  days.forEach((d, i) => {
    if (d.weight_kg === null) return;
    root.append(
      svg("circle", { class: "weigh-in", cx: x(i), cy: y(d.weight_kg), r: 3.5 },
        svg("title", {}, `${d.date}: ${d.weight_kg} kg`)),
    );
  });
  return root;
}

/** Logged calories as bars against the daily target (a dashed line). */
export function caloriesChart(days, target) {
  const logged = days.filter((d) => d.calories !== null);
  const mean = logged.length ? Math.round(logged.reduce((s, d) => s + d.calories, 0) / logged.length) : null;
  const label = logged.length
    ? `Calories on ${logged.length} logged days, ${mean} kcal on average` +
      (target ? ` against a target of ${target} kcal` : "")
    : `No food logged in the last ${days.length} days`;
  if (!logged.length) return h("p", { class: "empty-chart" }, label, ".");
  const root = frame(label, "Bars are logged days; the dashed line is the daily target.");
  const high = Math.max(...logged.map((d) => d.calories), target || 0) * 1.1;
  const step = (WIDTH - PAD.left - PAD.right) / days.length;
  const x = (i) => PAD.left + step * (i + 0.5);
  const y = scale([0, high], [HEIGHT - PAD.bottom, PAD.top]);
  axes(root, days, x, y, ticks(0, high), "");
  days.forEach((d, i) => {
    if (d.calories === null) return;
    const over = target && d.calories > target * 1.1;
    const top = y(d.calories);
    root.append(
      svg("rect", {
        class: over ? "bar bar-over" : "bar",
        x: x(i) - step * 0.35,
        y: top,
        width: step * 0.7,
        height: HEIGHT - PAD.bottom - top,
      }, svg("title", {}, `${d.date}: ${d.calories} kcal`)),
    );
  });
  if (target) {
    const ty = y(target);
    root.append(
      svg("line", { class: "target-line", x1: PAD.left, x2: WIDTH - PAD.right, y1: ty, y2: ty }),
      svg("text", { class: "target-label", x: WIDTH - PAD.right, y: ty - 5, "text-anchor": "end" }, `target ${target}`),
    );
  }
  return root;
}

/** One square per day, shaded by the day's adherence score (empty: no check-in). */
export function adherenceStrip(days) {
  const cell = 18;
  const gap = 3;
  const scored = days.filter((d) => d.adherence_score !== null);
  const label = `Adherence score on ${scored.length} of ${days.length} days`;
  const width = days.length * (cell + gap);
  const root = svg(
    "svg",
    { viewBox: `0 0 ${width} ${cell}`, class: "strip", role: "img", "aria-label": label },
    svg("title", {}, label),
  );
  days.forEach((d, i) => {
    const score = d.adherence_score;
    const level = score === null ? "none" : score >= 0.85 ? "high" : score >= 0.6 ? "mid" : "low";
    root.append(
      svg("rect", { class: `day day-${level}`, x: i * (cell + gap), y: 0, width: cell, height: cell, rx: 3 },
        svg("title", {}, `${d.date}: ${score === null ? "no score" : `${Math.round(score * 100)} %`}`)),
    );
  });
  return root;
}

/** A horizontal meter for a rate in [0, 1]. */
export function meter(rate, label) {
  const pct = Math.round((rate || 0) * 100);
  return svg(
    "svg",
    { viewBox: "0 0 100 8", class: "meter", preserveAspectRatio: "none", role: "img", "aria-label": `${label}: ${pct} %` },
    svg("rect", { class: "meter-back", x: 0, y: 0, width: 100, height: 8, rx: 4 }),
    svg("rect", { class: "meter-fill", x: 0, y: 0, width: pct, height: 8, rx: 4 }),
  );
}
