// Okta's official Node SDK (@okta/okta-sdk-nodejs, used unchanged) drives the
// mock Okta of `okta-sandbox up` through the whole setup guide: create an app
// integration, set its SCIM connection and the USER_PROVISIONING feature,
// create users and a group, assign, push the group, update a profile,
// unassign. After each step the provisioning queue is drained and the SCIM
// server's state is checked over SCIM.
//
// Where the SDK and the mock disagree, the step is marked `todo` with the id
// of the gap in API_GAPS.md (it still runs and reports, but does not fail the
// run); remove the marker once the gap is fixed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const okta = require('@okta/okta-sdk-nodejs');
const { DefaultRequestExecutor } = okta;

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = process.env.OKTA_SANDBOX_BIN || path.resolve(here, '../../build/app/okta-sandbox');

// Steps blocked by a known SDK/mock disagreement (ids: API_GAPS.md). A step
// listed here runs as `todo`: its failure is reported but does not fail the run.
const GAPS = {
};
const gap = (id) => (GAPS[id] ? { todo: `${id}: ${GAPS[id]} (tests/js/API_GAPS.md)` } : {});

// ---- the sandbox process ----

let proc;
let stdoutText = '';
let stderrText = '';
const env = {}; // orgUrl, apiToken, scimBase, scimToken

function startSandbox() {
  return new Promise((resolve, reject) => {
    proc = spawn(BIN, ['up', '--in-memory', '--okta-port', '0', '--scim-port', '0', '--encryption-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => reject(new Error(`okta-sandbox did not print its URLs in 20 s:\n${stdoutText}\n${stderrText}`)), 20000);
    proc.on('error', (e) => { clearTimeout(timer); reject(e); });
    proc.on('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`okta-sandbox exited early (${code ?? sig}):\n${stdoutText}\n${stderrText}`));
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
        Object.assign(env, { orgUrl, apiToken, scimBase, scimToken });
        resolve();
      }
    });
  });
}

function stopSandbox() {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
    proc.removeAllListeners('exit');
    proc.on('exit', () => { clearTimeout(kill); resolve(); });
    proc.kill('SIGTERM');
  });
}

// ---- plain HTTP helpers (sandbox controls and the SCIM side) ----

const orgBase = () => env.orgUrl.replace(/\/$/, '');

async function sandboxGet(p) {
  const res = await fetch(orgBase() + p);
  assert.equal(res.status, 200, `GET ${p}`);
  return res.json();
}

async function sandboxPost(p, body) {
  const res = await fetch(orgBase() + p, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.status < 300, `POST ${p} → ${res.status}`);
  return res.json();
}

async function scim(p) {
  const res = await fetch(env.scimBase + p, {
    headers: { Authorization: `Bearer ${env.scimToken}`, Accept: 'application/scim+json' },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function scimFind(resource, filter) {
  const r = await scim(`/${resource}?filter=${encodeURIComponent(filter)}`);
  assert.equal(r.status, 200, `SCIM ${resource} ${filter}`);
  return r.body.Resources || [];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Provisioning is idle when no job is queued or parked and no SCIM exchange
// was recorded for a while (GET /sandbox/jobs does not list the job that is
// running, so the traffic log covers that window).
let trafficSeq = 0;
async function waitIdle(timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  while (Date.now() < deadline) {
    const jobs = await sandboxGet('/sandbox/jobs');
    const traffic = await sandboxGet(`/sandbox/traffic?after=${trafficSeq}&limit=1000`);
    for (const t of traffic) trafficSeq = Math.max(trafficSeq, t.seq);
    quiet = jobs.length === 0 && traffic.length === 0 ? quiet + 1 : 0;
    if (quiet >= 3) return;
    await sleep(100);
  }
  throw new Error(`provisioning not idle after ${timeoutMs} ms: ${JSON.stringify(await sandboxGet('/sandbox/jobs'))}`);
}

async function eventually(fn, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(100);
    }
  }
}

async function assertNoTasks() {
  const open = (await sandboxGet('/sandbox/tasks')).filter((t) => t.status !== 'RESOLVED');
  assert.deepEqual(open, [], 'provisioning tasks (failures)');
}

async function collect(collection) {
  const out = [];
  for await (const item of collection) out.push(item);
  return out;
}

// ---- the SDK ----

// Every exchange the SDK makes, through the request executor's public events,
// so a failing step shows what was sent and answered.
const exchanges = [];
let client;

function makeClient(orgUrl) {
  const requestExecutor = new DefaultRequestExecutor();
  requestExecutor.on('request', (req) => exchanges.push({ method: (req.method || '').toUpperCase(), url: req.url, body: req.body }));
  requestExecutor.on('response', (res) => {
    const last = exchanges[exchanges.length - 1];
    if (last) last.status = res.status;
  });
  return new okta.Client({
    orgUrl,
    token: env.apiToken,
    requestExecutor,
  });
}

function lastExchanges(n = 3) {
  return exchanges.slice(-n).map((e) => `${e.method} ${e.url} → ${e.status}`).join('\n');
}

// State shared by the steps, in order.
const s = {
  users: {}, // key → Okta user
  remote: {}, // key → SCIM id
};

const people = {
  ann: { firstName: 'Ann', lastName: 'Lee', login: 'ann.lee@corp.example', email: 'ann.lee@corp.example' },
  bob: { firstName: 'Bob', lastName: 'Ray', login: 'bob.ray@corp.example', email: 'bob.ray@corp.example' },
  cat: { firstName: 'Cat', lastName: 'Poe', login: 'cat.poe@corp.example', email: 'cat.poe@corp.example' },
};

describe('Okta Node SDK drives okta-sandbox through the setup guide', { concurrency: false }, () => {
  before(async () => {
    await startSandbox();
    client = makeClient(orgBase());
  });

  after(async () => {
    if (process.env.SDK_TRACE) for (const e of exchanges) console.log(`${e.method} ${e.url} → ${e.status}${e.body ? ` ${e.body}` : ''}`);
    await stopSandbox();
  });

  it('parses what `okta-sandbox up` prints', () => {
    assert.match(env.orgUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(env.scimBase, /^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
    assert.ok(env.apiToken.length >= 16);
    assert.ok(env.scimToken.length >= 16);
  });

  it('works with the Org URL with a trailing slash, as in the SDK README', async () => {
    const asPrinted = new okta.Client({ orgUrl: `${env.orgUrl}/`, token: env.apiToken });
    const apps = await collect(await asPrinted.applicationApi.listApplications());
    assert.ok(apps.length >= 1);
  });

  it('rejects a wrong SSWS token with an Okta error (E0000011)', async () => {
    const bad = new okta.Client({ orgUrl: orgBase(), token: 'not-the-token' });
    await assert.rejects(collect(await bad.applicationApi.listApplications()), (e) => {
      assert.equal(e.status, 401);
      assert.equal(e.errorCode, 'E0000011');
      assert.ok(e.errorSummary);
      return true;
    });
  });

  it('lists apps: the preset "NordPass Provisioning" app is there', async () => {
    const apps = await collect(await client.applicationApi.listApplications());
    const preset = apps.find((a) => a.label === 'NordPass Provisioning');
    assert.ok(preset, `apps: ${apps.map((a) => a.label)}\n${lastExchanges()}`);
    assert.equal(preset.status, 'ACTIVE');
    s.preset = preset;
  });

  it('creates an app integration (SWA, App Integration Wizard)', async () => {
    const app = await client.applicationApi.createApplication({
      application: {
        label: 'Acme SCIM (SDK)',
        signOnMode: 'AUTO_LOGIN',
        settings: { signOn: { loginUrl: 'https://acme.example/login' } },
      },
      activate: true,
    });
    assert.match(app.id, /^0oa/);
    assert.equal(app.label, 'Acme SCIM (SDK)');
    assert.equal(app.signOnMode, 'AUTO_LOGIN');
    assert.equal(app.status, 'ACTIVE');
    s.app = app;
    const again = await client.applicationApi.getApplication({ appId: app.id });
    assert.equal(again.label, 'Acme SCIM (SDK)');
  });

  it('sets the provisioning connection (SCIM base URL + bearer) and activates it', async () => {
    const conn = await client.applicationApi.updateDefaultProvisioningConnectionForApplication({
      appId: s.app.id,
      ProvisioningConnectionRequest: { baseUrl: env.scimBase, profile: { authScheme: 'TOKEN', token: env.scimToken } },
    });
    assert.equal(conn.authScheme, 'TOKEN');
    await client.applicationApi.activateDefaultProvisioningConnectionForApplication({ appId: s.app.id });
    const got = await client.applicationApi.getDefaultProvisioningConnectionForApplication({ appId: s.app.id });
    assert.equal(got.status, 'ENABLED');
    assert.equal(got.baseUrl, env.scimBase);
    assert.equal(got.profile.authScheme, 'TOKEN');
  });

  it('Test Connector Configuration succeeds (sandbox endpoint)', async () => {
    const r = await sandboxPost(`/sandbox/apps/${s.app.id}/test-connector`);
    assert.equal(r.status, 'SUCCESS', JSON.stringify(r));
    assert.equal(r.message, 'Connector configured successfully');
  });

  it('sets the USER_PROVISIONING feature (To App: create, update, deactivate)', async () => {
    const feature = await client.applicationApi.updateFeatureForApplication({
      appId: s.app.id,
      name: 'USER_PROVISIONING',
      CapabilitiesObject: {
        create: { lifecycleCreate: { status: 'ENABLED' } },
        update: {
          profile: { status: 'ENABLED' },
          lifecycleDeactivate: { status: 'ENABLED' },
          password: { status: 'DISABLED', seed: 'RANDOM', change: 'KEEP_EXISTING' },
        },
      },
    });
    assert.equal(feature.name, 'USER_PROVISIONING');
    assert.equal(feature.status, 'ENABLED');
    assert.equal(feature.capabilities.create.lifecycleCreate.status, 'ENABLED');
    assert.equal(feature.capabilities.update.profile.status, 'ENABLED');
    assert.equal(feature.capabilities.update.lifecycleDeactivate.status, 'ENABLED');
    assert.equal(feature.capabilities.update.password.status, 'DISABLED');
    const features = await collect(await client.applicationApi.listFeaturesForApplication({ appId: s.app.id }));
    assert.deepEqual(features.map((f) => f.name), ['USER_PROVISIONING']);
    const one = await client.applicationApi.getFeatureForApplication({ appId: s.app.id, name: 'USER_PROVISIONING' });
    assert.equal(one.capabilities.update.profile.status, 'ENABLED');
  });

  it('creates and activates users', async () => {
    for (const [key, profile] of Object.entries(people)) {
      const u = await client.userApi.createUser({
        body: { profile, credentials: { password: { value: 'Sandbox-Passw0rd!' } } },
        activate: true,
      });
      assert.match(u.id, /^00u/);
      assert.equal(u.status, 'ACTIVE');
      assert.equal(u.profile.login, profile.login);
      s.users[key] = u;
    }
    const got = await client.userApi.getUser({ userId: people.ann.login });
    assert.equal(got.id, s.users.ann.id);
  });

  it('lists users page by page through Link headers', async () => {
    const users = await collect(await client.userApi.listUsers({ limit: 2 }));
    const logins = users.map((u) => u.profile.login);
    for (const p of Object.values(people)) assert.ok(logins.includes(p.login), `${p.login} in ${logins}`);
    assert.equal(new Set(users.map((u) => u.id)).size, users.length, 'no user listed twice');
    const pages = exchanges.filter((e) => e.method === 'GET' && /\/api\/v1\/users\?/.test(e.url));
    assert.ok(pages.length >= 2, `paged requests:\n${pages.map((e) => e.url).join('\n')}`);
  });

  it('finds a user with a search expression', gap('G4'), async () => {
    const users = await collect(await client.userApi.listUsers({ search: `profile.login eq "${people.bob.login}"` }));
    assert.deepEqual(users.map((u) => u.id), [s.users.bob.id]);
  });

  it('finds an app by label prefix with q', gap('G5'), async () => {
    const apps = await collect(await client.applicationApi.listApplications({ q: 'Acme' }));
    assert.deepEqual(apps.map((a) => a.id), [s.app.id]);
  });

  it('creates a group and adds Ann and Bob', async () => {
    const g = await client.groupApi.createGroup({ group: { profile: { name: 'Engineering', description: 'Engineers' } } });
    assert.match(g.id, /^00g/);
    assert.equal(g.profile.name, 'Engineering');
    s.group = g;
    await client.groupApi.assignUserToGroup({ groupId: g.id, userId: s.users.ann.id });
    await client.groupApi.assignUserToGroup({ groupId: g.id, userId: s.users.bob.id });
    const members = await collect(await client.groupApi.listGroupUsers({ groupId: g.id }));
    assert.deepEqual(members.map((u) => u.id).sort(), [s.users.ann.id, s.users.bob.id].sort());
  });

  it('assigns Ann and Bob to the app: both are created on the SCIM server', async () => {
    for (const key of ['ann', 'bob']) {
      const au = await client.applicationApi.assignUserToApplication({
        appId: s.app.id,
        appUser: { id: s.users[key].id, scope: 'USER', credentials: { userName: people[key].login } },
      });
      assert.equal(au.id, s.users[key].id);
      assert.equal(au.scope, 'USER');
    }
    await waitIdle();
    // GET /sandbox/jobs omits the running job (see N1): re-check until it holds.
    await eventually(async () => {
      await assertNoTasks();
      for (const key of ['ann', 'bob']) {
        const found = await scimFind('Users', `userName eq "${people[key].login}"`);
        assert.equal(found.length, 1, `${key} on the SCIM server`);
        const u = found[0];
        assert.equal(u.active, true);
        assert.equal(u.externalId, s.users[key].id);
        assert.equal(u.name.givenName, people[key].firstName);
        assert.equal(u.name.familyName, people[key].lastName);
        s.remote[key] = u.id;
        const au = await client.applicationApi.getApplicationUser({ appId: s.app.id, userId: s.users[key].id });
        assert.equal(au.externalId, u.id);
        assert.equal(au.syncState, 'SYNCHRONIZED');
        assert.equal(au.credentials.userName, people[key].login);
      }
      const cat = await scimFind('Users', `userName eq "${people.cat.login}"`);
      assert.equal(cat.length, 0, 'Cat is not assigned');
      const appUsers = await collect(await client.applicationApi.listApplicationUsers({ appId: s.app.id }));
      assert.deepEqual(appUsers.map((u) => u.id).sort(), [s.users.ann.id, s.users.bob.id].sort());
    });
  });

  it('pushes the group (GroupPushMappingApi): the SCIM group has both members', async () => {
    const m = await client.groupPushMappingApi.createGroupPushMapping({
      appId: s.app.id,
      body: { sourceGroupId: s.group.id, targetGroupName: 'Engineering', status: 'ACTIVE' },
    });
    assert.match(m.id, /^gPm/);
    assert.equal(m.sourceGroupId, s.group.id);
    assert.equal(m.status, 'ACTIVE');
    s.mapping = m;
    await waitIdle();
    // GET /sandbox/jobs omits the running job (see N1): re-check until it holds.
    await eventually(async () => {
      await assertNoTasks();
      const groups = await scimFind('Groups', 'displayName eq "Engineering"');
      assert.equal(groups.length, 1, 'Engineering on the SCIM server');
      const remote = groups[0];
      s.remoteGroup = remote.id;
      assert.deepEqual(remote.members.map((x) => x.value).sort(), [s.remote.ann, s.remote.bob].sort());
      const got = await client.groupPushMappingApi.getGroupPushMapping({ appId: s.app.id, mappingId: m.id });
      assert.equal(got.targetGroupId, remote.id);
      assert.equal(got.status, 'ACTIVE');
      const all = await collect(await client.groupPushMappingApi.listGroupPushMappings({ appId: s.app.id }));
      assert.deepEqual(all.map((x) => x.id), [m.id]);
    });
  });

  it('createGroupPushMapping is answered 201 Created', gap('G2'), () => {
    const post = exchanges.find((e) => e.method === 'POST' && /\/group-push\/mappings$/.test(e.url));
    assert.ok(post, 'the SDK sent POST …/group-push/mappings');
    assert.equal(post.status, 201);
  });

  it('updates a profile: the SCIM user gets the new name', async () => {
    const u = await client.userApi.updateUser({ userId: s.users.ann.id, user: { profile: { lastName: 'Lee-Smith' } } });
    assert.equal(u.profile.lastName, 'Lee-Smith');
    assert.equal(u.profile.firstName, 'Ann', 'partial update keeps the other attributes');
    await waitIdle();
    // GET /sandbox/jobs omits the running job (see N1): re-check until it holds.
    await eventually(async () => {
      await assertNoTasks();
      const r = await scim(`/Users/${s.remote.ann}`);
      assert.equal(r.status, 200);
      assert.equal(r.body.name.familyName, 'Lee-Smith');
      assert.equal(r.body.name.givenName, 'Ann');
    });
  });

  it('removes Bob from the group: the SCIM group follows', async () => {
    await client.groupApi.unassignUserFromGroup({ groupId: s.group.id, userId: s.users.bob.id });
    await waitIdle();
    // GET /sandbox/jobs omits the running job (see N1): re-check until it holds.
    await eventually(async () => {
      await assertNoTasks();
      const r = await scim(`/Groups/${s.remoteGroup}`);
      assert.equal(r.status, 200);
      assert.deepEqual((r.body.members || []).map((x) => x.value), [s.remote.ann]);
    });
  });

  it('unassigns Bob from the app: deactivated on the SCIM server, not deleted', async () => {
    await client.applicationApi.unassignUserFromApplication({ appId: s.app.id, userId: s.users.bob.id });
    await waitIdle();
    // GET /sandbox/jobs omits the running job (see N1): re-check until it holds.
    await eventually(async () => {
      await assertNoTasks();
      const found = await scimFind('Users', `userName eq "${people.bob.login}"`);
      assert.equal(found.length, 1, 'Bob still exists on the SCIM server');
      assert.equal(found[0].id, s.remote.bob);
      assert.equal(found[0].active, false);
      const ann = await scimFind('Users', `userName eq "${people.ann.login}"`);
      assert.equal(ann[0].active, true);
      await assert.rejects(
        client.applicationApi.getApplicationUser({ appId: s.app.id, userId: s.users.bob.id }),
        (e) => e.status === 404 && e.errorCode === 'E0000007',
      );
    });
  });

  it('reads the System Log (provisioning events)', async () => {
    const events = await collect(await client.systemLogApi.listLogEvents({
      filter: 'eventType eq "application.provision.user.push"',
      limit: 100,
    }));
    assert.ok(events.length >= 2, `user.push events: ${events.length}`);
    for (const e of events) assert.equal(e.eventType, 'application.provision.user.push');
    const ours = events.filter((e) => (e.target || []).some((t) => t.id === s.users.ann.id));
    assert.ok(ours.length >= 1, 'an application.provision.user.push event targets Ann');
  });

  it('pages a filtered System Log query with the filter kept on every page', gap('G3'), async () => {
    const filter = 'eventType eq "application.provision.user.push"';
    const events = await collect(await client.systemLogApi.listLogEvents({ filter, limit: 1 }));
    assert.ok(events.length >= 2, `user.push events: ${events.length}`);
    assert.deepEqual([...new Set(events.map((e) => e.eventType))], ['application.provision.user.push']);
  });

  it('assigns the group to the app: its member Cat is provisioned (scope GROUP)', async () => {
    await client.groupApi.assignUserToGroup({ groupId: s.group.id, userId: s.users.cat.id });
    const ag = await client.applicationApi.assignGroupToApplication({
      appId: s.app.id, groupId: s.group.id, applicationGroupAssignment: { priority: 0 },
    });
    assert.equal(ag.id, s.group.id);
    await waitIdle();
    // GET /sandbox/jobs omits the running job (see N1): re-check until it holds.
    await eventually(async () => {
      await assertNoTasks();
      const found = await scimFind('Users', `userName eq "${people.cat.login}"`);
      assert.equal(found.length, 1, 'Cat on the SCIM server');
      assert.equal(found[0].active, true);
      assert.equal(found[0].externalId, s.users.cat.id);
      const au = await client.applicationApi.getApplicationUser({ appId: s.app.id, userId: s.users.cat.id });
      assert.equal(au.scope, 'GROUP');
      assert.equal(au.externalId, found[0].id);
      const groups = await collect(await client.applicationApi.listApplicationGroupAssignments({ appId: s.app.id }));
      assert.deepEqual(groups.map((g) => g.id), [s.group.id]);
      const r = await scim(`/Groups/${s.remoteGroup}`);
      assert.deepEqual(r.body.members.map((x) => x.value).sort(), [s.remote.ann, found[0].id].sort(),
        'the pushed group now has Ann and Cat');
    });
  });

  it('deactivates the Okta user Cat: deactivated on the SCIM server', async () => {
    await client.userApi.deactivateUser({ userId: s.users.cat.id });
    const u = await client.userApi.getUser({ userId: s.users.cat.id });
    assert.equal(u.status, 'DEPROVISIONED');
    await waitIdle();
    // GET /sandbox/jobs omits the running job (see N1): re-check until it holds.
    await eventually(async () => {
      await assertNoTasks();
      const found = await scimFind('Users', `userName eq "${people.cat.login}"`);
      assert.equal(found.length, 1);
      assert.equal(found[0].active, false);
    });
  });

  it('unlinks the pushed group and deletes it on the SCIM server', async () => {
    const inactive = await client.groupPushMappingApi.updateGroupPushMapping({
      appId: s.app.id, mappingId: s.mapping.id, body: { status: 'INACTIVE' },
    });
    assert.equal(inactive.status, 'INACTIVE');
    await client.groupPushMappingApi.deleteGroupPushMapping({
      appId: s.app.id, mappingId: s.mapping.id, deleteTargetGroup: true,
    });
    await waitIdle();
    // GET /sandbox/jobs omits the running job (see N1): re-check until it holds.
    await eventually(async () => {
      await assertNoTasks();
      const r = await scim(`/Groups/${s.remoteGroup}`);
      assert.equal(r.status, 404);
    });
  });
});
