// The QA console: state, helpers, the incremental feed and the wiring; drives only this sandbox's control API
// (no other host, no library). The panels live in console-panels.js, loaded first.
"use strict";

// The events POST /_sandbox/trigger accepts (its enum in specs/sandbox-control-v1.yaml; a test keeps them equal).
const TRIGGER_EVENTS = ["order_updated", "menus_updated", "partner_added", "partner_removed", "partner_updated",
  "in_stock", "out_of_stock", "low_quantity", "availability_offline", "availability_online", "order.created",
  "order.confirmed", "order.cooking", "order.packed", "order.dispatched", "order.delivered", "order.cancelled",
  "customer.created", "review.submitted", "loyalty.awarded"];
const FEED_EVERY_MS = 1500;

// Opened under a world's base URL (/worlds/<name>/_sandbox/console) the page starts in that world. Every call goes
// to the picked world's base URL (a sharded sandbox sends it to the world's shard) and names it in X-Sandbox-World.
const PAGE_PATH = /^(.*?)(?:\/worlds\/([^/]+))?\/_sandbox\/console\/?$/.exec(location.pathname) || ["", "", null];
const ROOT = PAGE_PATH[1];
const state = {
  world: PAGE_PATH[2] ? decodeURIComponent(PAGE_PATH[2]) : (sessionStorage.getItem("pos-sandbox-world") || "default"),
  panel: "credentials", lastRequest: 0, since: null, requests: [], deliveries: new Map(), rules: [],
  clock: null, credentials: null, connections: null, subscription: null, snapshots: [], rulesText: "",
};
const $ = (id) => document.getElementById(id);

// ---- helpers -------------------------------------------------------------------------------------------------
// With an admin token set, the page is opened as /_sandbox/console?token=... (a reload keeps it) and sends the token
// with every call; the page sends no Referer, so the address stays here.
const TOKEN = new URLSearchParams(location.search).get("token");
if (TOKEN) { document.getElementById("docs-link").search = "?" + new URLSearchParams({token: TOKEN}); }

async function api(path, {method = "GET", body} = {}) {
  const headers = {"X-Sandbox-World": state.world, ...(TOKEN ? {"X-Sandbox-Token": TOKEN} : {})};
  if (body !== undefined) { headers["Content-Type"] = "application/json"; }
  const answer = await fetch(`${worldBase(state.world)}/_sandbox${path}`, {method, headers,
    body: body === undefined ? undefined : JSON.stringify(body)});
  const text = await answer.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch (_) { data = text; }
  if (!answer.ok) {
    const error = new Error((data && data.error) || `${answer.status} ${answer.statusText}`);
    error.status = answer.status;
    throw error;
  }
  return data;
}

function worldBase(name) {
  return `${ROOT}/worlds/${encodeURIComponent(name)}`;
}

function h(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) { continue; }
    if (name.startsWith("on")) { node.addEventListener(name.slice(2), value); }
    else if (name === "dataset") { Object.assign(node.dataset, value); }
    else { node.setAttribute(name, value === true ? "" : value); }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

const when = (epoch) => epoch ? new Date(epoch * 1000).toISOString().replace(".000Z", "Z") : "";
function say(text, isError = false) {
  $("message").textContent = text;
  $("message").className = isError ? "error" : "";
}
const fill = (element, rows) => element.replaceChildren(...rows);

async function act(work, done) {
  try {
    const result = await work();
    if (done) { say(typeof done === "function" ? done(result) : done); }
    return result;
  } catch (error) {
    say(error.message, true);
    return undefined;
  }
}

async function copy(text, button) {
  try { await navigator.clipboard.writeText(text); }
  catch (_) {
    const area = h("textarea", {"aria-hidden": "true"}, text);
    document.body.append(area); area.select(); document.execCommand("copy"); area.remove();
  }
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = "Copy"; }, 1200);
}

const copyField = (label, value) => h("div", {class: "field"}, h("span", {}, label + ":"),
  h("span", {class: "mono"}, value),
  h("button", {type: "button", "aria-label": `Copy ${label}`, onclick: (e) => copy(value, e.target)}, "Copy"));

// ---- incremental feed ----------------------------------------------------------------------------------------
async function refreshFeed() {
  const query = new URLSearchParams({after: state.lastRequest});
  if (state.since !== null) { query.set("since", state.since); }
  const feed = await api(`/console/feed?${query}`);
  state.since = feed.clock.epochMillis / 1000;
  if (!state.clock || state.clock.now !== feed.clock.now || state.clock.frozen !== feed.clock.frozen) {
    state.clock = feed.clock;
    renderClock();
  }
  const rulesText = JSON.stringify(feed.scenarios);
  if (rulesText !== state.rulesText) { state.rulesText = rulesText; state.rules = feed.scenarios; renderRules(); }
  if (feed.requests.length) {
    state.lastRequest = feed.requests[feed.requests.length - 1].id;
    state.requests = state.requests.concat(feed.requests).slice(-2000);
    renderRequests();
  }
  let changed = false;
  for (const delivery of feed.deliveries) {
    const before = state.deliveries.get(delivery.guid);
    if (!before || JSON.stringify(before) !== JSON.stringify(delivery)) {
      state.deliveries.set(delivery.guid, delivery);
      changed = changed || delivery.subscription === state.subscription;
    }
  }
  if (changed) { renderEvents(); }
}

async function loadEverything() {
  state.since = null;
  await act(() => Promise.all([loadWorlds(), loadCredentials(), loadConnections(), loadStaff(), loadSubscriptions(),
    loadPresets(), loadSnapshots(), refreshFeed()]));
}

const PANEL_LOADERS = {
  credentials: loadCredentials, restaurants: loadConnections, requests: refreshFeed, scenarios: loadPresets,
  staff: loadStaff,
  webhooks: () => (state.subscription ? showEvents(state.subscription) : loadSubscriptions()),
  world: () => Promise.all([loadWorlds(), loadSnapshots()]),
};

function showPanel(name) {
  state.panel = $(name) ? name : "credentials";
  for (const section of document.querySelectorAll("main > section")) { section.hidden = section.id !== state.panel; }
  for (const button of document.querySelectorAll("nav button")) {
    if (button.dataset.panel === state.panel) { button.setAttribute("aria-current", "page"); }
    else { button.removeAttribute("aria-current"); }
  }
}

// ---- wiring --------------------------------------------------------------------------------------------------
function wire() {
  for (const button of document.querySelectorAll("nav button")) {
    button.addEventListener("click", () => { location.hash = button.dataset.panel; });
  }
  // Opening a panel reloads what the feed does not carry (someone may have changed it through the API).
  window.addEventListener("hashchange", () => { showPanel(location.hash.slice(1)); act(PANEL_LOADERS[state.panel]); });
  $("world-pick").addEventListener("change", (e) => useWorld(e.target.value));
  $("partner-pick").addEventListener("change", renderRestaurants);
  $("restaurant-search").addEventListener("input", renderRestaurants);
  $("staff-restaurant").addEventListener("change", renderStaff);
  $("subscription-form").addEventListener("submit", saveSubscription);
  $("subscription-cancel").addEventListener("click", resetSubscriptionForm);
  $("event-status").addEventListener("change", renderEvents);
  fill($("trigger-event"), TRIGGER_EVENTS.map((name) => h("option", {}, name)));
  $("trigger-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const body = {event: e.target.event.value};
    if (!body.event.includes(".")) { body.restaurant = e.target.restaurant.value; }
    act(() => api("/trigger", {method: "POST", body}), (done) => done && `${done.event} recorded: ${done.eventGuid}`);
  });
  $("request-filters").addEventListener("input", renderRequests);
  $("request-filters").addEventListener("submit", (e) => e.preventDefault());
  $("clear-journal").addEventListener("click", () => act(async () => {
    await api("/requests", {method: "DELETE"});
    state.requests = [];
    renderRequests();
  }, "Journal cleared"));
  $("all-off").addEventListener("click", () => act(async () => {
    const count = state.rules.length;
    await api("/scenarios", {method: "DELETE"});
    await refreshFeed();
    return count;
  }, (count) => `${count} rule${count === 1 ? "" : "s"} switched off`));
  $("rule-form").addEventListener("submit", addRule);
  $("freeze").addEventListener("click", () => moveClock({freeze: !state.clock.frozen}));
  for (const button of document.querySelectorAll("[data-advance]")) {
    button.addEventListener("click", () => moveClock({advance: Number(button.dataset.advance)}));
  }
  $("clock-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const form = e.target;
    moveClock(form.set.value ? {set: form.set.value.trim()} : {advance: Number(form.advance.value)});
  });
  $("world-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const body = {name: e.target.name.value};
    if (e.target.seed.value) { body.seed = Number(e.target.seed.value); }
    act(async () => { await api("/worlds", {method: "POST", body}); e.target.reset(); await loadWorlds(); },
      `World ${body.name} created`);
  });
  $("reset-world").addEventListener("click", () => act(async () => {
    await api("/reset", {method: "POST"});
    state.deliveries.clear();
    await loadEverything();
  }, `World ${state.world} reset`));
  $("take-snapshot").addEventListener("click", () => act(async () => {
    const taken = await api("/snapshots", {method: "POST"});
    state.snapshots.push({...taken, takenAt: state.clock ? state.clock.now : ""});
    await loadSnapshots();
    return taken;
  }, (taken) => taken && `Snapshot ${taken.id} of ${taken.world}`));
}

wire();
showPanel(location.hash.slice(1));
loadEverything();
setInterval(() => refreshFeed().catch((error) => say(error.message, true)), FEED_EVERY_MS);
