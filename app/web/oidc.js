// OpenID Connect helpers shared by the Create App Integration wizard, an OIDC
// app's Sign On tab and the Sign-in demo: Okta's app bodies, the issuers of
// the org and the custom "default" authorization server, PKCE (RFC 7636 S256),
// and JWT decoding and RS256 signature checks with WebCrypto.
import { okta, session } from './api.js';

export const appTypes = [
  // [application_type, wizard label, description, token_endpoint_auth_method, grant types offered, default grants]
  ['web', 'Web Application', 'Server-side apps where authentication and tokens are handled on the server (Java, .NET, Node.js…).',
    'client_secret_basic', ['authorization_code', 'refresh_token'], ['authorization_code']],
  ['browser', 'Single-Page Application', 'Single-page web apps that run in the browser where the client receives tokens (React, Angular, Vue…).',
    'none', ['authorization_code', 'refresh_token'], ['authorization_code']],
  ['native', 'Native Application', 'Desktop or mobile applications that run natively on a device and redirect users to a non-HTTP callback.',
    'none', ['authorization_code', 'refresh_token'], ['authorization_code']],
  ['service', 'API Services', 'Interact with Okta APIs using the scoped OAuth 2.0 access tokens for machine-to-machine authentication.',
    'client_secret_basic', ['client_credentials'], ['client_credentials']],
];
export const appTypeLabel = Object.fromEntries(appTypes.map((t) => [t[0], t[1]]));

export const grantLabel = {
  authorization_code: 'Authorization Code',
  refresh_token: 'Refresh Token',
  client_credentials: 'Client Credentials',
  implicit: 'Implicit (hybrid)',
};

export const authMethodLabel = {
  client_secret_basic: 'Client secret (client_secret_basic)',
  client_secret_post: 'Client secret (client_secret_post)',
  client_secret_jwt: 'Client secret JWT',
  private_key_jwt: 'Public key / private key',
  none: 'None (public client; PKCE required)',
};

export const orgUrl = () => (session.orgUrl || location.origin).replace(/\/+$/, '');
// Where the authorization server sends the browser back to the console (served
// by mock_okta/console_routes.cpp as the console page itself).
export const demoRedirectUri = () => `${orgUrl()}/console/signin-callback`;
export const demoLogoutUri = () => `${orgUrl()}/console/signout-callback`;

// The org authorization server and the custom ones (GET /api/v1/authorizationServers),
// the custom "default" at least. [{id, name, issuer, metadata, audience}]
export async function issuers() {
  const org = orgUrl();
  const out = [{ id: 'org', name: 'Org authorization server', issuer: org, metadata: `${org}/.well-known/openid-configuration`, audience: '' }];
  let custom = null;
  try {
    const list = await okta('GET', '/authorizationServers');
    if (Array.isArray(list)) custom = list;
  } catch { /* not served yet: Okta's default server exists in every org */ }
  if (!custom || !custom.length) custom = [{ id: 'default', name: 'default', issuer: `${org}/oauth2/default`, audiences: ['api://default'] }];
  for (const s of custom) {
    const issuer = String(s.issuer || `${org}/oauth2/${s.id}`).replace(/\/+$/, '');
    out.push({
      id: s.id,
      name: `Custom authorization server "${s.name || s.id}"`,
      issuer,
      metadata: `${issuer}/.well-known/openid-configuration`,
      audience: (s.audiences || [])[0] || '',
    });
  }
  return out;
}

export function oauthClientOf(app) {
  return ((app && app.settings) || {}).oauthClient || {};
}
export function credentialsOf(app) {
  return ((app && app.credentials) || {}).oauthClient || {};
}
export const isOidc = (app) => app && app.signOnMode === 'OPENID_CONNECT';

// Okta's create body for an OIDC app integration.
export function createBody({ label, type, grants, redirectUris, logoutUris }) {
  const t = appTypes.find((x) => x[0] === type) || appTypes[0];
  // API Services (client credentials) have no browser redirects.
  const oauthClient = type === 'service'
    ? { response_types: ['token'], grant_types: grants, application_type: type }
    : { redirect_uris: redirectUris, post_logout_redirect_uris: logoutUris, response_types: ['code'], grant_types: grants, application_type: type };
  const settings = { oauthClient };
  return {
    name: 'oidc_client',
    label,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: t[3] } },
    settings,
  };
}

// PUT /api/v1/apps/{id} with the app's whole shape and settings.oauthClient
// changed (Okta's PUT replaces the app: name, label, signOnMode, credentials,
// settings all go back).
export async function putOauthClient(app, changes) {
  const cred = credentialsOf(app);
  const body = {
    name: app.name,
    label: app.label,
    signOnMode: app.signOnMode,
    credentials: {
      oauthClient: {
        client_id: cred.client_id || app.id,
        autoKeyRotation: cred.autoKeyRotation !== false,
        token_endpoint_auth_method: cred.token_endpoint_auth_method || 'client_secret_basic',
      },
    },
    settings: { ...(app.settings || {}), oauthClient: { ...oauthClientOf(app), ...changes } },
  };
  return okta('PUT', `/apps/${app.id}`, body);
}

export function splitUris(text) {
  return String(text || '').split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
}

// ---- PKCE, random values, base64url

export function b64url(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
export function b64urlDecodeBytes(text) {
  const s = String(text).replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(s + '='.repeat((4 - (s.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
export const randomString = (n = 32) => b64url(crypto.getRandomValues(new Uint8Array(n)));

export async function pkcePair() {
  const verifier = randomString(48);                 // 64 characters, within 43..128
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return { verifier, challenge: b64url(digest) };
}

// ---- JWTs

export function decodeJwt(token) {
  const parts = String(token || '').split('.');
  if (parts.length !== 3) return null;
  try {
    const dec = (p) => JSON.parse(new TextDecoder().decode(b64urlDecodeBytes(p)));
    return { header: dec(parts[0]), payload: dec(parts[1]), signingInput: `${parts[0]}.${parts[1]}`, signature: parts[2] };
  } catch {
    return null;
  }
}

// RS256 signature check against the issuer's JWKS. → {ok, detail}
export async function verifyJwt(token, jwksUri) {
  const jwt = decodeJwt(token);
  if (!jwt) return { ok: false, detail: 'not a JWT' };
  if (jwt.header.alg !== 'RS256') return { ok: false, detail: `alg ${jwt.header.alg}, expected RS256` };
  if (!crypto.subtle) return { ok: false, detail: 'WebCrypto is not available on this origin' };
  const res = await fetch(jwksUri, { headers: { Accept: 'application/json' } });
  if (!res.ok) return { ok: false, detail: `GET keys → HTTP ${res.status}` };
  const keys = ((await res.json()) || {}).keys || [];
  const jwk = keys.find((k) => k.kid === jwt.header.kid);
  if (!jwk) return { ok: false, detail: `no key with kid ${jwt.header.kid} in the JWKS` };
  const key = await crypto.subtle.importKey('jwk', { kty: jwk.kty, n: jwk.n, e: jwk.e, alg: 'RS256', ext: true },
    { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['verify']);
  const ok = await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, b64urlDecodeBytes(jwt.signature),
    new TextEncoder().encode(jwt.signingInput));
  return { ok, detail: ok ? `RS256, kid ${jwt.header.kid}` : `the signature does not match key ${jwt.header.kid}` };
}
