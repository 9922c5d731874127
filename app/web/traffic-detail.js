// The Traffic page's pieces that do not depend on its state: the numbered,
// compact row of one exchange, its detail pane (pretty JSON that scrolls
// sideways instead of wrapping inside strings), and "Copy as curl".
import { html, fmtClock, fmtTime, pretty } from './ui.js';
import { kindLabel } from './views-okta.js';

export const STATUS_TEXT = {
  200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large', 429: 'Too Many Requests', 500: 'Internal Server Error',
  501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

// The target with its query decoded, as a person reads it (the detail keeps the raw URL).
export function readablePath(target) {
  try { return decodeURIComponent(target.replace(/\+/g, ' ')); } catch { return target; }
}

// UUIDs (SCIM ids) and long letter-and-digit runs (Okta ids such as 00u1f…):
// shown as their first 8 characters and an ellipsis, the whole id on hover.
const ID = /([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\b(?=[A-Za-z0-9]*\d)[A-Za-z0-9]{18,}\b)/;

export function shortIds(text) {
  return text.split(ID).map((part, i) => (i % 2
    ? html`<span class="id" title="${part}" data-testid="traffic-id">${part.slice(0, 8)}…</span>` : part));
}

// One exchange as a table row; `n` is its number in this console's list (1 after a reset).
export function trafficRow(r, n, subject, selected) {
  const st = r.response ? r.response.status : 0;
  const path = readablePath(r.request.target);
  const action = `${kindLabel(subject.kind)}${subject.who ? ` · ${subject.who}` : ''}`;
  return html`<tr class="clickable ${selected ? 'selected' : ''}" data-testid="traffic-row" data-seq="${r.seq}" data-n="${n}"
      data-method="${r.request.method}" data-status="${st}" data-kind="${subject.kind}" aria-selected="${selected ? 'true' : 'false'}">
    <td class="num" data-testid="traffic-n">${n}</td>
    <td class="time" title="${r.startedAt}">${fmtClock(r.startedAt).slice(0, 8)}</td>
    <td><span class="method m-${r.request.method}">${r.request.method}</span></td>
    <td class="path" data-testid="traffic-path" title="${path}">${shortIds(path)}</td>
    <td><span class="st-${String(st)[0]}" data-testid="traffic-status">${st || 'ERR'}</span></td>
    <td class="num">${r.durationMs ?? ''}</td>
    <td class="action-tag" title="${action}${subject.step ? ` (${subject.step})` : ''}">${action}
      ${subject.step ? html`<span class="kind">${subject.step}</span>` : ''}</td></tr>`;
}

// Pretty JSON with its keys, strings, numbers and literals marked for colour.
const TOKEN = /("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
export function jsonBlock(text, testid) {
  const p = pretty(text);
  let parsed = true;
  try { JSON.parse(text); } catch { parsed = false; }
  if (!parsed) return html`<pre class="body" data-testid="${testid}">${p}</pre>`;
  const parts = [];
  let at = 0;
  for (const m of p.matchAll(TOKEN)) {
    parts.push(p.slice(at, m.index));
    const cls = m[1] ? (m[2] ? 'j-key' : 'j-str') : m[3] ? 'j-lit' : 'j-num';
    parts.push(html`<span class="${cls}">${m[1] || m[0]}</span>${m[2] || ''}`);
    at = m.index + m[0].length;
  }
  parts.push(p.slice(at));
  return html`<pre class="body json" data-testid="${testid}">${parts}</pre>`;
}

// A POSIX shell word: single quotes, with each ' written as '\''.
const shq = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;

// Records keep no secrets (an Authorization value is its scheme and "***"),
// so the command reads the secret from the shell: "$SCIM_TOKEN".
export const TOKEN_VAR = 'SCIM_TOKEN';
function curlHeader(h) {
  const m = /^authorization$/i.test(h.name) && /^(\S+)\s+(\*+|\[redacted\])$/.exec(h.value);
  return m ? `${shq(`${h.name}: ${m[1]} `)}"$${TOKEN_VAR}"` : shq(`${h.name}: ${h.value}`);
}

// The request as a curl command line that repeats it (headers curl sets itself are left out).
export function curlCommand(r) {
  const skip = /^(host|content-length|connection|accept-encoding)$/i;
  const out = ['curl', '-X', r.request.method, shq(r.request.url)];
  for (const h of r.request.headers || []) if (!skip.test(h.name)) out.push('-H', curlHeader(h));
  if (r.request.body) out.push('--data-raw', shq(r.request.body));
  return out.join(' ');
}

function headersBlock(hs) {
  return html`<div class="kv">${(hs || []).map((h) => html`<div><span class="k">${h.name}:</span> ${h.value}</div>`)}</div>`;
}

export function detailHtml(r, subject) {
  const st = r.response ? r.response.status : 0;
  const body = (b, id) => (b ? jsonBlock(b, id) : html`<p class="muted small">No body.</p>`);
  return html`
    <div class="detail-bar">
      <button class="btn sm" data-testid="traffic-copy-curl"
        title="The sandbox records no secrets: the command takes the token from $${TOKEN_VAR}">Copy as curl</button>
      <button class="btn sm" data-testid="traffic-copy-body" ${r.request.body ? '' : 'disabled'}>Copy body</button>
      <button class="btn sm" data-testid="traffic-copy-response" ${r.response && r.response.body ? '' : 'disabled'}>Copy response</button></div>
    <h2 class="detail-title">${kindLabel(subject.kind)}${subject.who ? ` · ${subject.who}` : ''}</h2>
    <div class="small muted">step: ${subject.step}${r.jobId ? html` · job <span class="mono">${r.jobId}</span>` : ''}
      · ${fmtTime(r.startedAt)} · ${r.durationMs} ms</div>
    ${subject.job && subject.job.display ? html`<div class="small">System Log: ${subject.job.display}</div>` : ''}
    <h3>Request</h3>
    <div class="mono reqline" data-testid="traffic-detail-request-line"><b class="method m-${r.request.method}">${r.request.method}</b> ${r.request.url}</div>
    ${headersBlock(r.request.headers)}
    ${body(r.request.body, 'traffic-detail-request-body')}
    <h3>Response</h3>
    ${r.response ? html`<div class="mono" data-testid="traffic-detail-status"><span class="st-${String(st)[0]}">${st} ${STATUS_TEXT[st] || ''}</span></div>
      ${headersBlock(r.response.headers)}
      ${body(r.response.body, 'traffic-detail-response-body')}`
    : html`<div class="callout bad">No response: ${r.error || 'connection failed'}</div>`}`;
}
