// Okta's JWT verifier (@okta/jwt-verifier, used unchanged) validates the
// tokens the mock Okta of `okta-sandbox up` issues. The tokens come from the
// non-interactive path test automation uses against real Okta:
// POST /api/v1/authn → sessionToken; GET {issuer}/v1/authorize?…&sessionToken=…
// (PKCE S256) → 302 to the redirect URI with the code; POST {issuer}/v1/token
// with the code_verifier (client_secret_basic).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  PASSWORD, addUserToGroup, assignGroupToApp, b64url, createGroup, createOidcWebApp, createUser, decodeJwt,
  getNoRedirect, pkce, postForm, randomToken, startSandbox,
} from './sandbox.mjs';

const require = createRequire(import.meta.url);
const OktaJwtVerifier = require('@okta/jwt-verifier');

const REDIRECT_URI = 'http://127.0.0.1:8080/authorization-code/callback'; // never fetched: the code is read from Location
const SCOPES = ['openid', 'profile', 'email', 'offline_access'];

let sb;
let user;
let app;
let clientId;
let clientSecret;
const issuerDefault = () => `${sb.orgUrl}/oauth2/default`;

// POST /api/v1/authn → sessionToken (no SSWS token, as for real Okta).
async function authn(username, password) {
  const res = await fetch(`${sb.orgUrl}/api/v1/authn`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `POST /api/v1/authn → ${res.status}: ${text}`);
  return JSON.parse(text);
}

// The whole non-interactive code flow; returns { tokens (token response), nonce, code, authorize (Location) }.
async function getTokens({ issuer = issuerDefault(), scope = SCOPES.join(' ') } = {}) {
  const { sessionToken } = await authn(user.profile.login, PASSWORD);
  assert.ok(sessionToken, 'sessionToken');
  const { verifier, challenge } = pkce();
  const state = randomToken(12);
  const nonce = randomToken(12);
  const q = new URLSearchParams({
    client_id: clientId, response_type: 'code', scope, redirect_uri: REDIRECT_URI, state, nonce,
    code_challenge: challenge, code_challenge_method: 'S256', sessionToken,
  });
  const authorizeUrl = `${issuer}/v1/authorize?${q}`;
  const r = await getNoRedirect(authorizeUrl);
  assert.equal(r.status, 302, `GET ${authorizeUrl} → ${r.status}: ${r.text.slice(0, 500)}`);
  const location = new URL(r.headers.get('location'));
  assert.equal(`${location.origin}${location.pathname}`, REDIRECT_URI, `Location: ${location}`);
  assert.equal(location.searchParams.get('error'), null, `Location: ${location}`);
  assert.equal(location.searchParams.get('state'), state);
  const code = location.searchParams.get('code');
  assert.ok(code, `code in ${location}`);
  const tokenRes = await postForm(`${issuer}/v1/token`, {
    grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier,
  }, { basic: [clientId, clientSecret] });
  assert.equal(tokenRes.status, 200, `POST ${issuer}/v1/token → ${tokenRes.status}: ${tokenRes.text}`);
  return { tokens: tokenRes.body, nonce, code, verifier };
}

const newVerifier = (extra = {}) => new OktaJwtVerifier({
  issuer: issuerDefault(),
  testing: { disableHttpsCheck: true },
  ...extra,
});

async function keys(issuer = issuerDefault()) {
  const r = await getNoRedirect(`${issuer}/v1/keys`);
  assert.equal(r.status, 200, `GET ${issuer}/v1/keys → ${r.status}: ${r.text}`);
  return r.body.keys;
}

describe('@okta/jwt-verifier validates the tokens of okta-sandbox', { concurrency: false }, () => {
  const s = {};

  before(async () => {
    sb = await startSandbox();
    user = await createUser(sb, { firstName: 'Eve', lastName: 'Stone', login: 'eve.stone@corp.example' });
    const group = await createGroup(sb, 'API Users');
    await addUserToGroup(sb, group.id, user.id);
    app = await createOidcWebApp(sb, { label: 'JWT verifier web app', redirectUris: [REDIRECT_URI] });
    clientId = app.credentials.oauthClient.client_id;
    clientSecret = app.credentials.oauthClient.client_secret;
    await assignGroupToApp(sb, app.id, group.id);
  });

  after(async () => {
    if (sb) await sb.stop();
  });

  it('POST /api/v1/authn answers SUCCESS with a sessionToken and the user', async () => {
    const r = await authn(user.profile.login, PASSWORD);
    assert.equal(r.status, 'SUCCESS');
    assert.ok(r.sessionToken);
    assert.ok(r.expiresAt);
    assert.equal(r._embedded.user.id, user.id);
    assert.equal(r._embedded.user.profile.login, user.profile.login);
  });

  it('POST /api/v1/authn with a wrong password is refused (401 E0000004)', async () => {
    const res = await fetch(`${sb.orgUrl}/api/v1/authn`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ username: user.profile.login, password: 'nope' }),
    });
    const body = await res.json();
    assert.equal(res.status, 401);
    assert.equal(body.errorCode, 'E0000004');
  });

  it('the code flow with a sessionToken and PKCE gives access, ID and refresh tokens', async () => {
    const { tokens, nonce } = await getTokens();
    Object.assign(s, { tokens, nonce });
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.expires_in, 3600);
    assert.deepEqual(tokens.scope.split(' ').sort(), [...SCOPES].sort());
    assert.ok(tokens.access_token);
    assert.ok(tokens.id_token);
    assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
  });

  it('verifyAccessToken(token, "api://default") accepts the access token; its claims follow the contract', async () => {
    const v = newVerifier({ assertClaims: { cid: clientId, 'scp.includes': ['openid', 'email'] } });
    const jwt = await v.verifyAccessToken(s.tokens.access_token, 'api://default');
    const c = jwt.claims;
    assert.equal(jwt.header.alg, 'RS256');
    assert.ok(jwt.header.kid, 'kid in the header');
    assert.ok((await keys()).some((k) => k.kid === jwt.header.kid), 'the kid is published in /v1/keys');
    assert.equal(c.iss, issuerDefault());
    assert.equal(c.aud, 'api://default');
    assert.equal(c.cid, clientId);
    assert.equal(c.uid, user.id);
    assert.equal(c.sub, user.profile.login, 'sub = the login');
    assert.equal(c.ver, 1);
    assert.match(c.jti, /^AT\./);
    assert.ok(Array.isArray(c.scp), 'scp is an array');
    assert.deepEqual([...c.scp].sort(), [...SCOPES].sort());
    const now = Math.floor(Date.now() / 1000);
    assert.ok(c.iat <= now + 5 && c.iat >= now - 300, `iat ${c.iat}`);
    assert.equal(c.exp - c.iat, 3600);
    s.accessKid = jwt.header.kid;
  });

  it('verifyAccessToken rejects another audience', async () => {
    await assert.rejects(newVerifier().verifyAccessToken(s.tokens.access_token, 'api://other'), /audience/);
  });

  it('verifyIdToken(idToken, clientId, nonce) accepts the ID token; its claims follow the contract', async () => {
    const jwt = await newVerifier().verifyIdToken(s.tokens.id_token, clientId, s.nonce);
    const c = jwt.claims;
    assert.equal(jwt.header.alg, 'RS256');
    assert.equal(c.iss, issuerDefault());
    assert.equal(c.sub, user.id, 'sub = the user id');
    assert.equal(c.aud, clientId);
    assert.equal(c.nonce, s.nonce);
    assert.equal(c.ver, 1);
    assert.match(c.jti, /^ID\./);
    // at_hash: the left half of SHA-256 of the access token, base64url.
    const digest = createHash('sha256').update(s.tokens.access_token, 'ascii').digest();
    assert.equal(c.at_hash, b64url(digest.subarray(0, 16)), 'at_hash matches the access token');
    assert.ok(Array.isArray(c.amr) && c.amr.includes('pwd'), `amr ${JSON.stringify(c.amr)}`);
    assert.ok(c.idp, 'idp');
    assert.equal(typeof c.auth_time, 'number');
    assert.equal(c.name, 'Eve Stone');
    assert.equal(c.preferred_username, user.profile.login);
    assert.equal(c.email, user.profile.email);
    assert.equal(c.exp - c.iat, 3600);
  });

  it('verifyIdToken rejects a wrong nonce and a wrong client id', async () => {
    await assert.rejects(newVerifier().verifyIdToken(s.tokens.id_token, clientId, 'other-nonce'), /nonce/);
    await assert.rejects(newVerifier().verifyIdToken(s.tokens.id_token, '0oaSomeOtherClient', s.nonce), /audience/);
  });

  it('a tampered token is rejected (signature)', async () => {
    const [h, p, sig] = s.tokens.access_token.split('.');
    // A changed claim, re-encoded, with the original signature.
    const claims = JSON.parse(Buffer.from(p, 'base64url'));
    claims.uid = '00uSomeoneElse';
    const forged = `${h}.${b64url(JSON.stringify(claims))}.${sig}`;
    await assert.rejects(newVerifier().verifyAccessToken(forged, 'api://default'), /signature/i);
    // One character of the payload flipped (a character in the middle, so it still decodes to bytes).
    const i = Math.floor(p.length / 2);
    const flipped = `${h}.${p.slice(0, i)}${p[i] === 'A' ? 'B' : 'A'}${p.slice(i + 1)}.${sig}`;
    await assert.rejects(newVerifier().verifyAccessToken(flipped, 'api://default'));
    // And the ID token.
    const [ih, ip, isig] = s.tokens.id_token.split('.');
    const idClaims = JSON.parse(Buffer.from(ip, 'base64url'));
    idClaims.sub = '00uSomeoneElse';
    await assert.rejects(newVerifier().verifyIdToken(`${ih}.${b64url(JSON.stringify(idClaims))}.${isig}`, clientId, s.nonce), /signature/i);
  });

  it('the refresh token gives a new access token that verifies', async () => {
    const r = await postForm(`${issuerDefault()}/v1/token`, {
      grant_type: 'refresh_token', refresh_token: s.tokens.refresh_token, scope: SCOPES.join(' '),
    }, { basic: [clientId, clientSecret] });
    assert.equal(r.status, 200, `refresh → ${r.status}: ${r.text}`);
    assert.notEqual(r.body.access_token, s.tokens.access_token);
    const jwt = await newVerifier().verifyAccessToken(r.body.access_token, 'api://default');
    assert.equal(jwt.claims.uid, user.id);
    assert.equal(jwt.claims.sub, user.profile.login);
  });

  it('the org server\'s ID token verifies with jwksUri {org}/oauth2/v1/keys', async () => {
    const { tokens, nonce } = await getTokens({ issuer: `${sb.orgUrl}/oauth2`, scope: 'openid profile email' });
    const v = new OktaJwtVerifier({ issuer: sb.orgUrl, jwksUri: `${sb.orgUrl}/oauth2/v1/keys`, testing: { disableHttpsCheck: true } });
    const jwt = await v.verifyIdToken(tokens.id_token, clientId, nonce);
    assert.equal(jwt.claims.iss, sb.orgUrl);
    assert.equal(jwt.claims.sub, user.id);
  });

  it('after POST /sandbox/signon/keys/rotate a new token verifies and the old one still does', async () => {
    const verifier = newVerifier();
    await verifier.verifyAccessToken(s.tokens.access_token, 'api://default'); // caches the old key
    const before = (await keys()).map((k) => k.kid);
    const rot = await fetch(`${sb.orgUrl}/sandbox/signon/keys/rotate`, { method: 'POST' });
    assert.ok(rot.status >= 200 && rot.status < 300, `POST /sandbox/signon/keys/rotate → ${rot.status}: ${await rot.text()}`);
    const afterKids = (await keys()).map((k) => k.kid);
    assert.ok(afterKids.includes(s.accessKid), `the previous key is still published: ${afterKids}`);
    const added = afterKids.filter((k) => !before.includes(k));
    assert.equal(added.length, 1, `one new key: before ${before}, after ${afterKids}`);

    const { tokens, nonce } = await getTokens();
    const newKid = decodeJwt(tokens.access_token).header.kid;
    assert.equal(newKid, added[0], 'new tokens are signed with the new key');
    assert.notEqual(newKid, s.accessKid);
    // The same verifier (old key cached, new kid fetched) and a fresh one (both fetched).
    await verifier.verifyAccessToken(tokens.access_token, 'api://default');
    await verifier.verifyIdToken(tokens.id_token, clientId, nonce);
    await verifier.verifyAccessToken(s.tokens.access_token, 'api://default');
    const fresh = newVerifier();
    await fresh.verifyAccessToken(s.tokens.access_token, 'api://default');
    await fresh.verifyIdToken(s.tokens.id_token, clientId, s.nonce);
    await fresh.verifyAccessToken(tokens.access_token, 'api://default');
  });
});
