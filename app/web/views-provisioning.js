// An app's Provisioning tab as in the setup guide: Integration (the SCIM
// connection and Test Connector Configuration), To App (the toggles Okta
// starts with off) and To Okta (import).
import { sandbox, session } from './api.js';
import { $, $$, html, setHtml, modal, toast, errorToast, pill, formValues, go } from './ui.js';

export function provisioningTab(body, app, prov, sub) {
  sub = sub || (prov.enabled ? 'to-app' : 'integration');
  setHtml(body, html`<div class="with-side">
    <div class="subnav" data-testid="prov-subnav"><div class="nav-section">Settings</div>
      <a href="#/apps/${app.id}/provisioning/to-app" class="${sub === 'to-app' ? 'active' : ''}" data-testid="prov-to-app">To App</a>
      <a href="#/apps/${app.id}/provisioning/to-okta" class="${sub === 'to-okta' ? 'active' : ''}" data-testid="prov-to-okta">To Okta</a>
      <a href="#/apps/${app.id}/provisioning/integration" class="${sub === 'integration' ? 'active' : ''}" data-testid="prov-integration">Integration</a>
    </div><div data-sub></div></div>`);
  const el = $('[data-sub]', body);
  if (sub === 'integration') return integration(el, app, prov);
  if (sub === 'to-okta') return toOkta(el, app, prov);
  return toApp(el, app, prov);
}

const actions = [
  ['importUsers', 'Import New Users and Profile Updates', 'import-users'],
  ['pushNewUsers', 'Push New Users', 'push-new-users'],
  ['pushProfileUpdates', 'Push Profile Updates', 'push-profile-updates'],
  ['pushGroups', 'Push Groups', 'push-groups'],
  ['importGroups', 'Import Groups', 'import-groups'],
];

// The Integration form: connector, actions, authentication, sandbox settings.
function integrationForm(prov, dis) {
  const auth = prov.authMode;
  return html`
    <div data-form>
      <div class="form-row"><label for="int-base-url">SCIM connector base URL</label><div>
        <input type="url" id="int-base-url" name="baseUrl" value="${prov.baseUrl}" ${dis} data-testid="int-base-url" placeholder="https://example.com/scim/v2">
        <div class="help">The base URL of the SCIM server, e.g. <code>${session.scimBaseUrl || 'http://127.0.0.1:7020/scim/v2'}</code>.</div></div></div>
      <div class="form-row"><label for="int-unique-field">Unique identifier field for users</label><div>
        <input type="text" id="int-unique-field" name="uniqueField" value="${prov.uniqueField}" ${dis} data-testid="int-unique-field">
        <div class="help">The field name of the unique identifier for users on the SCIM server (the guide says <code>email</code>).</div></div></div>
      <div class="form-row"><div class="label">Supported provisioning actions</div><div class="checks">
        ${actions.map(([k, label, t]) => html`<label><input type="checkbox" name="${k}" ${prov[k] ? 'checked' : ''} ${dis} data-testid="int-action-${t}"> ${label}</label>`)}
      </div></div>
      <div class="form-row"><label for="int-auth-mode">Authentication Mode</label><div>
        <select id="int-auth-mode" name="authMode" ${dis} data-testid="int-auth-mode">
          <option value="basic" ${auth === 'basic' ? 'selected' : ''}>Basic Auth</option>
          <option value="header_bearer" ${auth === 'header_bearer' ? 'selected' : ''}>HTTP Header</option>
          <option value="oauth2" disabled>OAuth 2 (not modelled)</option>
          <option value="header_verbatim" ${auth === 'header_verbatim' ? 'selected' : ''}>HTTP Header, value sent as typed (sandbox)</option>
        </select></div></div>
      <div class="form-row" data-auth="header_bearer header_verbatim"><label for="int-bearer">Authorization</label><div>
        <div class="inline" style="max-width:520px;gap:0"><span class="prefix" data-bearer-prefix>Bearer</span>
          <input type="password" id="int-bearer" name="token" value="" ${dis} data-testid="int-bearer" autocomplete="off"
            placeholder="${prov.token ? '•••••••• saved; type to replace' : 'paste the secret token'}"></div>
        <div class="help">Okta sends <code>Authorization: Bearer &lt;token&gt;</code>.</div></div></div>
      <div class="form-row" data-auth="basic"><label>Username</label><input type="text" name="basicUsername" value="${prov.basicUsername}" ${dis}></div>
      <div class="form-row" data-auth="basic"><label>Password</label><input type="password" name="basicPassword" ${dis}
        placeholder="${prov.basicPassword ? '•••••••• saved; type to replace' : ''}"></div>
      <details class="advanced"><summary>Sandbox settings (how this mock behaves)</summary>
        <div class="form-row"><label>Okta client profile</label><div><select name="clientProfile" ${dis} data-testid="int-client-profile">
          <option value="aiw_put" ${prov.clientProfile === 'aiw_put' ? 'selected' : ''}>App Integration Wizard: GET + PUT (Profile B)</option>
          <option value="oin_patch" ${prov.clientProfile === 'oin_patch' ? 'selected' : ''}>OIN catalog app: PATCH (Profile A)</option></select>
          <div class="help">AIW apps (as in the setup guide) always send PUT.</div></div></div>
        <div class="form-row"><label>Application username format</label><select name="usernameFormat" ${dis}>
          ${[['okta_username', 'Okta username'], ['email', 'Email'], ['email_prefix', 'Email prefix'], ['custom_prefix', 'Custom prefix + username']]
            .map(([v, l]) => html`<option value="${v}" ${prov.usernameFormat === v ? 'selected' : ''}>${l}</option>`)}</select></div>
      </details>
    </div>`;
}

function integration(el, app, prov) {
  let editing = !prov.enabled;
  function draw() {
    const dis = editing ? '' : 'disabled';
    setHtml(el, html`
      <div class="panel" data-testid="integration-panel">
        <div class="panel-head"><h2>SCIM Connection</h2>
          ${editing ? '' : html`<button class="btn" data-testid="int-edit">Edit</button>`}</div>
        ${!prov.enabled ? html`<div class="callout">Paste the Base URL and the Secret token from the service provider's admin panel
          (<a href="#/service-provider">Service provider</a> › Settings › User &amp; Group Provisioning › Okta), test the connector, then Save.</div>` : ''}
        ${integrationForm(prov, dis)}
        <div class="form-actions">
          <button class="btn" data-testid="int-test" ${dis}>Test Connector Configuration</button>
          <span class="grow"></span>
          ${editing ? html`<button class="btn primary" data-testid="int-save">Save</button>
            ${prov.enabled ? html`<button class="btn" data-testid="int-cancel">Cancel</button>` : ''}` : ''}
        </div>
      </div>`);
    const mode = $('[data-testid=int-auth-mode]', el);
    const showAuth = () => {
      for (const r of $$('[data-auth]', el)) r.hidden = !r.dataset.auth.split(' ').includes(mode.value);
      $('[data-bearer-prefix]', el).hidden = mode.value !== 'header_bearer';
    };
    mode.onchange = showAuth;
    showAuth();
    const e = $('[data-testid=int-edit]', el);
    if (e) e.onclick = () => { editing = true; draw(); };
    const c = $('[data-testid=int-cancel]', el);
    if (c) c.onclick = () => { editing = false; draw(); };
    const t = $('[data-testid=int-test]', el);
    t.onclick = async () => {
      t.disabled = true;
      try {
        // The mock tests the saved connection: store what the form says first
        // (provisioning stays off until Save).
        await sandbox('PATCH', `/apps/${app.id}/provisioning`, settingsFromForm());
        const r = await sandbox('POST', `/apps/${app.id}/test-connector`);
        showTestResult(app, r);
      } catch (err) { errorToast(err); } finally { t.disabled = false; }
    };
    const s = $('[data-testid=int-save]', el);
    if (s) {
      s.onclick = async () => {
        s.disabled = true;
        try {
          const v = settingsFromForm();
          if (!v.baseUrl) throw new Error('SCIM connector base URL: The field is required');
          prov = await sandbox('PATCH', `/apps/${app.id}/provisioning`, { ...v, enabled: true });
          toast('Integration saved: provisioning is on', 'ok');
          go(`#/apps/${app.id}/provisioning/to-app`);
        } catch (err) { errorToast(err); s.disabled = false; }
      };
    }
  }
  function settingsFromForm() {
    const v = formValues($('[data-form]', el));
    const out = {
      baseUrl: v.baseUrl, uniqueField: v.uniqueField || 'userName', authMode: v.authMode,
      clientProfile: v.clientProfile, usernameFormat: v.usernameFormat,
    };
    for (const [k] of actions) out[k] = v[k];
    if (v.authMode === 'basic') {
      out.basicUsername = v.basicUsername;
      if (v.basicPassword) out.basicPassword = v.basicPassword;
    } else if (v.token) {
      // Pasting "Bearer xyz" into the Bearer field is a common slip.
      out.token = v.authMode === 'header_bearer' ? v.token.replace(/^Bearer\s+/i, '') : v.token;
    }
    return out;
  }
  draw();
  return null;
}

function showTestResult(app, r) {
  const ok = r.status === 'SUCCESS';
  const caps = r.capabilities || {};
  const rows = [['importNewUsers', 'Import New Users'], ['importProfileUpdates', 'Import Profile Updates'], ['pushNewUsers', 'Push New Users'],
    ['pushProfileUpdates', 'Push Profile Updates'], ['pushGroups', 'Push Groups'], ['importGroups', 'Import Groups']];
  modal({
    title: 'Test Connector Configuration',
    testid: 'test-connector-modal',
    body: html`
      <div class="callout ${ok ? 'ok' : 'bad'}" data-testid="test-connector-result" data-status="${r.status}">
        <b>${ok ? '✓' : '✗'} ${r.message}</b></div>
      ${ok ? html`<p>The following provisioning features were detected for ${app.label}:</p>
        <table class="grid" data-testid="test-connector-capabilities"><tbody>${rows.map(([k, l]) => html`<tr><td>${l}</td>
          <td>${caps[k] ? pill('✓', 'ok') : pill('✗')}</td></tr>`)}</tbody></table>`
        : html`<p class="muted">Nothing was saved as enabled. Fix the settings and test again; every request is in <a href="#/traffic">Traffic</a>.</p>`}`,
    actions: [{ label: 'Close', kind: 'primary', testid: 'test-connector-close' }],
  });
}

const toAppToggles = [
  ['createUsers', 'Create Users', 'create-users',
    'Creates or links a user in the app when assigning the app to a user in Okta.'],
  ['updateAttributes', 'Update User Attributes', 'update-attributes',
    "Okta updates a user's attributes in the app when the app is assigned; later profile changes are pushed."],
  ['deactivateUsers', 'Deactivate Users', 'deactivate-users',
    'Deactivates a user\'s app account when it is unassigned in Okta or the Okta account is deactivated; reactivates it on reassignment.'],
  ['syncPassword', 'Sync Password', 'sync-password',
    "Pushes the user's Okta password to the app, and password changes after that."],
];

const switchState = (on) => (on ? 'Enabled' : 'Disabled');

function toApp(el, app, prov) {
  let editing = false;
  function draw() {
    if (!prov.enabled) {
      setHtml(el, html`<div class="callout warn" data-testid="to-app-disabled">Provisioning to the app needs the SCIM connection:
        set it up under <a href="#/apps/${app.id}/provisioning/integration">Integration</a> and Save.</div>`);
      return;
    }
    setHtml(el, html`<div class="panel" data-testid="to-app-panel">
      <div class="panel-head"><h2>Provisioning to App</h2>
        ${editing ? '' : html`<button class="btn" data-testid="toapp-edit">Edit</button>`}</div>
      ${toAppToggles.every(([k]) => !prov[k]) ? html`<div class="callout warn small" data-testid="to-app-all-off">All off, as on a new
        app in Okta: turn on Create Users, or assigned people are only looked up in the app (and fail with "Matching user not
        found" when they are not there yet).</div>` : ''}
      <div data-form>${toAppToggles.map(([k, label, t, help]) => html`
        <div class="toggle-row"><div class="name">${label}</div>
          <label class="switch"><input type="checkbox" role="switch" aria-label="${label}" name="${k}" ${prov[k] ? 'checked' : ''}
            ${editing ? '' : 'disabled'} data-testid="toapp-${t}"><span class="track"></span><span data-state aria-hidden="true">${
            switchState(prov[k])}</span></label>
          <div class="help">${help}</div></div>`)}</div>
      ${editing ? html`<div class="form-actions"><button class="btn primary" data-testid="toapp-save">Save</button>
        <button class="btn" data-testid="toapp-cancel">Cancel</button></div>` : ''}
    </div>`);
    for (const cb of $$('input[type=checkbox]', el)) {
      cb.onchange = () => { cb.parentElement.querySelector('[data-state]').textContent = switchState(cb.checked); };
    }
    const e = $('[data-testid=toapp-edit]', el);
    if (e) e.onclick = () => { editing = true; draw(); };
    const c = $('[data-testid=toapp-cancel]', el);
    if (c) c.onclick = () => { editing = false; draw(); };
    const s = $('[data-testid=toapp-save]', el);
    if (s) {
      s.onclick = async () => {
        try {
          prov = await sandbox('PATCH', `/apps/${app.id}/provisioning`, formValues($('[data-form]', el)));
          editing = false;
          toast('To App settings saved', 'ok');
          draw();
        } catch (err) { errorToast(err); }
      };
    }
  }
  draw();
  return null;
}

function toOkta(el, app, prov) {
  async function draw() {
    const last = await sandbox('GET', `/apps/${app.id}/import`).catch(() => ({}));
    setHtml(el, html`<div class="panel"><div class="panel-head"><h2>Import</h2>
      <button class="btn" data-import ${prov.enabled && (prov.importUsers || prov.importGroups) ? '' : 'disabled'}>Import Now</button></div>
      <p class="muted">Needs "Import New Users and Profile Updates" or "Import Groups" under Integration. The mock reads
        <code>GET /Users</code> (and <code>/Groups</code>) in pages of 100.</p>
      ${last && Object.keys(last).length ? html`<h3>Last import</h3><pre class="body">${JSON.stringify(last, null, 2)}</pre>` : ''}</div>`);
    const b = $('[data-import]', el);
    b.onclick = async () => {
      try { await sandbox('POST', `/apps/${app.id}/import`); toast('Import started', 'ok'); setTimeout(draw, 1500); } catch (e) { errorToast(e); }
    };
  }
  draw();
  return null;
}

