// An app's Assignments tab: people and groups assigned to the app, their
// sync state (a failed push shows Okta's reason and links to its task), and
// the Assign to People / Groups dialogs.
import { okta, oktaAll, sandbox } from './api.js';
import { store, isOpenTask } from './store.js';
import { addPersonModal } from './views-okta.js';
import { loadDemoDirectory } from './views-demo.js';
import { $, $$, html, setHtml, modal, confirmModal, toast, errorToast, statusPill, userDisplay } from './ui.js';

export async function assignmentsTab(body, app, prov) {
  setHtml(body, html`
    <div class="toolbar">
      <button class="btn primary" data-testid="assign-to-people">Assign to People</button>
      <button class="btn" data-testid="assign-to-groups">Assign to Groups</button>
      <span class="grow"></span>
      ${prov.enabled ? html`<button class="btn" data-testid="provision-users" title="Push users that were assigned before provisioning was on">Provision User</button>` : ''}
    </div>
    ${prov.scimEnabled && !prov.enabled ? html`<div class="callout warn">Provisioning is not configured yet: assignments are kept, and
      pushed with <b>Provision User</b> once the Integration is saved.</div>` : ''}
    <div class="panel"><div class="panel-head"><h2>People</h2></div>
      <div class="table-wrap"><table class="grid" data-testid="assignments-table">
        <thead><tr><th>Person</th><th>Type</th><th>App username</th><th>Status</th><th>Sync</th><th>SCIM id</th><th></th></tr></thead>
        <tbody></tbody></table></div></div>
    <div class="panel"><div class="panel-head"><h2>Groups</h2></div>
      <table class="grid" data-testid="assigned-groups-table"><thead><tr><th>Group</th><th>Priority</th><th></th></tr></thead><tbody></tbody></table></div>`);
  let users = new Map();
  let groupNames = new Map();
  async function loadNames() {
    const [u, g] = await Promise.all([oktaAll('/users?limit=200'), oktaAll('/groups?limit=200')]);
    users = new Map(u.map((x) => [x.id, x]));
    groupNames = new Map(g.map((x) => [x.id, x.profile.name]));
  }
  async function draw() {
    const [appUsers, appGroups] = await Promise.all([okta('GET', `/apps/${app.id}/users`), okta('GET', `/apps/${app.id}/groups`)]);
    if (appUsers.some((au) => !users.has(au.id)) || appGroups.some((ag) => !groupNames.has(ag.id))) await loadNames();
    const tbody = $('[data-testid=assignments-table] tbody', body);
    if (!tbody) return;
    setHtml(tbody, appUsers.length ? appUsers.map((au) => assignmentRow(au, users.get(au.id), app))
      : html`<tr><td colspan="7" class="empty" data-testid="assignments-empty">Nobody is assigned. <b>Assign to People</b> or
        <b>Assign to Groups</b> above${prov.enabled ? ' to provision them to the app' : ''}.</td></tr>`);
    setHtml($('[data-testid=assigned-groups-table] tbody', body), appGroups.length ? appGroups.map((ag) => html`
      <tr data-testid="assigned-group-row"><td>${groupNames.get(ag.id) || ag.id}</td><td>${ag.priority}</td>
        <td style="text-align:right"><button class="btn sm danger" data-unassign-group="${ag.id}">Unassign</button></td></tr>`)
      : html`<tr><td colspan="3" class="empty">No groups assigned. <b>Assign to Groups</b> assigns every member.</td></tr>`);
    for (const b of $$('[data-unassign]', body)) {
      b.onclick = async () => {
        if (!await confirmModal('Unassign', `Unassign ${users.get(b.dataset.unassign) ? userDisplay(users.get(b.dataset.unassign)) : ''} from ${app.label}?`
          + (prov.deactivateUsers ? ' Their app account is deactivated (Deactivate Users is on).' : ''), 'Unassign', 'danger')) return;
        try { await okta('DELETE', `/apps/${app.id}/users/${b.dataset.unassign}`); await draw(); } catch (e) { errorToast(e); }
      };
    }
    for (const b of $$('[data-unassign-group]', body)) {
      b.onclick = async () => { try { await okta('DELETE', `/apps/${app.id}/groups/${b.dataset.unassignGroup}`); await draw(); } catch (e) { errorToast(e); } };
    }
  }
  $('[data-testid=assign-to-people]', body).onclick = () => assignPeopleModal(app, draw);
  $('[data-testid=assign-to-groups]', body).onclick = () => assignGroupsModal(app, draw);
  const pu = $('[data-testid=provision-users]', body);
  if (pu) {
    pu.onclick = async () => {
      try { const r = await sandbox('POST', `/apps/${app.id}/provision-users`); toast(`Queued ${r.queued} user(s)`, 'ok'); } catch (e) { errorToast(e); }
    };
  }
  await loadNames();
  await draw();
  return { refresh: draw };
}

// A person's row: a failed push shows Okta's reason and links to its task.
function assignmentRow(au, u, app) {
  const task = au.syncState === 'ERROR'
    ? store.tasks.filter((t) => t.appId === app.id && t.userId === au.id && isOpenTask(t)).pop() : null;
  const failure = au.syncState !== 'ERROR' ? ''
    : task ? html`<div class="small" style="color:var(--red);max-width:360px" data-testid="assignment-error">${task.message}</div>
        <a class="small" href="#/dashboard/task/${task.id}" data-testid="assignment-task-link">Open the task</a>`
      : html`<div class="small"><a href="#/dashboard" data-testid="assignment-task-link">See Dashboard › Tasks</a></div>`;
  return html`<tr data-testid="assignment-row" data-login="${u ? u.profile.login : ''}" data-sync="${au.syncState}">
    <td><div class="who"><a href="#/people/${au.id}">${u ? userDisplay(u) : au.id}</a><span class="sub">${u ? u.profile.login : ''}</span></div></td>
    <td>${au.scope === 'GROUP' ? 'Group' : 'Individual'}</td><td class="small">${au.credentials && au.credentials.userName}</td>
    <td>${statusPill(au.status)}</td><td data-testid="assignment-sync">${statusPill(au.syncState)}${failure}</td>
    <td class="mono small" data-testid="assignment-external-id">${au.externalId || '—'}</td>
    <td>${au.scope === 'USER' ? html`<button class="btn sm danger" data-unassign="${au.id}" data-testid="unassign">Unassign</button>` : ''}</td></tr>`;
}

// Nobody to assign: add a person, or load the demo directory, then assign.
function emptyDirectoryModal(app, done) {
  const { root, close } = modal({
    title: `Assign ${app.label} to People`,
    testid: 'assign-people-modal',
    body: html`<div class="empty" data-testid="assign-people-empty"><p>There are no people in the directory yet.</p>
      <div class="inline" style="justify-content:center"><button class="btn primary" data-testid="assign-empty-add-person">Add person</button>
        <button class="btn" data-testid="assign-empty-load-demo">Load demo directory</button></div>
      <div class="small muted" data-demo-progress></div></div>`,
    actions: [{ label: 'Cancel' }],
  });
  $('[data-testid=assign-empty-add-person]', root).onclick = () => {
    close();
    addPersonModal(() => assignPeopleModal(app, done));
  };
  $('[data-testid=assign-empty-load-demo]', root).onclick = async (e) => {
    e.target.disabled = true;
    try {
      const r = await loadDemoDirectory((d, t) => { $('[data-demo-progress]', root).textContent = `${d} / ${t}`; });
      toast(`Demo directory loaded: ${r.people} people, ${r.groups} groups`, 'ok');
      close();
      await assignPeopleModal(app, done);
    } catch (err) { e.target.disabled = false; errorToast(err); }
  };
}

async function assignPeopleModal(app, done) {
  const [all, assigned] = await Promise.all([oktaAll('/users?limit=200'), okta('GET', `/apps/${app.id}/users`)]);
  const isAssigned = new Set(assigned.filter((a) => a.scope === 'USER').map((a) => a.id));
  const active = all.filter((u) => u.status !== 'DEPROVISIONED');
  if (!active.length) return emptyDirectoryModal(app, done);
  const { root } = modal({
    title: `Assign ${app.label} to People`,
    testid: 'assign-people-modal',
    wide: true,
    body: html`<input type="search" placeholder="Search…" aria-label="Search people" data-testid="assign-search" style="max-width:none;margin-bottom:10px">
      <table class="grid"><tbody>${active.map((u) => html`<tr data-testid="assign-people-row" data-login="${u.profile.login}"
          data-search="${`${userDisplay(u)} ${u.profile.login}`.toLowerCase()}">
        <td><div class="who">${userDisplay(u)}<span class="sub">${u.profile.login}</span></div></td><td>${statusPill(u.status)}</td>
        <td style="text-align:right">${isAssigned.has(u.id) ? html`<button class="btn sm" disabled>Assigned</button>`
          : html`<button class="btn sm primary" data-assign="${u.id}" data-testid="assign-btn">Assign</button>`}</td></tr>`)}
      </tbody></table>`,
    actions: [{ label: 'Done', kind: 'primary', testid: 'assign-done', onClick: () => done() }],
  });
  $('[data-testid=assign-search]', root).oninput = (e) => {
    const q = e.target.value.trim().toLowerCase();
    for (const tr of $$('tr[data-search]', root)) tr.hidden = q && !tr.dataset.search.includes(q);
  };
  for (const b of $$('[data-assign]', root)) {
    b.onclick = async () => {
      b.disabled = true;
      try {
        await okta('POST', `/apps/${app.id}/users`, { id: b.dataset.assign, scope: 'USER' });
        b.textContent = 'Assigned';
        b.classList.remove('primary');
      } catch (e) { b.disabled = false; errorToast(e); }
    };
  }
}

async function assignGroupsModal(app, done) {
  const [all, assigned] = await Promise.all([oktaAll('/groups?limit=200'), okta('GET', `/apps/${app.id}/groups`)]);
  const isAssigned = new Set(assigned.map((a) => a.id));
  const { root } = modal({
    title: `Assign ${app.label} to Groups`,
    testid: 'assign-groups-modal',
    body: all.length ? html`<table class="grid"><tbody>${all.map((g) => html`<tr data-testid="assign-groups-row" data-name="${g.profile.name}">
        <td>${g.profile.name}<div class="small muted">${g.profile.description || ''}</div></td>
        <td style="text-align:right">${isAssigned.has(g.id) ? html`<button class="btn sm" disabled>Assigned</button>`
          : html`<button class="btn sm primary" data-assign="${g.id}" data-testid="assign-group-btn">Assign</button>`}</td></tr>`)}
      </tbody></table>`
      : html`<p class="empty" data-testid="assign-groups-empty">No groups yet: add one under <a href="#/groups">Directory › Groups</a>,
        or load the demo directory from <a href="#/demo">Demo &amp; faults</a>.</p>`,
    actions: [{ label: 'Done', kind: 'primary', onClick: () => done() }],
  });
  for (const b of $$('[data-assign]', root)) {
    b.onclick = async () => {
      b.disabled = true;
      try {
        await okta('PUT', `/apps/${app.id}/groups/${b.dataset.assign}`, { priority: 0 });
        b.textContent = 'Assigned';
        b.classList.remove('primary');
      } catch (e) { b.disabled = false; errorToast(e); }
    };
  }
}

