// PROXe dashboard: vanilla JS, no build step. Every value from the API is rendered as text, never as HTML;
// charts and icons are SVG built here, so nothing depends on a chart library or an emoji font.
"use strict";

const CHANNELS = ["web", "whatsapp", "voice", "social"];
const NAMES = { web: "Web", whatsapp: "WhatsApp", voice: "Voice", social: "Social" };
const KEY_STORAGE = "proxe.dashboardKey";
const POLL_MS = 3000;
const SVG = "http://www.w3.org/2000/svg";

const $ = (id) => document.getElementById(id);
const state = {
  key: sessionStorage.getItem(KEY_STORAGE), brand: "", filters: {}, leadsCursor: null, lead: null, messagesCursor: null,
  version: null, poller: null,
};

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (name === "text") node.textContent = value ?? "";
    else if (name === "className") node.className = value;
    else node.setAttribute(name, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}

function icon(channel) {
  return svg("svg", { class: "icon", "aria-hidden": "true", focusable: "false" }, svg("use", { href: `#icon-${channel}` }));
}

function badge(channel) {
  return el("span", { className: `badge ${channel}`, "data-channel": channel }, icon(channel), document.createTextNode(` ${NAMES[channel] ?? channel}`));
}

function when(value) {
  return value ? new Date(value).toLocaleString() : "";
}

// "Started on Web, now on WhatsApp": the seed's scenario 2 wording.
function story(lead) {
  const first = NAMES[lead.first_touchpoint] ?? lead.first_touchpoint;
  const last = NAMES[lead.last_touchpoint] ?? lead.last_touchpoint;
  if (lead.journey.length <= 1) return `Started on ${first}`;
  return lead.first_touchpoint === lead.last_touchpoint ? `Started on ${first}, now back on ${last}` : `Started on ${first}, now on ${last}`;
}

function journey(lead) {
  return lead.journey.map((c) => NAMES[c] ?? c).join(" → ");
}

class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

function url(path, params = {}) {
  const target = new URL(path, location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") target.searchParams.set(name, value);
  }
  return target;
}

async function request(path, params = {}, headers = {}) {
  const response = await fetch(url(path, params), { headers: { "X-Proxe-Dashboard-Key": state.key, ...headers } });
  if (response.status === 401) {
    signOut("That key was not accepted.");
    throw new ApiError(401, null);
  }
  if (!response.ok && response.status !== 304) {
    const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
    const fields = body?.errors ? Object.entries(body.errors).map(([f, m]) => `${f}: ${m.join(" ")}`).join("; ") : "";
    throw new ApiError(response.status, { ...body, detail: fields || body?.detail });
  }
  return response;
}

async function api(path, params = {}) {
  return (await request(path, params, { Accept: "application/json" })).json();
}

function showError(error) {
  $("error").textContent = error ? error.message : "";
}

function brandParam() {
  return $("brand").hidden ? undefined : state.brand;
}

// --- session ---------------------------------------------------------------------------------

async function signIn() {
  const me = await api("/api/me");
  $("login").hidden = true;
  $("app").hidden = false;
  $("signout").hidden = false;
  $("who").textContent = me.name;
  const select = $("brand");
  select.replaceChildren(...(me.brands.length > 1 ? [el("option", { value: "", text: "All brands" })] : []),
    ...me.brands.map((b) => el("option", { value: b, text: b })));
  select.hidden = me.brands.length < 2;
  state.brand = me.brands.length > 1 ? "" : me.brands[0];
  if (!$("range-to").value) {
    const to = new Date(Date.now() + 86400000); // "to" is exclusive: tomorrow, so today counts
    $("range-to").value = to.toISOString().slice(0, 10);
    $("range-from").value = new Date(to.getTime() - 90 * 86400000).toISOString().slice(0, 10);
  }
  await refreshAll();
  startPolling();
}

function signOut(message = "") {
  sessionStorage.removeItem(KEY_STORAGE);
  state.key = null;
  clearInterval(state.poller);
  state.poller = null;
  state.version = null;
  $("app").hidden = true;
  $("signout").hidden = true;
  $("brand").hidden = true;
  $("who").textContent = "";
  $("live").textContent = "";
  $("login").hidden = false;
  $("login-error").textContent = message;
}

// The version is read before the data, so a change that lands while the data loads is seen by the next poll.
async function refreshAll() {
  const response = await request("/api/changes", { brand: brandParam() });
  state.version = response.headers.get("ETag");
  await Promise.all([loadCharts(), loadLeads(), state.lead ? reloadLead() : null]);
}

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  state.key = $("key").value.trim();
  $("key").value = "";
  sessionStorage.setItem(KEY_STORAGE, state.key);
  $("login-error").textContent = "";
  try { await signIn(); } catch (error) { if (error.status !== 401) $("login-error").textContent = error.message; }
});

$("signout").addEventListener("click", () => signOut());

$("brand").addEventListener("change", async (event) => {
  state.brand = event.target.value;
  state.lead = null;
  $("detail").hidden = true;
  await refreshAll().catch(showError);
});

// --- live refresh: poll /api/changes with If-None-Match; 304 while nothing changed --------------

function startPolling() {
  clearInterval(state.poller);
  state.poller = setInterval(() => poll().catch(() => { $("live").textContent = "Live updates paused (retrying)"; }), POLL_MS);
}

async function poll() {
  if (!state.key) return;
  const headers = state.version ? { "If-None-Match": state.version } : {};
  const response = await request("/api/changes", { brand: brandParam() }, headers);
  if (response.status === 200 && response.headers.get("ETag") !== state.version) {
    await refreshAll();
    $("live").textContent = `Updated ${new Date().toLocaleTimeString()}`;
  } else if (!$("live").textContent.startsWith("Updated")) {
    $("live").textContent = "Live";
  }
}

// --- charts ----------------------------------------------------------------------------------

/** A horizontal bar chart: one row per item, its number printed beside the bar. */
function barChart(name, items) {
  const max = Math.max(1, ...items.map((i) => i.count));
  const row = 28, labelWidth = 170, barWidth = 220, width = labelWidth + barWidth + 50;
  const chart = svg("svg", {
    class: "bars", viewBox: `0 0 ${width} ${Math.max(1, items.length) * row}`, role: "img",
    "aria-label": `${name}: ${items.map((i) => `${i.label} ${i.count}`).join(", ") || "no data"}`,
  });
  items.forEach((item, index) => {
    const y = index * row;
    const length = Math.round((item.count / max) * barWidth);
    chart.append(svg("g", { class: `bar ${item.channel ?? "path"}`, "data-key": item.key, "data-count": String(item.count) },
      svg("title", {}, document.createTextNode(`${item.label}: ${item.count}`)),
      item.channel ? svg("use", { href: `#icon-${item.channel}`, x: "0", y: String(y + 5), width: "18", height: "18" }) : null,
      svg("text", { x: item.channel ? "24" : "0", y: String(y + 19), class: "label" }, document.createTextNode(item.label)),
      svg("rect", { x: String(labelWidth), y: String(y + 6), width: String(Math.max(length, 2)), height: "16", rx: "3" }),
      svg("text", { x: String(labelWidth + Math.max(length, 2) + 6), y: String(y + 19), class: "value" }, document.createTextNode(String(item.count)))));
  });
  return chart;
}

/** Stacked columns: one per day, coloured by first touchpoint. */
function columnChart(buckets) {
  const height = 120, gap = 2, width = 360;
  const column = Math.max(2, Math.floor(width / Math.max(1, buckets.length)) - gap);
  const totals = buckets.map((b) => CHANNELS.reduce((sum, c) => sum + b.new_leads[c], 0));
  const max = Math.max(1, ...totals);
  const chart = svg("svg", {
    class: "columns-chart", viewBox: `0 0 ${width} ${height + 4}`, role: "img",
    "aria-label": `New leads per day: ${totals.reduce((a, b) => a + b, 0)} in ${buckets.length} days`,
  });
  buckets.forEach((bucket, index) => {
    let y = height;
    const group = svg("g", { "data-day": bucket.start.slice(0, 10), "data-count": String(totals[index]) },
      svg("title", {}, document.createTextNode(`${bucket.start.slice(0, 10)}: ${totals[index]}`)));
    for (const channel of CHANNELS) {
      const h = (bucket.new_leads[channel] / max) * height;
      if (h <= 0) continue;
      y -= h;
      group.append(svg("rect", { class: channel, x: String(index * (column + gap)), y: String(y), width: String(column), height: String(h) }));
    }
    chart.append(group);
  });
  return chart;
}

async function loadCharts() {
  const brand = brandParam();
  const range = { from: $("range-from").value, to: $("range-to").value };
  const [first, journeys, leads] = await Promise.all([
    api("/api/stats/first-touchpoints", { brand }),
    api("/api/stats/journeys", { brand, ...range, limit: 8 }),
    api("/api/stats/leads", { brand, ...range, interval: "day" }),
  ]);
  $("chart-first").replaceChildren(
    el("p", { className: "total", text: `${first.total} customers` }),
    barChart("Customers by first touchpoint", first.channels.map((c) => ({
      key: c.first_touchpoint, channel: c.first_touchpoint, label: NAMES[c.first_touchpoint], count: c.count,
    }))));
  $("range-label").textContent = `(${journeys.total} leads first seen ${range.from} – ${range.to})`;
  $("chart-journeys").replaceChildren(journeys.paths.length === 0 ? el("p", { text: "No leads in this range." }) :
    barChart("Top journeys", journeys.paths.map((p) => ({ key: p.path.join(">"), label: p.label, count: p.count }))));
  $("chart-new").replaceChildren(el("p", { className: "total", text: `${leads.total} new leads` }), columnChart(leads.buckets),
    el("p", { className: "legend" }, ...CHANNELS.map((c) => badge(c))));
}

$("range").addEventListener("submit", (event) => {
  event.preventDefault();
  loadCharts().catch(showError);
});

// --- leads -----------------------------------------------------------------------------------

function filterParams(form) {
  const params = Object.fromEntries(new FormData(form));
  for (const name of ["active_from", "active_to"]) if (params[name]) params[name] = `${params[name]}T00:00:00Z`;
  return params;
}

async function loadLeads(append = false) {
  showError(null);
  const page = await api("/api/leads", { ...state.filters, brand: brandParam(), cursor: append ? state.leadsCursor : undefined });
  const rows = page.items.map((lead) => {
    const open = el("button", { type: "button", className: "link", text: lead.name || "(no name)" });
    open.addEventListener("click", () => openLead(lead.id).catch(showError));
    const row = el("tr", { "data-id": lead.id },
      el("td", { "data-label": "Customer" }, open,
        el("span", { className: "sub", text: [lead.phone, lead.email].filter(Boolean).join(" · ") })),
      el("td", { "data-label": "Origin" }, badge(lead.first_touchpoint)),
      el("td", { "data-label": "Journey" }, el("span", { text: story(lead) }), el("span", { className: "sub", text: journey(lead) })),
      el("td", { "data-label": "Last interaction", text: when(lead.last_interaction_at) }));
    row.addEventListener("click", (event) => { if (event.target === row || event.target.tagName === "TD") open.click(); });
    if (state.lead?.id === lead.id) row.classList.add("selected");
    return row;
  });
  const body = $("leads").tBodies[0];
  if (append) body.append(...rows); else body.replaceChildren(...rows);
  state.leadsCursor = page.next_cursor;
  $("more-leads").hidden = !page.next_cursor;
  $("no-leads").hidden = body.rows.length > 0;
}

$("filters").addEventListener("submit", (event) => {
  event.preventDefault();
  state.filters = filterParams(event.target);
  loadLeads().catch(showError);
});

$("filters").addEventListener("reset", () => {
  state.filters = {};
  setTimeout(() => loadLeads().catch(showError));
});

$("more-leads").addEventListener("click", () => loadLeads(true).catch(showError));

// The key travels in a header, so the file is fetched and handed to the browser as a download.
$("export").addEventListener("click", async () => {
  try {
    const response = await request("/api/leads/export.csv", { ...filterParams($("filters")), brand: brandParam() });
    const link = el("a", {
      href: URL.createObjectURL(await response.blob()),
      download: /filename=([^;]+)/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? "proxe-leads.csv",
    });
    document.body.append(link);
    link.click();
    setTimeout(() => { URL.revokeObjectURL(link.href); link.remove(); });
  } catch (error) {
    showError(error);
  }
});

// --- one lead --------------------------------------------------------------------------------

function facts(entries) {
  return entries.filter(([, v]) => v !== null && v !== undefined && v !== "" && typeof v !== "object")
    .flatMap(([k, v]) => [el("dt", { text: k.replaceAll("_", " ") }), el("dd", { text: String(v) })]);
}

async function openLead(id) {
  state.lead = { id };
  await reloadLead();
  $("detail").focus();
}

async function reloadLead() {
  const lead = await api(`/api/leads/${encodeURIComponent(state.lead.id)}`);
  state.lead = lead;
  for (const row of $("leads").tBodies[0].rows) row.classList.toggle("selected", row.dataset.id === lead.id);

  $("detail").hidden = false;
  $("detail").dataset.id = lead.id;
  $("detail-name").textContent = lead.name || "(no name)";
  $("detail-story").replaceChildren(el("span", { text: `${story(lead)}: ` }), ...lead.journey.flatMap((c, i) =>
    i === 0 ? [badge(c)] : [el("span", { text: " → " }), badge(c)]));
  $("detail-facts").replaceChildren(...facts([
    ["brand", lead.brand], ["phone", lead.phone], ["email", lead.email],
    ["first seen", when(lead.first_interaction_at)], ["last interaction", when(lead.last_interaction_at)],
  ]));

  $("detail-channels").replaceChildren(...Object.entries(lead.sessions).filter(([, s]) => s.length > 0).map(([channel, sessions]) =>
    el("div", { className: "channel" }, badge(channel),
      el("dl", {}, ...facts(Object.entries(lead.metadata[channel] ?? {}).filter(([k]) => k !== "session_id"))),
      ...sessions.map((s) => el("details", {}, el("summary", { text: `Session ${when(s.created_at)}` }),
        el("dl", {}, ...facts(Object.entries(s)))))
    )));
  $("detail-identities").replaceChildren(...lead.identities.map((i) => el("li", { text: `${i.kind}: ${i.value}` })));

  $("timeline").replaceChildren();
  state.messages = [];
  await loadMessages();
}

async function loadMessages(append = false) {
  const page = await api(`/api/leads/${encodeURIComponent(state.lead.id)}/messages`, { cursor: append ? state.messagesCursor : undefined });
  state.messages.push(...page.items);
  $("timeline").append(...page.items.map((m) => el("li", { className: m.sender, "data-external-id": m.external_id, "data-occurred-at": m.occurred_at },
    el("span", { className: "sub" }, badge(m.channel), document.createTextNode(` ${m.sender} · ${when(m.occurred_at)} · ${m.message_type}`)),
    el("div", { className: "content", text: m.content ?? "" }))));
  state.messagesCursor = page.next_cursor;
  $("more-messages").hidden = !page.next_cursor;
  $("journey-timeline").replaceChildren(journeyTimeline(state.lead, state.messages));
}

/** The journey across channels: one lane per channel used, a dot per message at its provider time. */
function journeyTimeline(lead, messages) {
  const lanes = lead.journey;
  const times = messages.map((m) => Date.parse(m.occurred_at));
  const start = Math.min(...times), end = Math.max(...times);
  const width = 360, left = 96, lane = 30, span = Math.max(1, end - start);
  const chart = svg("svg", {
    class: "journey", viewBox: `0 0 ${width + left + 10} ${lanes.length * lane + 24}`, role: "img",
    "aria-label": `Journey: ${lanes.map((c) => NAMES[c] ?? c).join(" then ")}; ${messages.length} messages`,
  });
  lanes.forEach((channel, index) => {
    const y = index * lane + 15;
    chart.append(svg("g", { class: `lane ${channel}`, "data-channel": channel },
      svg("use", { href: `#icon-${channel}`, x: "0", y: String(y - 9), width: "18", height: "18" }),
      svg("text", { x: "24", y: String(y + 5), class: "label" }, document.createTextNode(NAMES[channel] ?? channel)),
      svg("line", { x1: String(left), x2: String(left + width), y1: String(y), y2: String(y) })));
  });
  const order = [];
  messages.forEach((m, i) => {
    const row = lanes.indexOf(m.channel);
    if (row < 0) return;
    const x = left + (messages.length === 1 ? width / 2 : ((times[i] - start) / span) * width);
    order.push(m.external_id);
    chart.append(svg("circle", {
      class: `dot ${m.channel} ${m.sender}`, cx: String(x), cy: String(row * lane + 15), r: "6",
      "data-external-id": m.external_id, "data-occurred-at": m.occurred_at,
    }, svg("title", {}, document.createTextNode(`${NAMES[m.channel]} · ${m.sender} · ${when(m.occurred_at)}`))));
  });
  if (messages.length > 0) {
    chart.append(svg("text", { x: String(left), y: String(lanes.length * lane + 20), class: "axis" }, document.createTextNode(when(messages[0].occurred_at))));
    chart.append(svg("text", { x: String(left + width), y: String(lanes.length * lane + 20), class: "axis end" },
      document.createTextNode(when(messages[messages.length - 1].occurred_at))));
  }
  return chart;
}

for (const select of document.querySelectorAll("select[data-channels]")) {
  select.append(...CHANNELS.map((channel) => el("option", { value: channel, text: NAMES[channel] })));
}

$("more-messages").addEventListener("click", () => loadMessages(true).catch(showError));

if (state.key) signIn().catch((error) => { if (error.status !== 401) showError(error); });
