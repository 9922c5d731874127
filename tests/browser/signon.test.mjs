// OpenID Connect sign-on in the web console, driven in headless Chromium
// (Debian's /usr/bin/chromium through playwright-core) against `okta-sandbox up`:
// Create App Integration → OIDC → Single-Page Application, the app's Sign On tab
// (client id, issuers), and the Sign-in demo — "Sign in with Okta" runs the
// authorization code flow with PKCE, the mock's sign-in page takes the user's
// password, the demo shows the ID token's claims and the same person's SCIM
// record on the service provider (first "not provisioned", then the record once
// the preset SCIM app provisions them), and Sign out ends the session.
//
// Setup that is not the subject (a person with a password, assignments) goes
// through the Management API. Screenshots go to
// ${OKTA_SANDBOX_ARTIFACTS:-/tmp/okta-sandbox-artifacts}/signon/.
// Fails when node's playwright-core, /usr/bin/chromium or the binary is missing (sandbox.mjs).
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Sandbox, artifactsDir, launchChromium, newPage, screenshotter, stepper, waitFor } from './sandbox.mjs';

const ARTIFACTS = artifactsDir('signon');
const sandbox = new Sandbox();
const env = {}; // orgUrl, apiToken, userId, appId, clientId, scimAppId

// The Management API with the console's SSWS token.
async function api(method, p, body) {
  const res = await fetch(env.orgUrl + '/api/v1' + p, {
    method,
    headers: { Authorization: `SSWS ${env.apiToken}`, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  assert.ok(res.ok, `${method} /api/v1${p} → ${res.status} ${text.slice(0, 400)}`);
  return data;
}

const byId = (id) => page.getByTestId(id);
const nav = async (hash, readyTestId) => {
  await page.goto(`${env.orgUrl}/${hash}`);
  if (readyTestId) await byId(readyTestId).first().waitFor();
};
const claim = (name) => page.locator(`[data-testid=demo-claims] [data-testid=claim-row][data-claim="${name}"] [data-testid=claim-value]`);


let browser, page;
const pageErrors = [];
const screenshot = screenshotter(ARTIFACTS, () => page, { fullPage: true });
const step = stepper(() => page, screenshot);

const KATHERINE = { firstName: 'Katherine', lastName: 'Johnson', email: 'katherine.johnson@example.com', login: 'katherine.johnson@example.com' };
const PASSWORD = 'Orbit-1962-Friendship7';
const APP_LABEL = 'Orbit Planner SPA';

describe('web console: OpenID Connect sign-on in the browser', () => {
  before(async () => {
    env.orgUrl = await sandbox.start();
    env.apiToken = (await (await fetch(env.orgUrl + '/sandbox/console/session')).json()).apiToken;
    browser = await launchChromium();
    page = await newPage(browser, { viewport: { width: 1280, height: 900 } }, pageErrors);
  });

  after(async () => {
    if (browser) await browser.close().catch(() => {});
    await sandbox.stop();
  });

  step('setup (API): a person with a password', async () => {
    const u = await api('POST', '/users?activate=true', { profile: KATHERINE, credentials: { password: { value: PASSWORD } } });
    assert.match(u.id, /^00u/);
    assert.equal(u.status, 'ACTIVE');
    env.userId = u.id;
  });

  step('Create App Integration: OIDC - OpenID Connect, Single-Page Application', async () => {
    await nav('#/apps', 'create-app-integration');
    await byId('create-app-integration').click();
    await byId('sign-in-oidc').check();
    await byId('oidc-type-browser').check();
    await screenshot('create-app-oidc-type');
    await byId('create-app-next').click();
    await byId('oidc-app-name').fill(APP_LABEL);
    assert.equal(await byId('oidc-grant-authorization_code').isChecked(), true);
    await byId('oidc-grant-refresh_token').check();
    assert.equal(await page.getByLabel('Sign-in redirect URIs').inputValue(), 'http://localhost:8080/login/callback');
    assert.equal(await page.getByLabel('Sign-out redirect URIs').inputValue(), 'http://localhost:8080');
    await screenshot('create-app-oidc-settings');
    await byId('create-app-next').click();
    await byId('signon-credentials').waitFor();
    assert.equal(await byId('app-title').textContent(), APP_LABEL);
    const apps = await api('GET', `/apps?q=${encodeURIComponent(APP_LABEL)}`);
    assert.equal(apps.length, 1);
    const app = apps[0];
    env.appId = app.id;
    assert.match(app.id, /^0oa/);
    assert.equal(app.signOnMode, 'OPENID_CONNECT');
    const oc = app.settings.oauthClient;
    assert.equal(oc.application_type, 'browser');
    assert.deepEqual(oc.response_types, ['code']);
    assert.deepEqual(oc.grant_types, ['authorization_code', 'refresh_token']);
    assert.deepEqual(oc.redirect_uris, ['http://localhost:8080/login/callback']);
    assert.deepEqual(oc.post_logout_redirect_uris, ['http://localhost:8080']);
    assert.equal(app.credentials.oauthClient.token_endpoint_auth_method, 'none');
    env.clientId = app.credentials.oauthClient.client_id;
    assert.ok(env.clientId, 'credentials.oauthClient.client_id');
  });

  step('Sign On tab: the client id, no secret (public client), both issuers', async () => {
    await nav(`#/apps/${env.appId}/sign-on`, 'signon-client-id');
    assert.equal(await byId('signon-client-id').inputValue(), env.clientId);
    assert.equal(await page.getByLabel('Client ID').inputValue(), env.clientId);
    await byId('signon-no-secret').waitFor();
    assert.match(await byId('signon-app-type').textContent(), /Single-Page Application/);
    for (const iss of [env.orgUrl, `${env.orgUrl}/oauth2/default`]) {
      await page.locator(`[data-testid=signon-issuer-row][data-issuer="${iss}"]`).waitFor();
    }
    assert.match(await byId('signon-issuers').textContent(), /\/oauth2\/default\/\.well-known\/openid-configuration/);
    assert.equal(await byId('tab-assignments').count(), 1, 'the other tabs stay');
    await screenshot('sign-on-tab');
  });

  step('setup (API): assign the person to the OIDC app', async () => {
    await api('POST', `/apps/${env.appId}/users`, { id: env.userId, scope: 'USER' });
  });

  step('Sign-in demo: the app lacks the console\'s redirect URIs; one button adds them', async () => {
    await nav('#/signin-demo', 'nav-signin-demo');
    await page.locator('[data-testid=nav-signin-demo].active').waitFor();
    await byId('demo-app').selectOption(env.appId);
    await byId('demo-redirect-missing').waitFor();
    assert.equal(await byId('demo-signin').isDisabled(), true);
    assert.equal(await byId('demo-issuer').inputValue(), `${env.orgUrl}/oauth2/default`, 'the custom "default" server by default');
    await screenshot('demo-redirect-missing');
    await byId('demo-add-redirects').click();
    await waitFor('Sign in enabled', async () => !(await byId('demo-signin').isDisabled()));
    const oc = (await api('GET', `/apps/${env.appId}`)).settings.oauthClient;
    assert.deepEqual(oc.redirect_uris, ['http://localhost:8080/login/callback', `${env.orgUrl}/console/signin-callback`]);
    assert.deepEqual(oc.post_logout_redirect_uris, ['http://localhost:8080', `${env.orgUrl}/console/signout-callback`]);
    assert.match(await byId('demo-client-note').textContent(), /public client/);
  });

  step('Sign in with Okta: the mock\'s sign-in page refuses a wrong password', async () => {
    await byId('demo-signin').click();
    await page.waitForURL((u) => u.pathname === '/login/login.htm');
    const url = new URL(page.url());
    const from = url.searchParams.get('fromURI') || '';
    assert.match(from, /\/oauth2\/default\/v1\/authorize\?/);
    assert.match(from, /code_challenge_method=S256/);
    assert.match(from, new RegExp(`client_id=${env.clientId}`));
    await screenshot('okta-sign-in-page');
    await page.getByLabel('Username', { exact: true }).fill(KATHERINE.login);
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Unable to sign in').waitFor();
  });

  step('Sign in with Okta: the right password comes back to the demo with the ID token\'s claims', async () => {
    await page.getByLabel('Username', { exact: true }).fill(KATHERINE.login);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/' && u.hash === '#/signin-demo');
    await byId('demo-signed-in').waitFor();
    await byId('demo-claims').waitFor();
    assert.equal((await claim('sub').textContent()).trim(), env.userId);
    assert.match(env.userId, /^00u/);
    assert.equal((await claim('email').textContent()).trim(), KATHERINE.email);
    assert.equal((await claim('aud').textContent()).trim(), env.clientId);
    assert.equal((await claim('iss').textContent()).trim(), `${env.orgUrl}/oauth2/default`);
    for (const c of ['signature', 'iss', 'aud', 'nonce', 'exp']) {
      assert.equal(await page.locator(`[data-testid=demo-check][data-check="${c}"]`).getAttribute('data-ok'), 'true', `${c} check`);
    }
    assert.doesNotMatch(page.url(), /code=/, 'the code left the address bar');
    await screenshot('demo-signed-in');
  });

  step('the SCIM panel: not provisioned (the OIDC app does not provision)', async () => {
    const missing = byId('demo-scim-missing');
    await missing.waitFor();
    assert.equal(await missing.getAttribute('data-login'), KATHERINE.login);
    assert.match(await missing.textContent(), /Not provisioned/);
    assert.match(await missing.textContent(), /does not provision/);
  });

  step('the SCIM panel: the record appears once the preset SCIM app provisions the same person', async () => {
    const scimApp = (await api('GET', '/apps?limit=200')).find((a) => a.label === 'NordPass Provisioning');
    assert.ok(scimApp, 'okta-sandbox up presets "NordPass Provisioning" with SCIM on');
    await api('POST', `/apps/${scimApp.id}/users`, { id: env.userId, scope: 'USER' });
    const record = page.locator(`[data-testid=demo-scim-record][data-username="${KATHERINE.login}"]`);
    await record.waitFor({ timeout: 30000 });
    assert.equal((await byId('demo-scim-external-id').textContent()).trim(), env.userId, 'SCIM externalId = the token\'s sub');
    assert.equal(await byId('demo-scim-link').getAttribute('data-linked'), 'true');
    await screenshot('demo-scim-record');
  });

  step('Sign out: the logout endpoint ends the session and returns to the demo', async () => {
    await byId('demo-signout').click();
    await page.waitForURL((u) => u.pathname === '/' && u.hash === '#/signin-demo');
    await byId('demo-signed-out').waitFor();
    assert.equal(await byId('demo-claims').count(), 0);
    // The session is gone: signing in again shows the sign-in page.
    await byId('demo-signin').click();
    await page.waitForURL((u) => u.pathname === '/login/login.htm');
    await page.getByLabel('Username', { exact: true }).waitFor();
    await screenshot('after-sign-out');
  });

  step('a confidential Web app: masked secret on the Sign On tab; the demo signs in with client_secret_basic', async () => {
    const web = await api('POST', '/apps?activate=true', {
      name: 'oidc_client', label: 'Orbit Planner Web', signOnMode: 'OPENID_CONNECT',
      credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_basic' } },
      settings: { oauthClient: { application_type: 'web', grant_types: ['authorization_code'], response_types: ['code'],
        redirect_uris: [`${env.orgUrl}/console/signin-callback`], post_logout_redirect_uris: [`${env.orgUrl}/console/signout-callback`] } },
    });
    const secret = web.credentials.oauthClient.client_secret;
    assert.ok(secret, 'a confidential client has a secret');
    await api('POST', `/apps/${web.id}/users`, { id: env.userId, scope: 'USER' });
    await nav(`#/apps/${web.id}/sign-on`, 'signon-client-secret');
    assert.equal(await byId('signon-client-secret').getAttribute('type'), 'password', 'masked');
    await byId('signon-show-secret').click();
    assert.equal(await byId('signon-client-secret').getAttribute('type'), 'text');
    assert.equal(await byId('signon-client-secret').inputValue(), secret);
    await nav(`#/signin-demo/${web.id}`, 'demo-signin');
    assert.match(await byId('demo-client-note').textContent(), /confidential client \(client_secret_basic\)/);
    await byId('demo-signin').click();
    await page.waitForURL((u) => u.pathname === '/login/login.htm');
    await page.getByLabel('Username', { exact: true }).fill(KATHERINE.login);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/' && u.hash === '#/signin-demo');
    await byId('demo-claims').waitFor();
    assert.equal((await claim('aud').textContent()).trim(), web.id);
    assert.equal((await claim('sub').textContent()).trim(), env.userId);
    for (const c of ['signature', 'iss', 'aud', 'nonce', 'exp']) {
      assert.equal(await page.locator(`[data-testid=demo-check][data-check="${c}"]`).getAttribute('data-ok'), 'true', `${c} check`);
    }
    await screenshot('demo-web-app');
  });

  step('the pages raised no JavaScript errors', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
