// Talking to the sandbox: the mock Okta's Management API (/api/v1, SSWS
// token from /sandbox/console/session), its sandbox endpoints (/sandbox/...),
// and the same-origin proxies to the service provider's admin API and the
// encryption service (/sandbox/links/...). Everything is same-origin.

export const session = { apiToken: '', orgUrl: '', scimBaseUrl: '', links: {}, features: {} };

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

// Okta errors: {errorSummary, errorCauses:[{errorSummary}]}; the admin API and
// the encryption service: {error, message}.
function describeError(status, body, text) {
  if (body && typeof body === 'object') {
    if (body.errorSummary) {
      const causes = (body.errorCauses || []).map((c) => c.errorSummary).filter(Boolean);
      return causes.length ? `${body.errorSummary} (${causes.join('; ')})` : body.errorSummary;
    }
    if (body.message) return body.message;
    if (body.detail) return body.detail;
  }
  return text ? `HTTP ${status}: ${text.slice(0, 200)}` : `HTTP ${status}`;
}

// Listeners for "the sandbox is back": it answers again after a request could
// not reach it, or it has a new Management API token (a restarted `up`).
const reconnectListeners = [];
export function onReconnect(fn) { reconnectListeners.push(fn); }
let away = false;

async function reconnected() {
  away = false;
  await loadSession().catch(() => {});
  for (const fn of reconnectListeners) fn();
}

async function call(url, { method = 'GET', body, headers = {} } = {}) {
  const init = { method, headers: { Accept: 'application/json', ...headers } };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    away = true;
    throw new ApiError(0, `Cannot reach the sandbox (${e.message}). Is okta-sandbox still running?`);
  }
  if (away) await reconnected();
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = text; }
  }
  if (!res.ok) throw new ApiError(res.status, describeError(res.status, data, text), data);
  return { data, res };
}

export async function loadSession() {
  const { data } = await call('/sandbox/console/session');
  Object.assign(session, data || {});
  session.links = session.links || {};
  session.features = session.features || {};
  return session;
}

// A Management API call with the session's SSWS token. A 401 after a restart
// (`up` makes a new token each start) reloads the session and tries once more.
async function oktaCall(url, init = {}) {
  const token = session.apiToken;
  const withToken = (t) => call(url, { ...init, headers: { Authorization: `SSWS ${t}` } });
  try {
    return await withToken(token);
  } catch (e) {
    if (e.status !== 401) throw e;
    await loadSession();
    if (session.apiToken === token) throw e;
    for (const fn of reconnectListeners) fn();
    return withToken(session.apiToken);
  }
}

// The Okta Management API.
export async function okta(method, path, body) {
  const { data } = await oktaCall('/api/v1' + path, { method, body });
  return data;
}

// One page and the `after` cursor of the next page (null at the end).
export async function oktaPage(path) {
  const { data, res } = await oktaCall('/api/v1' + path);
  const link = res.headers.get('Link') || '';
  const next = link.split(',').find((l) => /rel="next"/.test(l));
  const m = next && next.match(/[?&]after=([^&>]+)/);
  return { data: data || [], after: m ? decodeURIComponent(m[1]) : null };
}

// Follows Okta's Link rel="next" pages.
export async function oktaAll(path) {
  const out = [];
  let url = '/api/v1' + path;
  for (let guard = 0; url && guard < 50; guard++) {
    const { data, res } = await oktaCall(url);
    out.push(...(data || []));
    const link = res.headers.get('Link') || '';
    const next = link.split(',').find((l) => /rel="next"/.test(l));
    if (!next) break;
    const m = next.match(/<([^>]+)>/);
    if (!m) break;
    const u = new URL(m[1], location.origin);
    // Keep the query the first request had (the mock's next link carries only after/limit).
    const first = new URL('/api/v1' + path, location.origin);
    for (const [k, v] of first.searchParams) if (!u.searchParams.has(k)) u.searchParams.set(k, v);
    url = u.pathname + u.search;
  }
  return out;
}

export async function sandbox(method, path, body) {
  const { data } = await call('/sandbox' + path, { method, body });
  return data;
}

// The service provider's admin API, through the mock's same-origin proxy.
export async function scimAdmin(method, path, body) {
  const { data } = await call('/sandbox/links/scim-admin/' + path.replace(/^\//, ''), { method, body });
  return data;
}

export async function encryption(method, path, body) {
  const { data } = await call('/sandbox/links/encryption/' + path.replace(/^\//, ''), { method, body });
  return data;
}

// Whether an endpoint exists: the mock answers an unknown path with Okta's
// 404 "Resource not found"; a known path with another method gets 404 too in
// cpp-httplib, so features are probed with the method they use when safe.
export async function probe(method, path) {
  try {
    const res = await fetch(path, { method, headers: { Accept: 'application/json' } });
    return res.status !== 404;
  } catch {
    return false;
  }
}
