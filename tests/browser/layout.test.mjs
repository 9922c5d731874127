// The console's layout and accessibility on every page, and the Traffic view
// (issue 15 items 17-19): each page at 1280×800 (no action button clipped by
// its table) and at 390×844 (the side navigation is a menu, nothing scrolls
// sideways), axe-core injected into each page and dialog (no serious or
// critical violation), aria-current on the current page, switches named by
// what they switch, Enter submitting a dialog; the Traffic list numbered from
// 1 again after Reset, moved through with the arrow keys, its split dragged,
// its JSON not wrapped inside strings, and "Copy as curl" run through a shell.
//
// Screenshots of each page at both sizes go to
// ${OKTA_SANDBOX_ARTIFACTS:-/tmp/okta-sandbox-artifacts}/layout/.
// OKTA_SANDBOX_WEB_DIR=<app/web> serves the console's files from that folder
// instead of the binary, to try a console change without rebuilding.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { Sandbox, launchChromium, artifactsDir, screenshotter, stepper, waitFor, sleep } from './sandbox.mjs';

const ARTIFACTS = artifactsDir('layout');
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const WIDE = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

const sandbox = new Sandbox();
let browser, context, page;
const pageErrors = [];
const screenshot = screenshotter(ARTIFACTS, () => page, { fullPage: false });
const step = stepper(() => page, screenshot);
const byId = (id) => page.getByTestId(id);
const ids = {};   // appId, userId, groupId

// ---- the org every page is shown with, made through the APIs ----

async function api(method, p, body, base = '/api/v1') {
  const headers = { Accept: 'application/json', Authorization: `SSWS ${ids.apiToken}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(sandbox.orgUrl + base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${base}${p} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}
const sandboxApi = (method, p, body) => api(method, p, body, '/sandbox');

// A SCIM app integration wired to the bundled service provider, with To App on.
async function provisioningApp(label) {
  const status = await sandboxApi('GET', '/links/scim-admin/status');
  const app = await api('POST', '/apps?activate=true', { label, signOnMode: 'AUTO_LOGIN', settings: { app: { url: 'https://sp.example' } } });
  await sandboxApi('PATCH', `/apps/${app.id}/provisioning`, { scimEnabled: true });
  await sandboxApi('PATCH', `/apps/${app.id}/provisioning`, {
    baseUrl: status.scimBaseUrl, authMode: 'header_bearer', token: status.token, uniqueField: 'userName',
    pushNewUsers: true, pushProfileUpdates: true, pushGroups: true, enabled: true,
  });
  await sandboxApi('PATCH', `/apps/${app.id}/provisioning`, { createUsers: true, updateAttributes: true, deactivateUsers: true });
  await sandboxApi('POST', `/apps/${app.id}/test-connector`);
  return app;
}

async function populate() {
  ids.apiToken = (await sandbox.session()).apiToken;
  const people = [['Ada', 'Lovelace'], ['Grace', 'Hopper'], ['Katherine', 'Johnson-Goble-of-Hampton-Virginia']];
  const users = [];
  for (const [first, last] of people) {
    const login = `${first}.${last}@example.com`.toLowerCase();
    users.push(await api('POST', '/users?activate=true', {
      profile: { firstName: first, lastName: last, login, email: login }, credentials: { password: { value: 'Layout-test-pass-1!' } },
    }));
  }
  const group = await api('POST', '/groups', { profile: { name: 'Engineering', description: 'Engineering team' } });
  for (const u of users) await api('PUT', `/groups/${group.id}/users/${u.id}`);
  const app = await provisioningApp('Layout Provisioning');
  await api('POST', `/apps/${app.id}/users`, { id: users[0].id, scope: 'USER' });
  await api('POST', `/apps/${app.id}/group-push/mappings`, { sourceGroupId: group.id, targetGroupName: 'Engineering', status: 'ACTIVE' });
  // A failed assignment: an open task with its Retry button on the dashboard.
  await sandboxApi('PUT', '/links/scim-admin/faults', { rules: [{ method: 'POST', path: '/Users', status: 500, count: -1 }] });
  await api('POST', `/apps/${app.id}/users`, { id: users[1].id, scope: 'USER' });
  await waitFor('an open task', async () => (await sandboxApi('GET', '/tasks')).some((t) => t.status === 'OPEN'));
  await sandboxApi('DELETE', '/links/scim-admin/faults');
  await waitFor('SCIM traffic', async () => (await sandboxApi('GET', '/traffic')).length >= 5);
  Object.assign(ids, { appId: app.id, userId: users[0].id, groupId: group.id });
}

// Every page of the console: [name, hash, the sidenav entry marked current].
const pages = () => [
  ['dashboard', '#/dashboard', 'dashboard'],
  ['people', '#/people', 'people'],
  ['person', `#/people/${ids.userId}`, 'people'],
  ['groups', '#/groups', 'groups'],
  ['group', `#/groups/${ids.groupId}`, 'groups'],
  ['apps', '#/apps', 'apps'],
  ['app-general', `#/apps/${ids.appId}/general`, 'apps'],
  ['app-to-app', `#/apps/${ids.appId}/provisioning/to-app`, 'apps'],
  ['app-integration', `#/apps/${ids.appId}/provisioning/integration`, 'apps'],
  ['app-assignments', `#/apps/${ids.appId}/assignments`, 'apps'],
  ['app-push-groups', `#/apps/${ids.appId}/push-groups`, 'apps'],
  ['system-log', '#/system-log', 'system-log'],
  ['service-provider', '#/service-provider', 'service-provider'],
  ['signin-demo', '#/signin-demo', 'signin-demo'],
  ['traffic', '#/traffic', 'traffic'],
  ['demo', '#/demo', 'demo'],
  ['check', '#/check', 'check'],
];

// Opens a page and waits until its view has drawn (and one refresh tick has passed).
async function open(hash) {
  await page.goto(`${sandbox.orgUrl}/${hash}`);
  await waitFor(`${hash} drawn`, () => page.evaluate(() => {
    const m = document.getElementById('main');
    return m.dataset.view && m.children.length > 0 && !/^Loading/.test(m.textContent.trim());
  }));
  await sleep(1200);
  const err = await page.locator('[data-testid=page-error]').count();
  assert.equal(err, 0, `${hash}: ${err ? await byId('page-error').textContent() : ''}`);
}

// axe-core in the page: the serious and critical violations, one line each.
async function axeViolations(where) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ content: AXE_SOURCE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  return found.map((f) => `${where}: ${f}`);
}

// Buttons and links styled as buttons inside tables that their table cuts off or hides.
function clippedActions() {
  return page.evaluate(() => {
    const out = [];
    for (const wrap of document.querySelectorAll('#main .table-wrap, #main table.grid')) {
      const box = wrap.getBoundingClientRect();
      for (const b of wrap.querySelectorAll('button, a.btn')) {
        const r = b.getBoundingClientRect();
        if (!r.width) continue;
        if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.right > innerWidth) {
          out.push(`${b.textContent.trim()} (${Math.round(r.left)}–${Math.round(r.right)} in ${Math.round(box.left)}–${Math.round(box.right)})`);
        }
      }
      if (wrap.classList.contains('table-wrap') && !wrap.closest('.traffic') && wrap.scrollWidth > wrap.clientWidth + 1) {
        out.push(`a table needs sideways scrolling (${wrap.scrollWidth} > ${wrap.clientWidth})`);
      }
    }
    return out;
  });
}

const sideways = () => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
const clipboard = () => page.evaluate(() => navigator.clipboard.readText());

describe('console layout, accessibility and the Traffic view', () => {
  before(async () => {
    await sandbox.start();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: WIDE });
    if (process.env.OKTA_SANDBOX_WEB_DIR) {
      await context.route((u) => u.pathname === '/' || /^\/console\/[\w.-]+$/.test(u.pathname), (route) => {
        const name = new URL(route.request().url()).pathname.replace(/^\/(console\/)?/, '') || 'index.html';
        const file = path.join(process.env.OKTA_SANDBOX_WEB_DIR, name);
        if (!/^[\w.-]+$/.test(name) || !fs.existsSync(file)) return route.continue();
        const type = { js: 'text/javascript', css: 'text/css', html: 'text/html', svg: 'image/svg+xml' }[name.split('.').pop()];
        return route.fulfill({ body: fs.readFileSync(file), contentType: type || 'application/octet-stream' });
      });
    }
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: sandbox.orgUrl });
    page = await context.newPage();
    page.setDefaultTimeout(15000);
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await populate();
  });

  after(async () => {
    if (browser) await browser.close().catch(() => {});
    await sandbox.stop();
  });

  step('1280×800: every page marks its nav entry, clips no table action, passes axe', async () => {
    const problems = [];
    for (const [name, hash, nav] of pages()) {
      await open(hash);
      await screenshot(`wide-${name}`);
      const current = await page.locator('.sidenav a[aria-current=page]').evaluateAll((as) => as.map((a) => a.dataset.nav));
      assert.deepEqual(current, [nav], `${hash}: the sidenav entry marked aria-current`);
      for (const c of await clippedActions()) problems.push(`${name}: ${c}`);
      const { scroll, inner } = await sideways();
      if (scroll > inner) problems.push(`${name}: the page scrolls sideways (${scroll} > ${inner})`);
      problems.push(...await axeViolations(`${name} (1280)`));
    }
    assert.deepEqual(problems, []);
    // Tabs of an app page say which one is shown.
    await open(`#/apps/${ids.appId}/assignments`);
    assert.equal(await byId('tab-assignments').getAttribute('aria-current'), 'page');
    assert.equal(await byId('tab-general').getAttribute('aria-current'), null);
  });

  step('dialogs pass axe, and Enter in a field presses the dialog\'s main button', async () => {
    const problems = [];
    await open('#/people');
    await byId('add-person').click();
    await byId('person-first').waitFor();
    problems.push(...await axeViolations('Add person dialog'));
    await page.keyboard.press('Escape');
    await open('#/apps');
    await byId('create-app-integration').click();
    await page.locator('[role=dialog]').waitFor();
    problems.push(...await axeViolations('Create App Integration dialog'));
    await page.keyboard.press('Escape');
    assert.deepEqual(problems, []);

    await open('#/groups');
    await byId('add-group').click();
    const dialog = page.getByRole('dialog', { name: /group/i });
    await dialog.waitFor();
    await byId('group-name').fill('Made with Enter');
    await byId('group-name').press('Enter');
    await page.locator('[data-testid=group-row][data-name="Made with Enter"]').waitFor();
    assert.equal(await page.locator('[role=dialog]').count(), 0, 'the dialog closed');
  });

  step('switches are named by what they switch', async () => {
    await open(`#/apps/${ids.appId}/provisioning/to-app`);
    for (const name of ['Create Users', 'Update User Attributes', 'Deactivate Users']) {
      assert.equal(await page.getByRole('switch', { name, exact: true }).count(), 1, `a switch named "${name}"`);
    }
    await open('#/service-provider');
    assert.equal(await page.getByRole('switch', { name: 'Group provisioning', exact: true }).count(), 1);
  });

  step('390×844: a menu instead of the side navigation, no page scrolls sideways, axe passes', async () => {
    await page.setViewportSize(PHONE);
    const problems = [];
    for (const [name, hash] of pages()) {
      await open(hash);
      await screenshot(`phone-${name}`);
      const { scroll, inner } = await sideways();
      if (scroll > inner) problems.push(`${name}: documentElement.scrollWidth ${scroll} > innerWidth ${inner}`);
      problems.push(...await axeViolations(`${name} (390)`));
    }
    assert.deepEqual(problems, []);
    assert.equal(await byId('sidenav').isVisible(), false, 'the side navigation is folded away');
    const menu = byId('menu-toggle');
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    await menu.click();
    assert.equal(await menu.getAttribute('aria-expanded'), 'true');
    assert.equal(await byId('sidenav').isVisible(), true);
    await screenshot('phone-menu-open');
    await byId('nav-people').click();
    await page.waitForURL(/#\/people$/);
    await waitFor('the menu closed', async () => !(await byId('sidenav').isVisible()));
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    await page.setViewportSize(WIDE);
  });

  step('Traffic: a compact list, monospace paths on one line, shortened ids with the full id on hover', async () => {
    await open('#/traffic');
    const rows = page.locator('[data-testid=traffic-row]');
    const facts = await rows.first().evaluate((tr) => {
      const path = tr.querySelector('[data-testid=traffic-path]');
      const cs = getComputedStyle(path);
      return { height: tr.getBoundingClientRect().height, font: cs.fontFamily, ws: cs.whiteSpace, lineRects: path.getClientRects().length };
    });
    assert.ok(facts.height <= 24, `row height ${facts.height} px (compact: at most 24)`);
    assert.match(facts.font, /mono/i);
    assert.equal(facts.ws, 'nowrap');
    const traffic = await sandboxApi('GET', '/traffic');
    const uuid = traffic.map((r) => r.request.target.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/)).find(Boolean);
    assert.ok(uuid, 'some request names a SCIM id');
    const id = page.locator(`[data-testid=traffic-id][title="${uuid[0]}"]`).first();
    assert.equal(await id.textContent(), `${uuid[0].slice(0, 8)}…`);
    // Numbers run 1..N over the list (newest first), whatever the server's record ids are.
    const ns = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.dataset.n)));
    assert.deepEqual(ns, ns.map((_, i) => ns.length - i));
  });

  step('Traffic: up and down move through the requests; the split can be dragged and stays', async () => {
    await open('#/traffic');
    const rows = page.locator('[data-testid=traffic-row]');
    await rows.nth(1).click();
    const selectedN = () => page.locator('[data-testid=traffic-row].selected').getAttribute('data-n');
    const n1 = Number(await selectedN());
    await page.keyboard.press('ArrowDown');
    assert.equal(Number(await selectedN()), n1 - 1, 'ArrowDown selects the older request below');
    const line = await byId('traffic-detail-request-line').textContent();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    assert.equal(Number(await selectedN()), n1 + 1, 'ArrowUp twice selects the newer request above');
    assert.notEqual(await byId('traffic-detail-request-line').textContent(), line, 'the detail follows the selection');

    const list = byId('traffic-list');
    const before = (await list.boundingBox()).width;
    const bar = await byId('traffic-splitter').boundingBox();
    await page.mouse.move(bar.x + bar.width / 2, bar.y + 40);
    await page.mouse.down();
    await page.mouse.move(bar.x - 200, bar.y + 60, { steps: 5 });
    await page.mouse.up();
    const afterDrag = (await list.boundingBox()).width;
    assert.ok(Math.abs(before - 200 - afterDrag) < 30, `list width ${before} → ${afterDrag} after dragging 200 px left`);
    await open('#/traffic');
    const reloaded = (await byId('traffic-list').boundingBox()).width;
    assert.ok(Math.abs(reloaded - afterDrag) < 15, `the split is kept (${afterDrag} → ${reloaded})`);
    await byId('traffic-splitter').focus();
    await page.keyboard.press('ArrowRight');
    assert.ok((await byId('traffic-list').boundingBox()).width > reloaded, 'ArrowRight on the splitter widens the list');
  });

  step('Traffic: pretty JSON does not wrap inside strings; Copy body and Copy as curl', async () => {
    await open('#/traffic');
    // A narrow detail, so long strings would wrap if they could.
    await byId('traffic-splitter').focus();
    for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowRight');
    await page.locator('[data-testid=traffic-row][data-method=POST]').first().click();
    const pre = byId('traffic-detail-request-body');
    const json = await pre.evaluate((el) => ({
      scrolls: el.scrollWidth > el.clientWidth,
      wrapped: [...el.querySelectorAll('.j-str, .j-key')].filter((s) => s.getClientRects().length > 1).map((s) => s.textContent),
      strings: el.querySelectorAll('.j-str').length,
    }));
    assert.ok(json.strings > 0, 'strings are marked');
    assert.deepEqual(json.wrapped, [], 'no string is broken over lines');
    assert.ok(json.scrolls, 'long lines scroll sideways instead');
    await screenshot('traffic-narrow-detail');

    const seq = Number(await page.locator('[data-testid=traffic-row].selected').getAttribute('data-seq'));
    const rec = (await sandboxApi('GET', '/traffic')).find((r) => r.seq === seq);
    await byId('traffic-copy-body').click();
    assert.equal(await clipboard(), rec.request.body);

    // Copy as curl on a GET, run by a shell: the SCIM server answers it as it did the mock.
    const get = page.locator('[data-testid=traffic-row][data-method=GET][data-status="200"]').first();
    await get.click();
    await byId('traffic-copy-curl').click();
    const cmd = await clipboard();
    assert.match(cmd, /^curl -X GET '/);
    // The record holds no token ("Bearer ***"): the command reads it from $SCIM_TOKEN.
    assert.ok(cmd.includes(`-H 'Authorization: Bearer '"$SCIM_TOKEN"`), cmd);
    const { token } = await sandboxApi('GET', '/links/scim-admin/status');
    const run = async (t) => (await promisify(execFile)('sh', ['-c', `${cmd} -s -o /dev/null -w '%{http_code}'`],
      { env: { ...process.env, SCIM_TOKEN: t } })).stdout;
    assert.equal(await run(token), '200');
    assert.equal(await run('wrong'), '401');
  });

  step('Traffic: request numbers start at 1 again after Reset', async () => {
    const old = await sandboxApi('GET', '/traffic');
    const oldMaxSeq = Math.max(...old.map((r) => r.seq));
    await open('#/demo');
    await byId('demo-reset').click();
    // Reset reloads the page once the sandbox is empty.
    await Promise.all([page.waitForEvent('load'), byId('confirm-ok').click()]);
    assert.equal((await sandboxApi('GET', '/traffic')).length, 0);
    await provisioningApp('After Reset');
    await open('#/traffic');
    // The oldest request (the list's last row) is number 1, though the server's record id kept counting.
    const oldest = page.locator('[data-testid=traffic-row]').last();
    await oldest.waitFor();
    const seq = Number(await oldest.getAttribute('data-seq'));
    assert.ok(seq > oldMaxSeq, `the server kept counting (record ${seq} after ${oldMaxSeq})`);
    assert.equal((await oldest.locator('td').first().textContent()).trim(), '1', 'the number shown');
    assert.deepEqual(pageErrors, []);
  });
});
