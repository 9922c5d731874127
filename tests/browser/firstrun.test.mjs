// The first ten minutes of a newcomer, in headless Chromium against
// `okta-sandbox up` (a data folder, so it can be restarted): the dashboard's
// setup-guide checklist ticked from the org's state with a link per step; the
// preset app labelled as such and the create dialog warning about its name;
// a new app's To App toggles off (Okta's default), so "forgot Create Users"
// makes a task; empty states that lead somewhere (Assign to People on an empty
// directory offers Add person and Load demo directory); the failed person's
// Assignments row with Okta's reason and a link to its task; the open-task
// count equal to the task list; toasts after Retry and Push, the error toast
// cleared by the next success; System Log user targets by name and login; the
// vendor panel in the guide's words; and the page recovering by itself after
// the sandbox restarts.
//
// Screenshots of each page at 1280×800 and 390×844 go to
// ${OKTA_SANDBOX_ARTIFACTS:-/tmp/okta-sandbox-artifacts}/firstrun/.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Sandbox, artifactsDir, launchChromium, newPage, screenshotter, stepper, waitFor } from './sandbox.mjs';

const ARTIFACTS = artifactsDir('firstrun');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okta-sandbox-firstrun-'));
const sandbox = new Sandbox(['--data-dir', dataDir]);
const env = {}; // orgUrl, apiToken, presetId, appId

let browser, page;
const pageErrors = [];
const shot = screenshotter(ARTIFACTS, () => page, { fullPage: false });
const step = stepper(() => page, shot);
// The page at both sizes: desktop, then phone width, then back.
async function screenshot(name) {
  await shot(`${name}-1280`);
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(`${name}-390`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

const byId = (id) => page.getByTestId(id);
const nav = async (hash, readyTestId) => {
  await page.goto(`${env.orgUrl}/${hash}`);
  if (readyTestId) await byId(readyTestId).first().waitFor();
};
const guideStep = (key) => page.locator(`[data-testid=guide-step][data-step="${key}"]`);
const stepState = async (key) => guideStep(key).getAttribute('data-done');
const nextStep = () => page.locator('[data-testid=guide-step][data-next="true"]').getAttribute('data-step');

async function api(method, p, body) {
  const res = await fetch(env.orgUrl + p, {
    method,
    headers: { Authorization: `SSWS ${env.apiToken}`, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${p} → ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

// Open (not resolved) tasks in the table, the dashboard's count and the sidebar badge.
async function taskCounts() {
  const rows = await page.locator('[data-testid=task-row]:not([data-status="RESOLVED"])').count();
  const card = Number(await byId('card-tasks').textContent());
  const badgeEl = byId('tasks-badge');
  const badge = (await badgeEl.isHidden()) ? 0 : Number(await badgeEl.textContent());
  return { rows, card, badge };
}

const ADA = { first: 'Ada', last: 'Lovelace', login: 'ada.lovelace@example.com' };
const PRESET_LABEL = 'NordPass Provisioning';
const APP_LABEL = 'Acme Vault';

describe('web console: the first run of a newcomer', () => {
  before(async () => {
    env.orgUrl = await sandbox.start();
    env.apiToken = (await sandbox.session()).apiToken;
    browser = await launchChromium();
    page = await newPage(browser, { viewport: { width: 1280, height: 800 } }, pageErrors);
  });

  after(async () => {
    if (browser) await browser.close().catch(() => {});
    await sandbox.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  step('dashboard: the guide as a checklist, ticked from the preset app, each step with a link', async () => {
    await nav('#/dashboard', 'guide-steps');
    const keys = await page.locator('[data-testid=guide-step]').evaluateAll((rows) => rows.map((r) => r.dataset.step));
    assert.deepEqual(keys, ['create-app', 'credentials', 'enable-scim', 'integration', 'to-app', 'assign', 'push-groups', 'encryption']);
    // `up` made and configured the preset; nobody is assigned and no group is pushed yet. The encryption
    // service may take a moment to be Active: the checklist is read again every 5 s.
    await waitFor('encryption step done', async () => (await stepState('encryption')) === 'true', 15000);
    for (const k of ['create-app', 'credentials', 'enable-scim', 'integration', 'to-app']) assert.equal(await stepState(k), 'true', k);
    for (const k of ['assign', 'push-groups']) assert.equal(await stepState(k), 'false', k);
    assert.equal(await nextStep(), 'assign');
    assert.equal(await byId('guide-progress').textContent(), '6 of 8 done');
    assert.match(await byId('guide-about').textContent(), /Preset/);
    assert.equal(await byId('guide-app').textContent(), PRESET_LABEL);
    const apps = await api('GET', '/api/v1/apps');
    env.presetId = apps.find((a) => a.label === PRESET_LABEL).id;
    const hrefs = await page.locator('[data-testid=guide-step] [data-testid=guide-link]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.equal(hrefs.length, 8);
    assert.equal(hrefs[5], `#/apps/${env.presetId}/assignments`);
    assert.equal(hrefs[1], '#/service-provider');
    // The product's own name and mark, not Okta's wordmark.
    assert.deepEqual(await byId('brand').locator('span').allTextContents(), ['Sandbox', 'Okta-compatible']);
    await screenshot('dashboard-guide');
    await guideStep('assign').getByTestId('guide-link').click();
    await byId('assign-to-people').waitFor();
    assert.equal(new URL(page.url()).hash, `#/apps/${env.presetId}/assignments`);
  });

  step('empty lists say what fills them', async () => {
    await nav('#/people', 'people-empty');
    assert.match(await byId('people-empty').textContent(), /Add person.*demo\s+directory/s);
    await nav('#/groups', 'groups-empty');
    assert.match(await byId('groups-empty').textContent(), /Add group.*demo\s+directory/s);
    await nav('#/service-provider', 'sp-users-empty');
    assert.match(await byId('sp-users-empty').textContent(), /assign people to the\s+app/);
    assert.match(await byId('sp-groups-empty').textContent(), /Push Groups/);
    await screenshot('service-provider-empty');
  });

  step('the vendor panel uses the guide\'s words: Settings › User & Group Provisioning › Okta, Base URL, Secret token', async () => {
    assert.equal((await byId('sp-breadcrumb').textContent()).trim(), 'Settings › User & Group Provisioning › Okta');
    env.scimBase = await page.getByLabel('Base URL', { exact: true }).inputValue();
    env.scimToken = await page.getByLabel('Secret token', { exact: true }).inputValue();
    assert.match(env.scimBase, /^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    assert.ok(env.scimToken.length >= 16);
  });

  step('Applications: the preset is labelled as made by okta-sandbox up', async () => {
    await nav('#/apps', 'apps-table');
    const row = page.locator(`[data-testid=app-row][data-label="${PRESET_LABEL}"]`);
    assert.match(await row.getByTestId('preset-badge').getAttribute('title'), /okta-sandbox up.*already configured/);
    await screenshot('applications-preset');
    await row.getByTestId('app-link').click();
    await byId('preset-note').waitFor();
    assert.match(await byId('preset-note').textContent(), /Made by okta-sandbox up.*To follow the setup guide from step 1/s);
    assert.match(await byId('app-title').textContent(), /Preset/);
  });

  step('Create App Integration warns that the preset has the guide\'s name; another name clears it', async () => {
    await nav('#/apps', 'create-app-integration');
    await byId('create-app-integration').click();
    await byId('sign-in-swa').check();
    await byId('create-app-next').click();
    const warn = byId('app-name-taken');
    await warn.waitFor();
    assert.equal(await byId('app-name').inputValue(), PRESET_LABEL);
    assert.match(await warn.textContent(), /An app named "NordPass Provisioning" already exists: the preset/);
    await screenshot('create-app-name-taken');
    await byId('app-name').fill(APP_LABEL);
    await warn.waitFor({ state: 'hidden' });
    await byId('create-app-next').click();
    await byId('general-edit').waitFor();
    env.appId = new URL(page.url()).hash.split('/')[2];
    assert.match(env.appId, /^0oa/);
  });

  step('a new app: To App starts off as in Okta, and the checklist follows the new app', async () => {
    const prov = await api('GET', `/sandbox/apps/${env.appId}/provisioning`);
    assert.deepEqual([prov.createUsers, prov.updateAttributes, prov.deactivateUsers], [false, false, false]);
    await nav('#/dashboard', 'guide-steps');
    assert.equal(await byId('guide-app').textContent(), APP_LABEL);
    assert.equal(await stepState('create-app'), 'true');
    assert.equal(await nextStep(), 'credentials');
    // General → Enable SCIM, then the Integration with the vendor's Base URL and Secret token.
    await nav(`#/apps/${env.appId}/general`, 'general-edit');
    await byId('general-edit').click();
    await byId('general-enable-scim').check();
    await byId('general-save').click();
    await byId('int-base-url').waitFor();
    await byId('int-base-url').fill(env.scimBase);
    await byId('int-unique-field').fill('email');
    await byId('int-auth-mode').selectOption('header_bearer');
    await byId('int-bearer').fill(env.scimToken);
    await byId('int-save').click();
    await byId('to-app-panel').waitFor();
    await byId('to-app-all-off').waitFor();
    for (const t of ['create-users', 'update-attributes', 'deactivate-users']) assert.equal(await byId(`toapp-${t}`).isChecked(), false, t);
    await screenshot('to-app-off');
    await nav('#/dashboard', 'guide-steps');
    for (const k of ['credentials', 'enable-scim', 'integration']) assert.equal(await stepState(k), 'true', k);
    assert.equal(await nextStep(), 'to-app');
    assert.equal(await guideStep('to-app').getByTestId('guide-link').getAttribute('href'), `#/apps/${env.appId}/provisioning/to-app`);
  });

  step('Assign to People on an empty directory offers Add person and Load demo directory', async () => {
    await nav(`#/apps/${env.appId}/assignments`, 'assign-to-people');
    assert.match(await byId('assignments-empty').textContent(), /Assign to People/);
    await byId('assign-to-people').click();
    await byId('assign-people-empty').waitFor();
    assert.ok(await byId('assign-empty-load-demo').isVisible());
    await screenshot('assign-empty-directory');
    await byId('assign-empty-add-person').click();
    await byId('person-first').fill(ADA.first);
    await byId('person-last').fill(ADA.last);
    await byId('person-login').fill(ADA.login);
    await byId('person-password-mode').selectOption('admin');
    await byId('person-save').click();
    // The assign dialog comes back with the new person.
    const row = page.locator(`[data-testid=assign-people-row][data-login="${ADA.login}"]`);
    await row.waitFor();
    await row.getByTestId('assign-btn').click();
    await row.getByText('Assigned').waitFor();
    await byId('assign-done').click();
  });

  step('Create Users off: the push fails; the Assignments row shows the reason and links to the task', async () => {
    const row = page.locator(`[data-testid=assignment-row][data-login="${ADA.login}"][data-sync="ERROR"]`);
    await row.waitFor({ timeout: 20000 });
    await row.getByTestId('assignment-error').waitFor();
    assert.match(await row.getByTestId('assignment-error').textContent(), /Matching user not found/);
    await screenshot('assignment-failed');
    const tasks = await (await fetch(`${env.orgUrl}/sandbox/tasks`)).json();
    const task = tasks.find((t) => t.status === 'OPEN' && t.appId === env.appId);
    assert.ok(task, `an open task for the app: ${JSON.stringify(tasks)}`);
    env.taskId = task.id;
    assert.equal(await row.getByTestId('assignment-task-link').getAttribute('href'), `#/dashboard/task/${task.id}`);
    await row.getByTestId('assignment-task-link').click();
    const focused = page.locator(`[data-testid=task-row][data-task-id="${task.id}"][data-focused="true"]`);
    await focused.waitFor();
    assert.match(await focused.getByTestId('task-message').textContent(), /Matching user not found/);
  });

  step('the open-task count equals the task list, and stays equal after a retry', async () => {
    await waitFor('count = list', async () => {
      const c = await taskCounts();
      return c.rows === 1 && c.card === 1 && c.badge === 1;
    });
    await screenshot('dashboard-open-task');
    // Retry with Create Users still off: it fails again, with an error toast.
    await page.locator(`[data-testid=task-row][data-task-id="${env.taskId}"] [data-testid=task-retry]`).click();
    await page.locator('[data-testid=toasts] .toast.bad', { hasText: 'The retry failed again' }).waitFor({ timeout: 20000 });
    const c = await taskCounts();
    assert.equal(c.card, c.rows);
    await waitFor('badge = list', async () => { const b = await taskCounts(); return b.badge === b.rows; });
  });

  step('a success clears the error toast; Retry after Create Users is on resolves the task with a success toast', async () => {
    await page.goto(`${env.orgUrl}/#/apps/${env.appId}/provisioning/to-app`);
    await byId('toapp-edit').click();
    for (const t of ['create-users', 'update-attributes', 'deactivate-users']) await byId(`toapp-${t}`).setChecked(true);
    assert.equal(await page.getByRole('switch', { name: 'Create Users' }).isChecked(), true);
    await byId('toapp-save').click();
    await page.locator('[data-testid=toasts] .toast.ok', { hasText: 'To App settings saved' }).waitFor();
    assert.equal(await page.locator('[data-testid=toasts] .toast.bad').count(), 0, 'the error toast is gone');
    await nav(`#/dashboard/task/${env.taskId}`, 'tasks-table');
    await page.locator(`[data-testid=task-row][data-task-id="${env.taskId}"] [data-testid=task-retry]`).click();
    await page.locator('[data-testid=toasts] .toast.ok', { hasText: 'Task resolved' }).waitFor({ timeout: 20000 });
    // The moment the list is empty, the count says 0 (it used to lag by seconds).
    await byId('tasks-empty').waitFor({ timeout: 20000 });
    assert.deepEqual(await taskCounts(), { rows: 0, card: 0, badge: 0 });
    await nav('#/dashboard', 'guide-steps');
    for (const k of ['to-app', 'assign']) assert.equal(await stepState(k), 'true', k);
    await screenshot('dashboard-resolved');
    await nav(`#/apps/${env.appId}/assignments`);
    await page.locator(`[data-testid=assignment-row][data-login="${ADA.login}"][data-sync="SYNCHRONIZED"]`).waitFor({ timeout: 20000 });
  });

  step('a task resolves when its person is provisioned another way (Provision User), not only by its Retry', async () => {
    const createUsers = (status) => api('PUT', `/api/v1/apps/${env.appId}/features/USER_PROVISIONING`,
      { capabilities: { create: { lifecycleCreate: { status } } } });
    await createUsers('DISABLED');
    const bea = await api('POST', '/api/v1/users?activate=true', {
      profile: { firstName: 'Bea', lastName: 'Later', login: 'bea.later@example.com', email: 'bea.later@example.com' },
    });
    await api('POST', `/api/v1/apps/${env.appId}/users`, { id: bea.id, scope: 'USER' });
    await nav('#/dashboard', 'tasks-table');
    const row = page.locator('[data-testid=task-row][data-status="OPEN"]', { hasText: 'Bea Later' });
    await row.waitFor({ timeout: 20000 });
    await createUsers('ENABLED');
    await nav(`#/apps/${env.appId}/assignments`, 'provision-users');
    await byId('provision-users').click();
    await page.locator('[data-testid=toasts] .toast.ok', { hasText: 'Queued 1 user' }).waitFor();
    await page.locator('[data-testid=assignment-row][data-login="bea.later@example.com"][data-sync="SYNCHRONIZED"]')
      .waitFor({ timeout: 20000 });
    await nav('#/dashboard', 'tasks-table');
    await byId('tasks-empty').waitFor({ timeout: 20000 });
    assert.deepEqual(await taskCounts(), { rows: 0, card: 0, badge: 0 });
  });

  step('Push Groups: a success toast once the group is pushed', async () => {
    const g = await api('POST', '/api/v1/groups', { profile: { name: 'Engineering', description: 'Engineers' } });
    const ada = await api('GET', `/api/v1/users/${encodeURIComponent(ADA.login)}`);
    await api('PUT', `/api/v1/groups/${g.id}/users/${ada.id}`);
    await nav(`#/apps/${env.appId}/push-groups`, 'push-groups-btn');
    await byId('push-groups-btn').click();
    await byId('push-find').fill('Eng');
    await page.locator('[data-testid=push-group-option][data-name="Engineering"] input').check();
    await byId('push-save').click();
    await page.locator('[data-testid=toasts] .toast.ok', { hasText: 'Engineering pushed' }).waitFor({ timeout: 20000 });
    await screenshot('push-groups');
  });

  step('System Log names user targets by name and login', async () => {
    await nav('#/system-log', 'syslog-table');
    const target = page.locator('[data-testid=syslog-user-target]', { hasText: `${ADA.first} ${ADA.last} (${ADA.login})` });
    await target.first().waitFor();
    await screenshot('system-log');
  });

  step('after the sandbox restarts, the page recovers by itself', async () => {
    await nav('#/people', 'people-table');
    await sandbox.stop();
    // Moving to another page while it is away fails, and says so.
    await page.evaluate(() => { location.hash = '#/groups'; });
    await byId('page-error').waitFor();
    await page.locator('[data-testid=live-indicator].off').waitFor();
    env.orgUrl = await sandbox.restart();
    env.apiToken = (await sandbox.session()).apiToken;
    // No reload: the groups page comes back with what the data folder kept.
    await page.locator('[data-testid=group-row][data-name="Engineering"]').waitFor({ timeout: 20000 });
    assert.equal(await byId('page-error').count(), 0);
    await page.locator('[data-testid=live-indicator]:not(.off)').waitFor();
    await nav('#/people', 'people-table');
    await page.locator(`[data-testid=person-row][data-login="${ADA.login}"]`).waitFor();
    await screenshot('after-restart');
  });

  step('no script errors on the page', async () => {
    assert.deepEqual(pageErrors, []);
  });
});
