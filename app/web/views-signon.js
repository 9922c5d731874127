// OpenID Connect in the console: the OIDC part of Create App Integration
// (application type, grant types, redirect URIs, group assignment), an OIDC
// app's Sign On tab (client credentials, issuers, redirect URIs), and the
// Sign-in demo: the vendor's "Sign in with Okta" button running the
// authorization code flow with PKCE against the mock Okta, then the ID
// token's claims next to the same person's SCIM record on the service
// provider: the whole integration in one page.
import { okta, oktaAll, sandbox, scimAdmin, session } from './api.js';
import { $, $$, html, setHtml, toast, errorToast, copyText, pill, formValues, go, fmtTime } from './ui.js';
import {
  appTypes, appTypeLabel, grantLabel, authMethodLabel, orgUrl, demoRedirectUri, demoLogoutUri, issuers,
  oauthClientOf, credentialsOf, isOidc, createBody, putOauthClient, splitUris, pkcePair, randomString, decodeJwt, verifyJwt,
} from './oidc.js';

// ================================================================ wizard

// Step 1, under the sign-in methods: the application type (OIDC only).
export function oidcTypeChoices() {
  return html`<div data-oidc-types hidden data-testid="oidc-app-types">
    <h3>Application type</h3>
    <p class="muted small" style="margin-top:0">What kind of application are you trying to integrate with Okta?</p>
    <div class="choice-grid">${appTypes.map(([type, label, desc], i) => html`
      <label class="choice"><input type="radio" name="appType" value="${type}" ${i === 0 ? 'checked' : ''} data-testid="oidc-type-${type}">
        <div><div class="t">${label}</div><div class="d">${desc}</div></div></label>`)}</div></div>`;
}

// Step 2 for OIDC apps.
export function oidcWizardFields() {
  return html`<div data-oidc-step2 hidden data-testid="oidc-step2">
    <div class="form-row"><label for="oidc-name">App integration name</label>
      <input type="text" id="oidc-name" name="oidcLabel" data-testid="oidc-app-name" value="My Web App"></div>
    <div class="form-row"><div class="label">Application type</div><div class="value" data-oidc-type-label></div></div>
    <div class="form-row"><div class="label" id="oidc-grants-label">Grant type</div>
      <div class="checks" role="group" aria-labelledby="oidc-grants-label" data-oidc-grants></div></div>
    <div class="form-row" data-oidc-redirects><label for="oidc-redirect-uris">Sign-in redirect URIs</label><div>
      <textarea id="oidc-redirect-uris" name="redirectUris" rows="2" data-testid="oidc-redirect-uris"></textarea>
      <div class="help">One per line. Okta sends the authorization code to these URIs only.
        <button type="button" class="btn link small" data-add-demo-uris data-testid="oidc-add-demo-uris">Add the console's Sign-in demo</button></div></div></div>
    <div class="form-row" data-oidc-redirects><label for="oidc-logout-uris">Sign-out redirect URIs</label><div>
      <textarea id="oidc-logout-uris" name="logoutUris" rows="2" data-testid="oidc-logout-uris"></textarea>
      <div class="help">Optional. Where Okta may send the browser after sign-out.</div></div></div>
    <div class="form-row" data-oidc-redirects><div class="label" id="oidc-assign-label">Assignments</div>
      <div class="checks" role="radiogroup" aria-labelledby="oidc-assign-label">
        <label><input type="radio" name="assign" value="skip" checked data-testid="oidc-assign-skip"> Skip group assignment for now</label>
        <label><input type="radio" name="assign" value="group" data-testid="oidc-assign-group"> Limit access to selected groups</label>
        <div data-assign-group hidden><label for="oidc-group" class="small muted">Group</label>
          <select id="oidc-group" name="groupId" data-testid="oidc-group"></select></div>
      </div></div>
  </div>`;
}

export function wireOidcWizard(root) {
  const types = $('[data-oidc-types]', root);
  const sync = () => {
    const m = $('input[name=method]:checked', root);
    types.hidden = !m || m.value !== 'OPENID_CONNECT';
  };
  for (const r of $$('input[name=method]', root)) r.addEventListener('change', sync);
  sync();
  for (const r of $$('input[name=assign]', root)) {
    r.addEventListener('change', () => { $('[data-assign-group]', root).hidden = $('input[name=assign]:checked', root).value !== 'group'; });
  }
  $('[data-add-demo-uris]', root).onclick = () => {
    const add = (el, uri) => { if (!splitUris(el.value).includes(uri)) el.value = [...splitUris(el.value), uri].join('\n'); };
    add($('#oidc-redirect-uris', root), demoRedirectUri());
    add($('#oidc-logout-uris', root), demoLogoutUri());
  };
}

const defaultNames = { web: 'My Web App', browser: 'My SPA', native: 'My Native App', service: 'My API Services App' };
const defaultRedirects = {
  web: ['http://localhost:8080/authorization-code/callback', 'http://localhost:8080'],
  browser: ['http://localhost:8080/login/callback', 'http://localhost:8080'],
  native: ['com.okta.example://callback', 'com.okta.example://logout'],
};

export async function enterOidcStep2(root, forcedType) {
  const type = forcedType || ($('input[name=appType]:checked', root) || {}).value || 'web';
  const t = appTypes.find((x) => x[0] === type);
  const step = $('[data-oidc-step2]', root);
  step.dataset.type = type;
  step.hidden = false;
  $('[data-oidc-type-label]', step).textContent = t[1];
  $('#oidc-name', step).value = defaultNames[type];
  setHtml($('[data-oidc-grants]', step), t[4].map((g) => html`<label><input type="checkbox" name="grant_${g}"
    ${t[5].includes(g) ? 'checked' : ''} ${type === 'service' ? 'disabled' : ''} data-testid="oidc-grant-${g}"> ${grantLabel[g]}</label>`));
  for (const r of $$('[data-oidc-redirects]', step)) r.hidden = type === 'service';
  if (defaultRedirects[type]) {
    $('#oidc-redirect-uris', step).value = defaultRedirects[type][0];
    $('#oidc-logout-uris', step).value = defaultRedirects[type][1];
  }
  const groups = await oktaAll('/groups?limit=200').catch(() => []);
  setHtml($('#oidc-group', step), groups.length ? groups.map((g) => html`<option value="${g.id}">${g.profile.name}</option>`)
    : html`<option value="">No groups yet</option>`);
  $('#oidc-name', step).select();
}

export async function finishOidcWizard(root) {
  const step = $('[data-oidc-step2]', root);
  const type = step.dataset.type;
  const t = appTypes.find((x) => x[0] === type);
  const v = formValues(step);
  if (!v.oidcLabel) throw new Error('App integration name: The field is required');
  const grants = type === 'service' ? ['client_credentials'] : t[4].filter((g) => v[`grant_${g}`]);
  if (!grants.length) throw new Error('Grant type: choose at least one');
  const redirectUris = splitUris(v.redirectUris), logoutUris = splitUris(v.logoutUris);
  if (type !== 'service' && grants.includes('authorization_code') && !redirectUris.length) {
    throw new Error('Sign-in redirect URIs: the authorization code grant needs at least one');
  }
  if (type !== 'service' && v.assign === 'group' && !v.groupId) throw new Error('Assignments: choose a group');
  const app = await okta('POST', '/apps?activate=true', createBody({ label: v.oidcLabel, type, grants, redirectUris, logoutUris }));
  if (type !== 'service' && v.assign === 'group') {
    try {
      await okta('PUT', `/apps/${app.id}/groups/${v.groupId}`, { priority: 0 });
    } catch (e) {
      toast(`${app.label} was created, but the group assignment failed: ${e.message}`, 'bad');
    }
  }
  return app;
}

// ================================================================ Sign On tab

function uriList(list, testid) {
  return list && list.length
    ? html`<ul class="uri-list" data-testid="${testid}">${list.map((u) => html`<li class="mono">${u}</li>`)}</ul>`
    : html`<div class="value muted" data-testid="${testid}">None</div>`;
}

export async function signOnTab(body, app) {
  const servers = await issuers();
  let editing = false;
  let showSecret = false;
  function draw() {
    const oc = oauthClientOf(app), cred = credentialsOf(app);
    const clientId = cred.client_id || app.id;
    const method = cred.token_endpoint_auth_method || '';
    const redirectable = oc.application_type !== 'service';
    setHtml(body, html`
      <div class="panel" data-testid="signon-credentials"><div class="panel-head"><h2>Client Credentials</h2></div>
        <div class="form-row"><label for="so-client-id">Client ID</label><div><div class="inline">
          <input type="text" id="so-client-id" readonly class="secret" value="${clientId}" data-testid="signon-client-id">
          <button class="btn sm" data-copy-id data-testid="signon-copy-client-id">Copy</button></div>
          <div class="help">Public identifier for the client that is required for all OAuth flows.</div></div></div>
        <div class="form-row"><div class="label">Client authentication</div><div class="value" data-testid="signon-auth-method">${authMethodLabel[method] || method || '—'}</div></div>
        ${cred.client_secret ? html`<div class="form-row"><label for="so-client-secret">Client secret</label><div><div class="inline">
            <input type="${showSecret ? 'text' : 'password'}" id="so-client-secret" readonly class="secret" value="${cred.client_secret}" data-testid="signon-client-secret">
            <button class="btn sm" data-show-secret data-testid="signon-show-secret">${showSecret ? 'Hide' : 'Show'}</button>
            <button class="btn sm" data-copy-secret data-testid="signon-copy-secret">Copy</button></div>
            <div class="help">Keep it on the app's server; the Sign-in demo sends it because the console plays the vendor's backend.</div></div></div>`
    : html`<div class="form-row"><div class="label">Client secret</div><div class="value muted" data-testid="signon-no-secret">${method === 'none'
      ? 'None: a public client (PKCE is required on the authorization code flow).' : 'Not returned by the API.'}</div></div>`}
      </div>
      <div class="panel" data-testid="signon-general"><div class="panel-head"><h2>General Settings</h2>
        ${editing || !redirectable ? '' : html`<button class="btn" data-testid="signon-edit">Edit</button>`}</div>
        <div class="form-row"><div class="label">Application type</div><div class="value" data-testid="signon-app-type">${appTypeLabel[oc.application_type] || oc.application_type || '—'}</div></div>
        <div class="form-row"><div class="label">Grant type</div><div class="value">${(oc.grant_types || []).map((g) => html`<span class="chip plain">${grantLabel[g] || g}</span> `)}</div></div>
        ${redirectable ? html`
        <div class="form-row">${editing ? html`<label for="so-redirect-uris">Sign-in redirect URIs</label>` : html`<div class="label">Sign-in redirect URIs</div>`}${editing
          ? html`<div><textarea id="so-redirect-uris" rows="3" data-testid="signon-redirect-uris-input">${(oc.redirect_uris || []).join('\n')}</textarea>
              <div class="help">One per line. <button type="button" class="btn link small" data-add-demo>Add the console's Sign-in demo</button></div></div>`
          : uriList(oc.redirect_uris, 'signon-redirect-uris')}</div>
        <div class="form-row">${editing ? html`<label for="so-logout-uris">Sign-out redirect URIs</label>` : html`<div class="label">Sign-out redirect URIs</div>`}${editing
          ? html`<textarea id="so-logout-uris" rows="2" data-testid="signon-logout-uris-input">${(oc.post_logout_redirect_uris || []).join('\n')}</textarea>`
          : uriList(oc.post_logout_redirect_uris, 'signon-logout-uris')}</div>` : ''}
        ${editing ? html`<div class="form-actions"><button class="btn primary" data-testid="signon-save">Save</button>
          <button class="btn" data-testid="signon-cancel">Cancel</button></div>` : ''}
      </div>
      <div class="panel" data-testid="signon-issuers"><div class="panel-head"><h2>OpenID Connect issuers</h2></div>
        <p class="muted small" style="margin-top:0">Tokens for this client come from either authorization server. Point the app's OIDC
          library at an issuer; it reads the endpoints and keys from the metadata URL.</p>
        <table class="grid"><thead><tr><th>Authorization server</th><th>Issuer</th><th>Metadata (well-known)</th></tr></thead><tbody>
        ${servers.map((s) => html`<tr data-testid="signon-issuer-row" data-issuer="${s.issuer}"><td>${s.name}${s.audience ? html`<div class="small muted">audience ${s.audience}</div>` : ''}</td>
          <td class="mono small">${s.issuer} <button class="btn sm" data-copy="${s.issuer}" aria-label="Copy issuer ${s.issuer}">Copy</button></td>
          <td class="mono small"><a href="${s.metadata}" target="_blank" rel="noopener">${s.metadata}</a></td></tr>`)}</tbody></table>
      </div>
      ${redirectable ? html`<div class="callout">Try the flow: <a href="#/signin-demo/${app.id}" data-testid="signon-try-demo">Sign-in demo with ${app.label} →</a></div>` : ''}`);
    $('[data-copy-id]', body).onclick = () => copyText(clientId);
    const ss = $('[data-show-secret]', body);
    if (ss) ss.onclick = () => { showSecret = !showSecret; draw(); };
    const cs = $('[data-copy-secret]', body);
    if (cs) cs.onclick = () => copyText(cred.client_secret);
    for (const b of $$('[data-copy]', body)) b.onclick = () => copyText(b.dataset.copy);
    const e = $('[data-testid=signon-edit]', body);
    if (e) e.onclick = () => { editing = true; draw(); };
    const c = $('[data-testid=signon-cancel]', body);
    if (c) c.onclick = () => { editing = false; draw(); };
    const ad = $('[data-add-demo]', body);
    if (ad) {
      ad.onclick = () => {
        const r = $('#so-redirect-uris', body), l = $('#so-logout-uris', body);
        if (!splitUris(r.value).includes(demoRedirectUri())) r.value = [...splitUris(r.value), demoRedirectUri()].join('\n');
        if (!splitUris(l.value).includes(demoLogoutUri())) l.value = [...splitUris(l.value), demoLogoutUri()].join('\n');
      };
    }
    const s = $('[data-testid=signon-save]', body);
    if (s) {
      s.onclick = async () => {
        s.disabled = true;
        try {
          app = await putOauthClient(app, {
            redirect_uris: splitUris($('#so-redirect-uris', body).value),
            post_logout_redirect_uris: splitUris($('#so-logout-uris', body).value),
          });
          editing = false;
          toast('Redirect URIs saved', 'ok');
          draw();
        } catch (err) { errorToast(err); s.disabled = false; }
      };
    }
  }
  draw();
  return null;
}

// ================================================================ Sign-in demo

const KEY = 'okta-sandbox.signin-demo';
const load = () => { try { return JSON.parse(sessionStorage.getItem(KEY)) || {}; } catch { return {}; } };
const save = (st) => sessionStorage.setItem(KEY, JSON.stringify(st));

// The authorization server sends the browser to /console/signin-callback
// (or /console/signout-callback); the server answers with the console page,
// and app.js calls this before routing: the query is kept here, the address
// bar becomes #/signin-demo (the code leaves the URL and the history).
let callback = null;
export function captureCallback() {
  const m = location.pathname.match(/^\/console\/(signin|signout)-callback\/?$/);
  if (!m) return false;
  const q = new URLSearchParams(location.search);
  callback = { kind: m[1], params: Object.fromEntries(q) };
  history.replaceState(null, '', '/#/signin-demo');
  return true;
}

// Same-origin path for a URL on the org (the metadata names absolute URLs).
function local(u) {
  const url = new URL(u, location.origin);
  return url.origin === new URL(orgUrl()).origin ? url.pathname + url.search : url.href;
}

async function endpointsOf(issuer) {
  const fallbackBase = issuer === orgUrl() ? `${issuer}/oauth2/v1` : `${issuer}/v1`;
  const fallback = {
    authorization_endpoint: `${fallbackBase}/authorize`, token_endpoint: `${fallbackBase}/token`,
    jwks_uri: `${fallbackBase}/keys`, end_session_endpoint: `${fallbackBase}/logout`, userinfo_endpoint: `${fallbackBase}/userinfo`,
  };
  try {
    const res = await fetch(local(`${issuer}/.well-known/openid-configuration`), { headers: { Accept: 'application/json' } });
    if (!res.ok) return { ...fallback, discovery: `metadata: HTTP ${res.status}` };
    const md = await res.json();
    return { ...fallback, ...md, discovery: 'ok' };
  } catch (e) {
    return { ...fallback, discovery: e.message };
  }
}

async function findScimUser(login) {
  const want = String(login || '').toLowerCase();
  if (!want) return null;
  for (let start = 1, guard = 0; guard < 20; guard++) {
    const page = await scimAdmin('GET', `users?count=1000&startIndex=${start}`);
    const list = (page && page.Resources) || [];
    const hit = list.find((u) => String(u.userName).toLowerCase() === want
      || (u.emails || []).some((e) => String(e.value).toLowerCase() === want));
    if (hit) return hit;
    start += list.length;
    if (!list.length || start > (page.totalResults || 0)) break;
  }
  return null;
}

const timeClaims = new Set(['iat', 'exp', 'auth_time', 'nbf', 'updated_at']);
function claimValue(k, v) {
  if (timeClaims.has(k) && typeof v === 'number') return html`${v} <span class="muted small">(${fmtTime(new Date(v * 1000).toISOString())})</span>`;
  if (typeof v === 'object') return html`<span class="mono small">${JSON.stringify(v)}</span>`;
  return String(v);
}
function claimsTable(payload, testid) {
  return html`<table class="grid claims" data-testid="${testid}"><thead><tr><th>Claim</th><th>Value</th></tr></thead><tbody>
    ${Object.entries(payload || {}).map(([k, v]) => html`<tr data-testid="claim-row" data-claim="${k}"><td class="mono small">${k}</td>
      <td class="claim-value" data-testid="claim-value">${claimValue(k, v)}</td></tr>`)}</tbody></table>`;
}

export async function signinDemo(main, parts) {
  const [allApps, servers] = await Promise.all([oktaAll('/apps?limit=200'), issuers()]);
  const apps = allApps.filter((a) => isOidc(a) && oauthClientOf(a).application_type !== 'service');
  const st = load();
  let notice = null;   // {kind, html}
  const wrongOrigin = location.origin !== new URL(orgUrl()).origin;

  // Back from Okta: the code (or an error), or the end of sign-out.
  if (callback) {
    const cb = callback;
    callback = null;
    notice = await handleCallback(cb, st).catch((e) => ({ kind: 'bad', testid: 'demo-error', text: e.message }));
  }

  let appId = parts[0] || (st.tokens && st.tokens.appId) || st.appId || (apps[0] && apps[0].id);
  if (!apps.some((a) => a.id === appId)) appId = apps[0] && apps[0].id;
  let issuer = st.issuer || (servers.find((s) => s.id === 'default') || servers[0]).issuer;
  let scimLook = null;  // {login, user, prov, appLabel}

  async function draw() {
    const app = apps.find((a) => a.id === appId);
    const oc = oauthClientOf(app), cred = credentialsOf(app);
    const missingRedirect = app && !(oc.redirect_uris || []).includes(demoRedirectUri());
    const missingLogout = app && !(oc.post_logout_redirect_uris || []).includes(demoLogoutUri());
    const assigned = app ? await okta('GET', `/apps/${app.id}/users`).catch(() => []) : [];
    const confidential = app && cred.token_endpoint_auth_method && cred.token_endpoint_auth_method !== 'none';
    const tokens = load().tokens;
    setHtml(main, html`
      <div class="sp-banner"><div style="flex:1"><h1>Sign-in demo</h1>
        <p>The vendor's "Sign in with Okta" button: the authorization code flow with PKCE against the mock Okta, then the
          ID token next to the same person's SCIM record on the service provider.</p></div>
        <span class="pill" style="background:#fff;color:var(--sp)">OpenID Connect</span></div>
      ${wrongOrigin ? html`<div class="callout warn" data-testid="demo-origin-warning">This console is open at <code>${location.origin}</code> but the Org URL is
        <code>${orgUrl()}</code>: open <a href="${orgUrl()}/#/signin-demo">${orgUrl()}</a> so the redirect comes back to this page.</div>` : ''}
      ${notice ? html`<div class="callout ${notice.kind}" data-testid="${notice.testid}">${notice.text}</div>` : ''}
      ${apps.length ? html`
      <div class="panel sp-panel" data-testid="demo-setup"><div class="panel-head"><h2>Sign in with Okta</h2></div>
        <div class="form-row"><label for="demo-app">OIDC app integration</label><div>
          <select id="demo-app" data-testid="demo-app">${apps.map((a) => html`<option value="${a.id}" ${a.id === appId ? 'selected' : ''}>${a.label}
            (${appTypeLabel[oauthClientOf(a).application_type] || 'OIDC'})${a.status === 'ACTIVE' ? '' : ' — inactive'}</option>`)}</select>
          <div class="help">Client ID <span class="mono" data-testid="demo-client-id">${cred.client_id || (app && app.id)}</span> ·
            <a href="#/apps/${appId}/sign-on">Sign On settings</a> ·
            <a href="#/apps/${appId}/assignments">${assigned.length} assigned</a> (only assigned people can sign in)</div></div></div>
        <div class="form-row"><label for="demo-issuer">Issuer (authorization server)</label><div>
          <select id="demo-issuer" data-testid="demo-issuer">${servers.map((s) => html`<option value="${s.issuer}" ${s.issuer === issuer ? 'selected' : ''}>${s.issuer} — ${s.name}</option>`)}</select></div></div>
        <div class="form-row"><label for="demo-scopes">Scopes</label><input type="text" id="demo-scopes" data-testid="demo-scopes"
          value="${st.scopes || 'openid profile email'}"></div>
        <div class="form-row"><div class="label">Redirect URIs</div><div>
          ${missingRedirect || missingLogout ? html`<div class="callout warn" data-testid="demo-redirect-missing" style="margin:0 0 8px">${app.label} does not list
            ${missingRedirect ? html`<code>${demoRedirectUri()}</code> as a sign-in redirect URI` : ''}${missingRedirect && missingLogout ? ' or ' : ''}${missingLogout
  ? html`<code>${demoLogoutUri()}</code> as a sign-out redirect URI` : ''}: Okta refuses to send the browser back to a URI it does not know.</div>
            <button class="btn" data-testid="demo-add-redirects">Add the console's redirect URIs to ${app.label}</button>`
    : html`<div class="value small"><span class="mono">${demoRedirectUri()}</span> ${pill('registered', 'ok')}<br>
            <span class="mono">${demoLogoutUri()}</span> ${pill('registered', 'ok')}</div>`}</div></div>
        <div class="form-actions"><button class="btn sp" data-testid="demo-signin" ${missingRedirect ? 'disabled' : ''}>Sign in with Okta</button>
          ${tokens ? html`<button class="btn" data-testid="demo-signout">Sign out</button>
            <button class="btn link" data-testid="demo-forget">Forget the tokens</button>` : ''}</div>
        <p class="muted small" data-testid="demo-client-note">${confidential
    ? html`${app.label} is a confidential client (${cred.token_endpoint_auth_method}): the console plays the vendor's backend and sends the
        client secret to the token endpoint from this page, with the PKCE verifier. A real app keeps the secret on its server.`
    : 'A public client: no secret; the token request proves the flow with the PKCE code_verifier (S256).'}</p>
      </div>` : html`<div class="callout warn" data-testid="demo-no-apps">No OIDC app integration yet (Web, Single-Page or Native).
        <button class="btn sm primary" data-testid="demo-create-app" style="margin-left:8px">Create "Sign-in demo" SPA</button>
        or use Applications → Create App Integration → OIDC.</div>`}
      ${tokens ? html`<div class="split" data-testid="demo-result">
        <div class="panel" data-testid="demo-id-token"><div class="panel-head"><h2>ID token</h2><span class="small muted">${tokens.appLabel}</span></div>
          <div class="checks-row" data-testid="demo-token-checks">${(tokens.checks || []).map((c) => html`<span title="${c.detail}" data-testid="demo-check" data-check="${c.name}" data-ok="${c.ok}">${pill(`${c.ok ? '✓' : '✗'} ${c.name}`, c.ok ? 'ok' : 'bad')}</span> `)}</div>
          ${claimsTable(tokens.idClaims, 'demo-claims')}
          <details class="advanced"><summary>Access token${tokens.scope ? ` (scope ${tokens.scope})` : ''}</summary>
            ${tokens.accessClaims ? claimsTable(tokens.accessClaims, 'demo-access-claims') : html`<p class="muted">Not a JWT.</p>`}
            <pre class="body small" style="white-space:pre-wrap;word-break:break-all">${tokens.access_token}</pre></details>
          <details class="advanced"><summary>Raw ID token</summary><pre class="body small" style="white-space:pre-wrap;word-break:break-all"
            data-testid="demo-raw-id-token">${tokens.id_token}</pre></details>
        </div>
        <div class="panel sp-panel" data-testid="demo-scim"><div class="panel-head"><h2>The same person on the service provider</h2>
          <button class="btn sm" data-testid="demo-scim-refresh">Look again</button></div><div data-scim-body><p class="muted">Looking up…</p></div></div>
      </div>` : ''}`);

    const appSel = $('#demo-app', main);
    if (appSel) appSel.onchange = () => { appId = appSel.value; const s = load(); s.appId = appId; save(s); draw().catch(errorToast); };
    const issSel = $('#demo-issuer', main);
    if (issSel) issSel.onchange = () => { issuer = issSel.value; const s = load(); s.issuer = issuer; save(s); };
    const add = $('[data-testid=demo-add-redirects]', main);
    if (add) {
      add.onclick = async () => {
        add.disabled = true;
        try {
          const cur = await okta('GET', `/apps/${app.id}`);
          const c = oauthClientOf(cur);
          const updated = await putOauthClient(cur, {
            redirect_uris: [...new Set([...(c.redirect_uris || []), demoRedirectUri()])],
            post_logout_redirect_uris: [...new Set([...(c.post_logout_redirect_uris || []), demoLogoutUri()])],
          });
          apps[apps.findIndex((a) => a.id === updated.id)] = updated;
          toast('Redirect URIs added', 'ok');
          await draw();
        } catch (e) { errorToast(e); add.disabled = false; }
      };
    }
    const si = $('[data-testid=demo-signin]', main);
    if (si) si.onclick = () => startSignIn(app, issuer, $('#demo-scopes', main).value.trim()).catch((e) => { errorToast(e); });
    const so = $('[data-testid=demo-signout]', main);
    if (so) so.onclick = () => startSignOut().catch(errorToast);
    const fg = $('[data-testid=demo-forget]', main);
    if (fg) fg.onclick = () => { const s = load(); delete s.tokens; save(s); notice = null; scimLook = null; draw().catch(errorToast); };
    const ca = $('[data-testid=demo-create-app]', main);
    if (ca) {
      ca.onclick = async () => {
        try {
          const a = await okta('POST', '/apps?activate=true', createBody({
            label: 'Sign-in demo', type: 'browser', grants: ['authorization_code'],
            redirectUris: [demoRedirectUri()], logoutUris: [demoLogoutUri()],
          }));
          toast(`${a.label} created: assign people to it to sign them in`, 'ok');
          go(`#/signin-demo/${a.id}`);
        } catch (e) { errorToast(e); }
      };
    }
    const rf = $('[data-testid=demo-scim-refresh]', main);
    if (rf) rf.onclick = () => drawScim(true).catch(errorToast);
    if (tokens) await drawScim(false);
  }

  // The SCIM record of the signed-in person (userName = preferred_username or email).
  async function drawScim(force) {
    const tokens = load().tokens;
    const el = $('[data-scim-body]', main);
    if (!tokens || !el) return;
    const c = tokens.idClaims || {};
    const login = c.preferred_username || c.email || (tokens.accessClaims && tokens.accessClaims.sub);
    if (!session.links.scimAdmin) {
      setHtml(el, html`<div class="callout warn" data-testid="demo-scim-unlinked">No service provider is linked to this mock Okta.</div>`);
      return;
    }
    if (force || !scimLook || scimLook.login !== login || !scimLook.user) {
      const [user, prov, groups] = await Promise.all([
        findScimUser(login),
        sandbox('GET', `/apps/${tokens.appId}/provisioning`).catch(() => null),
        scimAdmin('GET', 'groups?count=1000').catch(() => null),
      ]);
      const sig = JSON.stringify([user, prov && prov.enabled]);
      if (!force && scimLook && scimLook.sig === sig) return;
      scimLook = { login, user, prov, sig, groups: ((groups && groups.Resources) || []).filter((g) => user && (g.members || []).some((m) => m.value === user.id)) };
    }
    const { user, prov, groups } = scimLook;
    if (!user) {
      setHtml(el, html`<div class="callout warn" data-testid="demo-scim-missing" data-login="${login}"><b>Not provisioned:</b> the service provider has no
        user <code>${login}</code>. ${prov && prov.enabled
  ? html`${tokens.appLabel} provisions users with SCIM: once ${login} is assigned to it, Okta pushes them (<a href="#/apps/${tokens.appId}/assignments">Assignments</a>).`
  : html`${tokens.appLabel} signs people in but does not provision them (SCIM is off for this app): turn on SCIM provisioning in its
          <a href="#/apps/${tokens.appId}/general">General</a> tab, or assign ${login} to an app that provisions.`}</div>`);
      return;
    }
    const email = ((user.emails || []).find((e) => e.primary) || (user.emails || [])[0] || {}).value || '';
    const linked = user.externalId && user.externalId === c.sub;
    setHtml(el, html`<table class="grid" data-testid="demo-scim-record" data-username="${user.userName}"><tbody>
      <tr><td>userName</td><td data-testid="demo-scim-username">${user.userName}</td></tr>
      <tr><td>name</td><td>${[user.name && user.name.givenName, user.name && user.name.familyName].filter(Boolean).join(' ')}</td></tr>
      <tr><td>email</td><td>${email}</td></tr>
      <tr><td>active</td><td>${user.active ? pill('Active', 'ok') : pill('Inactive', 'bad')}</td></tr>
      <tr><td>groups</td><td><div class="member-list">${groups.map((g) => html`<span class="chip">${g.displayName}</span>`)}</div></td></tr>
      <tr><td>id</td><td class="mono small">${user.id}</td></tr>
      <tr><td>externalId</td><td class="mono small" data-testid="demo-scim-external-id">${user.externalId || '—'}</td></tr></tbody></table>
      <p class="small" data-testid="demo-scim-link" data-linked="${linked ? 'true' : 'false'}">${linked
    ? html`${pill('✓ linked', 'ok')} The SCIM record's <code>externalId</code> is the ID token's <code>sub</code>: Okta provisioned this account and signs the same person in.`
    : html`${pill('not linked', 'warn')} The record matches by userName; its externalId (${user.externalId || 'none'}) is not the token's sub (${c.sub}).`}</p>`);
  }

  await draw();
  let n = 0;
  return {
    // While the SCIM record is missing, look again every few seconds (an assignment may provision it).
    refresh: async () => {
      n++;
      if (n % 3 === 0 && load().tokens && scimLook && !scimLook.user) await drawScim(false);
    },
  };
}

async function startSignIn(app, issuer, scopes) {
  if (!app) throw new Error('Choose an OIDC app');
  const ep = await endpointsOf(issuer);
  const { verifier, challenge } = await pkcePair();
  const state = randomString(16), nonce = randomString(16);
  const cred = credentialsOf(app);
  const st = load();
  st.appId = app.id;
  st.issuer = issuer;
  st.scopes = scopes;
  st.pending = {
    appId: app.id, appLabel: app.label, clientId: cred.client_id || app.id, authMethod: cred.token_endpoint_auth_method || 'none',
    issuer, verifier, state, nonce, redirectUri: demoRedirectUri(), tokenEndpoint: ep.token_endpoint, jwksUri: ep.jwks_uri,
    endSession: ep.end_session_endpoint,
  };
  save(st);
  const u = new URL(ep.authorization_endpoint, location.origin);
  const q = {
    client_id: st.pending.clientId, response_type: 'code', scope: scopes || 'openid', redirect_uri: demoRedirectUri(),
    state, nonce, code_challenge: challenge, code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(q)) u.searchParams.set(k, v);
  location.assign(u.href);
}

async function startSignOut() {
  const st = load();
  const t = st.tokens;
  if (!t) return;
  const state = randomString(16);
  st.logoutState = state;
  save(st);
  const u = new URL(t.endSession || `${t.issuer}/v1/logout`, location.origin);
  u.searchParams.set('id_token_hint', t.id_token);
  u.searchParams.set('post_logout_redirect_uri', demoLogoutUri());
  u.searchParams.set('state', state);
  location.assign(u.href);
}

// → a notice {kind, testid, text}; stores the tokens on success.
async function handleCallback(cb, st) {
  const p = cb.params;
  if (cb.kind === 'signout') {
    const ok = st.logoutState && p.state === st.logoutState;
    delete st.logoutState;
    if (ok) delete st.tokens;
    save(st);
    return ok ? { kind: 'ok', testid: 'demo-signed-out', text: 'Signed out: Okta ended the session and sent the browser back here.' }
      : { kind: 'bad', testid: 'demo-error', text: 'Sign-out came back with an unexpected state; the tokens are kept.' };
  }
  const pend = st.pending;
  delete st.pending;
  save(st);
  if (!pend) return { kind: 'bad', testid: 'demo-error', text: 'A sign-in response arrived, but this tab did not start a sign-in (no PKCE verifier stored).' };
  if (p.state !== pend.state) return { kind: 'bad', testid: 'demo-error', text: 'The state in the response does not match the request (possible CSRF): ignored.' };
  if (p.error) return { kind: 'bad', testid: 'demo-error', text: `${p.error}: ${p.error_description || ''}` };
  if (!p.code) return { kind: 'bad', testid: 'demo-error', text: 'The response has neither a code nor an error.' };

  const form = new URLSearchParams({ grant_type: 'authorization_code', code: p.code, redirect_uri: pend.redirectUri, code_verifier: pend.verifier });
  const headers = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };
  if (pend.authMethod === 'none') {
    form.set('client_id', pend.clientId);
  } else {
    // The console plays the vendor's backend: fetch the secret and authenticate as the app does.
    const app = await okta('GET', `/apps/${pend.appId}`);
    const secret = credentialsOf(app).client_secret;
    if (!secret) throw new Error('The app is a confidential client but the API returned no client_secret');
    if (pend.authMethod === 'client_secret_post') {
      form.set('client_id', pend.clientId);
      form.set('client_secret', secret);
    } else {
      const enc = (s) => encodeURIComponent(s);
      headers.Authorization = `Basic ${btoa(`${enc(pend.clientId)}:${enc(secret)}`)}`;
    }
  }
  const res = await fetch(local(pend.tokenEndpoint), { method: 'POST', headers, body: form.toString() });
  const text = await res.text();
  let body = null;
  try { body = JSON.parse(text); } catch { /* shown raw below */ }
  if (!res.ok || !body || !body.id_token) {
    const why = body && body.error ? `${body.error}: ${body.error_description || ''}` : `HTTP ${res.status} ${text.slice(0, 200)}`;
    return { kind: 'bad', testid: 'demo-error', text: `The token request failed: ${why}` };
  }
  const id = decodeJwt(body.id_token);
  const at = decodeJwt(body.access_token);
  const c = (id && id.payload) || {};
  const now = Math.floor(Date.now() / 1000);
  let sig;
  try { sig = await verifyJwt(body.id_token, local(pend.jwksUri)); } catch (e) { sig = { ok: false, detail: e.message }; }
  const checks = [
    { name: 'signature', ok: sig.ok, detail: sig.detail },
    { name: 'iss', ok: c.iss === pend.issuer, detail: `${c.iss} (expected ${pend.issuer})` },
    { name: 'aud', ok: c.aud === pend.clientId || (Array.isArray(c.aud) && c.aud.includes(pend.clientId)), detail: `${c.aud}` },
    { name: 'nonce', ok: c.nonce === pend.nonce, detail: 'the nonce sent with the authorization request' },
    { name: 'exp', ok: typeof c.exp === 'number' && c.exp > now, detail: c.exp ? new Date(c.exp * 1000).toISOString() : 'missing' },
  ];
  st.tokens = {
    appId: pend.appId, appLabel: pend.appLabel, issuer: pend.issuer, endSession: pend.endSession,
    id_token: body.id_token, access_token: body.access_token, refresh_token: body.refresh_token || null, scope: body.scope || '',
    idClaims: c, accessClaims: at ? at.payload : null, checks, receivedAt: new Date().toISOString(),
  };
  save(st);
  const who = c.name || c.preferred_username || c.email || c.sub;
  return { kind: 'ok', testid: 'demo-signed-in', text: `Signed in as ${who} through ${pend.issuer}.` };
}

