// Live state shared by the views, refreshed by the ticker in app.js:
// SCIM traffic (appended by sequence number), tasks, and System Log events
// (to name the Okta action, user and group behind each SCIM exchange).
import { okta, oktaPage, sandbox, onReconnect } from './api.js';

export const store = {
  traffic: [],          // /sandbox/traffic records, oldest first, each with seq
  trafficAfter: 0,
  tasks: [],
  tasksAsked: 0,
  logs: [],             // System Log events, oldest first
  logUuids: new Set(),
  logsAfter: '',
  jobs: new Map(),      // jobId → {kind, display, users:[{id,name}], groups:[{id,name}], app}
  names: new Map(),     // Okta id → display name (users, groups, apps) seen so far
  online: true,
};

export async function pollTraffic() {
  for (let guard = 0; guard < 20; guard++) {
    const batch = await sandbox('GET', `/traffic?after=${store.trafficAfter}&limit=500`);
    if (!Array.isArray(batch) || !batch.length) break;
    store.traffic.push(...batch);
    store.trafficAfter = batch[batch.length - 1].seq;
    if (batch.length < 500) break;
  }
}

export async function pollTasks() {
  const asked = Date.now();
  const t = await sandbox('GET', '/tasks');
  store.tasks = Array.isArray(t) ? t : [];
  store.tasksAsked = asked; // when the list now in store.tasks was asked for
}

// A task is open until it is resolved (OPEN, RETRYING, RATE_LIMITED): the
// dashboard's count, the sidebar badge and the task list all use this.
export const isOpenTask = (t) => t.status !== 'RESOLVED';
export const openTaskCount = () => store.tasks.filter(isOpenTask).length;

// The sandbox answered again after being away (restarted, or a new process on
// the same port): its traffic and log cursors may mean nothing to it now, so
// they start over, and a page that could not load while it was away is drawn
// again (the router in app.js draws the page on every hashchange).
onReconnect(() => {
  Object.assign(store, { traffic: [], trafficAfter: 0, logs: [], logUuids: new Set(), logsAfter: '', jobs: new Map() });
  if (document.querySelector('[data-testid=page-error]')) window.dispatchEvent(new HashChangeEvent('hashchange'));
});

export async function pollLogs() {
  for (let guard = 0; guard < 20; guard++) {
    const q = `?limit=500${store.logsAfter ? `&after=${encodeURIComponent(store.logsAfter)}` : ''}`;
    const { data, after } = await oktaPage('/logs' + q);
    for (const e of data) addLog(e);
    if (!after) break;
    store.logsAfter = after;
  }
}

function addLog(e) {
  if (!e || store.logUuids.has(e.uuid)) return;
  store.logUuids.add(e.uuid);
  store.logs.push(e);
  for (const t of e.target || []) if (t.id && t.displayName) store.names.set(t.id, t.displayName);
  const dbg = (e.debugContext && e.debugContext.debugData) || {};
  const jobId = dbg.jobId || (e.transaction && e.transaction.id);
  if (!jobId) return;
  let j = store.jobs.get(jobId);
  if (!j) {
    j = { kind: dbg.jobKind || '', display: '', users: [], groups: [], app: null, events: [] };
    store.jobs.set(jobId, j);
  }
  j.events.push(e);
  j.display = e.displayMessage || j.display;
  for (const t of e.target || []) {
    if (t.type === 'User' && !j.users.some((u) => u.id === t.id)) j.users.push({ id: t.id, name: t.displayName, login: t.alternateId });
    if (t.type === 'UserGroup' && !j.groups.some((g) => g.id === t.id)) j.groups.push({ id: t.id, name: t.displayName });
    if (t.type === 'AppInstance') j.app = { id: t.id, name: t.displayName };
  }
}

// What a traffic record was for: the job's kind, and its user or group.
export function trafficSubject(rec) {
  const j = rec.jobId ? store.jobs.get(rec.jobId) : null;
  const who = j ? [...j.users.map((u) => u.name || u.login), ...j.groups.map((g) => g.name)].filter(Boolean).join(', ') : '';
  return { kind: rec.jobKind || (j && j.kind) || '', step: rec.step || '', who, job: j };
}

export async function loadDirectory() {
  const [users, groups] = await Promise.all([okta('GET', '/users?limit=200'), okta('GET', '/groups?limit=200')]);
  for (const u of users) store.names.set(u.id, [u.profile.firstName, u.profile.lastName].filter(Boolean).join(' ') || u.profile.login);
  for (const g of groups) store.names.set(g.id, g.profile.name);
  return { users, groups };
}
