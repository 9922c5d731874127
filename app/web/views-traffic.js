// Traffic: every SCIM request the mock Okta sent and the answer it got, live,
// with the Okta action (job) behind it; filter by user or group; HAR export.
// Laid out like a browser's Network panel: a compact list (up/down moves
// through it), a split the user can drag, and the selected exchange's detail.
import { session } from './api.js';
import { store, trafficSubject, loadDirectory } from './store.js';
import { $, $$, html, setHtml, download, userDisplay, toast, copyText } from './ui.js';
import { kindLabel } from './views-okta.js';
import { STATUS_TEXT, trafficRow, detailHtml, curlCommand } from './traffic-detail.js';

const SPLIT_KEY = 'okta-sandbox.traffic.split';
const SPLIT_MIN = 25;
const SPLIT_MAX = 80;

function pageHtml(split) {
  return html`
    <div class="page-head"><div class="grow"><h1>Traffic</h1>
      <p>Every SCIM request the mock Okta sent to the connector base URL, and the response. Updates every second.</p></div>
      <button class="btn" data-testid="traffic-export-har">Export HAR</button></div>
    <div class="toolbar">
      <select data-testid="traffic-subject" aria-label="Show the traffic of" style="max-width:280px"><option value="">All users and groups</option></select>
      <input type="search" placeholder="Search path, body, header…" aria-label="Search the traffic" data-testid="traffic-search" style="max-width:260px">
      <label class="inline small"><input type="checkbox" data-testid="traffic-errors"> Errors only</label>
      <span class="grow"></span><span class="muted small" data-testid="traffic-shown" aria-live="polite"></span></div>
    <div class="traffic" data-testid="traffic-split" style="--split:${split}%">
      <div class="table-wrap traffic-list" tabindex="0" data-testid="traffic-list"
          aria-label="Requests, newest first: up and down arrows move through them">
        <table class="grid compact" data-testid="traffic-table">
        <colgroup><col class="c-n" style="width:44px"><col class="c-time" style="width:70px"><col class="c-method" style="width:68px"><col class="c-path"><col
          class="c-status" style="width:58px"><col class="c-ms" style="width:44px"><col class="c-action" style="width:24%"></colgroup>
        <thead><tr><th>#</th><th>Time</th><th>Method</th><th>Path</th><th>Status</th><th title="Duration in milliseconds">ms</th><th>Okta action</th></tr></thead>
        <tbody></tbody></table></div>
      <div class="splitter" role="separator" aria-orientation="vertical" aria-label="Resize the request list" tabindex="0"
        aria-valuemin="${SPLIT_MIN}" aria-valuemax="${SPLIT_MAX}" aria-valuenow="${split}" data-testid="traffic-splitter"></div>
      <div class="detail" data-testid="traffic-detail" tabindex="0" aria-label="Request detail"><p class="muted">Click a request to see its headers and bodies.</p></div>
    </div>`;
}

function savedSplit() {
  const v = Number(localStorage.getItem(SPLIT_KEY));
  return v >= SPLIT_MIN && v <= SPLIT_MAX ? v : 58;
}

// The separator between list and detail: dragged with the pointer or moved with left/right.
function setupSplitter(main) {
  const box = $('.traffic', main);
  const bar = $('.splitter', main);
  const set = (pct, save) => {
    const v = Math.round(Math.min(SPLIT_MAX, Math.max(SPLIT_MIN, pct)));
    box.style.setProperty('--split', `${v}%`);
    bar.setAttribute('aria-valuenow', String(v));
    if (save) localStorage.setItem(SPLIT_KEY, String(v));
  };
  bar.onpointerdown = (e) => {
    e.preventDefault();
    bar.setPointerCapture(e.pointerId);
    const move = (ev) => { const r = box.getBoundingClientRect(); set(((ev.clientX - r.left) / r.width) * 100, false); };
    bar.onpointermove = move;
    bar.onpointerup = (ev) => { move(ev); bar.onpointermove = null; set(Number(bar.getAttribute('aria-valuenow')), true); };
  };
  bar.onkeydown = (e) => {
    const step = { ArrowLeft: -2, ArrowRight: 2 }[e.key];
    if (!step) return;
    e.preventDefault();
    set(Number(bar.getAttribute('aria-valuenow')) + step, true);
  };
}

// Which records the filters let through, each with its number in the console's
// list: 1 is the oldest request since the sandbox started or was reset (the
// server's seq keeps counting across resets, so it is not shown).
function filterRecords({ subject, q, errorsOnly, dir }) {
  const lq = q.toLowerCase();
  const out = [];
  store.traffic.forEach((r, i) => {
    const st = r.response ? r.response.status : 0;
    if (errorsOnly && st >= 200 && st < 400) return;
    if (lq && !JSON.stringify(r).toLowerCase().includes(lq)) return;
    if (matchesSubject(r, subject, dir)) out.push({ r, n: i + 1 });
  });
  return out;
}

function matchesSubject(rec, subject, dir) {
  if (!subject) return true;
  const [type, id] = subject.split(':');
  const s = trafficSubject(rec);
  if (s.job) {
    if (type === 'user' && s.job.users.some((u) => u.id === id)) return true;
    if (type === 'group' && s.job.groups.some((g) => g.id === id)) return true;
  }
  // Otherwise look for the user's login/email/Okta id (externalId) or the group's name in the exchange.
  let tokens = [id];
  if (type === 'user') {
    const u = dir.users.find((x) => x.id === id);
    if (u) tokens.push(u.profile.login, u.profile.email);
  } else {
    const g = dir.groups.find((x) => x.id === id);
    if (g) tokens.push(g.profile.name);
  }
  tokens = tokens.filter(Boolean).map((t) => t.toLowerCase());
  const hay = `${rec.request.target}\n${rec.request.body || ''}\n${(rec.response && rec.response.body) || ''}`.toLowerCase();
  return tokens.some((t) => hay.includes(t) || hay.includes(JSON.stringify(t).slice(1, -1)));
}

export async function traffic(main) {
  const f = { subject: '', q: '', errorsOnly: false, dir: { users: [], groups: [] } };
  let selected = null;   // the selected record's seq
  let shown = [];        // [{r, n}] as listed, newest first
  setHtml(main, pageHtml(savedSplit()));
  setupSplitter(main);
  const sel = $('[data-testid=traffic-subject]', main);
  const list = $('[data-testid=traffic-list]', main);
  async function loadSubjects() {
    f.dir = await loadDirectory();
    const cur = sel.value;
    setHtml(sel, html`<option value="">All users and groups</option>
      <optgroup label="People">${f.dir.users.map((u) => html`<option value="user:${u.id}">${userDisplay(u)} (${u.profile.login})</option>`)}</optgroup>
      <optgroup label="Groups">${f.dir.groups.map((g) => html`<option value="group:${g.id}">${g.profile.name}</option>`)}</optgroup>`);
    sel.value = cur;
  }

  let lastSig = '';
  function draw(force) {
    const rows = filterRecords(f);
    const sig = `${store.traffic.length}|${store.traffic[0] ? store.traffic[0].seq : 0}|${store.logs.length}|${rows.length}|${selected}`;
    if (!force && sig === lastSig) return;
    lastSig = sig;
    $('[data-testid=traffic-shown]', main).textContent = `${rows.length} of ${store.traffic.length} requests`;
    shown = rows.slice(-1000).reverse();
    setHtml($('tbody', main), shown.length ? shown.map(({ r, n }) => trafficRow(r, n, trafficSubject(r), r.seq === selected))
      : html`<tr><td colspan="7" class="empty" data-testid="traffic-empty">No SCIM traffic yet. Test the connector, assign a user or push a group.</td></tr>`);
    for (const tr of $$('tr[data-seq]', main)) {
      tr.onclick = () => { select(Number(tr.dataset.seq)); list.focus({ preventScroll: true }); };
    }
  }

  function select(seq) {
    selected = seq;
    drawDetail();
    draw(true);
    const tr = $(`tr[data-seq="${seq}"]`, main);
    if (tr) tr.scrollIntoView({ block: 'nearest' });
  }

  function drawDetail() {
    const r = store.traffic.find((x) => x.seq === selected);
    const el = $('[data-testid=traffic-detail]', main);
    if (!r) { setHtml(el, html`<p class="muted">Click a request to see its headers and bodies.</p>`); return; }
    setHtml(el, detailHtml(r, trafficSubject(r)));
    $('[data-testid=traffic-copy-curl]', el).onclick = () => copyText(curlCommand(r));
    $('[data-testid=traffic-copy-body]', el).onclick = () => copyText(r.request.body || '');
    $('[data-testid=traffic-copy-response]', el).onclick = () => copyText((r.response && r.response.body) || '');
  }

  // Up/down (and Home/End) move the selection through the list as shown.
  list.onkeydown = (e) => {
    if (!shown.length) return;
    const at = shown.findIndex((x) => x.r.seq === selected);
    const to = { ArrowDown: at + 1, ArrowUp: at < 0 ? 0 : at - 1, Home: 0, End: shown.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    select(shown[Math.min(shown.length - 1, Math.max(0, to))].r.seq);
  };
  sel.onchange = () => { f.subject = sel.value; draw(true); };
  $('[data-testid=traffic-search]', main).oninput = (e) => { f.q = e.target.value.trim(); draw(true); };
  $('[data-testid=traffic-errors]', main).onchange = (e) => { f.errorsOnly = e.target.checked; draw(true); };
  $('[data-testid=traffic-export-har]', main).onclick = () => {
    const rows = filterRecords(f).map((x) => x.r);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    download(`okta-sandbox-traffic-${stamp}.har`, JSON.stringify(toHar(rows), null, 2));
    toast(`Exported ${rows.length} requests as HAR`, 'ok');
  };
  await loadSubjects().catch(() => {});
  draw(true);
  let n = 0;
  return {
    refresh: async () => {
      if (++n % 5 === 0) await loadSubjects().catch(() => {});
      draw(false);
    },
  };
}

// HAR 1.2, in the same shape as `okta-sandbox traffic export` (scenarios/traffic.cpp),
// so `okta-sandbox replay` accepts it.
export function toHar(records) {
  const headerValue = (hs, name) => ((hs || []).find((h) => h.name.toLowerCase() === name.toLowerCase()) || {}).value || '';
  const entries = records.map((r) => {
    const req = r.request;
    const target = req.target || '';
    const qi = target.indexOf('?');
    const queryString = qi < 0 ? [] : target.slice(qi + 1).split('&').filter(Boolean).map((part) => {
      const eq = part.indexOf('=');
      const dec = (s) => { try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return s; } };
      return { name: dec(eq < 0 ? part : part.slice(0, eq)), value: eq < 0 ? '' : dec(part.slice(eq + 1)) };
    });
    const body = req.body || '';
    const request = {
      method: req.method, url: req.url, httpVersion: 'HTTP/1.1', cookies: [],
      headers: (req.headers || []).map((h) => ({ name: h.name, value: h.value })), queryString,
      headersSize: -1, bodySize: new TextEncoder().encode(body).length,
    };
    if (body) request.postData = { mimeType: headerValue(req.headers, 'Content-Type') || 'application/scim+json', text: body };
    const answered = r.response && typeof r.response === 'object';
    const status = answered ? r.response.status : 0;
    const rbody = answered ? r.response.body || '' : '';
    const response = {
      status, statusText: STATUS_TEXT[status] || '', httpVersion: 'HTTP/1.1', cookies: [],
      headers: answered ? (r.response.headers || []).map((h) => ({ name: h.name, value: h.value })) : [],
      content: { size: new TextEncoder().encode(rbody).length, mimeType: (answered && headerValue(r.response.headers, 'Content-Type')) || 'x-unknown', text: rbody },
      redirectURL: '', headersSize: -1, bodySize: answered ? new TextEncoder().encode(rbody).length : -1,
    };
    if (!answered) response._error = r.error || null;
    const s = trafficSubject(r);
    return {
      startedDateTime: r.startedAt, time: r.durationMs || 0, request, response, cache: {},
      timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait: r.durationMs || 0, receive: 0, ssl: -1 },
      _seq: r.seq, _step: r.step || '', _jobKind: r.jobKind || '', _jobId: r.jobId ?? null, _target: target,
      ...(s.who ? { comment: `${kindLabel(s.kind)}: ${s.who}` } : {}),
    };
  });
  return {
    log: {
      version: '1.2',
      creator: { name: 'okta-sandbox console', version: '1' },
      browser: { name: navigator.userAgent.includes('Firefox') ? 'Firefox' : 'Chromium', version: '' },
      pages: [],
      entries,
      comment: `SCIM traffic of the mock Okta at ${session.orgUrl || location.origin}`,
    },
  };
}
