// SAML 2.0 in the web console, driven in headless Chromium (Debian's
// /usr/bin/chromium through playwright-core) against `okta-sandbox up`:
// Create App Integration → SAML 2.0 runs Okta's wizard (General Settings →
// Configure SAML with attribute and group attribute statements and the
// client-side "Preview the SAML Assertion") and POSTs Okta's body; the app's
// Sign On tab shows the metadata URL, the IdP SSO URL, the issuer and the
// signing certificate (download, rotation); the sandbox's SAML faults are
// switched from the page and read back over the API; the embed link signs an
// assigned person in through the mock's sign-in page and ends in the
// auto-submitting form that POSTs a SAMLResponse to the ACS URL (intercepted
// here with context.route); editing the settings PUTs them; and a SAML app
// without a Single sign-on URL is still created as a provisioning-only app.
//
// Setup that is not the subject (a person with a password, the assignment) goes
// through the Management API. Screenshots go to
// ${OKTA_SANDBOX_ARTIFACTS:-/tmp/okta-sandbox-artifacts}/saml/.
// Fails when node's playwright-core, /usr/bin/chromium or the binary is missing (sandbox.mjs).
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox, artifactsDir, launchChromium, screenshotter, stepper, waitFor } from './sandbox.mjs';

const ARTIFACTS = artifactsDir('saml');
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

let browser, page;
const pageErrors = [];
const screenshot = screenshotter(ARTIFACTS, () => page, { fullPage: true });
const step = stepper(() => page, screenshot);

// The sandbox's own endpoints (no SSWS).
async function sandboxApi(method, p) {
  const res = await fetch(env.orgUrl + '/sandbox' + p, { method, headers: { Accept: 'application/json' } });
  const text = await res.text();
  assert.ok(res.ok, `${method} /sandbox${p} → ${res.status} ${text.slice(0, 400)}`);
  return text ? JSON.parse(text) : null;
}

// Inputs under `sel` without a label (a <label> or aria-label).
const unlabelled = (sel) => page.$$eval(`${sel} input:not([type=hidden]), ${sel} select, ${sel} textarea`,
  (els) => els.filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map((e) => e.outerHTML.slice(0, 120)));

const GRACE = { firstName: 'Grace', lastName: 'Hopper', email: 'grace.hopper@example.com', login: 'grace.hopper@example.com' };
const PASSWORD = 'Cobol-1959-Mark-II';
const APP_LABEL = 'Acme Expenses';
const SP = 'http://sp.acme-expenses.test';
const ACS = `${SP}/saml/acs`;
const AUDIENCE = `${SP}/saml/metadata`;
const RELAY = '/dashboard';
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
let context;
const acsPosts = []; // the form posts the ACS URL received

describe('web console: SAML 2.0 app integrations in the browser', () => {
  before(async () => {
    env.orgUrl = await sandbox.start();
    env.apiToken = (await (await fetch(env.orgUrl + '/sandbox/console/session')).json()).apiToken;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    // The service provider's ACS URL: nothing listens there; the browser's POST is answered here.
    await context.route(`${SP}/**`, async (route) => {
      const req = route.request();
      acsPosts.push({ method: req.method(), url: req.url(), form: new URLSearchParams(req.postData() || '') });
      await route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Acme Expenses</title><h1 id="sp">Acme Expenses: SAMLResponse received</h1>' });
    });
    page = await context.newPage();
    page.setDefaultTimeout(15000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    if (browser) await browser.close().catch(() => {});
    await sandbox.stop();
  });

  step('setup (API): a person with a password', async () => {
    const u = await api('POST', '/users?activate=true', { profile: GRACE, credentials: { password: { value: PASSWORD } } });
    assert.equal(u.status, 'ACTIVE');
    env.userId = u.id;
  });

  step('Create App Integration → SAML 2.0: General Settings', async () => {
    await nav('#/apps', 'create-app-integration');
    await byId('create-app-integration').click();
    await byId('sign-in-saml').check();
    await byId('create-app-next').click();
    await byId('saml-wizard').waitFor();
    await page.getByLabel('App name', { exact: true }).fill(APP_LABEL);
    await screenshot('saml-wizard-general');
    await byId('saml-next').click();
    await page.getByLabel('Single sign-on URL', { exact: true }).waitFor();
    // Nothing typed yet: the wizard says Finish would make a provisioning-only app.
    assert.equal(await byId('saml-provisioning-only').isVisible(), true);
  });

  step('Configure SAML: URLs, Name ID, username, signatures, attribute and group attribute statements, the preview', async () => {
    await page.getByLabel('Single sign-on URL', { exact: true }).fill(ACS);
    assert.equal(await byId('saml-provisioning-only').isVisible(), false);
    assert.equal(await page.getByLabel('Use this for Recipient URL and Destination URL').isChecked(), true);
    assert.equal(await byId('saml-recipient').isVisible(), false, 'Recipient and Destination follow the SSO URL');
    await page.getByLabel('Audience URI (SP Entity ID)').fill(AUDIENCE);
    await page.getByLabel('Default RelayState').fill(RELAY);
    await page.getByLabel('Name ID format').selectOption(EMAIL_FORMAT);
    await page.getByLabel('Application username').selectOption('${user.email}');
    assert.equal(await page.getByLabel('Response', { exact: true }).inputValue(), 'true');
    assert.equal(await page.getByLabel('Assertion Signature').inputValue(), 'true');
    await byId('saml-add-attr').click();
    await byId('saml-add-attr').click();
    const names = byId('saml-attr-name'), values = byId('saml-attr-value');
    await names.nth(0).fill('email');
    await values.nth(0).fill('user.email');
    await names.nth(1).fill('firstName');
    await values.nth(1).fill('user.firstName');
    await byId('saml-add-group').click();
    await byId('saml-group-name').fill('groups');
    await byId('saml-group-filter').selectOption('STARTS_WITH');
    await byId('saml-group-value').fill('Eng');
    await byId('saml-preview-toggle').click();
    const preview = byId('saml-preview');
    await preview.waitFor();
    assert.match(await preview.textContent(), /Preview only/);
    const xml = await byId('saml-preview-xml').textContent();
    assert.match(xml, new RegExp(`<saml2:Audience>${AUDIENCE}</saml2:Audience>`));
    assert.match(xml, new RegExp(`Destination="${ACS}"`));
    assert.match(xml, new RegExp(`Recipient="${ACS}"`));
    assert.match(xml, new RegExp(`<saml2:NameID Format="${EMAIL_FORMAT}">\\$\\{user\\.email\\}</saml2:NameID>`));
    assert.match(xml, /<saml2:Attribute Name="firstName"[^>]*>\s*<saml2:AttributeValue[^>]*>user\.firstName</);
    assert.match(xml, /<saml2:Attribute Name="groups"/);
    // The preview follows the form.
    await page.getByLabel('Audience URI (SP Entity ID)').fill(`${AUDIENCE}?v=2`);
    assert.match(await byId('saml-preview-xml').textContent(), /saml\/metadata\?v=2<\/saml2:Audience>/);
    await page.getByLabel('Audience URI (SP Entity ID)').fill(AUDIENCE);
    await screenshot('saml-wizard-configure-preview');
    assert.deepEqual(await unlabelled('[data-testid=saml-wizard]'), [], 'every input of the wizard has a label');
  });

  step('Finish: Okta\'s body was POSTed (settings.signOn) and the app opens on its Sign On tab', async () => {
    await byId('saml-next').click();
    await byId('saml-idp-panel').waitFor();
    assert.equal(await byId('app-title').textContent(), APP_LABEL);
    const apps = await api('GET', `/apps?q=${encodeURIComponent(APP_LABEL)}`);
    assert.equal(apps.length, 1);
    const app = apps[0];
    env.app = app;
    assert.equal(app.signOnMode, 'SAML_2_0');
    assert.equal(app.status, 'ACTIVE');
    const so = app.settings.signOn;
    assert.equal(so.ssoAcsUrl, ACS);
    assert.equal(so.recipient, ACS);
    assert.equal(so.destination, ACS);
    assert.equal(so.audience, AUDIENCE);
    assert.equal(so.defaultRelayState, RELAY);
    assert.equal(so.subjectNameIdFormat, EMAIL_FORMAT);
    assert.equal(so.subjectNameIdTemplate, '${user.email}');
    assert.equal(so.responseSigned, true);
    assert.equal(so.assertionSigned, true);
    assert.equal(so.signatureAlgorithm, 'RSA_SHA256');
    assert.equal(so.digestAlgorithm, 'SHA256');
    const attrs = Object.fromEntries(so.attributeStatements.map((a) => [a.name, a]));
    assert.deepEqual(attrs.email.values, ['user.email']);
    assert.equal(attrs.email.type, 'EXPRESSION');
    assert.deepEqual(attrs.firstName.values, ['user.firstName']);
    assert.equal(attrs.groups.type, 'GROUP');
    assert.equal(attrs.groups.filterType, 'STARTS_WITH');
    assert.equal(attrs.groups.filterValue, 'Eng');
  });

  step('Sign On tab: metadata URL, IdP SSO URL, issuer and the X.509 certificate (Download .cert)', async () => {
    const app = env.app;
    const sso = `${env.orgUrl}/app/${app.name}/${app.id}/sso/saml`;
    const meta = `${env.orgUrl}/app/${app.id}/sso/saml/metadata`;
    assert.equal(await byId('saml-metadata-url').getAttribute('href'), meta);
    assert.equal(await page.getByLabel('Identity Provider Single Sign-On URL').inputValue(), sso);
    assert.equal(await page.getByLabel('Identity Provider Issuer').inputValue(), `http://www.okta.com/${app.id}`);
    const cert = await api('GET', `/apps/${app.id}/saml/certificate`);
    const pem = (await byId('saml-certificate').textContent()).trim();
    assert.match(pem, /^-----BEGIN CERTIFICATE-----/);
    assert.equal(pem, cert.pem.trim());
    const metadata = await (await fetch(meta)).text();
    assert.ok(metadata.includes(cert.x5c[0]), 'the metadata publishes the certificate shown');
    assert.ok(metadata.includes(`Location="${sso}"`), 'the metadata names the SSO URL shown');
    assert.ok(metadata.includes(`entityID="http://www.okta.com/${app.id}"`), 'the metadata names the issuer shown');
    const [download] = await Promise.all([page.waitForEvent('download'), byId('saml-download-cert').click()]);
    assert.equal(download.suggestedFilename(), 'okta.cert');
    const file = path.join(ARTIFACTS, 'okta.cert');
    await download.saveAs(file);
    assert.equal(fs.readFileSync(file, 'utf8').trim(), cert.pem.trim());
    assert.equal(await byId('saml-embed-link').getAttribute('href'), sso);
    assert.match(await byId('saml-faults-note').textContent(), /Sandbox only — for reproducing bug reports/);
    assert.deepEqual(await unlabelled('[data-tab-body]'), [], 'every input of the Sign On tab has a label');
    env.pem = pem;
    await screenshot('saml-sign-on-tab');
  });

  step('faults: the switches are PATCHed, and GET of the faults reads them back', async () => {
    const id = env.app.id;
    const faults = () => sandboxApi('GET', `/apps/${id}/saml-faults`);
    assert.deepEqual(await faults(), { clockSkewSeconds: 0, wrongAudience: false, expiredCertificate: false, unsignedAssertion: false, missingAttribute: null });
    await page.getByLabel('Wrong audience').check();
    await waitFor('wrongAudience on', async () => (await faults()).wrongAudience === true);
    await page.getByLabel('Unsigned assertion').check();
    await waitFor('unsignedAssertion on', async () => (await faults()).unsignedAssertion === true);
    await page.getByLabel('Expired certificate').check();
    await waitFor('expiredCertificate on', async () => (await faults()).expiredCertificate === true);
    await page.getByLabel('Clock skew (seconds)').fill('-600');
    await byId('saml-fault-skew-apply').click();
    await waitFor('clockSkewSeconds -600', async () => (await faults()).clockSkewSeconds === -600);
    await page.getByLabel('Missing attribute').selectOption('firstName');
    await waitFor('missingAttribute firstName', async () => (await faults()).missingAttribute === 'firstName');
    await screenshot('saml-faults-on');
    // The page shows what the server has after a reload.
    await nav(`#/apps/${id}/sign-on`, 'saml-faults-panel');
    assert.equal(await page.getByLabel('Wrong audience').isChecked(), true);
    assert.equal(await page.getByLabel('Clock skew (seconds)').inputValue(), '-600');
    assert.equal(await page.getByLabel('Missing attribute').inputValue(), 'firstName');
    // All off again.
    for (const l of ['Wrong audience', 'Unsigned assertion', 'Expired certificate']) await page.getByLabel(l).uncheck();
    await page.getByLabel('Clock skew (seconds)').fill('0');
    await byId('saml-fault-skew-apply').click();
    await page.getByLabel('Missing attribute').selectOption('');
    await waitFor('all faults off', async () => {
      const f = await faults();
      return !f.wrongAudience && !f.unsignedAssertion && !f.expiredCertificate && f.clockSkewSeconds === 0 && f.missingAttribute === null;
    });
  });

  step('Rotate signing certificate: a new certificate on the page, in the API and in the metadata', async () => {
    const id = env.app.id;
    await byId('saml-rotate').click();
    await byId('confirm-ok').click();
    await waitFor('a new certificate on the page', async () => (await byId('saml-certificate').textContent()).trim() !== env.pem);
    const cert = await api('GET', `/apps/${id}/saml/certificate`);
    assert.equal((await byId('saml-certificate').textContent()).trim(), cert.pem.trim());
    const metadata = await (await fetch(`${env.orgUrl}/app/${id}/sso/saml/metadata`)).text();
    assert.ok(metadata.includes(cert.x5c[0]));
  });

  step('embed link: an assigned person signs in on the mock\'s page and the browser POSTs a SAMLResponse to the ACS URL', async () => {
    const app = env.app;
    await api('POST', `/apps/${app.id}/users`, { id: env.userId, scope: 'USER' });
    const [popup] = await Promise.all([context.waitForEvent('page'), byId('saml-embed-link').click()]);
    popup.setDefaultTimeout(15000);
    popup.on('pageerror', (e) => pageErrors.push(`popup: ${e.message}`));
    await popup.waitForURL((u) => u.pathname === '/login/login.htm');
    assert.match(new URL(popup.url()).searchParams.get('fromURI') || '', new RegExp(`/app/${app.name}/${app.id}/sso/saml`));
    await popup.getByLabel('Username', { exact: true }).fill(GRACE.login);
    await popup.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await popup.getByRole('button', { name: 'Sign in', exact: true }).click();
    await popup.waitForURL(ACS);
    await popup.locator('#sp').waitFor();
    await screenshot('saml-acs-reached', popup);
    const post = acsPosts.find((p) => p.url === ACS);
    assert.ok(post, 'the ACS URL received a request');
    assert.equal(post.method, 'POST');
    const samlResponse = post.form.get('SAMLResponse');
    assert.ok(samlResponse, 'a SAMLResponse was posted');
    assert.equal(post.form.get('RelayState'), RELAY, 'IdP-initiated: the default RelayState');
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
    assert.match(xml, new RegExp(`Destination="${ACS}"`));
    assert.match(xml, new RegExp(`<saml2:Audience>${AUDIENCE}</saml2:Audience>`));
    assert.match(xml, new RegExp(`>${GRACE.email}</saml2:NameID>`));
    assert.match(xml, new RegExp(`http://www.okta.com/${app.id}</saml2:Issuer>`));
    assert.match(xml, /<saml2:Attribute Name="firstName"[\s\S]*?>Grace</);
    assert.match(xml, /<ds:Signature/);
    fs.writeFileSync(path.join(ARTIFACTS, 'saml-response.xml'), xml);
    await popup.close();
  });

  step('Edit the SAML settings: Save PUTs them', async () => {
    const id = env.app.id;
    await byId('saml-edit').click();
    const audience = page.getByLabel('Audience URI (SP Entity ID)');
    assert.equal(await audience.inputValue(), AUDIENCE);
    await audience.fill(`${SP}/saml/sp`);
    await page.getByLabel('Use this for Recipient URL and Destination URL').uncheck();
    await page.getByLabel('Destination URL', { exact: true }).fill(`${SP}/saml/acs?dest=1`);
    await screenshot('saml-edit');
    await byId('saml-save').click();
    await byId('saml-audience-value').waitFor();
    const so = (await api('GET', `/apps/${id}`)).settings.signOn;
    assert.equal(so.audience, `${SP}/saml/sp`);
    assert.equal(so.destination, `${SP}/saml/acs?dest=1`);
    assert.equal(so.recipient, ACS);
    assert.equal(so.ssoAcsUrl, ACS);
    assert.equal(so.attributeStatements.length, 3, 'the attribute statements are kept');
    assert.equal((await byId('saml-audience-value').textContent()).trim(), `${SP}/saml/sp`);
  });

  step('a SAML app without a Single sign-on URL is provisioning-only (no settings.signOn), as before', async () => {
    await nav('#/apps', 'create-app-integration');
    await byId('create-app-integration').click();
    await byId('sign-in-saml').check();
    await byId('create-app-next').click();
    await page.getByLabel('App name', { exact: true }).fill('Acme Provisioning');
    await byId('saml-next').click();
    await byId('saml-provisioning-only').waitFor();
    await byId('saml-next').click();
    await byId('general-edit').waitFor();
    const app = (await api('GET', `/apps?q=${encodeURIComponent('Acme Provisioning')}`))[0];
    assert.equal(app.signOnMode, 'SAML_2_0');
    assert.ok(!app.settings || !app.settings.signOn, 'no settings.signOn');
    await nav(`#/apps/${app.id}/sign-on`, 'saml-not-configured');
    assert.equal(await byId('saml-idp-panel').count(), 0);
    // SCIM provisioning can still be enabled on it.
    await nav(`#/apps/${app.id}/general`, 'general-edit');
    await byId('general-edit').click();
    await byId('general-enable-scim').check();
    await byId('general-save').click();
    await byId('integration-panel').waitFor();
    await screenshot('saml-provisioning-only');
  });

  step('the pages raised no JavaScript errors', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
