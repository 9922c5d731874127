// Check a SCIM server: runs `okta-sandbox check` (docs/check.md) against a URL
// and token through POST /sandbox/check (same-origin, no CORS) and shows the
// verdict of each check with its exchanges, expandable.
import { sandbox, scimAdmin, session } from './api.js';
import { $, $$, html, setHtml, pretty, download, toast, errorToast, formValues } from './ui.js';
import { toHar } from './views-traffic.js';

const MARK = { pass: '✔', fail: '✘', warn: '⚠', skip: '–' };
const KIND = { pass: 'ok', fail: 'bad', warn: 'warn', skip: 'info' };

// This page's few styles, added once (styles.css stays the shared sheet).
const STYLE = `
.check-result { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--line); border-radius: 6px; margin: 8px 0; }
.check-result.pass { border-left-color: var(--green); } .check-result.fail { border-left-color: var(--red); }
.check-result.warn { border-left-color: #d19a00; }
.check-result > summary { cursor: pointer; padding: 8px 12px; }
.check-body { padding: 0 12px 10px; }
.check-mark { font-weight: 700; display: inline-block; width: 1.2em; }
.check-mark.pass { color: var(--green); } .check-mark.fail { color: var(--red); } .check-mark.warn { color: var(--amber); }
.check-mark.skip { color: var(--muted); }
.check-exchange { border: 1px solid var(--line-2); border-radius: 4px; margin: 6px 0; background: #fbfbfc; }
.check-exchange > summary { cursor: pointer; padding: 5px 10px; word-break: break-all; }
.check-pair { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; padding: 0 10px 6px; }
.check-pair h4 { margin: 6px 0 2px; font-size: 12.5px; }
`;
function addStyle() {
  if (document.getElementById('views-check-style')) return;
  const el = document.createElement('style');
  el.id = 'views-check-style';
  el.textContent = STYLE;
  document.head.appendChild(el);
}

// The last run survives navigating away and back.
let last = null;      // {report, form}
let running = false;

function exchangeHtml(x, open) {
  const st = x.status || 0;
  const headers = (hs) => (hs && hs.length
    ? html`<pre class="body">${hs.map((h) => `${h.name}: ${h.value}`).join('\n')}</pre>`
    : html`<p class="muted small">No headers.</p>`);
  const body = (b, testid) => (b ? html`<pre class="body" data-testid="${testid}">${pretty(b)}</pre>` : html`<p class="muted small">No body.</p>`);
  return html`<details class="check-exchange" data-testid="check-exchange" ${open ? 'open' : ''}>
    <summary class="mono"><span class="st-${String(st)[0]}">${st || '—'}</span> <b class="method m-${x.method}">${x.method}</b>
      ${x.url} <span class="muted">${x.durationMs} ms</span></summary>
    <div class="check-pair"><div><h4>Request</h4>${headers(x.requestHeaders)}${body(x.requestBody, 'check-request-body')}</div>
      <div><h4>Response</h4>${st ? html`${headers(x.responseHeaders)}${body(x.responseBody, 'check-response-body')}`
        : html`<div class="callout bad">No answer: ${x.error || 'connection failed'}</div>`}</div></div></details>`;
}

// The exchange a failure is about: the last without an answer or with an error status.
function failingIndex(r) {
  for (let i = r.exchanges.length - 1; i >= 0; i--) if (!r.exchanges[i].status || r.exchanges[i].status >= 400) return i;
  return r.exchanges.length - 1;
}

function resultHtml(r) {
  const fi = r.verdict === 'fail' ? failingIndex(r) : -1;
  return html`<details class="check-result ${r.verdict}" data-testid="check-result" data-check-id="${r.id}" data-verdict="${r.verdict}"
      ${r.verdict === 'fail' ? 'open' : ''}>
    <summary><span class="check-mark ${r.verdict}">${MARK[r.verdict] || '?'}</span> <span class="mono">${r.id}</span>
      ${r.profile ? html`<span class="pill info">${r.profile}</span>` : ''} <span>${r.title}</span>
      ${r.confidence ? html`<span class="muted small">(${r.confidence})</span>` : ''}</summary>
    <div class="check-body">
      ${r.explanation ? html`<p data-testid="check-explanation">${r.explanation}</p>` : ''}
      ${r.taskMessage ? html`<div class="callout bad" data-testid="check-task-message"><b>Okta admin would see:</b> ${r.taskMessage}</div>` : ''}
      ${r.exchanges.length ? r.exchanges.map((x, i) => exchangeHtml(x, i === fi)) : html`<p class="muted small">No SCIM exchange.</p>`}
    </div></details>`;
}

// The report's exchanges as traffic records, for the shared HAR builder.
function harOf(report) {
  const records = [];
  let seq = 0;
  for (const r of report.results) {
    for (const x of r.exchanges) {
      let target = x.url;
      try { const u = new URL(x.url); target = u.pathname + u.search; } catch { /* keep the URL */ }
      records.push({
        seq: ++seq, step: r.id, jobKind: 'check', jobId: null, startedAt: x.started, durationMs: x.durationMs,
        request: { method: x.method, url: x.url, target, headers: x.requestHeaders, body: x.requestBody },
        response: x.status ? { status: x.status, headers: x.responseHeaders, body: x.responseBody } : null,
        error: x.error || null,
      });
    }
  }
  return toHar(records);
}

function drawReport(main, report) {
  const box = $('[data-testid=check-report]', main);
  const s = report.summary;
  const onlyProblems = $('[data-testid=check-problems-only]', main).checked;
  const shown = report.results.filter((r) => !onlyProblems || r.verdict === 'fail' || r.verdict === 'warn');
  setHtml(box, html`
    <div class="cards">
      <div class="card"><div class="n" style="color:var(--green)" data-testid="check-passed">${s.passed}</div><div class="l">passed</div></div>
      <div class="card"><div class="n" style="color:var(--red)" data-testid="check-failed">${s.failed}</div><div class="l">failed</div></div>
      <div class="card"><div class="n" style="color:var(--amber)" data-testid="check-warnings">${s.warnings}</div><div class="l">warnings</div></div>
      <div class="card"><div class="n muted">${s.skipped}</div><div class="l">skipped</div></div></div>
    <div class="callout ${s.failed ? 'bad' : s.warnings ? 'warn' : 'ok'}" data-testid="check-summary">
      <b>${s.passed} passed, ${s.failed} failed, ${s.warnings} warnings</b>${s.skipped ? ` · ${s.skipped} skipped` : ''}
      · <span class="mono">${report.targetUrl}</span></div>
    <div data-testid="check-results">${shown.map(resultHtml)}</div>
    <div class="panel"><div class="panel-head"><h2>Left behind on the server</h2></div>
      ${report.leftBehind.length ? html`<ul class="mono small" data-testid="check-left-behind">${report.leftBehind.map((x) => html`<li>${x}</li>`)}</ul>`
        : html`<p class="muted" data-testid="check-left-behind">Nothing.</p>`}</div>`);
}

async function fillBuiltIn(main) {
  const form = $('[data-testid=check-form]', main);
  try {
    const st = await scimAdmin('GET', 'status');
    form.querySelector('[name=url]').value = st.scimBaseUrl || session.scimBaseUrl || '';
    form.querySelector('[name=token]').value = st.token || '';
    form.querySelector('[name=auth]').value = 'header';
    form.querySelector('[name=auth]').dispatchEvent(new Event('change'));
  } catch (e) {
    errorToast(e);
  }
}

export async function check(main) {
  addStyle();
  setHtml(main, html`
    <div class="page-head"><div class="grow"><h1>Check a SCIM server</h1>
      <p>Will this SCIM server work with Okta? Runs Okta's provisioning flows (Test Connector, create, link, update,
      deactivate, reactivate, password, import, Group Push, Okta's spec tests and robustness) against any SCIM server,
      the same way <code>okta-sandbox check</code> does, and shows where they break and the task message an Okta admin would see.</p></div></div>
    <div class="callout warn small">It creates users and groups whose names start with <span class="mono">oktasandbox-check-</span>,
      then deactivates the users (as Okta does) and deletes the groups. Point it at a staging server, not production.</div>
    <form class="panel" data-testid="check-form" autocomplete="off">
      <div class="form-row"><label>SCIM connector base URL</label><div>
        <input type="url" name="url" required placeholder="https://staging.example.com/scim/v2" data-testid="check-url">
        ${session.links.scimAdmin ? html`<div class="help"><button type="button" class="btn link sm" data-testid="check-use-builtin">Use the built-in SCIM server</button></div>` : ''}</div></div>
      <div class="form-row"><label>Authentication Mode</label><select name="auth" data-testid="check-auth">
        <option value="header">HTTP Header (Authorization: Bearer)</option><option value="basic">Basic Auth</option></select></div>
      <div class="form-row" data-auth="header"><label>Bearer token</label><input type="password" name="token" data-testid="check-token"></div>
      <div class="form-row" data-auth="basic" hidden><label>Username</label><input type="text" name="username" data-testid="check-username"></div>
      <div class="form-row" data-auth="basic" hidden><label>Password</label><input type="password" name="password" data-testid="check-password"></div>
      <div class="form-row"><label>Client profile</label><div><select name="profile" data-testid="check-profile">
        <option value="both">Both</option><option value="aiw_put">AIW PUT (App Integration Wizard apps)</option>
        <option value="oin_patch">OIN PATCH (catalog apps)</option></select>
        <div class="help">AIW apps update with GET then PUT; OIN catalog apps use PATCH.</div></div></div>
      <div class="form-row"><label>Groups</label><label class="inline"><input type="checkbox" name="groups" checked data-testid="check-groups"> Run the Group Push checks</label></div>
      <details class="advanced"><summary>More options</summary>
        <div class="form-row"><label>Unique identifier field</label><input type="text" name="uniqueField" value="userName"></div>
        <div class="form-row"><label>Only these checks</label><div><input type="text" name="only" placeholder="users, spec.*" data-testid="check-only">
          <div class="help">Check ids or prefixes, comma-separated.</div></div></div>
        <div class="form-row"><label>Skip these checks</label><input type="text" name="skip" placeholder="robustness.timeouts"></div>
        <div class="form-row"><label>Timeout (ms)</label><div><input type="number" name="timeoutMs" value="60000" min="100" max="120000">
          <div class="help">Okta waits 60 s for an answer.</div></div></div>
        <div class="form-row"><label>Afterwards</label><label class="inline"><input type="checkbox" name="delete"> Delete the users instead of deactivating them</label></div>
      </details>
      <div class="form-actions"><button type="submit" class="btn primary" data-testid="check-run">Run the checks</button>
        <span class="muted small" data-testid="check-status"></span></div>
    </form>
    <div class="toolbar" data-testid="check-toolbar" hidden>
      <label class="inline small"><input type="checkbox" data-testid="check-problems-only"> Only failures and warnings</label>
      <span class="grow"></span>
      <button type="button" class="btn sm" data-testid="check-download-json">Download JSON</button>
      <button type="button" class="btn sm" data-testid="check-download-har">Download HAR</button></div>
    <div data-testid="check-report"></div>`);

  const form = $('[data-testid=check-form]', main);
  const authSel = form.querySelector('[name=auth]');
  authSel.onchange = () => { for (const row of $$('[data-auth]', form)) row.hidden = row.dataset.auth !== authSel.value; };
  const builtin = $('[data-testid=check-use-builtin]', main);
  if (builtin) builtin.onclick = () => fillBuiltIn(main);
  const toolbar = $('[data-testid=check-toolbar]', main);
  const status = $('[data-testid=check-status]', main);
  const show = () => {
    if (!last) return;
    toolbar.hidden = false;
    drawReport(main, last.report);
  };
  $('[data-testid=check-problems-only]', main).onchange = show;
  const stamp = () => new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  $('[data-testid=check-download-json]', main).onclick = () => {
    if (last) download(`okta-sandbox-check-${stamp()}.json`, JSON.stringify(last.report, null, 2));
  };
  $('[data-testid=check-download-har]', main).onclick = () => {
    if (!last) return;
    download(`okta-sandbox-check-${stamp()}.har`, JSON.stringify(harOf(last.report), null, 2));
    toast('HAR downloaded (Authorization values masked)', 'ok');
  };

  if (last) {
    for (const [k, v] of Object.entries(last.form)) {
      const el = form.querySelector(`[name=${k}]`);
      if (!el || k === 'token' || k === 'password') continue;
      if (el.type === 'checkbox') el.checked = !!v; else el.value = v;
    }
    authSel.onchange();
    show();
  }
  const runBtn = $('[data-testid=check-run]', main);
  runBtn.disabled = running;
  if (running) status.textContent = 'A check is running…';

  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const v = formValues(form);
    const body = {
      url: v.url, auth: v.auth, token: v.token, username: v.username, password: v.password, profile: v.profile,
      groups: v.groups, uniqueField: v.uniqueField || 'userName', only: v.only, skip: v.skip,
      timeoutMs: Number(v.timeoutMs) || 60000, delete: v.delete,
    };
    running = true;
    runBtn.disabled = true;
    status.textContent = 'Running the checks (usually a few seconds)…';
    const t0 = performance.now();
    try {
      const report = await sandbox('POST', '/check', body);
      last = { report, form: { ...v, token: '', password: '' } };
      if (main.dataset.view !== 'check' || !main.contains(form)) return;
      status.textContent = `Done in ${((performance.now() - t0) / 1000).toFixed(1)} s.`;
      show();
    } catch (e) {
      status.textContent = '';
      errorToast(e);
    } finally {
      running = false;
      runBtn.disabled = false;
    }
  };
  return null;
}
