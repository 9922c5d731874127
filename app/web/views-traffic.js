// Traffic: every SCIM request the mock Okta sent and the answer it got, live,
// with the Okta action (job) behind it; filter by user or group; HAR export.
import { session } from './api.js';
import { store, trafficSubject, loadDirectory } from './store.js';
import { $, $$, html, setHtml, download, fmtClock, fmtTime, pretty, userDisplay, toast } from './ui.js';
import { kindLabel } from './views-okta.js';

const STATUS_TEXT = {
  200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error',
  501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

// The target with its query decoded, as a person reads it (the detail keeps the raw URL).
function readablePath(target) {
  try { return decodeURIComponent(target.replace(/\+/g, ' ')); } catch { return target; }
}

export async function traffic(main) {
  let selected = null;
  let subject = '';  // "user:<id>" | "group:<id>" | ""
  let q = '';
  let errorsOnly = false;
  setHtml(main, html`
    <div class="page-head"><div class="grow"><h1>Traffic</h1>
      <p>Every SCIM request the mock Okta sent to the connector base URL, and the response. Updates every second.</p></div>
      <button class="btn" data-testid="traffic-export-har">Export HAR</button></div>
    <div class="toolbar">
      <select data-testid="traffic-subject" style="max-width:280px"><option value="">All users and groups</option></select>
      <input type="search" placeholder="Search path, body, header…" data-testid="traffic-search" style="max-width:260px">
      <label class="inline small"><input type="checkbox" data-testid="traffic-errors"> Errors only</label>
      <span class="grow"></span><span class="muted small" data-testid="traffic-shown"></span></div>
    <div class="traffic">
      <div class="table-wrap"><table class="grid" data-testid="traffic-table">
        <colgroup><col style="width:38px"><col style="width:72px"><col style="width:74px"><col><col style="width:64px"><col style="width:160px"></colgroup>
        <thead><tr><th>#</th><th>Time</th><th>Method</th><th>Path</th><th>Status</th><th>Okta action</th></tr></thead>
        <tbody></tbody></table></div>
      <div class="detail" data-testid="traffic-detail"><p class="muted">Click a request to see its headers and bodies.</p></div>
    </div>`);

  const sel = $('[data-testid=traffic-subject]', main);
  let dir = { users: [], groups: [] };
  async function loadSubjects() {
    dir = await loadDirectory();
    const cur = sel.value;
    setHtml(sel, html`<option value="">All users and groups</option>
      <optgroup label="People">${dir.users.map((u) => html`<option value="user:${u.id}">${userDisplay(u)} (${u.profile.login})</option>`)}</optgroup>
      <optgroup label="Groups">${dir.groups.map((g) => html`<option value="group:${g.id}">${g.profile.name}</option>`)}</optgroup>`);
    sel.value = cur;
  }

  function matchesSubject(rec) {
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
  function visible() {
    const lq = q.toLowerCase();
    return store.traffic.filter((r) => {
      const st = r.response ? r.response.status : 0;
      if (errorsOnly && st >= 200 && st < 400) return false;
      if (lq && !JSON.stringify(r).toLowerCase().includes(lq)) return false;
      return matchesSubject(r);
    });
  }

  let lastSig = '';
  function draw(force) {
    const rows = visible();
    const sig = `${store.traffic.length}|${store.logs.length}|${rows.length}|${selected}`;
    if (!force && sig === lastSig) return;
    lastSig = sig;
    $('[data-testid=traffic-shown]', main).textContent = `${rows.length} of ${store.traffic.length} requests`;
    const shown = rows.slice(-1000).reverse();
    setHtml($('tbody', main), shown.length ? shown.map((r) => {
      const st = r.response ? r.response.status : 0;
      const s = trafficSubject(r);
      return html`<tr class="clickable ${r.seq === selected ? 'selected' : ''}" data-testid="traffic-row" data-seq="${r.seq}"
          data-method="${r.request.method}" data-status="${st}" data-kind="${s.kind}">
        <td class="muted small">${r.seq}</td><td class="nowrap small" title="${r.startedAt} · ${r.durationMs} ms">${fmtClock(r.startedAt).slice(0, 8)}</td>
        <td><span class="method m-${r.request.method}">${r.request.method}</span></td>
        <td class="path" data-testid="traffic-path" title="${r.request.target}">${readablePath(r.request.target)}</td>
        <td><span class="st-${String(st)[0]}" data-testid="traffic-status">${st || 'ERR'}</span></td>
        <td class="action-tag"><div>${kindLabel(s.kind)}${s.who ? html` · <b>${s.who}</b>` : ''}</div>
          <div class="kind">${s.step}</div></td></tr>`;
    }) : html`<tr><td colspan="6" class="empty" data-testid="traffic-empty">No SCIM traffic yet. Test the connector, assign a user or push a group.</td></tr>`);
    for (const tr of $$('tr[data-seq]', main)) tr.onclick = () => { selected = Number(tr.dataset.seq); drawDetail(); draw(true); };
  }

  function headersBlock(hs) {
    return html`<div class="kv">${(hs || []).map((h) => html`<span class="k">${h.name}:</span><span class="v">${
      /^authorization$/i.test(h.name) ? h.value : h.value}</span>`)}</div>`;
  }
  function drawDetail() {
    const r = store.traffic.find((x) => x.seq === selected);
    const el = $('[data-testid=traffic-detail]', main);
    if (!r) { setHtml(el, html`<p class="muted">Click a request to see its headers and bodies.</p>`); return; }
    const s = trafficSubject(r);
    const st = r.response ? r.response.status : 0;
    setHtml(el, html`
      <h3>${kindLabel(s.kind)}${s.who ? ` · ${s.who}` : ''}</h3>
      <div class="small muted">step: ${s.step}${r.jobId ? html` · job <span class="mono">${r.jobId}</span>` : ''} · ${fmtTime(r.startedAt)} · ${r.durationMs} ms</div>
      ${s.job && s.job.display ? html`<div class="small">System Log: ${s.job.display}</div>` : ''}
      <h3>Request</h3>
      <div class="mono" data-testid="traffic-detail-request-line"><b class="method m-${r.request.method}">${r.request.method}</b> ${r.request.url}</div>
      ${headersBlock(r.request.headers)}
      ${r.request.body ? html`<pre class="body" data-testid="traffic-detail-request-body">${pretty(r.request.body)}</pre>` : html`<p class="muted small">No body.</p>`}
      <h3>Response</h3>
      ${r.response ? html`<div class="mono" data-testid="traffic-detail-status"><span class="st-${String(st)[0]}">${st} ${STATUS_TEXT[st] || ''}</span></div>
        ${headersBlock(r.response.headers)}
        ${r.response.body ? html`<pre class="body" data-testid="traffic-detail-response-body">${pretty(r.response.body)}</pre>` : html`<p class="muted small">No body.</p>`}`
        : html`<div class="callout bad">No response: ${r.error || 'connection failed'}</div>`}`);
  }

  sel.onchange = () => { subject = sel.value; draw(true); };
  $('[data-testid=traffic-search]', main).oninput = (e) => { q = e.target.value.trim(); draw(true); };
  $('[data-testid=traffic-errors]', main).onchange = (e) => { errorsOnly = e.target.checked; draw(true); };
  $('[data-testid=traffic-export-har]', main).onclick = () => {
    const rows = visible();
    const har = toHar(rows);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    download(`okta-sandbox-traffic-${stamp}.har`, JSON.stringify(har, null, 2));
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
