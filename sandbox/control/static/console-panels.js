// The console's panels: how each loads from the control API, renders, and acts (helpers and state: console.js).
"use strict";

const ROTATE_WORDS = "ROTATE SECRET";   // what the developer portal asks to type before a rotation
const REQUESTS_SHOWN = 200;

// ---- credentials ---------------------------------------------------------------------------------------------
async function loadCredentials() {
  state.credentials = await api("/credentials");
  const toast = (state.credentials.toast || {}).clients || [];
  fill($("toast-clients"), toast.map(clientCard));
  fill($("toster-keys"), ((state.credentials.toster || {}).keys || []).map((key) => h("div", {class: "card"},
    h("h4", {}, key.name || "API key"), copyField("key", key.key),
    h("ul", {class: "chips", "aria-label": "scopes"}, key.scopes.map((s) => h("li", {}, s))))));
  fill($("partner-pick"), toast.filter((c) => c.type === "PARTNER")
    .map((c) => h("option", {value: c.clientId}, `${c.name} (${c.clientId.slice(0, 6)}…)`)));
}

function clientCard(client) {
  const confirmBox = h("div", {class: "confirm", hidden: true});
  const rotate = h("button", {type: "button", class: "danger", onclick: () => {
    confirmBox.hidden = false; confirmBox.querySelector("input").focus();
  }}, "Rotate");
  const words = h("input", {"aria-label": `Type ${ROTATE_WORDS} to confirm`, autocomplete: "off"});
  const go = h("button", {type: "button", class: "danger", disabled: true, onclick: () => act(async () => {
    await api(`/clients/${encodeURIComponent(client.clientId)}/rotate-secret`, {method: "POST"});
    await loadCredentials();
  }, `Secret of ${client.name} rotated; issued tokens stay valid until they expire`)}, "Continue");
  words.addEventListener("input", () => { go.disabled = words.value !== ROTATE_WORDS; });
  confirmBox.append(h("p", {}, "Ready to rotate the client secret? The current secret stops working for new logins. ",
    `Type ${ROTATE_WORDS} to confirm.`), words, " ", go, " ",
    h("button", {type: "button", onclick: () => { confirmBox.hidden = true; words.value = ""; go.disabled = true; }},
      "Cancel"));
  return h("div", {class: "card", dataset: {client: client.clientId}},
    h("h4", {}, client.name), h("p", {class: "hint"}, `${client.type} · reaches ${client.restaurants.length} `
      + `restaurant${client.restaurants.length === 1 ? "" : "s"}`),
    copyField("name", client.name), copyField("clientId", client.clientId),
    copyField("clientSecret", client.clientSecret), h("div", {}, rotate),
    h("ul", {class: "chips", "aria-label": "scopes"}, client.scopes.map((s) => h("li", {}, s))), confirmBox);
}

// ---- restaurants ---------------------------------------------------------------------------------------------
async function loadConnections() {
  state.connections = await api("/connections/list");
  fill($("trigger-restaurant"), state.connections.restaurants.map((r) =>
    h("option", {value: r.guid}, `${r.name} (${r.locationName || r.city})`)));
  renderRestaurants();
}

function renderRestaurants() {
  if (!state.connections) { return; }
  const client = $("partner-pick").value;
  const words = $("restaurant-search").value.trim().toLowerCase();
  const connected = new Map(state.connections.connections.filter((c) => c.clientId === client)
    .map((c) => [c.restaurantGuid, c]));
  const rows = state.connections.restaurants
    .filter((r) => !words || [r.name, r.locationName, r.city, r.guid].join(" ").toLowerCase().includes(words))
    .map((r) => {
      const connection = connected.get(r.guid);
      const action = connection
        ? h("button", {type: "button", class: "danger", onclick: () => act(async () => {
          await api(`/connections/${encodeURIComponent(client)}/${r.guid}`, {method: "DELETE"});
          await loadConnections();
        }, `${r.name} disconnected (partner_removed recorded)`)}, "Disconnect")
        : h("button", {type: "button", onclick: () => act(async () => {
          await api("/connections", {method: "POST", body: {clientId: client, restaurantGuid: r.guid}});
          await loadConnections();
        }, `${r.name} connected (partner_added recorded)`)}, "Connect");
      const next = r.availability === "ONLINE" ? "OFFLINE" : "ONLINE";
      const toggle = h("button", {type: "button", class: next === "OFFLINE" ? "danger" : null,
        onclick: () => act(async () => {
          await api(`/restaurants/${r.guid}/availability`, {method: "PUT", body: {status: next}});
          await loadConnections();
        }, `${r.name} is ${next} (availability_${next.toLowerCase()} recorded)`)},
      next === "OFFLINE" ? "Take offline" : "Bring online");
      return h("tr", {dataset: {restaurant: r.guid}}, h("td", {}, r.name), h("td", {}, r.locationName),
        h("td", {}, r.city), h("td", {class: "mono"}, r.guid),
        h("td", {}, connection ? connection.isoCreatedDate.slice(0, 10) : "—"), h("td", {}, action),
        h("td", {dataset: {availability: r.availability}}, r.availability), h("td", {}, toggle));
    });
  fill($("restaurant-rows"), rows.length ? rows : [h("tr", {}, h("td", {colspan: 8}, "No restaurant matches."))]);
}

// ---- staff ---------------------------------------------------------------------------------------------------
async function loadStaff() {
  state.staff = (await api("/staff")).restaurants;
  const pick = $("staff-restaurant");
  const chosen = pick.value;
  fill(pick, state.staff.map((r) => h("option", {value: r.guid}, `${r.name} (${r.locationName || r.guid})`)));
  if (chosen) { pick.value = chosen; }
  renderStaff();
}

function renderStaff() {
  const restaurant = (state.staff || []).find((r) => r.guid === $("staff-restaurant").value);
  if (!restaurant) { return; }
  const working = restaurant.staff.filter((e) => e.clockedInSince);
  $("staff-summary").textContent = `${restaurant.staff.length} employees, ${working.length} clocked in now`;
  fill($("staff-rows"), restaurant.staff.map((e) => h("tr", {dataset: {employee: e.guid},
    class: e.archived ? "muted" : null},
    h("td", {}, `${e.chosenName || e.firstName} ${e.lastName}`), h("td", {}, e.jobs.join(", ")),
    h("td", {}, e.archived ? "archived" : "—"),
    h("td", {}, e.clockedInSince ? `${e.clockedInAs} since ${e.clockedInSince.slice(11, 16)} UTC` : "—"))));
}

// ---- webhooks ------------------------------------------------------------------------------------------------
async function loadSubscriptions() {
  const subscriptions = await api("/webhooks/subscriptions");
  fill($("subscription-rows"), subscriptions.map((s) => h("tr", {dataset: {subscription: s.guid},
    class: state.subscription === s.guid ? "selected" : null},
  h("td", {}, h("button", {type: "button", class: "link", onclick: () => showEvents(s.guid)}, s.guid)),
  h("td", {}, s.eventCategory || s.events.join(", ")), h("td", {class: "wrap mono"}, s.url), h("td", {}, s.signing),
  h("td", {}, s.status + (s.pausedUntil ? ` until ${when(s.pausedUntil)}` : "")),
  h("td", {}, s.provider === "toast" ? [
    h("button", {type: "button", onclick: () => editSubscription(s)}, "Edit"), " ",
    s.status === "active"
      ? h("button", {type: "button", onclick: () => setStatus(s, "stopped")}, "Pause")
      : h("button", {type: "button", onclick: () => setStatus(s, "active")}, "Restart")] : "via /api/webhooks"))));
}

const setStatus = (subscription, status) => act(async () => {
  await api(`/webhooks/subscriptions/${subscription.guid}`, {method: "PATCH", body: {status}});
  await loadSubscriptions();
}, `Subscription ${subscription.guid} is ${status}`);

function editSubscription(subscription) {
  const form = $("subscription-form");
  form.guid.value = subscription.guid;
  form.eventCategory.value = subscription.eventCategory;
  form.eventCategory.disabled = true;   // as on the portal: the category of a subscription cannot change
  form.url.value = subscription.url;
  form.secret.value = "";
  form.signing.value = subscription.signing;
  $("subscription-save").textContent = "Save";
  $("subscription-cancel").hidden = false;
  form.url.focus();
}

function resetSubscriptionForm() {
  const form = $("subscription-form");
  form.reset();
  form.guid.value = "";
  form.eventCategory.disabled = false;
  $("subscription-save").textContent = "Add webhook";
  $("subscription-cancel").hidden = true;
}

async function saveSubscription(event) {
  event.preventDefault();
  const form = event.target;
  const body = {url: form.url.value, signing: form.signing.value};
  if (form.secret.value) { body.secret = form.secret.value; }
  const guid = form.guid.value;
  await act(async () => {
    const saved = guid
      ? await api(`/webhooks/subscriptions/${guid}`, {method: "PATCH", body})
      : await api("/webhooks/subscriptions", {method: "POST",
        body: {...body, provider: "toast", eventCategory: form.eventCategory.value}});
    resetSubscriptionForm();
    await loadSubscriptions();
    return saved;
  }, (saved) => saved && `Subscription ${saved.guid} saved`);
}

async function showEvents(guid) {
  state.subscription = guid;
  $("events-panel").hidden = false;
  $("events-of").textContent = guid;
  $("event-detail").hidden = true;
  const found = await act(() => api(`/webhooks/events?subscription=${encodeURIComponent(guid)}`));
  for (const delivery of found || []) { state.deliveries.set(delivery.guid, delivery); }
  await loadSubscriptions();
  renderEvents();
}

function lastAnswer(delivery) {
  const last = delivery.attempts[delivery.attempts.length - 1];
  return last ? (last.statusCode || last.error || "") : "";
}

function renderEvents() {
  if (!state.subscription) { return; }
  const status = $("event-status").value;
  const rows = [...state.deliveries.values()]
    .filter((d) => d.subscription === state.subscription && (!status || d.status === status))
    .sort((a, b) => b.created - a.created)
    .map((d) => h("tr", {dataset: {delivery: d.guid}},
      h("td", {}, h("button", {type: "button", class: "link", onclick: () => showDelivery(d.guid)}, d.guid)),
      h("td", {}, when(d.created)), h("td", {}, d.eventType), h("td", {}, d.attempts.length),
      h("td", {class: "wrap"}, lastAnswer(d)), h("td", {class: d.status.split(" ")[0]}, d.status),
      h("td", {}, when(d.nextAttemptAt)),
      h("td", {}, d.replayOf ? h("button", {type: "button", class: "link", dataset: {original: d.replayOf},
        onclick: () => showDelivery(d.replayOf)}, d.replayOf.slice(0, 8) + "…") : ""),
      h("td", {}, h("button", {type: "button", dataset: {replay: d.guid}, onclick: () => act(async () => {
        const fresh = await api(`/webhooks/events/${d.guid}/replay`, {method: "POST"});
        for (const again of fresh) { state.deliveries.set(again.guid, again); }
        renderEvents();
        return fresh;
      }, (fresh) => fresh && `Replayed as ${fresh[0].guid}`)}, "Replay"))));
  fill($("event-rows"), rows.length ? rows : [h("tr", {}, h("td", {colspan: 9}, "No events yet."))]);
}

function showDelivery(guid) {
  const d = state.deliveries.get(guid);
  const box = $("event-detail");
  if (!d) { say(`Delivery ${guid} is not in the log any more`, true); return; }
  fill(box, [h("h4", {}, `Event ${d.eventType}`), h("p", {class: "mono"},
    `webhook ${d.guid} · event ${d.eventGuid} · subscription ${d.subscription || "none"} · ${d.status}`
    + (d.replayOf ? ` · replay of ${d.replayOf}` : "")),
  h("div", {class: "scroll"}, h("table", {}, h("thead", {}, h("tr", {}, ["attempt", "at", "answer", "ms", "response"]
    .map((t) => h("th", {}, t)))), h("tbody", {}, d.attempts.map((a) => h("tr", {}, h("td", {}, a.number),
    h("td", {}, when(a.at)), h("td", {class: "wrap"}, a.statusCode || a.error || ""),
    h("td", {}, a.latencyMs === null ? "" : Math.round(a.latencyMs)), h("td", {class: "wrap mono"},
      a.responseBody || "")))))), h("p", {}, "Body sent"), h("pre", {}, d.body || "")]);
  box.hidden = false;
}

// ---- requests ------------------------------------------------------------------------------------------------
function renderRequests() {
  const form = $("request-filters");
  const want = Object.fromEntries(["provider", "operationId", "status", "restaurant", "world"]
    .map((name) => [name, form[name].value.trim().toLowerCase()]));
  const rows = state.requests.filter((e) => Object.entries(want)
    .every(([name, value]) => !value || String(e[name] === null ? "" : e[name]).toLowerCase() === value))
    .slice(-REQUESTS_SHOWN).reverse()
    .map((e) => h("tr", {dataset: {request: e.id}}, h("td", {}, e.id), h("td", {}, when(e.time)),
      h("td", {}, e.method), h("td", {class: "wrap"}, h("button", {type: "button", class: "link",
        onclick: () => showRequest(e.id)}, e.path)), h("td", {}, e.status), h("td", {}, Math.round(e.latencyMs)),
      h("td", {}, e.operationId || ""), h("td", {}, e.world), h("td", {}, e.scenario || "")));
  fill($("request-rows"), rows);
  fill($("operation-names"), [...new Set(state.requests.map((e) => e.operationId).filter(Boolean))].sort()
    .map((name) => h("option", {value: name})));
}

const headerTable = (headers) => h("div", {class: "scroll"}, h("table", {}, h("tbody", {},
  Object.entries(headers || {}).map(([name, value]) => h("tr", {}, h("th", {}, name),
    h("td", {class: "wrap mono"}, value))))));

function showRequest(id) {
  const e = state.requests.find((entry) => entry.id === id);
  const rule = e.scenario && state.rules.find((r) => r.id === e.scenario);
  fill($("request-detail"), [h("h4", {}, `#${e.id} ${e.method} ${e.path} → ${e.status}`),
    h("p", {}, `${when(e.time)} · ${e.latencyMs} ms · ${e.provider} ${e.operationId || ""} · world ${e.world}`
      + ` · client ${e.client || "unknown"}`),
    h("p", {}, "Scenario that fired: ", e.scenario
      ? h("code", {}, e.scenario + (rule ? ` ${JSON.stringify(rule.match)} → ${JSON.stringify(rule.fault)}` : ""))
      : "none"),
    h("h4", {}, "Request headers"), headerTable(e.requestHeaders), h("h4", {}, "Request body"),
    h("pre", {}, e.requestBody || "(empty)"), h("h4", {}, "Response headers"), headerTable(e.responseHeaders),
    h("h4", {}, "Response body"), h("pre", {}, e.responseBody || "(empty)")]);
  $("request-detail").hidden = false;
}

// ---- scenarios -----------------------------------------------------------------------------------------------
async function loadPresets() {
  const presets = await api("/scenarios/presets");
  fill($("preset-cards"), presets.map((p) => {
    const times = h("input", {type: "number", min: 1, step: 1, size: 4, placeholder: "no limit",
      "aria-label": `times for ${p.name}`});
    return h("div", {class: "card", dataset: {preset: p.name}}, h("h4", {}, p.name, " ",
      h("small", {class: "preset-state"}, "off")), h("p", {}, p.description),
      h("p", {class: "hint"}, `${p.rules.length} rule${p.rules.length === 1 ? "" : "s"}`
        + (p.effects.length ? `; first: ${p.effects.map((e) => e.trigger).join(", ")}` : "")),
      h("div", {class: "bar"}, h("label", {}, "times ", times), h("button", {type: "button", onclick: () => act(
        async () => {
          const body = {preset: p.name};
          if (times.value) { body.times = Number(times.value); }
          const added = await api("/scenarios", {method: "POST", body});
          await refreshFeed();
          return added;
        }, (added) => added && `${p.name} on: ${added.ids.join(", ")}`)}, "Switch on")));
  }));
  renderRules();
}

function renderRules() {
  fill($("rule-rows"), state.rules.map((r) => h("tr", {dataset: {rule: r.id}}, h("td", {}, r.id),
    h("td", {}, r.preset || ""), h("td", {class: "wrap mono"}, JSON.stringify(r.match)),
    h("td", {class: "wrap mono"}, JSON.stringify(r.fault)),
    h("td", {class: "times-left"}, r.times === null ? "∞" : Math.max(r.times - r.fired, 0)), h("td", {}, r.fired),
    h("td", {}, h("button", {type: "button", onclick: () => act(async () => {
      await api(`/scenarios/${encodeURIComponent(r.id)}`, {method: "DELETE"});
      await refreshFeed();
    }, `${r.id} off`)}, "Off")))));
  for (const card of document.querySelectorAll("#preset-cards .card")) {
    const on = state.rules.filter((r) => r.preset === card.dataset.preset).length;
    card.querySelector(".preset-state").textContent = on ? `on: ${on} rule${on === 1 ? "" : "s"} active` : "off";
  }
}

async function addRule(event) {
  event.preventDefault();
  const problem = $("rule-error");
  let rule;
  try { rule = JSON.parse($("rule-text").value); }
  catch (error) { problem.textContent = `Not JSON: ${error.message}`; return; }
  try {
    const added = await api("/scenarios", {method: "POST", body: rule});
    problem.textContent = "";
    say(`Rule ${added.ids[0]} added`);
    await refreshFeed();
  } catch (error) { problem.textContent = error.message; }
}

// ---- world and clock -----------------------------------------------------------------------------------------
async function loadWorlds() {
  const worlds = await api("/worlds");
  if (!worlds.some((w) => w.name === state.world)) { useWorld("default"); return; }
  fill($("world-pick"), worlds.map((w) => h("option", {value: w.name, selected: w.name === state.world}, w.name)));
  fill($("world-rows"), worlds.map((w) => h("tr", {dataset: {world: w.name}}, h("td", {}, w.name),
    h("td", {}, w.seed), h("td", {}, w.name === state.world ? "in use" : [
      h("button", {type: "button", onclick: () => useWorld(w.name)}, "Use"), " ",
      w.name === "default" ? "" : h("button", {type: "button", class: "danger", onclick: () => act(async () => {
        await api(`/worlds/${encodeURIComponent(w.name)}`, {method: "DELETE"});
        await loadWorlds();
      }, `World ${w.name} deleted`)}, "Delete")]))));
}

function useWorld(name) {
  state.world = name;
  sessionStorage.setItem("pos-sandbox-world", name);
  if (PAGE_PATH[2]) {         // opened under a world's base URL: the address follows the picked world
    history.replaceState(null, "", `${worldBase(name)}/_sandbox/console${location.search}${location.hash}`);
  }
  state.deliveries.clear();
  state.subscription = null;
  $("events-panel").hidden = true;
  say(`Using world ${name}`);
  loadEverything();
}

async function loadSnapshots() {
  let listed = null;
  try {
    const answer = await api("/snapshots");
    listed = Array.isArray(answer) ? answer : (answer && answer.snapshots) || [];
  } catch (error) {
    if (error.status !== 404 && error.status !== 405) { throw error; }
  }
  // Without a snapshot list in the control API, show the snapshots taken from this page.
  const shown = (listed || state.snapshots).filter((s) => !s.world || s.world === state.world);
  fill($("snapshot-rows"), shown.map((s) => h("tr", {dataset: {snapshot: s.id}}, h("td", {class: "mono"}, s.id),
    h("td", {}, s.world || state.world), h("td", {}, s.takenAt || s.created || s.taken || ""),
    h("td", {}, h("button", {type: "button", onclick: () => act(async () => {
      await api(`/snapshots/${encodeURIComponent(s.id)}/restore`, {method: "POST"});
      await loadEverything();
    }, `World ${state.world} restored to ${s.id}`)}, "Restore")))));
}

function renderClock() {
  const clock = state.clock;
  $("clock").textContent = clock.now + (clock.frozen ? " (frozen)" : "");
  $("clock-now").textContent = clock.now;
  $("freeze").textContent = clock.frozen ? "Unfreeze" : "Freeze";
}

const moveClock = (change) => act(async () => {
  state.clock = await api("/clock", {method: "POST", body: change});
  renderClock();
  return state.clock;
}, (clock) => clock && `Clock: ${clock.now}${clock.frozen ? " (frozen)" : ""}`);

