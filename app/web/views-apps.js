// Applications: the catalogue, Create App Integration (OIDC / SAML 2.0 / SWA),
// and an app's tabs as in the setup guide: General (Enable SCIM provisioning) →
// Sign On (OIDC apps: client credentials, issuers, redirect URIs; SAML apps:
// views-saml.js) →
// Provisioning (Integration, To App) → Assignments → Push Groups.
import { okta, oktaAll, sandbox, scimAdmin, session } from './api.js';
import { oidcTypeChoices, oidcWizardFields, wireOidcWizard, enterOidcStep2, finishOidcWizard, signOnTab } from './views-signon.js';
import { samlWizard, samlSignOnTab } from './views-saml.js';
import {
  $, $$, html, setHtml, modal, confirmModal, toast, errorToast, fmtTime, statusPill, pill, userDisplay, initials,
  formValues, go,
} from './ui.js';

const modeLabel = { AUTO_LOGIN: 'SWA', BROWSER_PLUGIN: 'SWA (plugin)', SAML_2_0: 'SAML 2.0', OPENID_CONNECT: 'OIDC' };

export async function applications(main, parts) {
  if (parts[0]) return appPage(main, parts[0], parts[1] || 'general', parts[2]);
  const list = await oktaAll('/apps?limit=200');
  const provs = await Promise.all(list.map((a) => sandbox('GET', `/apps/${a.id}/provisioning`).catch(() => null)));
  setHtml(main, html`
    <div class="page-head"><div class="grow"><h1>Applications</h1><p>App integrations. Provisioning uses SCIM on apps made with the App Integration Wizard; OIDC and SAML apps also sign people in
      (<a href="#/signin-demo">Sign-in demo</a>).</p></div>
      <button class="btn primary" data-testid="create-app-integration">Create App Integration</button></div>
    <div class="table-wrap"><table class="grid" data-testid="apps-table">
      <thead><tr><th>Application</th><th>Sign-on</th><th>Provisioning</th><th>Status</th></tr></thead><tbody>
      ${list.length ? list.map((a, i) => html`<tr data-testid="app-row" data-label="${a.label}">
        <td><div class="person-cell"><span class="app-logo" style="width:34px;height:34px;font-size:12px;margin-right:10px">${initials(a.label)}</span>
          <a href="#/apps/${a.id}" data-testid="app-link">${a.label}</a></div></td>
        <td>${modeLabel[a.signOnMode] || a.signOnMode}</td>
        <td>${provs[i] && provs[i].scimEnabled ? html`SCIM ${provs[i].enabled ? pill('On', 'ok') : pill('Not configured', 'warn')}` : html`<span class="muted">None</span>`}</td>
        <td>${statusPill(a.status)}</td></tr>`)
    : html`<tr><td colspan="4" class="empty">No applications yet.</td></tr>`}</tbody></table></div>`);
  $('[data-testid=create-app-integration]', main).onclick = createAppWizard;
}

function createAppWizard() {
  const { root, close } = modal({
    title: 'Create a new app integration',
    testid: 'create-app-modal',
    body: html`<div data-step1>
      <h3>Sign-in method</h3>
      <div class="choice-grid">
        <label class="choice"><input type="radio" name="method" value="OPENID_CONNECT" data-testid="sign-in-oidc"><div><div class="t">OIDC - OpenID Connect</div>
          <div class="d">Token-based OAuth 2.0 authentication for Single Sign-On through API endpoints. Recommended for web, mobile and single-page apps.</div></div></label>
        <label class="choice"><input type="radio" name="method" value="SAML_2_0" data-testid="sign-in-saml"><div><div class="t">SAML 2.0</div>
          <div class="d">XML-based open standard for SSO. SCIM provisioning can be added; leave the Single sign-on URL empty for a provisioning-only app.</div></div></label>
        <label class="choice"><input type="radio" name="method" value="AUTO_LOGIN" checked data-testid="sign-in-swa"><div><div class="t">SWA - Secure Web Authentication</div>
          <div class="d">Okta-specific SSO that stores the password. The setup guide's choice ("NordPass Provisioning").</div></div></label>
        <label class="choice"><input type="radio" name="method" value="API_SERVICES" data-testid="sign-in-api-services"><div><div class="t">API Services</div>
          <div class="d">Interact with Okta APIs using scoped OAuth 2.0 access tokens for machine-to-machine authentication (an OIDC client).</div></div></label>
      </div>
      ${oidcTypeChoices()}</div>
    <div data-step2 hidden>
      <div class="form-row"><label for="swa-app-name">App name</label><input type="text" id="swa-app-name" name="label" data-testid="app-name" value="NordPass Provisioning"></div>
      <div class="form-row" data-swa><label for="swa-login-url">App's login page URL</label><div><input type="url" id="swa-login-url" name="url" data-testid="app-login-url" value="https://app.nordpass.com/">
        <div class="help">Not used for provisioning.</div></div></div>
    </div>
    ${oidcWizardFields()}`,
    actions: [
      { label: 'Cancel' },
      {
        label: 'Next', kind: 'primary', testid: 'create-app-next',
        onClick: async (_close, m) => {
          const s1 = $('[data-step1]', m), s2 = $('[data-step2]', m);
          const method = $('input[name=method]:checked', m).value;
          const oidc = method === 'OPENID_CONNECT' || method === 'API_SERVICES';
          if (oidc && !s1.hidden) {
            s1.hidden = true;
            await enterOidcStep2(m, method === 'API_SERVICES' ? 'service' : null);
            $('[data-testid=create-app-next]', m).textContent = 'Save';
            return false;
          }
          if (oidc) {
            const app = await finishOidcWizard(m);
            toast(`${app.label} created`, 'ok');
            go(`#/apps/${app.id}/sign-on`);
            return true;
          }
          if (method === 'SAML_2_0') {
            // Okta's "Create SAML Integration" wizard, in its own dialog.
            setTimeout(samlWizard, 0);
            return true;
          }
          if (!s1.hidden) {
            s1.hidden = true;
            s2.hidden = false;
            $('[data-testid=create-app-next]', m).textContent = 'Finish';
            $('[data-testid=app-name]', m).select();
            return false;
          }
          const v = formValues(s2);
          if (!v.label) throw new Error('App name is required');
          const settings = { app: { url: v.url } };
          const app = await okta('POST', '/apps?activate=true', { label: v.label, signOnMode: method, settings });
          toast(`${app.label} created`, 'ok');
          go(`#/apps/${app.id}/general`);
          return true;
        },
      },
    ],
  });
  wireOidcWizard(root);
  void close;
}

// ---------------------------------------------------------------- one app

async function appPage(main, id, tab, sub) {
  let app = await okta('GET', `/apps/${id}`);
  let prov = await sandbox('GET', `/apps/${id}/provisioning`);
  const tabs = [['general', 'General']];
  if (app.signOnMode === 'OPENID_CONNECT' || app.signOnMode === 'SAML_2_0') tabs.push(['sign-on', 'Sign On']);
  if (prov.scimEnabled) tabs.push(['provisioning', 'Provisioning']);
  tabs.push(['assignments', 'Assignments']);
  if (prov.scimEnabled && prov.pushGroups) tabs.push(['push-groups', 'Push Groups']);
  if (!tabs.some(([t]) => t === tab)) tab = 'general';
  setHtml(main, html`
    <div class="crumbs"><a href="#/apps">← Back to Applications</a></div>
    <div class="app-head"><div class="app-logo">${initials(app.label)}</div>
      <div class="grow"><h1 data-testid="app-title">${app.label}</h1>
        <div class="muted">${statusPill(app.status)} · ${modeLabel[app.signOnMode] || app.signOnMode}
          ${prov.scimEnabled ? html` · SCIM provisioning ${prov.enabled ? pill('enabled', 'ok') : pill('not configured', 'warn')}` : ''}</div></div>
      <a class="btn" href="#/system-log">View Logs</a></div>
    <div class="tabs" data-testid="app-tabs">${tabs.map(([t, label]) => html`
      <a href="#/apps/${id}/${t}" class="${t === tab ? 'active' : ''}" data-testid="tab-${t}">${label}</a>`)}</div>
    <div data-tab-body></div>`);
  const body = $('[data-tab-body]', main);
  const reload = async () => { app = await okta('GET', `/apps/${id}`); prov = await sandbox('GET', `/apps/${id}/provisioning`); };
  if (tab === 'general') return generalTab(body, app, prov, reload, main);
  if (tab === 'sign-on') return app.signOnMode === 'SAML_2_0' ? samlSignOnTab(body, app) : signOnTab(body, app);
  if (tab === 'provisioning') return provisioningTab(body, app, prov, sub);
  if (tab === 'assignments') return assignmentsTab(body, app, prov);
  if (tab === 'push-groups') return pushGroupsTab(body, app, prov);
  return null;
}

function generalTab(body, app, prov, reload) {
  let editing = false;
  function draw() {
    setHtml(body, html`
      <div class="panel" data-testid="app-settings">
        <div class="panel-head"><h2>App Settings</h2>
          ${editing ? '' : html`<button class="btn" data-testid="general-edit">Edit</button>`}</div>
        <div data-form>
          <div class="form-row"><label>Application label</label>${editing
            ? html`<input type="text" name="label" value="${app.label}" data-testid="general-label">`
            : html`<div class="value">${app.label}</div>`}</div>
          <div class="form-row"><label>Application visibility</label><div class="value muted">Shown on the Okta End-User Dashboard</div></div>
          <div class="form-row"><label>Provisioning</label><div>
            <label class="inline"><input type="checkbox" name="scimEnabled" data-testid="general-enable-scim"
              ${prov.scimEnabled ? 'checked' : ''} ${editing ? '' : 'disabled'}> Enable SCIM provisioning</label>
            <div class="help">Adds the Provisioning tab, where the SCIM connector is set up.</div></div></div>
        </div>
        ${editing ? html`<div class="form-actions"><button class="btn primary" data-testid="general-save">Save</button>
          <button class="btn" data-testid="general-cancel">Cancel</button></div>` : ''}
      </div>
      <div class="panel"><div class="panel-head"><h2>Application</h2></div>
        <div class="form-row"><div class="label">App ID</div><div class="value mono" data-testid="app-id">${app.id}</div></div>
        <div class="form-row"><div class="label">Name</div><div class="value mono">${app.name}</div></div>
        <div class="form-row"><div class="label">Created</div><div class="value">${fmtTime(app.created)}</div></div>
        <div class="form-row"><div class="label">Status</div><div>${statusPill(app.status)}
          <button class="btn sm" data-life style="margin-left:8px">${app.status === 'ACTIVE' ? 'Deactivate' : 'Activate'}</button></div></div>
      </div>`);
    const e = $('[data-testid=general-edit]', body);
    if (e) e.onclick = () => { editing = true; draw(); };
    const c = $('[data-testid=general-cancel]', body);
    if (c) c.onclick = () => { editing = false; draw(); };
    const s = $('[data-testid=general-save]', body);
    if (s) {
      s.onclick = async () => {
        s.disabled = true;
        try {
          const v = formValues($('[data-form]', body));
          if (v.label && v.label !== app.label) await okta('PUT', `/apps/${app.id}`, { label: v.label });
          if (v.scimEnabled !== prov.scimEnabled) await sandbox('PATCH', `/apps/${app.id}/provisioning`, { scimEnabled: v.scimEnabled });
          toast('App settings saved', 'ok');
          await reload();
          // The tab bar depends on the settings: redraw the whole page.
          go(v.scimEnabled && !prov.enabled ? `#/apps/${app.id}/provisioning/integration` : `#/apps/${app.id}/general`);
        } catch (err) { errorToast(err); s.disabled = false; }
      };
    }
    $('[data-life]', body).onclick = async () => {
      try {
        await okta('POST', `/apps/${app.id}/lifecycle/${app.status === 'ACTIVE' ? 'deactivate' : 'activate'}`);
        await reload();
        go(`#/apps/${app.id}/general`);
      } catch (err) { errorToast(err); }
    };
  }
  draw();
  return null;
}

// ---------------------------------------------------------------- Provisioning

function provisioningTab(body, app, prov, sub) {
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

function integration(el, app, prov) {
  let editing = !prov.enabled;
  function draw() {
    const dis = editing ? '' : 'disabled';
    const auth = prov.authMode;
    setHtml(el, html`
      <div class="panel" data-testid="integration-panel">
        <div class="panel-head"><h2>SCIM Connection</h2>
          ${editing ? '' : html`<button class="btn" data-testid="int-edit">Edit</button>`}</div>
        ${!prov.enabled ? html`<div class="callout">Paste the SCIM connector base URL and the secret token from the service provider's
          admin panel (<a href="#/service-provider">Service provider</a>), test the connector, then Save.</div>` : ''}
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
        </div>
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
      <div data-form>${toAppToggles.map(([k, label, t, help]) => html`
        <div class="toggle-row"><div class="name">${label}</div>
          <label class="switch"><input type="checkbox" name="${k}" ${prov[k] ? 'checked' : ''} ${editing ? '' : 'disabled'}
            data-testid="toapp-${t}"><span class="track"></span><span data-state>${prov[k] ? 'Enable' : 'Disabled'}</span></label>
          <div class="help">${help}</div></div>`)}</div>
      ${editing ? html`<div class="form-actions"><button class="btn primary" data-testid="toapp-save">Save</button>
        <button class="btn" data-testid="toapp-cancel">Cancel</button></div>` : ''}
    </div>`);
    for (const cb of $$('input[type=checkbox]', el)) {
      cb.onchange = () => { cb.parentElement.querySelector('[data-state]').textContent = cb.checked ? 'Enable' : 'Disabled'; };
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

// ---------------------------------------------------------------- Assignments

async function assignmentsTab(body, app, prov) {
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
    setHtml(tbody, appUsers.length ? appUsers.map((au) => {
      const u = users.get(au.id);
      const name = u ? userDisplay(u) : au.id;
      return html`<tr data-testid="assignment-row" data-login="${u ? u.profile.login : ''}" data-sync="${au.syncState}">
        <td><div class="who"><a href="#/people/${au.id}">${name}</a><span class="sub">${u ? u.profile.login : ''}</span></div></td>
        <td>${au.scope === 'GROUP' ? 'Group' : 'Individual'}</td><td class="small">${au.credentials && au.credentials.userName}</td>
        <td>${statusPill(au.status)}</td><td data-testid="assignment-sync">${statusPill(au.syncState)}</td>
        <td class="mono small" data-testid="assignment-external-id">${au.externalId || '—'}</td>
        <td>${au.scope === 'USER' ? html`<button class="btn sm danger" data-unassign="${au.id}" data-testid="unassign">Unassign</button>` : ''}</td></tr>`;
    }) : html`<tr><td colspan="7" class="empty">Nobody is assigned. Assign people or groups to provision them.</td></tr>`);
    setHtml($('[data-testid=assigned-groups-table] tbody', body), appGroups.length ? appGroups.map((ag) => html`
      <tr data-testid="assigned-group-row"><td>${groupNames.get(ag.id) || ag.id}</td><td>${ag.priority}</td>
        <td style="text-align:right"><button class="btn sm danger" data-unassign-group="${ag.id}">Unassign</button></td></tr>`)
      : html`<tr><td colspan="3" class="empty">No groups assigned.</td></tr>`);
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

async function assignPeopleModal(app, done) {
  const [all, assigned] = await Promise.all([oktaAll('/users?limit=200'), okta('GET', `/apps/${app.id}/users`)]);
  const isAssigned = new Set(assigned.filter((a) => a.scope === 'USER').map((a) => a.id));
  const active = all.filter((u) => u.status !== 'DEPROVISIONED');
  const { root } = modal({
    title: `Assign ${app.label} to People`,
    testid: 'assign-people-modal',
    wide: true,
    body: html`<input type="search" placeholder="Search…" data-testid="assign-search" style="max-width:none;margin-bottom:10px">
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
    body: html`<table class="grid"><tbody>${all.map((g) => html`<tr data-testid="assign-groups-row" data-name="${g.profile.name}">
        <td>${g.profile.name}<div class="small muted">${g.profile.description || ''}</div></td>
        <td style="text-align:right">${isAssigned.has(g.id) ? html`<button class="btn sm" disabled>Assigned</button>`
          : html`<button class="btn sm primary" data-assign="${g.id}" data-testid="assign-group-btn">Assign</button>`}</td></tr>`)}
      </tbody></table>`,
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

// ---------------------------------------------------------------- Push Groups

async function pushGroupsTab(body, app, prov) {
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
  async function draw() {
    const maps = await okta('GET', `/apps/${app.id}/group-push/mappings`);
    if (maps.some((m) => !groupNames.has(m.sourceGroupId))) await loadNames();
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
        try { await sandbox('POST', `/apps/${app.id}/group-push/mappings/${b.dataset.pushNow}/push-now`); toast('Pushing now', 'ok'); await draw(); } catch (e) { errorToast(e); }
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
  $('[data-testid=push-groups-btn]', body).onclick = () => pushGroupModal(app, draw);
  await loadNames();
  await draw();
  return { refresh: draw };
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
        await done();
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
