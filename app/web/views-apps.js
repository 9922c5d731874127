// Applications: the catalogue, Create App Integration (OIDC / SAML 2.0 / SWA),
// and an app's tabs as in the setup guide: General (Enable SCIM provisioning) →
// Sign On (OIDC apps: views-signon.js; SAML apps: views-saml.js) → Provisioning
// (views-provisioning.js) → Assignments (views-assignments.js) → Push Groups
// (views-push-groups.js). The app `okta-sandbox up` makes is marked as the preset.
import { okta, oktaAll, sandbox } from './api.js';
import { oidcTypeChoices, oidcWizardFields, wireOidcWizard, enterOidcStep2, finishOidcWizard, signOnTab } from './views-signon.js';
import { samlWizard, samlSignOnTab } from './views-saml.js';
import { provisioningTab } from './views-provisioning.js';
import { assignmentsTab } from './views-assignments.js';
import { pushGroupsTab } from './views-push-groups.js';
import { isPreset, PRESET_NOTE } from './guide.js';
import { $, html, setHtml, modal, toast, errorToast, fmtTime, statusPill, pill, initials, formValues, go } from './ui.js';

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
          <a href="#/apps/${a.id}" data-testid="app-link">${a.label}</a>${presetBadge(a)}</div></td>
        <td>${modeLabel[a.signOnMode] || a.signOnMode}</td>
        <td>${provs[i] && provs[i].scimEnabled ? html`SCIM ${provs[i].enabled ? pill('On', 'ok') : pill('Not configured', 'warn')}` : html`<span class="muted">None</span>`}</td>
        <td>${statusPill(a.status)}</td></tr>`)
    : html`<tr><td colspan="4" class="empty" data-testid="apps-empty">No applications yet. <b>Create App Integration</b> above
      adds one (the setup guide's first step).</td></tr>`}</tbody></table></div>`);
  $('[data-testid=create-app-integration]', main).onclick = () => createAppWizard(list);
}

const presetBadge = (a) => (isPreset(a)
  ? html` <span data-testid="preset-badge" title="${PRESET_NOTE}" style="margin-left:6px">${pill('Preset', 'info')}</span>` : '');

// The create dialog warns when the name is an existing app's label.
function nameWarning(apps, label) {
  const same = apps.find((a) => a.label.trim().toLowerCase() === label.trim().toLowerCase());
  if (!same) return '';
  return isPreset(same)
    ? html`An app named "${same.label}" already exists: the preset that <code>okta-sandbox up</code> made, already configured.
      Finishing makes a second app with the same name; choose another name, or <a href="#/apps/${same.id}/general">open the preset</a>.`
    : html`An app named "${same.label}" already exists. Okta allows two apps with one name, but they are hard to tell apart.`;
}

function createAppWizard(apps) {
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
      <div class="form-row"><label for="swa-app-name">App name</label><div><input type="text" id="swa-app-name" name="label" data-testid="app-name" value="NordPass Provisioning">
        <div class="callout warn small" data-testid="app-name-taken" style="margin:6px 0 0" hidden></div></div></div>
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
  const name = $('[data-testid=app-name]', root);
  const taken = $('[data-testid=app-name-taken]', root);
  name.oninput = () => {
    const w = nameWarning(apps, name.value);
    taken.hidden = !w;
    setHtml(taken, w);
  };
  name.oninput();
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
      <div class="grow"><h1 data-testid="app-title">${app.label}${presetBadge(app)}</h1>
        <div class="muted">${statusPill(app.status)} · ${modeLabel[app.signOnMode] || app.signOnMode}
          ${prov.scimEnabled ? html` · SCIM provisioning ${prov.enabled ? pill('Enabled', 'ok') : pill('Not configured', 'warn')}` : ''}</div></div>
      <a class="btn" href="#/system-log">View Logs</a></div>
    ${isPreset(app) ? html`<div class="callout small" data-testid="preset-note">${PRESET_NOTE} To follow the setup guide from step 1,
      make your own app with <a href="#/apps">Create App Integration</a>; the dashboard's checklist then follows it.</div>` : ''}
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
