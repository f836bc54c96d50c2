// The data view: the last 30 days of weight, calories against target, adherence.

import { api } from "./api.js";
import { adherenceStrip, caloriesChart, meter, weightChart } from "./charts.js";
import { h, replace } from "./dom.js";

const DAYS = 30;

const pct = (rate) => `${Math.round((rate || 0) * 100)} %`;
const orDash = (value, suffix = "") => (value === null || value === undefined ? "–" : `${value}${suffix}`);

function numbers(caption, headers, rows) {
  return h(
    "details",
    { class: "numbers" },
    h("summary", {}, "Show the numbers"),
    h(
      "table",
      {},
      h("caption", { class: "sr-only" }, caption),
      h("thead", {}, h("tr", {}, headers.map((name) => h("th", { scope: "col" }, name)))),
      h("tbody", {}, rows.map((cells) => h("tr", {}, cells.map((c) => h("td", {}, c))))),
    ),
  );
}

function weightPanel(progress) {
  const rate = progress.weekly_rate_kg;
  const logged = progress.days.filter((d) => d.weight_kg !== null || d.calories !== null);
  return h(
    "section",
    { class: "panel", id: "weight-panel", "aria-labelledby": "weight-title" },
    h("h2", { id: "weight-title" }, "Weight"),
    h("p", { class: "lead" }, rate === null ? "Not enough weigh-ins for a weekly rate yet." :
      `Trend ${rate < 0 ? "down" : rate > 0 ? "up" : "flat"}: ${Math.abs(rate).toFixed(2)} kg a week.`),
    weightChart(progress.days),
    h("p", { class: "legend" }, h("span", { class: "key key-dot" }), "weigh-in ",
      h("span", { class: "key key-line" }), "trend"),
    numbers("Weight by day", ["Date", "Weigh-in (kg)", "Trend (kg)"],
      logged.filter((d) => d.weight_kg !== null).map((d) => [d.date, orDash(d.weight_kg), orDash(d.trend_kg)])),
  );
}

function caloriesPanel(progress) {
  const target = progress.calorie_target;
  const logged = progress.days.filter((d) => d.calories !== null);
  const source = progress.targets_source === "user" ? "your own target" : "computed from your profile";
  return h(
    "section",
    { class: "panel", id: "calories-panel", "aria-labelledby": "calories-title" },
    h("h2", { id: "calories-title" }, "Calories"),
    h("p", { class: "lead" }, target ? `Target ${target} kcal a day (${source}).` :
      "No calorie target yet: it needs your height, birth year and a recent weigh-in."),
    caloriesChart(progress.days, target),
    numbers("Calories by day", ["Date", "Calories (kcal)"], logged.map((d) => [d.date, String(d.calories)])),
  );
}

function adherencePanel(progress) {
  const a = progress.adherence;
  const rates = [
    ["Checked in", a.checkin_rate],
    ["Weighed in", a.weigh_in_rate],
    ["Logged food", a.logging_rate],
  ];
  return h(
    "section",
    { class: "panel", id: "adherence-panel", "aria-labelledby": "adherence-title" },
    h("h2", { id: "adherence-title" }, "Adherence"),
    h("p", { class: "lead" }, `Current streak ${a.current_streak_days} days (longest ${a.longest_streak_days}).` +
      (a.mean_adherence_score === null ? "" : ` Mean adherence score ${pct(a.mean_adherence_score)}.`)),
    h("ul", { class: "rates" }, rates.map(([label, rate]) =>
      h("li", {}, h("span", { class: "rate-label" }, label), meter(rate, label), h("span", { class: "rate-value" }, pct(rate))))),
    h("h3", {}, "Adherence score by day"),
    adherenceStrip(progress.days),
    h("p", { class: "legend" }, h("span", { class: "key day-high" }), "85 % or more ",
      h("span", { class: "key day-mid" }), "60–84 % ", h("span", { class: "key day-low" }), "under 60 % ",
      h("span", { class: "key day-none" }), "no check-in"),
  );
}

/** Render the data view into ``main``. */
export async function showData(main) {
  replace(main, h("p", { class: "hint" }, "Loading your last 30 days…"));
  const progress = await api("GET", `/v1/me/progress?days=${DAYS}`);
  replace(
    main,
    h(
      "div",
      { class: "data-view" },
      h("h2", { class: "sr-only" }, "My data"),
      h("p", { class: "range" }, `${progress.start} to ${progress.end}`),
      weightPanel(progress),
      caloriesPanel(progress),
      adherencePanel(progress),
    ),
  );
}
