// An app's Push Groups tab: the pushed groups with their push status and
// Okta's error, Push Now, activate/deactivate, unlink, and "Push groups by name".
import { okta, oktaAll, sandbox, scimAdmin, session } from './api.js';
import { $, $$, html, setHtml, modal, toast, errorToast, fmtTime, statusPill, formValues } from './ui.js';

export async function pushGroupsTab(body, app, prov) {
  setHtml(body, html`
    ${!prov.enabled ? html`<div class="callout warn">Save the <a href="#/apps/${app.id}/provisioning/integration">Integration</a> first: pushes need the SCIM connection.</div>` : ''}
    <div class="toolbar"><button class="btn primary" data-testid="push-groups-btn">+ Push Groups</button>
      <span class="muted small">Find groups by name; the SCIM server needs its encryption service for group provisioning.</span></div>
    <div class="table-wrap"><table class="grid" data-testid="push-table">
      <thead><tr><th>Group in Okta</th><th>Group in ${app.label}</th><th>Last push</th><th>Push status</th><th></th></tr></thead>
      <tbody></tbody></table></div>`);
  let groupNames = new Map();
  async function loadNames() {
    groupNames = new Map((await oktaAll('/groups?limit=200')).map((g) => [g.id, g.profile.name]));
  }
  const watching = new Map(); // see announcePushes
  async function draw() {
    const maps = await okta('GET', `/apps/${app.id}/group-push/mappings`);
    if (maps.some((m) => !groupNames.has(m.sourceGroupId))) await loadNames();
    announcePushes(maps, watching, groupNames);
    const tbody = $('[data-testid=push-table] tbody', body);
    if (!tbody) return;
    setHtml(tbody, maps.length ? maps.map((m) => html`
      <tr data-testid="push-row" data-group-name="${groupNames.get(m.sourceGroupId) || ''}" data-status="${m.status}">
        <td><a href="#/groups/${m.sourceGroupId}">${groupNames.get(m.sourceGroupId) || m.sourceGroupId}</a></td>
        <td class="small"><span class="mono" data-testid="push-target">${m.targetGroupId || '—'}</span></td>
        <td class="small nowrap">${fmtTime(m.lastPush) || 'Never'}</td>
        <td data-testid="push-status">${statusPill(m.status === 'ACTIVE' ? 'Active' : m.status === 'INACTIVE' ? 'INACTIVE' : m.status)}
          ${m.errorSummary ? html`<div class="small" style="color:var(--red);max-width:420px" data-testid="push-error">${m.errorSummary}</div>` : ''}</td>
        <td class="nowrap" style="text-align:right">
          <button class="btn sm" data-push-now="${m.id}" data-testid="push-now" ${m.status === 'ACTIVE' || m.status === 'ERROR' ? '' : 'disabled'}>Push Now</button>
          <button class="btn sm" data-toggle="${m.id}" data-to="${m.status === 'INACTIVE' ? 'ACTIVE' : 'INACTIVE'}" data-testid="push-toggle">
            ${m.status === 'INACTIVE' ? 'Activate' : 'Deactivate'}</button>
          ${m.status === 'INACTIVE' ? html`<button class="btn sm danger" data-unlink="${m.id}" data-testid="push-unlink">Unlink</button>` : ''}</td></tr>`)
      : html`<tr><td colspan="5" class="empty">No pushed groups. Use "Push Groups" to find a group by name.</td></tr>`);
    for (const b of $$('[data-push-now]', body)) {
      b.onclick = async () => {
        try {
          const m = await sandbox('POST', `/apps/${app.id}/group-push/mappings/${b.dataset.pushNow}/push-now`);
          watching.set(b.dataset.pushNow, { lastPush: m.lastPush || '', status: m.status });
          toast('Pushing now', 'ok');
          await draw();
        } catch (e) { errorToast(e); }
      };
    }
    for (const b of $$('[data-toggle]', body)) {
      b.onclick = async () => {
        try { await okta('PATCH', `/apps/${app.id}/group-push/mappings/${b.dataset.toggle}`, { status: b.dataset.to }); await draw(); } catch (e) { errorToast(e); }
      };
    }
    for (const b of $$('[data-unlink]', body)) {
      b.onclick = () => modal({
        title: 'Unlink pushed group',
        testid: 'unlink-modal',
        body: html`<div class="checks"><label><input type="radio" name="del" value="false" checked> Leave the group in the target app</label>
          <label><input type="radio" name="del" value="true" data-testid="unlink-delete-target"> Delete the group in the target app</label></div>`,
        actions: [{ label: 'Cancel' }, {
          label: 'Unlink', kind: 'danger', testid: 'unlink-ok',
          onClick: async (close, root) => {
            const del = $('input[name=del]:checked', root).value;
            await okta('DELETE', `/apps/${app.id}/group-push/mappings/${b.dataset.unlink}?deleteTargetGroup=${del}`);
            await draw();
          },
        }],
      });
    }
  }
  $('[data-testid=push-groups-btn]', body).onclick = () => pushGroupModal(app, (groupId) => { watching.set(groupId, { lastPush: '', status: 'NEW' }); return draw(); });
  await loadNames();
  await draw();
  return { refresh: draw };
}

// After a push: a toast once the mapping has pushed again (ACTIVE, a new
// lastPush) or has failed (ERROR, with Okta's message). `watching` maps a
// mapping id, or the group id of a mapping just made, to {lastPush, status}
// as they were when the push was asked for.
function announcePushes(maps, watching, groupNames) {
  for (const [key, before] of [...watching]) {
    const m = maps.find((x) => x.id === key || x.sourceGroupId === key);
    if (!m) continue;
    const name = groupNames.get(m.sourceGroupId) || m.sourceGroupId;
    if (m.status === 'ERROR' && before.status !== 'ERROR') {
      watching.delete(key);
      errorToast(new Error(`Push of ${name} failed: ${m.errorSummary || 'see Dashboard › Tasks'}`));
    } else if (m.status === 'ACTIVE' && (m.lastPush || '') !== before.lastPush) {
      watching.delete(key);
      toast(`${name} pushed`, 'ok');
    }
  }
}

async function pushGroupModal(app, done) {
  const [all, maps] = await Promise.all([oktaAll('/groups?limit=200'), okta('GET', `/apps/${app.id}/group-push/mappings`)]);
  let scimGroups = [];
  if (session.links.scimAdmin) scimGroups = ((await scimAdmin('GET', 'groups').catch(() => null)) || {}).Resources || [];
  const pushed = new Set(maps.map((m) => m.sourceGroupId));
  const { root } = modal({
    title: 'Push groups by name',
    testid: 'push-modal',
    body: html`
      <div class="form-row"><label>Push groups</label><div>
        <input type="search" placeholder="Enter a group to push" data-testid="push-find" style="max-width:none">
        <div data-results style="margin-top:8px;max-height:220px;overflow:auto"></div></div></div>
      <div class="form-row"><div class="label">Match result &amp; push action</div><div class="checks">
        <label><input type="radio" name="action" value="create" checked data-testid="push-action-create"> Create Group (if it does not exist in the app)</label>
        <label><input type="radio" name="action" value="link" data-testid="push-action-link" ${scimGroups.length ? '' : 'disabled'}> Link Group</label>
        <select name="target" data-testid="push-link-target" hidden>${scimGroups.map((g) => html`<option value="${g.id}">${g.displayName}</option>`)}</select>
      </div></div>
      <div class="form-row"><div class="label">Options</div><label class="inline"><input type="checkbox" name="immediately" checked data-testid="push-immediately">
        Push group memberships immediately</label></div>`,
    actions: [{ label: 'Cancel' }, {
      label: 'Save', kind: 'primary', testid: 'push-save',
      onClick: async (close, m) => {
        const sel = $('input[name=group]:checked', m);
        if (!sel) throw new Error('Choose a group to push');
        const v = formValues(m);
        const g = all.find((x) => x.id === sel.value);
        const body = { sourceGroupId: g.id, status: v.immediately ? 'ACTIVE' : 'INACTIVE' };
        if (v.action === 'link') { body.targetGroupId = v.target; body.linkExisting = true; } else body.targetGroupName = g.profile.name;
        await okta('POST', `/apps/${app.id}/group-push/mappings`, body);
        toast(`Pushing ${g.profile.name}`, 'ok');
        await done(g.id);
      },
    }],
  });
  const results = $('[data-results]', root);
  const find = $('[data-testid=push-find]', root);
  const drawResults = () => {
    const q = find.value.trim().toLowerCase();
    const list = all.filter((g) => !pushed.has(g.id) && (!q || g.profile.name.toLowerCase().includes(q)));
    setHtml(results, list.length ? list.map((g) => html`<label class="inline" style="padding:4px 0" data-testid="push-group-option" data-name="${g.profile.name}">
      <input type="radio" name="group" value="${g.id}"> ${g.profile.name} <span class="muted small">${g.profile.description || ''}</span></label>`)
      : html`<div class="muted">No matching group that is not pushed already.</div>`);
  };
  find.oninput = drawResults;
  for (const r of $$('input[name=action]', root)) r.onchange = () => { $('[data-testid=push-link-target]', root).hidden = r.value !== 'link' || !r.checked; };
  drawResults();
}

