// Acceptance: a service provider built on @node-saml/node-saml, configured
// only from the sandbox's IdP metadata, signs a user in through the mock
// Okta — SP-initiated over the HTTP-Redirect binding (a session from
// POST /api/v1/authn + /login/sessionCookieRedirect) and IdP-initiated —
// reads NameID, attributes and groups, and rejects each per-app fault with
// node-saml's own error. Also: the HTTP-POST binding kept through the sign-in
// page, ForceAuthn, signed requests and single logout (node-saml's
// privateKey; the SP certificate is made with the openssl command).
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { SAML, ValidateInResponseTo } from '@node-saml/node-saml';
import { DOMParser } from '@xmldom/xmldom';
import xpath from 'xpath';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = process.env.OKTA_SANDBOX_BIN || path.resolve(here, '../../build/app/okta-sandbox');
const ACS = 'http://localhost:4000/saml/acs';
const SP_ENTITY = 'http://localhost:4000/saml/metadata';

// ---- the sandbox ----

function startSandbox() {
  return new Promise((resolve, reject) => {
    let out = '';
    const proc = spawn(BIN, ['up', '--in-memory', '--okta-port', '0', '--scim-port', '0', '--encryption-port', '0'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => reject(new Error(`okta-sandbox did not start in 20 s:\n${out}`)), 20000);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`okta-sandbox exited (${code}):\n${out}`)); });
    proc.stderr.on('data', (d) => { out += d; });
    proc.stdout.on('data', (d) => {
      out += d;
      const orgUrl = (out.match(/Org URL\s*:\s*(\S+)/) || [])[1];
      const apiToken = (out.match(/Management API token\s*:\s*SSWS\s+(\S+)/) || [])[1];
      if (orgUrl && apiToken && /Press Ctrl\+C/.test(out)) {
        clearTimeout(timer);
        const stop = () => new Promise((done) => {
          if (proc.exitCode !== null || proc.signalCode !== null) return done();
          const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
          proc.removeAllListeners('exit');
          proc.on('exit', () => { clearTimeout(kill); done(); });
          proc.kill('SIGTERM');
        });
        resolve({ orgUrl: orgUrl.replace(/\/$/, ''), apiToken, stop });
      }
    });
  });
}

let sb;
let app;
let sp;  // the node-saml service provider
let spOptions;  // its options, all from the metadata but the SP's own URLs
let idpCert;

async function api(method, p, body) {
  const res = await fetch(sb.orgUrl + p, {
    method,
    headers: { Authorization: `SSWS ${sb.apiToken}`, Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.status < 300, `${method} ${p}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function faults(patch) {
  const res = await fetch(`${sb.orgUrl}/sandbox/apps/${app.id}/saml-faults`, {
    method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(patch),
  });
  assert.equal(res.status, 200, await res.text());
}

// ---- the SP's side of the browser ----

// A session cookie via Okta's non-interactive path, continuing to `url`;
// returns the auto-submitted form's fields.
async function signInThrough(url, login = 'alice@example.com') {
  const authn = await fetch(`${sb.orgUrl}/api/v1/authn`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: login, password: 'Passw0rd!' }),
  });
  assert.equal(authn.status, 200);
  const { sessionToken } = await authn.json();
  const scr = await fetch(`${sb.orgUrl}/login/sessionCookieRedirect?token=${encodeURIComponent(sessionToken)}` +
    `&redirectUrl=${encodeURIComponent(url)}`, { redirect: 'manual' });
  assert.equal(scr.status, 302);
  const cookie = scr.headers.get('set-cookie').split(';')[0];
  const next = new URL(scr.headers.get('location'), sb.orgUrl).toString();
  const page = await fetch(next, { headers: { Cookie: cookie }, redirect: 'manual' });
  const html = await page.text();
  assert.equal(page.status, 200, html);
  return { ...formFields(html), cookie };
}

function formFields(html) {
  const action = (html.match(/<form[^>]*action="([^"]*)"/) || [])[1];
  const fields = { action: action && unescapeHtml(action) };
  for (const m of html.matchAll(/<input name="([^"]+)" type="hidden" value="([^"]*)"/g)) fields[m[1]] = unescapeHtml(m[2]);
  return fields;
}

function unescapeHtml(s) {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

// Where a redirect to the sign-in page continues (its fromURI), as an absolute URL.
function fromUriOf(res) {
  assert.equal(res.status, 302);
  const loc = new URL(res.headers.get('location'), sb.orgUrl);
  assert.equal(loc.pathname, '/login/login.htm');
  return sb.orgUrl + loc.searchParams.get('fromURI');
}

// SP-initiated: node-saml's AuthnRequest URL (HTTP-Redirect), then the form POSTed to the ACS.
async function spInitiated(relayState = 'rs-sp') {
  const url = await sp.getAuthorizeUrlAsync(relayState, undefined, {});
  assert.ok(url.startsWith(`${sb.orgUrl}/app/`), url);
  assert.match(url, /[?&]SAMLRequest=/);
  const form = await signInThrough(url);
  assert.equal(form.action, ACS);
  return form;
}

async function idpInitiated() {
  return signInThrough(`${sb.orgUrl}/app/${app.name}/${app.id}/sso/saml`);
}

// The SP's own rule on top of node-saml: the attributes it needs.
function requireAttributes(profile, names) {
  for (const n of names) if (profile[n] === undefined) throw new Error(`SAML assertion is missing attribute '${n}'`);
}

before(async () => {
  sb = await startSandbox();
  const user = await api('POST', '/api/v1/users?activate=true', {
    profile: { login: 'alice@example.com', email: 'alice@example.com', firstName: 'Alice', lastName: 'Example',
      department: 'R&D' },
    credentials: { password: { value: 'Passw0rd!' } },
  });
  const groups = [];
  for (const name of ['Engineering', 'Engineering Leads', 'Sales']) {
    const g = await api('POST', '/api/v1/groups', { profile: { name } });
    await api('PUT', `/api/v1/groups/${g.id}/users/${user.id}`);
    groups.push(g);
  }
  app = await api('POST', '/api/v1/apps', {
    label: 'Acme (node-saml)', signOnMode: 'SAML_2_0',
    settings: { signOn: {
      ssoAcsUrl: ACS, audience: SP_ENTITY, recipient: ACS, destination: ACS,
      subjectNameIdTemplate: '${user.userName}',
      subjectNameIdFormat: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress',
      responseSigned: true, assertionSigned: true, signatureAlgorithm: 'RSA_SHA256', digestAlgorithm: 'SHA256',
      defaultRelayState: '/dashboard',
      attributeStatements: [
        { type: 'EXPRESSION', name: 'email', values: ['user.email'] },
        { type: 'EXPRESSION', name: 'department', values: ['user.department'] },
        { type: 'GROUP', name: 'groups', filterType: 'STARTS_WITH', filterValue: 'Eng' },
      ],
    } },
  });
  await api('PUT', `/api/v1/apps/${app.id}/groups/${groups[0].id}`, {});

  // The SP knows only the metadata URL.
  const md = await fetch(`${sb.orgUrl}/app/${app.id}/sso/saml/metadata`);
  assert.equal(md.status, 200);
  const doc = new DOMParser().parseFromString(await md.text(), 'text/xml');
  const select = xpath.useNamespaces({ md: 'urn:oasis:names:tc:SAML:2.0:metadata',
    ds: 'http://www.w3.org/2000/09/xmldsig#' });
  const entityId = select('string(/md:EntityDescriptor/@entityID)', doc);
  const entryPoint = select("string(//md:SingleSignOnService[@Binding='urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect']/@Location)", doc);
  idpCert = select('string(//md:KeyDescriptor[@use="signing"]//ds:X509Certificate)', doc).replace(/\s+/g, '');
  assert.equal(entityId, `http://www.okta.com/${app.id}`);
  assert.ok(entryPoint && idpCert);
  spOptions = {
    entryPoint, idpIssuer: entityId, idpCert, issuer: SP_ENTITY, callbackUrl: ACS, audience: SP_ENTITY,
    wantAssertionsSigned: true, wantAuthnResponseSigned: true,
    validateInResponseTo: ValidateInResponseTo.ifPresent, acceptedClockSkewMs: 0,
  };
  sp = new SAML(spOptions);
});

after(async () => { if (sb) await sb.stop(); });

test('SP-initiated (HTTP-Redirect): node-saml validates the response and reads NameID, attributes, groups', async () => {
  const form = await spInitiated('rs-1');
  assert.equal(form.RelayState, 'rs-1');
  const { profile, loggedOut } = await sp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse,
    RelayState: form.RelayState });
  assert.equal(loggedOut, false);
  assert.equal(profile.nameID, 'alice@example.com');
  assert.equal(profile.nameIDFormat, 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
  assert.equal(profile.issuer, `http://www.okta.com/${app.id}`);
  assert.equal(profile.email, 'alice@example.com');
  assert.equal(profile.department, 'R&D');
  assert.deepEqual(profile.groups, ['Engineering', 'Engineering Leads']);
  assert.ok(profile.inResponseTo && profile.inResponseTo.startsWith('_'));
  assert.ok(profile.sessionIndex);
  requireAttributes(profile, ['email', 'department']);
  // A replayed response whose request was already answered is refused (InResponseTo cache).
  await assert.rejects(sp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse }), /InResponseTo/);
});

test('IdP-initiated (the embed link): node-saml accepts the unsolicited response', async () => {
  const form = await idpInitiated();
  assert.equal(form.RelayState, '/dashboard');
  const { profile } = await sp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse });
  assert.equal(profile.nameID, 'alice@example.com');
  assert.equal(profile.inResponseTo, undefined);
  assert.deepEqual(profile.groups, ['Engineering', 'Engineering Leads']);
});

test('a tampered response fails node-saml signature validation', async () => {
  const form = await idpInitiated();
  const xml = Buffer.from(form.SAMLResponse, 'base64').toString('utf8').replace('R&amp;D', 'Sales');
  await assert.rejects(sp.validatePostResponseAsync({ SAMLResponse: Buffer.from(xml).toString('base64') }),
    /Invalid (document )?signature/);
});

test('fault: clock skew ahead → "SAML assertion not yet valid"; behind → expired', async () => {
  try {
    await faults({ clockSkewSeconds: 600 });
    const form = await spInitiated();
    await assert.rejects(sp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse }),
      /SAML assertion not yet valid/);
    await faults({ clockSkewSeconds: -900 });
    const late = await idpInitiated();
    await assert.rejects(sp.validatePostResponseAsync({ SAMLResponse: late.SAMLResponse }),
      /SAML assertion expired/);
  } finally {
    await faults({ clockSkewSeconds: 0 });
  }
});

test('fault: wrong audience → "SAML assertion audience mismatch"', async () => {
  try {
    await faults({ wrongAudience: true });
    const form = await spInitiated();
    await assert.rejects(sp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse }),
      /SAML assertion audience mismatch/);
  } finally {
    await faults({ wrongAudience: false });
  }
});

test('fault: expired certificate → the signature does not verify with the metadata certificate', async () => {
  try {
    await faults({ expiredCertificate: true });
    const form = await idpInitiated();
    const xml = Buffer.from(form.SAMLResponse, 'base64').toString('utf8');
    const shown = xml.match(/<ds:X509Certificate>([^<]+)<\/ds:X509Certificate>/)[1];
    assert.notEqual(shown, idpCert);
    const cert = new X509Certificate(Buffer.from(shown, 'base64'));
    assert.ok(new Date(cert.validTo) < new Date(), `validTo ${cert.validTo}`);
    await assert.rejects(sp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse }),
      /Invalid (document )?signature/);
  } finally {
    await faults({ expiredCertificate: false });
  }
});

test('fault: unsigned assertion → node-saml "Invalid signature"', async () => {
  try {
    await faults({ unsignedAssertion: true });
    const form = await spInitiated();
    await assert.rejects(sp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse }), /Invalid signature/);
  } finally {
    await faults({ unsignedAssertion: false });
  }
});

test('fault: missing attribute → valid response without it; the SP refuses it', async () => {
  try {
    await faults({ missingAttribute: 'department' });
    const form = await spInitiated();
    const { profile } = await sp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse });
    assert.equal(profile.department, undefined);
    assert.equal(profile.email, 'alice@example.com');
    assert.throws(() => requireAttributes(profile, ['email', 'department']), /missing attribute 'department'/);
  } finally {
    await faults({ missingAttribute: null });
  }
  // Faults off: accepted again.
  const form = await spInitiated();
  const { profile } = await sp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse });
  assert.equal(profile.department, 'R&D');
});

test('SP-initiated (HTTP-POST binding, no session yet): the request is kept through sign-in', async () => {
  // SAML's POST binding carries the request uncompressed (node-saml deflates unless told not to).
  const postSp = new SAML({ ...spOptions, authnRequestBinding: 'HTTP-POST', skipRequestCompression: true });
  const html = await postSp.getAuthorizeFormAsync('rs-post', undefined, {});
  const action = decodeURI(html.match(/<form method="post" action="([^"]+)"/)[1]);
  const fields = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[m[1]] = unescapeHtml(m[2]);
  assert.ok(fields.SAMLRequest);
  const res = await fetch(action, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
  const from = fromUriOf(res);
  assert.match(from, /\/sso\/saml\?pending=/);
  const form = await signInThrough(from);
  assert.equal(form.RelayState, 'rs-post');
  const { profile } = await postSp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse });
  assert.equal(profile.nameID, 'alice@example.com');
  assert.ok(profile.inResponseTo);
});

test('ForceAuthn: an existing session is not enough; signing in again completes the request', async () => {
  const forceSp = new SAML({ ...spOptions, forceAuthn: true });
  // A session first.
  const authn = await fetch(`${sb.orgUrl}/api/v1/authn`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'alice@example.com', password: 'Passw0rd!' }),
  });
  const { sessionToken } = await authn.json();
  const scr = await fetch(`${sb.orgUrl}/login/sessionCookieRedirect?token=${encodeURIComponent(sessionToken)}` +
    `&redirectUrl=${encodeURIComponent('/app/x')}`, { redirect: 'manual' });
  const cookie = scr.headers.get('set-cookie').split(';')[0];
  const url = await forceSp.getAuthorizeUrlAsync('rs-force', undefined, {});
  const from = fromUriOf(await fetch(url, { headers: { Cookie: cookie }, redirect: 'manual' }));
  assert.match(from, /pending=/);
  // The same session again: still the sign-in page.
  fromUriOf(await fetch(from, { headers: { Cookie: cookie }, redirect: 'manual' }));
  const form = await signInThrough(from);
  const { profile } = await forceSp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse });
  assert.equal(profile.nameID, 'alice@example.com');
});

// An SP key and self-signed certificate (the openssl command): { privateKey, x5c, cleanup() }.
function makeSpCredential() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'saml-sp-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '365',
    '-subj', '/CN=acme-sp', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')],
  { stdio: 'ignore' });
  const privateKey = readFileSync(path.join(dir, 'key.pem'), 'utf8');
  const x5c = readFileSync(path.join(dir, 'cert.pem'), 'utf8').replace(/-----[^-]+-----|\s+/g, '');
  rmSync(dir, { recursive: true, force: true });
  return { privateKey, x5c };
}

test('signed requests: node-saml signs its AuthnRequest with the SP key the app trusts; unsigned is refused', async () => {
  const { privateKey, x5c } = makeSpCredential();
  try {
    await api('PUT', `/api/v1/apps/${app.id}`, { settings: { signOn: {
      samlSignedRequestEnabled: true, spCertificate: { x5c: [x5c] } } } });
    const md = await (await fetch(`${sb.orgUrl}/app/${app.id}/sso/saml/metadata`)).text();
    assert.match(md, /WantAuthnRequestsSigned="true"/);

    const signingSp = new SAML({ ...spOptions, privateKey, signatureAlgorithm: 'sha256' });
    const url = await signingSp.getAuthorizeUrlAsync('rs-signed', undefined, {});
    assert.match(url, /[?&]Signature=/);
    const form = await signInThrough(url);
    assert.equal(form.RelayState, 'rs-signed');
    const { profile } = await signingSp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse });
    assert.equal(profile.nameID, 'alice@example.com');

    // The same SP without its key: Okta's error page, no response.
    const unsigned = await sp.getAuthorizeUrlAsync('rs-unsigned', undefined, {});
    const authn = await fetch(`${sb.orgUrl}/api/v1/authn`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'alice@example.com', password: 'Passw0rd!' }),
    });
    const { sessionToken } = await authn.json();
    const scr = await fetch(`${sb.orgUrl}/login/sessionCookieRedirect?token=${encodeURIComponent(sessionToken)}` +
      `&redirectUrl=${encodeURIComponent(unsigned)}`, { redirect: 'manual' });
    const cookie = scr.headers.get('set-cookie').split(';')[0];
    const page = await fetch(unsigned, { headers: { Cookie: cookie }, redirect: 'manual' });
    const html = await page.text();
    assert.equal(page.status, 400);
    assert.match(html, /Signed requests are required for this app/);
    assert.doesNotMatch(html, /SAMLResponse/);
  } finally {
    await api('PUT', `/api/v1/apps/${app.id}`, { settings: { signOn: { samlSignedRequestEnabled: false } } });
  }
});

test("single logout: node-saml's signed LogoutRequest ends the session; node-saml accepts the LogoutResponse", async () => {
  const { privateKey, x5c } = makeSpCredential();
  const spLogout = 'http://localhost:4000/saml/logout';
  try {
    await api('PUT', `/api/v1/apps/${app.id}`, { settings: { signOn: {
      spCertificate: { x5c: [x5c] }, slo: { enabled: true, logoutUrl: spLogout } } } });
    const md = await (await fetch(`${sb.orgUrl}/app/${app.id}/sso/saml/metadata`)).text();
    const doc = new DOMParser().parseFromString(md, 'text/xml');
    const select = xpath.useNamespaces({ md: 'urn:oasis:names:tc:SAML:2.0:metadata' });
    const slo = select("string(//md:SingleLogoutService[@Binding='urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect']/@Location)", doc);
    assert.ok(slo.endsWith(`/app/${app.name}/${app.id}/slo/saml`), slo);

    const sloSp = new SAML({ ...spOptions, privateKey, signatureAlgorithm: 'sha256', logoutUrl: slo,
      logoutCallbackUrl: spLogout });
    const form = await signInThrough(await sloSp.getAuthorizeUrlAsync('rs-in', undefined, {}));
    const { profile } = await sloSp.validatePostResponseAsync({ SAMLResponse: form.SAMLResponse });
    const logoutUrl = await sloSp.getLogoutUrlAsync(profile, 'rs-out', {});
    assert.ok(logoutUrl.startsWith(slo) && /[?&]Signature=/.test(logoutUrl), logoutUrl);
    const res = await fetch(logoutUrl, { headers: { Cookie: form.cookie }, redirect: 'manual' });
    const html = await res.text();
    assert.equal(res.status, 200, html);
    const out = formFields(html);
    assert.equal(out.action, spLogout);
    assert.equal(out.RelayState, 'rs-out');
    const result = await sloSp.validatePostResponseAsync({ SAMLResponse: out.SAMLResponse });
    assert.equal(result.loggedOut, true);
    // The Okta session is over: the embed link asks to sign in again.
    const again = await fetch(`${sb.orgUrl}/app/${app.name}/${app.id}/sso/saml`,
      { headers: { Cookie: form.cookie }, redirect: 'manual' });
    assert.equal(again.status, 302);
    assert.match(again.headers.get('location'), /^\/login\/login\.htm/);
  } finally {
    await api('PUT', `/api/v1/apps/${app.id}`, { settings: { signOn: { slo: { enabled: false } } } });
  }
});
