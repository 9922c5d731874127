// The web console, driven like a person would: headless Chromium (Debian's
// /usr/bin/chromium through playwright-core) walks the Okta setup guide in the
// page of `okta-sandbox up` — create the app integration, enable SCIM, paste
// the base URL and token read from the Service provider panel, Test Connector,
// To App toggles, assign users, push a group with the encryption service on and
// then off (a task with the encryption service's message, retried once it is
// back) — and checks what the page shows and what the SCIM server stored.
//
// A screenshot of each step goes to ${OKTA_SANDBOX_ARTIFACTS:-/tmp/okta-sandbox-artifacts}/console/.
// Fails when node's playwright-core, /usr/bin/chromium or the binary is missing (sandbox.mjs).
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Sandbox, artifactsDir, launchChromium, newPage, screenshotter, stepper, waitFor } from './sandbox.mjs';

const ARTIFACTS = artifactsDir('console');
const sandbox = new Sandbox();
const env = {}; // orgUrl, scimBase, scimToken (read from the page), appId

async function scim(p) {
  const res = await fetch(env.scimBase + p, { headers: { Authorization: `Bearer ${env.scimToken}`, Accept: 'application/scim+json' } });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
async function scimFind(resource, filter) {
  const r = await scim(`/${resource}?filter=${encodeURIComponent(filter)}`);
  assert.equal(r.status, 200, `SCIM ${resource} ${filter} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.Resources || [];
}
async function sandboxJson(p) {
  const res = await fetch(env.orgUrl + p);
  assert.equal(res.status, 200, `GET ${p}`);
  return res.json();
}

const byId = (id) => page.getByTestId(id);
const nav = async (hash, readyTestId) => {
  await page.goto(`${env.orgUrl}/${hash}`);
  if (readyTestId) await byId(readyTestId).first().waitFor();
};


let browser, page;
const pageErrors = [];
const screenshot = screenshotter(ARTIFACTS, () => page, { fullPage: false });
const step = stepper(() => page, screenshot);

const ADA = { first: 'Ada', last: 'Lovelace', login: 'ada.lovelace@example.com' };
const GRACE = { first: 'Grace', last: 'Hopper', login: 'grace.hopper@example.com' };
const APP_LABEL = 'Password Manager Provisioning';

describe('web console: the setup guide in the browser', () => {
  before(async () => {
    env.orgUrl = await sandbox.start();
    browser = await launchChromium();
    page = await newPage(browser, { viewport: { width: 1280, height: 800 }, acceptDownloads: true }, pageErrors);
  });

  after(async () => {
    if (browser) await browser.close().catch(() => {});
    await sandbox.stop();
  });

  step('the console is served by the binary at the Org URL', async () => {
    const res = await fetch(env.orgUrl + '/');
    assert.equal(res.status, 200, 'GET / must serve the console (app/main.cpp sets okta::Config::console_assets)');
    assert.match(res.headers.get('content-type') || '', /text\/html/);
    const js = await fetch(env.orgUrl + '/console/app.js');
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') || '', /javascript/);
    await page.goto(env.orgUrl + '/');
    await byId('tasks-table').waitFor();
    assert.equal(await byId('org-url').textContent(), env.orgUrl);
    await screenshot('dashboard');
  });

  step('Directory: add two people and a group with both', async () => {
    await nav('#/people', 'add-person');
    for (const p of [ADA, GRACE]) {
      await byId('add-person').click();
      await byId('person-first').fill(p.first);
      await byId('person-last').fill(p.last);
      await byId('person-login').fill(p.login);
      // Set by admin: an Active person (Group Push skips people pending activation).
      await byId('person-password-mode').selectOption('admin');
      if (p === GRACE) await screenshot('add-person');
      await byId('person-save').click();
      await page.locator(`[data-testid=person-row][data-login="${p.login}"][data-status="ACTIVE"]`).waitFor();
    }
    await nav('#/groups', 'add-group');
    for (const name of ['Engineering', 'Sales']) {
      await byId('add-group').click();
      await byId('group-name').fill(name);
      await byId('group-description').fill(`${name} team`);
      await byId('group-save').click();
      await page.locator(`[data-testid=group-row][data-name="${name}"]`).waitFor();
    }
    await page.locator('[data-testid=group-row][data-name="Engineering"] a').click();
    for (const p of [ADA, GRACE]) {
      await byId('group-add-member-select').selectOption({ label: `${p.first} ${p.last} (${p.login})` });
      await byId('group-add-member').click();
      await page.locator(`[data-testid=group-member-row][data-login="${p.login}"]`).waitFor();
    }
    await page.getByRole('link', { name: '← Back to Groups' }).click();
    await page.locator('[data-testid=group-row][data-name="Sales"] a').click();
    await byId('group-add-member-select').selectOption({ label: `${GRACE.first} ${GRACE.last} (${GRACE.login})` });
    await byId('group-add-member').click();
    await page.locator(`[data-testid=group-member-row][data-login="${GRACE.login}"]`).waitFor();
    await screenshot('group-members');
  });

  step('Service provider: read the SCIM base URL and secret token to paste', async () => {
    await nav('#/service-provider', 'sp-credentials');
    await waitFor('credentials', async () => (await byId('sp-base-url').inputValue()) && (await byId('sp-token').inputValue()));
    env.scimBase = await byId('sp-base-url').inputValue();
    env.scimToken = await byId('sp-token').inputValue();
    assert.match(env.scimBase, /^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    assert.ok(env.scimToken.length >= 16, 'a real token');
    await waitFor('encryption status Active', async () => (await byId('sp-encryption-status').textContent()).includes('Active'));
    assert.match(await byId('sp-group-provisioning-status').textContent(), /Active/);
    await screenshot('service-provider');
  });

  step('Applications: Create App Integration (SWA)', async () => {
    await nav('#/apps', 'create-app-integration');
    await byId('create-app-integration').click();
    await byId('sign-in-swa').check();
    await screenshot('create-app-sign-in-method');
    await byId('create-app-next').click();
    await byId('app-name').fill(APP_LABEL);
    await byId('create-app-next').click();
    await byId('general-edit').waitFor();
    assert.equal(await byId('app-title').textContent(), APP_LABEL);
    env.appId = (await byId('app-id').textContent()).trim();
    assert.match(env.appId, /^0oa/);
    assert.equal(await byId('tab-provisioning').count(), 0, 'no Provisioning tab before SCIM is enabled');
  });

  step('General: Enable SCIM provisioning', async () => {
    await byId('general-edit').click();
    await byId('general-enable-scim').check();
    await screenshot('general-enable-scim');
    await byId('general-save').click();
    await byId('int-base-url').waitFor();
    assert.equal(await byId('tab-provisioning').count(), 1);
    const prov = await sandboxJson(`/sandbox/apps/${env.appId}/provisioning`);
    assert.equal(prov.scimEnabled, true);
    assert.equal(prov.enabled, false);
  });

  step('Provisioning → Integration: a wrong token fails Test Connector with Okta\'s message', async () => {
    await byId('int-base-url').fill(env.scimBase);
    await byId('int-unique-field').fill('email');
    for (const a of ['push-new-users', 'push-profile-updates', 'push-groups']) await byId(`int-action-${a}`).check();
    for (const a of ['import-users', 'import-groups']) await byId(`int-action-${a}`).uncheck();
    await byId('int-auth-mode').selectOption('header_bearer');
    await byId('int-bearer').fill('not-the-token');
    await byId('int-test').click();
    const result = byId('test-connector-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-status'), 'FAILURE');
    assert.match(await result.textContent(), /Error authenticating: 401/);
    await screenshot('test-connector-failure');
    await byId('test-connector-close').click();
  });

  step('Provisioning → Integration: paste the token, Test Connector succeeds, Save', async () => {
    await byId('int-bearer').fill(env.scimToken);
    await screenshot('integration-form');
    await byId('int-test').click();
    const result = byId('test-connector-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-status'), 'SUCCESS');
    assert.match(await result.textContent(), /Connector configured successfully/);
    await screenshot('test-connector-success');
    await byId('test-connector-close').click();
    await byId('int-save').click();
    await byId('to-app-panel').waitFor();
    const prov = await sandboxJson(`/sandbox/apps/${env.appId}/provisioning`);
    assert.equal(prov.enabled, true);
    assert.equal(prov.baseUrl, env.scimBase);
    assert.equal(prov.uniqueField, 'email');
    assert.equal(prov.authMode, 'header_bearer');
    assert.equal(prov.token, '********', 'a token is set (masked)');
  });

  step('Provisioning → To App: Create Users, Update User Attributes, Deactivate Users on; Sync Password off', async () => {
    await byId('toapp-edit').click();
    await byId('toapp-create-users').setChecked(true);
    await byId('toapp-update-attributes').setChecked(true);
    await byId('toapp-deactivate-users').setChecked(true);
    await byId('toapp-sync-password').setChecked(false);
    await screenshot('to-app');
    await byId('toapp-save').click();
    await byId('toapp-edit').waitFor();
    const prov = await sandboxJson(`/sandbox/apps/${env.appId}/provisioning`);
    assert.deepEqual([prov.createUsers, prov.updateAttributes, prov.deactivateUsers, prov.syncPassword], [true, true, true, false]);
    assert.equal(await byId('toapp-sync-password').isChecked(), false);
  });

  step('Assignments: assign both people; the SCIM server stores them', async () => {
    await byId('tab-assignments').click();
    await byId('assign-to-people').click();
    for (const p of [ADA, GRACE]) {
      const btn = page.locator(`[data-testid=assign-people-row][data-login="${p.login}"] [data-testid=assign-btn]`);
      await btn.click();
      await page.locator(`[data-testid=assign-people-row][data-login="${p.login}"] button:has-text("Assigned")`).waitFor();
    }
    await screenshot('assign-people');
    await byId('assign-done').click();
    for (const p of [ADA, GRACE]) {
      await page.locator(`[data-testid=assignment-row][data-login="${p.login}"][data-sync="SYNCHRONIZED"]`).waitFor({ timeout: 20000 });
    }
    await screenshot('assignments');
    for (const p of [ADA, GRACE]) {
      const found = await scimFind('Users', `userName eq "${p.login}"`);
      assert.equal(found.length, 1, `${p.login} on the SCIM server`);
      assert.equal(found[0].active, true);
      assert.equal(found[0].name.givenName, p.first);
      const shown = await page.locator(`[data-testid=assignment-row][data-login="${p.login}"] [data-testid=assignment-external-id]`).textContent();
      assert.equal(shown.trim(), found[0].id, 'the page shows the SCIM id Okta linked');
    }
    // The service provider panel lists them.
    await nav('#/service-provider', 'sp-users-table');
    for (const p of [ADA, GRACE]) await page.locator(`[data-testid=sp-user-row][data-username="${p.login}"][data-active="true"]`).waitFor();
  });

  step('Push Groups with the encryption service on: the group and its members reach the SCIM server', async () => {
    await nav(`#/apps/${env.appId}/push-groups`, 'push-groups-btn');
    await byId('push-groups-btn').click();
    await byId('push-find').fill('Engin');
    await page.locator('[data-testid=push-group-option][data-name="Engineering"] input').check();
    await screenshot('push-groups-find');
    await byId('push-save').click();
    const row = page.locator('[data-testid=push-row][data-group-name="Engineering"]');
    await row.waitFor();
    await waitFor('Engineering pushed', async () => !/—/.test(await row.locator('[data-testid=push-target]').textContent()));
    const groups = await waitFor('Engineering with 2 members on the SCIM server', async () => {
      const g = await scimFind('Groups', 'displayName eq "Engineering"');
      return g.length === 1 && (g[0].members || []).length === 2 && g;
    });
    assert.equal((await row.locator('[data-testid=push-target]').textContent()).trim(), groups[0].id);
    assert.equal(await row.getAttribute('data-status'), 'ACTIVE');
    await screenshot('push-groups-active');
    await nav('#/service-provider', 'sp-groups-table');
    await page.locator('[data-testid=sp-group-row][data-name="Engineering"][data-members="2"]').waitFor();
    await screenshot('service-provider-group');
  });

  step('Encryption service down: the service provider shows it, and a push becomes a task with its message', async () => {
    await nav('#/demo', 'enc-down');
    await byId('enc-down').click();
    await waitFor('health Down', async () => /Down|Unreachable/.test(await byId('enc-health').textContent()));
    await screenshot('encryption-down');
    await nav('#/service-provider', 'sp-credentials');
    await waitFor('encryption not Active', async () => !/^Active$/.test((await byId('sp-encryption-status').textContent()).trim()));
    assert.doesNotMatch(await byId('sp-group-provisioning-status').textContent(), /^Active$/);
    await screenshot('service-provider-encryption-down');

    await nav(`#/apps/${env.appId}/push-groups`, 'push-groups-btn');
    await byId('push-groups-btn').click();
    await byId('push-find').fill('Sales');
    await page.locator('[data-testid=push-group-option][data-name="Sales"] input').check();
    await byId('push-save').click();
    await nav('#/dashboard', 'tasks-table');
    const task = page.locator('[data-testid=task-row][data-status="OPEN"]').filter({ hasText: 'Sales' });
    await task.waitFor({ timeout: 20000 });
    const msg = await task.locator('[data-testid=task-message]').textContent();
    assert.match(msg, /Failed on pushing group Sales/);
    assert.match(msg, /encryption service/i);
    assert.equal((await scimFind('Groups', 'displayName eq "Sales"')).length, 0, 'nothing stored while the service is down');
    await screenshot('task-encryption-down');
  });

  step('Encryption service back up: Retry clears the task and the group arrives', async () => {
    await nav('#/demo', 'enc-up');
    await byId('enc-up').click();
    await waitFor('health Active', async () => /Active/.test(await byId('enc-health').textContent()));
    await nav('#/dashboard', 'tasks-table');
    const task = page.locator('[data-testid=task-row][data-status="OPEN"]').filter({ hasText: 'Sales' });
    await task.locator('[data-testid=task-retry]').click();
    await waitFor('no open Sales task', async () => (await page.locator('[data-testid=task-row][data-status="OPEN"]').filter({ hasText: 'Sales' }).count()) === 0);
    const g = await waitFor('Sales on the SCIM server', async () => {
      const r = await scimFind('Groups', 'displayName eq "Sales"');
      return r.length === 1 && (r[0].members || []).length === 1 && r;
    });
    const grace = (await scimFind('Users', `userName eq "${GRACE.login}"`))[0];
    assert.equal(g[0].members[0].value, grace.id);
    await screenshot('task-retried');
  });

  step('Traffic: live list with the Okta action, details on click, filter by user, HAR export', async () => {
    await nav('#/traffic', 'traffic-table');
    await page.locator('[data-testid=traffic-row]').first().waitFor();
    const all = await page.locator('[data-testid=traffic-row]').count();
    const recorded = (await sandboxJson('/sandbox/traffic')).length;
    assert.ok(all >= 10, `traffic rows: ${all}`);
    assert.equal(all, recorded, 'every recorded exchange is listed');
    // The POST /Users that created Ada.
    await byId('traffic-subject').selectOption({ label: `${ADA.first} ${ADA.last} (${ADA.login})` });
    await waitFor('filtered', async () => (await page.locator('[data-testid=traffic-row]').count()) < all);
    const post = page.locator('[data-testid=traffic-row][data-method="POST"][data-status="201"]').first();
    await post.click();
    const body = await byId('traffic-detail-request-body').textContent();
    assert.match(body, /"userName": "ada.lovelace@example.com"/);
    assert.match(await byId('traffic-detail-request-line').textContent(), /POST http:\/\/127\.0\.0\.1:\d+\/scim\/v2\/Users/);
    assert.match(await byId('traffic-detail').textContent(), /Authorization:Bearer|Authorization: ?Bearer/);
    assert.match(await post.textContent(), /Push user/);
    await screenshot('traffic-detail');
    const [download] = await Promise.all([page.waitForEvent('download'), byId('traffic-export-har').click()]);
    const file = path.join(ARTIFACTS, 'traffic-ada.har');
    await download.saveAs(file);
    const har = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(har.log.version, '1.2');
    assert.ok(har.log.entries.length > 0);
    assert.ok(har.log.entries.some((e) => e.request.method === 'POST' && e.response.status === 201 && /ada\.lovelace/.test(e.request.postData.text)));
    for (const e of har.log.entries) assert.ok(e.startedDateTime && e.request.url && Array.isArray(e.request.headers));
  });

  step('System Log shows the provisioning events', async () => {
    await nav('#/system-log', 'syslog-table');
    await page.locator('[data-testid=syslog-row][data-event-type="application.provision.group_push.push"]').first().waitFor();
    await page.locator('[data-testid=syslog-row][data-event-type="application.provision.connector.test"]').first().waitFor();
    await screenshot('system-log');
  });

  step('Demo & faults: load the demo directory', async () => {
    await nav('#/demo', 'demo-load');
    await byId('demo-load').click();
    await page.getByText('Done: 36 people, 8 groups.').waitFor({ timeout: 60000 });
    const users = await fetch(`${env.orgUrl}/sandbox/console/session`).then((r) => r.json())
      .then((s) => fetch(`${env.orgUrl}/api/v1/users?limit=200`, { headers: { Authorization: `SSWS ${s.apiToken}` } })).then((r) => r.json());
    assert.equal(users.length, 36, 'the 36 demo people (Ada and Grace were there already and are kept)');
    assert.ok(users.every((u) => u.status === 'ACTIVE'));
    await nav('#/groups', 'groups-table');
    await page.locator('[data-testid=group-row][data-name="Password Manager Users"]').waitFor();
    await screenshot('demo-directory');
  });

  step('the page raised no JavaScript errors', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
