// The service provider's admin panel (the role NordPass plays in the guide):
// SCIM base URL and secret token to copy into Okta, token regeneration, the
// provisioned users and groups, group provisioning and the encryption service.
import { scimAdmin, encryption, session } from './api.js';
import { $, $$, html, setHtml, modal, confirmModal, toast, errorToast, copyText, statusPill, pill, pretty } from './ui.js';

// The panel's layout; drawStatus and drawLists fill in the values.
function spPageHtml() {
  return html`
    <div class="sp-banner"><div style="flex:1"><h1>Service provider admin panel</h1>
      <p>The SCIM server's side, as the vendor's Admin Panel shows it.</p></div>
      <span class="pill" style="background:#fff;color:var(--sp)">SCIM 2.0</span></div>
    <div>
      <div class="panel sp-panel" data-testid="sp-credentials">
        <div class="crumbs small muted" data-testid="sp-breadcrumb">Settings › User &amp; Group Provisioning › Okta</div>
        <div class="panel-head"><h2>Okta</h2></div>
        <p class="muted small" style="margin-top:0">Copy these into Okta (the app › Provisioning › Integration): the Base URL into
          "SCIM connector base URL", the Secret token into the "Bearer" field.</p>
        <div class="form-row"><label>Base URL</label><div class="inline">
          <input type="text" readonly data-testid="sp-base-url" class="secret" aria-label="Base URL"><button class="btn sm" data-testid="sp-copy-base-url">Copy</button></div></div>
        <div class="form-row"><label>Secret token</label><div><div class="inline">
          <input type="password" readonly data-testid="sp-token" class="secret" aria-label="Secret token"><button class="btn sm" data-testid="sp-show-token">Show</button>
          <button class="btn sm" data-testid="sp-copy-token">Copy</button></div>
          <div class="help">In Okta, Authentication Mode "HTTP Header": paste it into the "Bearer" field.</div></div></div>
        <div class="form-row"><div class="label">Regenerate</div><div><button class="btn danger" data-testid="sp-regenerate">Regenerate token</button>
          <div class="help">The old token stops working at once: Okta's pushes fail until the new one is pasted.</div></div></div>
      </div>
      <div class="panel sp-panel" data-testid="sp-group-provisioning"><div class="panel-head"><h2>Group provisioning</h2></div>
        <div class="form-row"><div class="label">Status</div><div class="value" data-testid="sp-group-provisioning-status"></div></div>
        <div class="form-row"><div class="label">Group provisioning</div><label class="switch">
          <input type="checkbox" role="switch" aria-label="Group provisioning" data-testid="sp-group-provisioning-toggle"><span
          class="track"></span><span data-gp-label aria-hidden="true"></span></label></div>
        <div class="form-row"><div class="label">Encryption Service</div><div class="value">
          <span data-testid="sp-encryption-status"></span><div class="small muted mono" data-enc-url></div>
          <div class="small" data-enc-detail style="color:var(--red)"></div></div></div>
        <div class="form-row"><div class="label">Counts</div><div class="value" data-testid="sp-counts"></div></div>
      </div>
    </div>
    <div class="panel sp-panel"><div class="panel-head"><h2>Users</h2><span class="muted small" data-user-count></span></div>
      <div class="table-wrap"><table class="grid" data-testid="sp-users-table"><thead><tr><th>User name</th><th>Name</th><th>Email</th>
        <th>Active</th><th>Groups</th><th>id</th><th>externalId (Okta)</th></tr></thead><tbody></tbody></table></div></div>
    <div class="panel sp-panel"><div class="panel-head"><h2>Groups</h2><span class="muted small" data-group-count></span></div>
      <div class="table-wrap"><table class="grid" data-testid="sp-groups-table"><thead><tr><th>Display name</th><th>Members</th><th>id</th><th></th></tr></thead>
        <tbody></tbody></table></div></div>`;
}

// The provisioned users and groups; the returned function redraws them when they change.
function listsDrawer(main) {
  let lastSig = '';
  async function drawLists() {
    const [users, groups] = await Promise.all([scimAdmin('GET', 'users?count=1000'), scimAdmin('GET', 'groups?count=1000')]);
    const sig = JSON.stringify([users, groups]);
    if (sig === lastSig) return;
    lastSig = sig;
    const uList = users.Resources || [], gList = groups.Resources || [];
    const groupsOf = new Map();
    for (const g of gList) for (const m of g.members || []) groupsOf.set(m.value, [...(groupsOf.get(m.value) || []), g.displayName]);
    const nameOf = new Map(uList.map((u) => [u.id, u.userName]));
    $('[data-user-count]', main).textContent = `${users.totalResults}`;
    $('[data-group-count]', main).textContent = `${groups.totalResults}`;
    const email = (u) => ((u.emails || []).find((e) => e.primary) || (u.emails || [])[0] || {}).value || '';
    setHtml($('[data-testid=sp-users-table] tbody', main), uList.length ? uList.map((u) => html`
      <tr data-testid="sp-user-row" data-username="${u.userName}" data-active="${u.active}">
        <td>${u.userName}</td><td>${[u.name && u.name.givenName, u.name && u.name.familyName].filter(Boolean).join(' ')}</td>
        <td class="small">${email(u)}</td><td>${u.active ? pill('Active', 'ok') : pill('Inactive', 'bad')}</td>
        <td><div class="member-list">${(groupsOf.get(u.id) || []).map((g) => html`<span class="chip">${g}</span>`)}</div></td>
        <td class="mono small">${u.id}</td><td class="mono small">${u.externalId || ''}</td></tr>`)
      : html`<tr><td colspan="7" class="empty" data-testid="sp-users-empty">No users provisioned yet. In Okta, assign people to the
        app (the app › Assignments) with provisioning on: they are pushed here.</td></tr>`);
    setHtml($('[data-testid=sp-groups-table] tbody', main), gList.length ? gList.map((g) => html`
      <tr data-testid="sp-group-row" data-name="${g.displayName}" data-members="${(g.members || []).length}">
        <td>${g.displayName}</td>
        <td><div class="member-list">${(g.members || []).map((m) => html`<span class="chip">${m.display || nameOf.get(m.value) || m.value}</span>`)}</div></td>
        <td class="mono small">${g.id}</td><td><button class="btn sm" data-keys="${g.id}" data-name="${g.displayName}">Keys</button></td></tr>`)
      : html`<tr><td colspan="4" class="empty" data-testid="sp-groups-empty">No groups provisioned yet. In Okta, push a group from
        the app's Push Groups tab (group provisioning needs the encryption service Active).</td></tr>`);
    for (const b of $$('[data-keys]', main)) {
      b.onclick = async () => {
        try {
          const k = await scimAdmin('GET', `groups/${b.dataset.keys}/keys`);
          modal({
            title: `Wrapped keys of ${b.dataset.name}`, wide: true, testid: 'keys-modal',
            body: html`<p class="muted">The server stores only group keys wrapped to each member's public key (zero-knowledge).</p>
              <table class="grid"><thead><tr><th>Member</th><th>Key version</th><th>Wrapped key</th></tr></thead><tbody>
              ${(k.members || []).map((m) => html`<tr><td>${nameOf.get(m.memberId) || m.memberId}</td><td>${m.keyVersion}</td>
                <td class="mono small" style="word-break:break-all">${m.wrappedKey}</td></tr>`)}</tbody></table>`,
          });
        } catch (e) { errorToast(e); }
      };
    }
  }
  return drawLists;
}

export async function serviceProvider(main) {
  if (!session.links.scimAdmin) {
    setHtml(main, html`<div class="callout warn" data-testid="sp-not-linked">No service provider is linked to this mock Okta
      (run <code>okta-sandbox up</code> to get all three services).</div>`);
    return null;
  }
  let showToken = false;
  setHtml(main, spPageHtml());

  let status = null;
  async function drawStatus() {
    status = await scimAdmin('GET', 'status');
    const base = $('[data-testid=sp-base-url]', main);
    if (base.value !== status.scimBaseUrl) base.value = status.scimBaseUrl;
    const tok = $('[data-testid=sp-token]', main);
    if (tok.value !== status.token) tok.value = status.token;
    const gp = status.groupProvisioning || {};
    const enc = gp.encryptionService || {};
    const active = gp.mode === 'open' || (gp.enabled && gp.writable);
    setHtml($('[data-testid=sp-group-provisioning-status]', main), gp.mode === 'open'
      ? pill('Active (no encryption service needed)', 'ok') : statusPill(active ? 'Active' : 'Inactive'));
    const t = $('[data-testid=sp-group-provisioning-toggle]', main);
    t.checked = !!gp.enabled;
    t.disabled = gp.mode === 'open';
    $('[data-gp-label]', main).textContent = gp.enabled ? 'Enabled' : 'Disabled';
    setHtml($('[data-testid=sp-encryption-status]', main), statusPill(enc.status || 'Not configured'));
    $('[data-enc-url]', main).textContent = enc.url || '';
    $('[data-enc-detail]', main).textContent = enc.detail || '';
    $('[data-testid=sp-counts]', main).textContent = `${status.users} users, ${status.groups} groups`;
  }
  const drawLists = listsDrawer(main);

  $('[data-testid=sp-copy-base-url]', main).onclick = () => copyText($('[data-testid=sp-base-url]', main).value);
  $('[data-testid=sp-copy-token]', main).onclick = () => copyText($('[data-testid=sp-token]', main).value);
  $('[data-testid=sp-show-token]', main).onclick = (e) => {
    showToken = !showToken;
    $('[data-testid=sp-token]', main).type = showToken ? 'text' : 'password';
    e.target.textContent = showToken ? 'Hide' : 'Show';
  };
  $('[data-testid=sp-regenerate]', main).onclick = async () => {
    if (!await confirmModal('Regenerate token', 'The current token stops working now. Okta needs the new one (Provisioning → Integration).', 'Regenerate', 'danger')) return;
    try { await scimAdmin('POST', 'token'); toast('New token generated', 'ok'); await drawStatus(); } catch (e) { errorToast(e); }
  };
  $('[data-testid=sp-group-provisioning-toggle]', main).onchange = async (e) => {
    try {
      await scimAdmin('PUT', 'group-provisioning', { enabled: e.target.checked });
    } catch (err) { errorToast(err); }
    await drawStatus();
  };
  await Promise.all([drawStatus(), drawLists()]);
  let n = 0;
  return {
    refresh: async () => {
      n++;
      await drawLists();
      if (n % 2 === 0) await drawStatus();
    },
  };
}

export { encryption, pretty };
