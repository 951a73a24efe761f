// PROXe dashboard: vanilla JS, no build step. Every value from the API is rendered as text, never as HTML.
"use strict";

const LABELS = { web: "🌐 Web", whatsapp: "💬 WhatsApp", voice: "☎️ Voice", social: "📱 Social" };
const NAMES = { web: "Web", whatsapp: "WhatsApp", voice: "Voice", social: "Social" };
const KEY_STORAGE = "proxe.dashboardKey";

const $ = (id) => document.getElementById(id);
const state = { key: sessionStorage.getItem(KEY_STORAGE), brand: "", filters: {}, leadsCursor: null, lead: null, messagesCursor: null };

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

function badge(channel) {
  return el("span", { className: `badge ${channel}`, text: LABELS[channel] ?? channel });
}

function when(value) {
  return value ? new Date(value).toLocaleString() : "";
}

// "Started on Web, now on WhatsApp" — the seed's scenario 2 wording.
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

async function api(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(name, value);
  }
  const response = await fetch(url, { headers: { "X-Proxe-Dashboard-Key": state.key, Accept: "application/json" } });
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : null;
  if (response.status === 401) {
    signOut("That key was not accepted.");
    throw new ApiError(401, body);
  }
  if (!response.ok) {
    const fields = body?.errors ? Object.entries(body.errors).map(([f, m]) => `${f}: ${m.join(" ")}`).join("; ") : "";
    throw new ApiError(response.status, { ...body, detail: fields || body?.detail });
  }
  return body;
}

function showError(error) {
  $("error").textContent = error ? error.message : "";
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
  await Promise.all([loadStats(), loadLeads()]);
}

function signOut(message = "") {
  sessionStorage.removeItem(KEY_STORAGE);
  state.key = null;
  $("app").hidden = true;
  $("signout").hidden = true;
  $("brand").hidden = true;
  $("who").textContent = "";
  $("login").hidden = false;
  $("login-error").textContent = message;
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
  $("detail").hidden = true;
  await Promise.all([loadStats(), loadLeads()]).catch(showError);
});

// --- stats -----------------------------------------------------------------------------------

async function loadStats() {
  const brand = $("brand").hidden ? undefined : state.brand;
  const [first, converted] = await Promise.all([
    api("/api/stats/first-touchpoints", { brand }),
    api("/api/stats/conversions", { brand, from: "web", to: "whatsapp", limit: 1 }),
  ]);
  $("stats").replaceChildren(
    el("div", { className: "stat" }, el("b", { text: String(first.total) }), el("span", { text: "Customers" })),
    ...first.channels.map((c) => el("div", { className: "stat" },
      el("b", { text: String(c.count) }), el("span", { text: `first on ${c.channel}` }))),
    el("div", { className: "stat" }, el("b", { text: String(converted.count) }),
      el("span", { text: `started on ${converted.from_label}, now on ${converted.to_label}` })));
}

// --- leads -----------------------------------------------------------------------------------

async function loadLeads(append = false) {
  showError(null);
  const brand = $("brand").hidden ? undefined : state.brand;
  const page = await api("/api/leads", { ...state.filters, brand, cursor: append ? state.leadsCursor : undefined });
  const rows = page.items.map((lead) => {
    const row = el("tr", { "data-id": lead.id },
      el("td", {}, el("strong", { text: lead.name || "(no name)" }),
        el("span", { className: "sub", text: [lead.phone, lead.email].filter(Boolean).join(" · ") })),
      el("td", {}, badge(lead.first_touchpoint)),
      el("td", {}, el("span", { text: story(lead) }), el("span", { className: "sub", text: journey(lead) })),
      el("td", { text: when(lead.last_interaction_at) }));
    row.addEventListener("click", () => openLead(lead.id).catch(showError));
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
  state.filters = Object.fromEntries(new FormData(event.target));
  loadLeads().catch(showError);
});

$("filters").addEventListener("reset", () => {
  state.filters = {};
  setTimeout(() => loadLeads().catch(showError));
});

$("more-leads").addEventListener("click", () => loadLeads(true).catch(showError));

// --- one lead --------------------------------------------------------------------------------

function facts(entries) {
  return entries.filter(([, v]) => v !== null && v !== undefined && v !== "" && typeof v !== "object")
    .flatMap(([k, v]) => [el("dt", { text: k.replaceAll("_", " ") }), el("dd", { text: String(v) })]);
}

async function openLead(id) {
  const lead = await api(`/api/leads/${encodeURIComponent(id)}`);
  state.lead = lead;
  for (const row of $("leads").tBodies[0].rows) row.classList.toggle("selected", row.dataset.id === id);

  $("detail").hidden = false;
  $("detail-name").textContent = lead.name || "(no name)";
  $("detail-story").replaceChildren(el("span", { text: `${story(lead)} — ` }), ...lead.journey.flatMap((c, i) =>
    i === 0 ? [badge(c)] : [el("span", { text: " → " }), badge(c)]));
  $("detail-facts").replaceChildren(...facts([
    ["brand", lead.brand], ["phone", lead.phone], ["email", lead.email],
    ["first seen", when(lead.timestamp)], ["last interaction", when(lead.last_interaction_at)],
  ]));

  $("detail-channels").replaceChildren(...Object.entries(lead.sessions).filter(([, s]) => s.length > 0).map(([channel, sessions]) =>
    el("div", { className: `channel` }, badge(channel),
      el("dl", {}, ...facts(Object.entries(lead.metadata[channel] ?? {}).filter(([k]) => k !== "session_id"))),
      ...sessions.map((s) => el("details", {}, el("summary", { text: `Session ${when(s.created_at)}` }),
        el("dl", {}, ...facts(Object.entries(s)))))
    )));
  $("detail-identities").replaceChildren(...lead.identities.map((i) => el("li", { text: `${i.kind}: ${i.value}` })));

  $("timeline").replaceChildren();
  await loadMessages();
}

async function loadMessages(append = false) {
  const page = await api(`/api/leads/${encodeURIComponent(state.lead.id)}/messages`, { cursor: append ? state.messagesCursor : undefined });
  $("timeline").append(...page.items.map((m) => el("li", { className: m.sender },
    el("span", { className: "sub" }, badge(m.channel), document.createTextNode(` ${m.sender} · ${when(m.occurred_at)} · ${m.message_type}`)),
    el("div", { className: "content", text: m.content ?? "" }))));
  state.messagesCursor = page.next_cursor;
  $("more-messages").hidden = !page.next_cursor;
}

$("more-messages").addEventListener("click", () => loadMessages(true).catch(showError));

if (state.key) signIn().catch((error) => { if (error.status !== 401) showError(error); });
