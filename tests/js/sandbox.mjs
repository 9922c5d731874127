// Shared helpers of the JS tests that sign in against `okta-sandbox up`:
// start/stop the sandbox on free ports (the same way sdk_setup_guide.test.mjs
// does), call the Management API with the SSWS token, and a tiny browser
// (fetch + cookie jar + manual redirects + form parsing) so the OIDC sign-in
// runs without a real browser.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.OKTA_SANDBOX_BIN || path.resolve(here, '../../build/app/okta-sandbox');

// ---- the sandbox process ----

// Starts `okta-sandbox up --in-memory` on free ports; resolves with
// { orgUrl, apiToken, scimBase, scimToken, output(), stop() } once the URLs are printed.
export function startSandbox() {
  return new Promise((resolve, reject) => {
    let stdoutText = '';
    let stderrText = '';
    const proc = spawn(BIN, ['up', '--in-memory', '--okta-port', '0', '--scim-port', '0', '--encryption-port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    const output = () => `${stdoutText}\n${stderrText}`;
    const timer = setTimeout(() => reject(new Error(`okta-sandbox did not print its URLs in 20 s:\n${output()}`)), 20000);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`okta-sandbox exited early (${code ?? sig}):\n${output()}`));
    });
    proc.stderr.on('data', (d) => { stderrText += d; });
    proc.stdout.on('data', (d) => {
      stdoutText += d;
      const m = (re) => (stdoutText.match(re) || [])[1];
      const orgUrl = m(/Org URL\s*:\s*(\S+)/);
      const apiToken = m(/Management API token\s*:\s*SSWS\s+(\S+)/);
      const scimBase = m(/SCIM connector base URL\s*:\s*(\S+)/);
      const scimToken = m(/Bearer \(secret token\)\s*:\s*(\S+)/);
      if (orgUrl && apiToken && scimBase && scimToken && /Press Ctrl\+C/.test(stdoutText)) {
        clearTimeout(timer);
        const stop = () => {
          if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
          return new Promise((done) => {
            const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
            proc.removeAllListeners('exit');
            proc.on('exit', () => { clearTimeout(kill); done(); });
            proc.kill('SIGTERM');
          });
        };
        resolve({ orgUrl: orgUrl.replace(/\/$/, ''), apiToken, scimBase, scimToken, output, stop });
      }
    });
  });
}

// ---- plain HTTP ----

async function readBody(res) {
  const text = await res.text();
  let json;
  try { json = text ? JSON.parse(text) : null; } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, body: json };
}

// The Management API with the SSWS token: { status, headers, text, body }.
export async function api(sb, method, p, body) {
  const res = await fetch(sb.orgUrl + p, {
    method,
    headers: {
      Authorization: `SSWS ${sb.apiToken}`,
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return readBody(res);
}

// Same, but asserts a 2xx answer and returns the JSON body.
export async function apiOk(sb, method, p, body) {
  const r = await api(sb, method, p, body);
  assert.ok(r.status >= 200 && r.status < 300, `${method} ${p} → ${r.status}: ${r.text}`);
  return r.body;
}

// POST of a form (application/x-www-form-urlencoded), optionally with HTTP Basic client auth.
export async function postForm(url, fields, { basic } = {}) {
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
  if (basic) headers.Authorization = `Basic ${Buffer.from(`${encodeURIComponent(basic[0])}:${encodeURIComponent(basic[1])}`).toString('base64')}`;
  const res = await fetch(url, { method: 'POST', headers, body: new URLSearchParams(fields).toString(), redirect: 'manual' });
  return readBody(res);
}

export async function getNoRedirect(url, headers = {}) {
  const res = await fetch(url, { headers, redirect: 'manual' });
  return readBody(res);
}

// ---- directory setup through /api/v1 ----

export const PASSWORD = 'Sandbox-Passw0rd!';

export async function createUser(sb, { firstName, lastName, login, email = login, password = PASSWORD }) {
  return apiOk(sb, 'POST', '/api/v1/users?activate=true', {
    profile: { firstName, lastName, email, login },
    credentials: { password: { value: password } },
  });
}

export async function createGroup(sb, name) {
  return apiOk(sb, 'POST', '/api/v1/groups', { profile: { name, description: `${name} (JS OIDC tests)` } });
}

export async function addUserToGroup(sb, groupId, userId) {
  const r = await api(sb, 'PUT', `/api/v1/groups/${groupId}/users/${userId}`);
  assert.ok(r.status >= 200 && r.status < 300, `PUT group user → ${r.status}: ${r.text}`);
}

export async function assignGroupToApp(sb, appId, groupId) {
  return apiOk(sb, 'PUT', `/api/v1/apps/${appId}/groups/${groupId}`, { priority: 0 });
}

// An OIDC web app (Okta's "OIDC - OpenID Connect" / "Web Application" integration).
export async function createOidcWebApp(sb, { label, redirectUris, postLogoutRedirectUris = [], authMethod = 'client_secret_basic' }) {
  return apiOk(sb, 'POST', '/api/v1/apps', {
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: authMethod } },
    settings: {
      oauthClient: {
        redirect_uris: redirectUris,
        post_logout_redirect_uris: postLogoutRedirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token'],
        application_type: 'web',
      },
    },
  });
}

// ---- PKCE, JWT peeking ----

export const b64url = (buf) => Buffer.from(buf).toString('base64url');
export const randomToken = (n = 32) => b64url(randomBytes(n));

export function pkce() {
  const verifier = randomToken(48);
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  return { verifier, challenge };
}

export function decodeJwt(token) {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url')), payload: JSON.parse(Buffer.from(p, 'base64url')) };
}

// ---- a tiny browser: cookie jar + redirects + forms ----

function defaultCookiePath(pathname) {
  if (!pathname.startsWith('/')) return '/';
  const i = pathname.lastIndexOf('/');
  return i <= 0 ? '/' : pathname.slice(0, i);
}

function pathMatches(cookiePath, reqPath) {
  if (reqPath === cookiePath) return true;
  if (!reqPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || reqPath[cookiePath.length] === '/';
}

// Cookies keyed like a browser does: by host (not port), path and name.
export class CookieJar {
  constructor() { this.cookies = []; }

  store(url, setCookieHeaders) {
    const u = new URL(url);
    for (const line of setCookieHeaders) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const c = {
        name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(),
        domain: u.hostname, hostOnly: true, path: defaultCookiePath(u.pathname), expires: undefined, attrs: {},
      };
      for (const a of attrs) {
        const i = a.indexOf('=');
        const k = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
        const v = i < 0 ? '' : a.slice(i + 1).trim();
        c.attrs[k] = v;
        if (k === 'path' && v.startsWith('/')) c.path = v;
        else if (k === 'domain' && v) { c.domain = v.replace(/^\./, '').toLowerCase(); c.hostOnly = false; }
        else if (k === 'max-age') c.expires = Date.now() + Number(v) * 1000;
        else if (k === 'expires' && c.expires === undefined) c.expires = Date.parse(v);
      }
      this.cookies = this.cookies.filter((x) => !(x.name === c.name && x.domain === c.domain && x.path === c.path));
      if (c.expires === undefined || c.expires > Date.now()) this.cookies.push(c);
    }
  }

  header(url) {
    const u = new URL(url);
    const now = Date.now();
    this.cookies = this.cookies.filter((c) => c.expires === undefined || c.expires > now);
    return this.cookies
      .filter((c) => (c.hostOnly ? u.hostname === c.domain : (u.hostname === c.domain || u.hostname.endsWith(`.${c.domain}`))))
      .filter((c) => pathMatches(c.path, u.pathname))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  get(name, url) {
    const u = url ? new URL(url) : null;
    return this.cookies.find((c) => c.name === name && (!u || u.hostname === c.domain));
  }
}

// Follows redirects itself (so each hop and the cookies it sets are seen) and
// keeps a history: [{ method, url, status, location }].
export class Browser {
  constructor() {
    this.jar = new CookieJar();
    this.history = [];
  }

  async request(url, { method = 'GET', form, headers = {}, follow = true, maxHops = 20 } = {}) {
    let current = url;
    let m = method;
    let body = form ? new URLSearchParams(form).toString() : undefined;
    for (let hop = 0; hop <= maxHops; hop++) {
      const h = { Accept: 'text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8', ...headers };
      const cookie = this.jar.header(current);
      if (cookie) h.Cookie = cookie;
      if (body !== undefined) h['Content-Type'] = 'application/x-www-form-urlencoded';
      const res = await fetch(current, { method: m, headers: h, body, redirect: 'manual' });
      this.jar.store(current, res.headers.getSetCookie());
      const location = res.headers.get('location');
      const entry = { method: m, url: current, status: res.status, location };
      this.history.push(entry);
      if (follow && location && [301, 302, 303, 307, 308].includes(res.status)) {
        await res.arrayBuffer();
        current = new URL(location, current).href;
        if (res.status !== 307 && res.status !== 308) { m = 'GET'; body = undefined; }
        continue;
      }
      const r = await readBody(res);
      return { ...r, url: current, location, hops: this.history };
    }
    throw new Error(`more than ${maxHops} redirects:\n${this.trace()}`);
  }

  get(url, opts) { return this.request(url, opts); }

  // Submits a parsed form (see parseForms) from the page at pageUrl.
  submit(pageUrl, form, fields) {
    const action = new URL(form.action || pageUrl, pageUrl).href;
    return this.request(action, { method: (form.method || 'GET').toUpperCase(), form: { ...form.fields, ...fields } });
  }

  trace(n = 30) {
    return this.history.slice(-n).map((e) => `${e.method} ${e.url} → ${e.status}${e.location ? ` → ${e.location}` : ''}`).join('\n');
  }
}

// ---- HTML ----

export function decodeEntities(s) {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, x) => String.fromCodePoint(parseInt(x, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function attrs(tag) {
  const out = {};
  const re = /([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  const inner = tag.replace(/^<\s*[a-zA-Z]+/, '').replace(/\/?>$/, '');
  let m;
  while ((m = re.exec(inner))) out[m[1].toLowerCase()] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  return out;
}

// Every <form> of a page: { action, method, fields (hidden + text inputs with
// their values), inputs: [attrs], buttons: [{ name, value, text }] }.
export function parseForms(html) {
  const forms = [];
  const re = /<form\b[^>]*>([\s\S]*?)<\/form>/gi;
  let m;
  while ((m = re.exec(html))) {
    const open = m[0].match(/<form\b[^>]*>/i)[0];
    const a = attrs(open);
    const inputs = [...m[1].matchAll(/<input\b[^>]*>/gi)].map((x) => attrs(x[0]));
    const buttons = [...m[1].matchAll(/<button\b([^>]*)>([\s\S]*?)<\/button>/gi)].map((x) => ({
      ...attrs(`<button ${x[1]}>`), text: decodeEntities(x[2].replace(/<[^>]*>/g, '')).trim(),
    }));
    const fields = {};
    for (const i of inputs) {
      const type = (i.type || 'text').toLowerCase();
      if (!i.name || ['submit', 'button', 'image', 'checkbox', 'radio'].includes(type)) continue;
      fields[i.name] = i.value ?? '';
    }
    forms.push({ action: a.action, method: a.method || 'GET', fields, inputs, buttons });
  }
  return forms;
}

// The text a user sees (tags stripped, entities decoded, whitespace collapsed).
export function pageText(html) {
  return decodeEntities(html.replace(/<script[\s\S]*?<\/script>/gi, ' ').replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').trim();
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
