// The Okta admin side: Dashboard → Tasks, Directory → People and Groups,
// Reports → System Log.
import { okta, oktaAll, sandbox } from './api.js';
import { store, isOpenTask, openTaskCount } from './store.js';
import { loadGuideState, guideHtml } from './guide.js';
import {
  $, $$, html, setHtml, modal, confirmModal, toast, errorToast, fmtTime, statusPill, pill, userDisplay,
  initials, formValues, pretty,
} from './ui.js';

const jobKindLabel = {
  user_push: 'Push user', user_update: 'Push profile update', user_deactivate: 'Deactivate user',
  user_reactivate: 'Reactivate user', user_password: 'Push password', group_push: 'Push group',
  group_members: 'Push group memberships', group_rename: 'Rename group', group_push_now: 'Push Now',
  group_delete: 'Delete pushed group', import_users: 'Import users', import_groups: 'Import groups',
  test_connector: 'Test connector',
};
export const kindLabel = (k) => jobKindLabel[k] || k || '';

function personCell(u) {
  const name = userDisplay(u);
  return html`<div class="person-cell"><span class="avatar">${initials(name)}</span>
    <div class="who"><a href="#/people/${u.id}">${name}</a><span class="sub">${u.profile.login}</span></div></div>`;
}

// ---------------------------------------------------------------- Dashboard

// #/dashboard, or #/dashboard/task/<id> to point at one task.
export async function dashboard(main, parts = []) {
  const focus = parts[0] === 'task' ? parts[1] : '';
  let showResolved = false;
  const apps = new Map();
  const retried = new Map(); // task id → when it was retried from this page, for the outcome toast
  setHtml(main, html`
    <div class="page-head"><div class="grow"><h1>Dashboard</h1>
      <p>The setup guide, step by step, and the provisioning tasks: failed pushes with Okta's message, and a retry.</p></div></div>
    <div class="cards" data-testid="dashboard-cards"></div>
    <div class="panel" data-testid="guide-panel"></div>
    <div class="panel" data-testid="tasks-panel">
      <div class="panel-head"><h2>Tasks</h2>
        <label class="inline small"><input type="checkbox" data-testid="tasks-show-resolved"> Show resolved</label></div>
      <div class="table-wrap"><table class="grid" data-testid="tasks-table">
        <thead><tr><th>Status</th><th>Task</th><th>Action</th><th>App</th><th>Created</th><th></th></tr></thead>
        <tbody></tbody></table></div>
    </div>`);
  const showResolvedBox = $('[data-testid=tasks-show-resolved]', main);
  showResolvedBox.onchange = (e) => { showResolved = e.target.checked; drawTasks(); };
  if (focus && store.tasks.some((t) => t.id === focus && !isOpenTask(t))) showResolvedBox.checked = showResolved = true;
  let counts = { people: '…', groups: '…', apps: '…' };

  async function drawCards() {
    const [users, groups, appList] = await Promise.all([okta('GET', '/users?limit=1000'), okta('GET', '/groups?limit=1000'),
      okta('GET', '/apps?limit=200')]);
    for (const a of appList) apps.set(a.id, a.label);
    counts = { people: users.length, groups: groups.length, apps: appList.length };
    drawCounts();
  }
  // The open-task count comes from the same list as the table, on every tick.
  function drawCounts() {
    setHtml($('[data-testid=dashboard-cards]', main), html`
      <div class="card"><div class="n" data-testid="card-people">${counts.people}</div><div class="l">People</div></div>
      <div class="card"><div class="n" data-testid="card-groups">${counts.groups}</div><div class="l">Groups</div></div>
      <div class="card"><div class="n" data-testid="card-apps">${counts.apps}</div><div class="l">Applications</div></div>
      <div class="card"><a class="n" href="#/dashboard" data-testid="card-tasks">${openTaskCount()}</a><div class="l">Open tasks</div></div>`);
  }
  // The checklist reads the service provider's status, which can take seconds while the encryption
  // service is down: it is drawn on the side, never holding up the ticker.
  let guideBusy = null;
  function drawGuide() {
    guideBusy = guideBusy || loadGuideState()
      .then((st) => setHtml($('[data-testid=guide-panel]', main), guideHtml(st)))
      .catch((e) => console.warn('setup guide', e))
      .finally(() => { guideBusy = null; });
    return guideBusy;
  }

  function drawTasks() {
    drawCounts();
    announceRetries(retried);
    const tasks = store.tasks.filter((t) => showResolved || isOpenTask(t)).slice().reverse();
    const body = $('[data-testid=tasks-table] tbody', main);
    if (!body) return;
    setHtml(body, tasks.length ? tasks.map((t) => taskRow(t, apps, t.id === focus))
      : html`<tr><td colspan="6" class="empty" data-testid="tasks-empty">No open tasks. A push that fails (an error from the SCIM server,
        the encryption service down) shows here with Okta's message and a Retry.</td></tr>`);
    wireRetry(body, retried);
  }

  await drawCards();
  await drawGuide();
  drawTasks();
  const row = focus && $(`[data-task-id="${CSS.escape(focus)}"]`, main);
  if (row) row.scrollIntoView({ block: 'center' });
  let n = 0;
  return {
    refresh: async () => {
      drawTasks();
      if (++n % 5 === 0) {
        drawGuide();
        await drawCards();
      }
    },
  };
}

function wireRetry(body, retried) {
  for (const b of $$('[data-retry]', body)) {
    b.onclick = async () => {
      b.disabled = true;
      try {
        await sandbox('POST', `/tasks/${b.dataset.retry}/retry`);
        retried.set(b.dataset.retry, Date.now());
        toast('Retrying the task', 'ok');
      } catch (e) { errorToast(e); }
    };
  }
}

// After Retry: a toast when the task is resolved, or when it fails again
// (read from a task list asked for after the retry was).
function announceRetries(retried) {
  for (const [id, when] of [...retried]) {
    const t = store.tasks.find((x) => x.id === id);
    if (!t || store.tasksAsked <= when || t.status === 'RETRYING') continue;
    retried.delete(id);
    if (t.status === 'RESOLVED') toast(`Task resolved: ${taskSubject(t) || kindLabel(t.jobKind)} provisioned`, 'ok');
    else errorToast(new Error(`The retry failed again: ${t.message}`));
  }
}

const taskSubject = (t) => [store.names.get(t.userId), store.names.get(t.groupId)].filter(Boolean).join(' · ');

function taskRow(t, apps, focused) {
  return html`<tr data-testid="task-row" data-task-id="${t.id}" data-status="${t.status}" ${focused ? html`data-focused="true" style="outline:2px solid var(--blue)"` : ''}>
    <td>${statusPill(t.status)}</td>
    <td data-testid="task-message">${t.message}<div class="small muted">${taskSubject(t)}</div></td>
    <td class="nowrap">${kindLabel(t.jobKind)}</td>
    <td>${apps.get(t.appId) || store.names.get(t.appId) || t.appId}</td>
    <td class="nowrap small">${fmtTime(t.created)}</td>
    <td>${t.status === 'OPEN' ? html`<button class="btn sm primary" data-testid="task-retry" data-retry="${t.id}">Retry</button>` : ''}</td>
  </tr>`;
}

// ---------------------------------------------------------------- People

export async function people(main, parts) {
  if (parts[0]) return person(main, parts[0]);
  let q = '';
  setHtml(main, html`
    <div class="page-head"><div class="grow"><h1>People</h1><p>The Okta directory's users.</p></div>
      <button class="btn primary" data-testid="add-person">Add person</button></div>
    <div class="toolbar"><input type="search" placeholder="Search by name or login" aria-label="Search people" data-testid="people-search" style="max-width:320px">
      <span class="grow"></span><span class="muted small" data-testid="people-count"></span></div>
    <div class="table-wrap"><table class="grid" data-testid="people-table">
      <thead><tr><th>Person &amp; username</th><th>Primary email</th><th>Title</th><th>Status</th></tr></thead>
      <tbody></tbody></table></div>`);
  let users = [];
  async function load() {
    users = await oktaAll('/users?limit=200');
    draw();
  }
  function draw() {
    const lq = q.toLowerCase();
    const shown = users.filter((u) => !lq || `${userDisplay(u)} ${u.profile.login} ${u.profile.email}`.toLowerCase().includes(lq));
    $('[data-testid=people-count]', main).textContent = `${shown.length} of ${users.length}`;
    setHtml($('tbody', main), shown.length ? shown.map((u) => html`
      <tr data-testid="person-row" data-login="${u.profile.login}" data-status="${u.status}">
        <td>${personCell(u)}</td><td>${u.profile.email}</td><td>${u.profile.title || ''}</td><td>${statusPill(u.status)}</td></tr>`)
      : html`<tr><td colspan="4" class="empty" data-testid="people-empty">${users.length ? 'Nobody matches the search.'
        : html`No people yet. <b>Add person</b> above, or load the demo directory from <a href="#/demo">Demo &amp; faults</a>.`}</td></tr>`);
  }
  $('[data-testid=people-search]', main).oninput = (e) => { q = e.target.value.trim(); draw(); };
  $('[data-testid=add-person]', main).onclick = () => addPersonModal(load);
  await load();
  let n = 0;
  return { refresh: async () => { if (++n % 5 === 0) await load(); } };
}

function newPassword() {
  const a = new Uint32Array(4);
  crypto.getRandomValues(a);
  return `Sb-${Array.from(a, (n) => n.toString(36)).join('').slice(0, 14)}!9`;
}

export function addPersonModal(done) {
  const { root } = modal({
    title: 'Add Person',
    testid: 'add-person-modal',
    body: html`<div data-form>
      <div class="form-row"><label>First name</label><input type="text" name="firstName" data-testid="person-first"></div>
      <div class="form-row"><label>Last name</label><input type="text" name="lastName" data-testid="person-last"></div>
      <div class="form-row"><label>Username</label><div><input type="email" name="login" data-testid="person-login" placeholder="ada@example.com">
        <div class="help">Okta usernames look like email addresses.</div></div></div>
      <div class="form-row"><label>Primary email</label><div><input type="email" name="email" data-testid="person-email">
        <div class="help">Empty: the username.</div></div></div>
      <div class="form-row"><label>Title</label><input type="text" name="title"></div>
      <div class="form-row"><label>Password</label><div>
        <select name="passwordMode" data-testid="person-password-mode">
          <option value="admin" selected>Set by admin</option><option value="user">Set by user</option></select>
        <input type="text" name="password" value="${newPassword()}" data-testid="person-password" style="margin-top:6px">
        <div class="help">Set by user: the person stays "Pending user action" (PROVISIONED) until they set one, and Group Push
          skips people who are not Active.</div></div></div>
      <div class="form-row"><label>Activation</label><label class="inline"><input type="checkbox" name="activate" checked data-testid="person-activate"> Activate now</label></div>
    </div>`,
    actions: [
      { label: 'Cancel' },
      {
        label: 'Save', kind: 'primary', testid: 'person-save',
        onClick: async (close, root) => {
          const v = formValues($('[data-form]', root));
          const profile = { firstName: v.firstName, lastName: v.lastName, login: v.login, email: v.email || v.login };
          if (v.title) profile.title = v.title;
          const body = { profile };
          if (v.passwordMode === 'admin' && v.password) body.credentials = { password: { value: v.password } };
          const u = await okta('POST', `/users?activate=${v.activate}`, body);
          toast(`${userDisplay(u)} added`, 'ok');
          if (done) await done(u);
        },
      },
    ],
  });
  const mode = $('[data-testid=person-password-mode]', root);
  mode.onchange = () => { $('[data-testid=person-password]', root).hidden = mode.value !== 'admin'; };
}

async function person(main, id) {
  let u = await okta('GET', `/users/${encodeURIComponent(id)}`);
  async function draw() {
    const [groups, allGroups] = await Promise.all([okta('GET', `/users/${u.id}/groups`), oktaAll('/groups?limit=200')]);
    const p = u.profile;
    const canActivate = ['STAGED', 'PROVISIONED'].includes(u.status);
    setHtml(main, html`
      <div class="crumbs"><a href="#/people">← Back to People</a></div>
      <div class="page-head"><span class="avatar" style="width:48px;height:48px;font-size:16px">${initials(userDisplay(u))}</span>
        <div class="grow"><h1 data-testid="person-name">${userDisplay(u)}</h1><p>${p.login} · ${statusPill(u.status)}</p></div>
        ${canActivate ? html`<button class="btn" data-life="activate" data-testid="person-activate-btn">Activate</button>` : ''}
        ${u.status === 'ACTIVE' ? html`<button class="btn" data-life="suspend">Suspend</button>` : ''}
        ${u.status === 'SUSPENDED' ? html`<button class="btn" data-life="unsuspend">Unsuspend</button>` : ''}
        ${u.status === 'DEPROVISIONED' ? html`<button class="btn" data-life="reactivate" data-testid="person-reactivate">Reactivate</button>
          <button class="btn danger" data-delete data-testid="person-delete">Delete</button>`
          : html`<button class="btn danger" data-life="deactivate" data-testid="person-deactivate">Deactivate</button>`}
      </div>
      <div class="split">
        <div class="panel"><div class="panel-head"><h2>Profile</h2></div><div data-profile>
          ${['firstName', 'lastName', 'email', 'title', 'department', 'mobilePhone'].map((k) => html`
            <div class="form-row"><label>${k}</label><input type="text" name="${k}" value="${p[k] || ''}" data-testid="profile-${k}"></div>`)}
          <div class="form-actions"><button class="btn primary" data-save-profile data-testid="profile-save">Save</button></div></div></div>
        <div class="panel"><div class="panel-head"><h2>Groups</h2></div>
          <div class="inline" style="margin-bottom:10px"><select data-add-group data-testid="person-add-group-select" aria-label="Group to add">
            <option value="">Add to group…</option>
            ${allGroups.filter((g) => !groups.some((x) => x.id === g.id)).map((g) => html`<option value="${g.id}">${g.profile.name}</option>`)}
          </select><button class="btn" data-add-group-btn data-testid="person-add-group">Add</button></div>
          <table class="grid"><tbody>${groups.length ? groups.map((g) => html`<tr data-testid="person-group-row"><td><a href="#/groups/${g.id}">${g.profile.name}</a></td>
            <td style="text-align:right"><button class="btn sm danger" data-remove-group="${g.id}">Remove</button></td></tr>`)
            : html`<tr><td class="empty">Not in any group. Choose one in "Add to group…" above.</td></tr>`}</tbody></table></div>
      </div>`);
    for (const b of $$('[data-life]', main)) {
      b.onclick = async () => {
        try {
          await okta('POST', `/users/${u.id}/lifecycle/${b.dataset.life}`);
          toast(`${b.textContent.trim()}: done`, 'ok');
          u = await okta('GET', `/users/${u.id}`);
          await draw();
        } catch (e) { errorToast(e); }
      };
    }
    const del = $('[data-delete]', main);
    if (del) {
      del.onclick = async () => {
        if (!await confirmModal('Delete person', `Delete ${userDisplay(u)} for good?`, 'Delete', 'danger')) return;
        try { await okta('DELETE', `/users/${u.id}`); location.hash = '#/people'; } catch (e) { errorToast(e); }
      };
    }
    $('[data-save-profile]', main).onclick = async () => {
      try {
        u = await okta('POST', `/users/${u.id}`, { profile: formValues($('[data-profile]', main)) });
        toast('Profile saved', 'ok');
        await draw();
      } catch (e) { errorToast(e); }
    };
    $('[data-add-group-btn]', main).onclick = async () => {
      const gid = $('[data-add-group]', main).value;
      if (!gid) return;
      try { await okta('PUT', `/groups/${gid}/users/${u.id}`); await draw(); } catch (e) { errorToast(e); }
    };
    for (const b of $$('[data-remove-group]', main)) {
      b.onclick = async () => {
        try { await okta('DELETE', `/groups/${b.dataset.removeGroup}/users/${u.id}`); await draw(); } catch (e) { errorToast(e); }
      };
    }
  }
  await draw();
}

// ---------------------------------------------------------------- Groups

export async function groups(main, parts) {
  if (parts[0]) return group(main, parts[0]);
  setHtml(main, html`
    <div class="page-head"><div class="grow"><h1>Groups</h1><p>Okta groups; push them to the app from its Push Groups tab.</p></div>
      <button class="btn primary" data-testid="add-group">Add group</button></div>
    <div class="table-wrap"><table class="grid" data-testid="groups-table">
      <thead><tr><th>Name</th><th>Description</th><th>People</th></tr></thead><tbody></tbody></table></div>`);
  async function load() {
    const list = await oktaAll('/groups?limit=200');
    const counts = await Promise.all(list.map((g) => okta('GET', `/groups/${g.id}/users`).then((m) => m.length).catch(() => '?')));
    setHtml($('tbody', main), list.length ? list.map((g, i) => html`
      <tr data-testid="group-row" data-name="${g.profile.name}"><td><a href="#/groups/${g.id}">${g.profile.name}</a></td>
        <td>${g.profile.description || ''}</td><td>${counts[i]}</td></tr>`)
      : html`<tr><td colspan="3" class="empty" data-testid="groups-empty">No groups yet. <b>Add group</b> above, or load the demo
        directory from <a href="#/demo">Demo &amp; faults</a>.</td></tr>`);
  }
  $('[data-testid=add-group]', main).onclick = () => modal({
    title: 'Add Group',
    testid: 'add-group-modal',
    body: html`<div data-form>
      <div class="form-row"><label>Name</label><input type="text" name="name" data-testid="group-name"></div>
      <div class="form-row"><label>Description</label><input type="text" name="description" data-testid="group-description"></div></div>`,
    actions: [{ label: 'Cancel' }, {
      label: 'Save', kind: 'primary', testid: 'group-save',
      onClick: async (close, root) => {
        const v = formValues($('[data-form]', root));
        await okta('POST', '/groups', { profile: { name: v.name, description: v.description } });
        toast(`Group ${v.name} added`, 'ok');
        await load();
      },
    }],
  });
  await load();
  let n = 0;
  return { refresh: async () => { if (++n % 5 === 0) await load(); } };
}

async function group(main, id) {
  async function draw() {
    const [g, members, users] = await Promise.all([okta('GET', `/groups/${id}`), okta('GET', `/groups/${id}/users`), oktaAll('/users?limit=200')]);
    setHtml(main, html`
      <div class="crumbs"><a href="#/groups">← Back to Groups</a></div>
      <div class="page-head"><div class="grow"><h1 data-testid="group-title">${g.profile.name}</h1><p>${g.profile.description || 'No description'}</p></div>
        <button class="btn" data-edit>Edit</button><button class="btn danger" data-delete>Delete</button></div>
      <div class="panel"><div class="panel-head"><h2>People</h2>
        <select data-add style="max-width:280px" data-testid="group-add-member-select" aria-label="Person to add"><option value="">Assign people…</option>
          ${users.filter((u) => !members.some((m) => m.id === u.id)).map((u) => html`<option value="${u.id}">${userDisplay(u)} (${u.profile.login})</option>`)}
        </select><button class="btn" data-add-btn data-testid="group-add-member">Add</button></div>
        <table class="grid" data-testid="group-members"><thead><tr><th>Person</th><th>Status</th><th></th></tr></thead><tbody>
        ${members.length ? members.map((u) => html`<tr data-testid="group-member-row" data-login="${u.profile.login}"><td>${personCell(u)}</td><td>${statusPill(u.status)}</td>
          <td style="text-align:right"><button class="btn sm danger" data-remove="${u.id}">Remove</button></td></tr>`)
          : html`<tr><td colspan="3" class="empty">No members yet. Choose people in "Assign people…" above and Add.</td></tr>`}</tbody></table></div>`);
    $('[data-add-btn]', main).onclick = async () => {
      const uid = $('[data-add]', main).value;
      if (!uid) return;
      try { await okta('PUT', `/groups/${id}/users/${uid}`); await draw(); } catch (e) { errorToast(e); }
    };
    for (const b of $$('[data-remove]', main)) {
      b.onclick = async () => { try { await okta('DELETE', `/groups/${id}/users/${b.dataset.remove}`); await draw(); } catch (e) { errorToast(e); } };
    }
    $('[data-delete]', main).onclick = async () => {
      if (!await confirmModal('Delete group', `Delete ${g.profile.name}?`, 'Delete', 'danger')) return;
      try { await okta('DELETE', `/groups/${id}`); location.hash = '#/groups'; } catch (e) { errorToast(e); }
    };
    $('[data-edit]', main).onclick = () => modal({
      title: 'Edit Group',
      body: html`<div data-form><div class="form-row"><label>Name</label><input type="text" name="name" value="${g.profile.name}"></div>
        <div class="form-row"><label>Description</label><input type="text" name="description" value="${g.profile.description || ''}"></div></div>`,
      actions: [{ label: 'Cancel' }, {
        label: 'Save', kind: 'primary',
        onClick: async (close, root) => { await okta('PUT', `/groups/${id}`, { profile: formValues($('[data-form]', root)) }); await draw(); },
      }],
    });
  }
  await draw();
}

// ---------------------------------------------------------------- System Log

// A target: a user by name and login, anything else by name and type.
const targetCell = (t) => (t.type === 'User'
  ? html`<div data-testid="syslog-user-target">${t.displayName || t.alternateId}${t.alternateId && t.alternateId !== t.displayName
    ? html` <span class="muted">(${t.alternateId})</span>` : ''}</div>`
  : html`<div>${t.displayName} <span class="muted">(${t.type})</span></div>`);

export async function systemLog(main) {
  let q = '';
  let expanded = null;
  setHtml(main, html`
    <div class="page-head"><div class="grow"><h1>System Log</h1><p>Events written by the directory and the provisioning engine, newest first.</p></div></div>
    <div class="toolbar"><input type="search" placeholder="Filter: event type, message, target…" aria-label="Filter events" data-testid="syslog-search" style="max-width:380px">
      <label class="inline small"><input type="checkbox" data-testid="syslog-failures"> Failures only</label>
      <span class="grow"></span><span class="muted small" data-count></span></div>
    <div class="table-wrap"><table class="grid" data-testid="syslog-table">
      <colgroup><col style="width:150px"><col style="width:96px"><col><col style="width:230px"><col style="width:300px"></colgroup>
      <thead><tr><th>Time</th><th>Actor</th><th>Event info</th><th>Targets</th><th>Outcome</th></tr></thead><tbody></tbody></table></div>`);
  const failures = $('[data-testid=syslog-failures]', main);
  let lastCount = -1;
  function draw(force) {
    if (!force && lastCount === store.logs.length) return;
    lastCount = store.logs.length;
    const lq = q.toLowerCase();
    const rows = store.logs.slice().reverse().filter((e) => (!failures.checked || (e.outcome && e.outcome.result === 'FAILURE'))
      && (!lq || JSON.stringify([e.eventType, e.displayMessage, e.target, e.outcome]).toLowerCase().includes(lq))).slice(0, 500);
    $('[data-count]', main).textContent = `${rows.length} events`;
    setHtml($('tbody', main), rows.length ? rows.map((e) => html`
      <tr class="clickable" data-testid="syslog-row" data-uuid="${e.uuid}" data-event-type="${e.eventType}">
        <td class="nowrap small">${fmtTime(e.published)}</td><td class="small">${e.actor && e.actor.displayName}</td>
        <td><div>${e.displayMessage}</div><div class="small mono muted">${e.eventType}</div></td>
        <td class="small" data-testid="syslog-targets">${(e.target || []).map(targetCell)}</td>
        <td>${statusPill(e.outcome && e.outcome.result)}${e.outcome && e.outcome.reason ? html`<div class="small">${e.outcome.reason}</div>` : ''}</td></tr>
      ${expanded === e.uuid ? html`<tr><td colspan="5"><pre class="body">${pretty(e)}</pre></td></tr>` : ''}`)
      : html`<tr><td colspan="5" class="empty" data-testid="syslog-empty">${store.logs.length ? 'No events match the filter.'
        : 'No events yet. Changes to people, groups and apps, and every provisioning push, are logged here.'}</td></tr>`);
    for (const tr of $$('tr[data-uuid]', main)) {
      tr.onclick = () => { expanded = expanded === tr.dataset.uuid ? null : tr.dataset.uuid; draw(true); };
    }
  }
  $('[data-testid=syslog-search]', main).oninput = (e) => { q = e.target.value.trim(); draw(true); };
  failures.onchange = () => draw(true);
  draw(true);
  return { refresh: async () => draw(false) };
}

export { personCell, pill };
