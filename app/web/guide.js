// The setup guide as a checklist on the dashboard: each step of the guide,
// ticked from the org's real state (the app, its provisioning settings, its
// assignments and pushed groups, the service provider's status), with a link
// to where it is done. The preset app that `okta-sandbox up` makes is
// recognised by its name, which the App Integration Wizard never generates.
import { okta, sandbox, scimAdmin, session } from './api.js';
import { html, pill } from './ui.js';

export const PRESET_APP_NAME = 'nordpassprovisioning_preset';
export const isPreset = (app) => Boolean(app) && app.name === PRESET_APP_NAME;
export const PRESET_NOTE = 'Made by okta-sandbox up, already configured as the guide ends: SCIM on, the connection '
  + 'to the sandbox\'s SCIM server saved, To App Create Users, Update User Attributes and Deactivate Users on.';

const trimSlash = (u) => String(u || '').replace(/\/+$/, '');
const byNewest = (a, b) => String(b.created).localeCompare(String(a.created));

// The app the guide is about: the newest app made by the person (SCIM on
// first, then an SWA app from the App Integration Wizard), else the preset.
export function guideApp(apps, provs) {
  const own = apps.map((a, i) => ({ a, p: provs[i] || {} })).filter(({ a }) => !isPreset(a)).sort((x, y) => byNewest(x.a, y.a));
  const pick = own.find(({ p }) => p.scimEnabled) || own.find(({ a }) => a.signOnMode === 'AUTO_LOGIN');
  if (pick) return pick;
  const i = apps.findIndex(isPreset);
  return i >= 0 ? { a: apps[i], p: provs[i] || {} } : null;
}

// What the checklist needs, read from the sandbox.
export async function loadGuideState() {
  const apps = await okta('GET', '/apps?limit=200');
  const provs = await Promise.all(apps.map((a) => sandbox('GET', `/apps/${a.id}/provisioning`).catch(() => null)));
  const chosen = guideApp(apps, provs);
  const state = { app: chosen && chosen.a, prov: (chosen && chosen.p) || {}, users: [], groups: [], pushed: [], sp: null };
  if (state.app) {
    const id = state.app.id;
    [state.users, state.groups, state.pushed] = await Promise.all([okta('GET', `/apps/${id}/users`), okta('GET', `/apps/${id}/groups`),
      okta('GET', `/apps/${id}/group-push/mappings`).catch(() => [])]);
  }
  if (session.links.scimAdmin) state.sp = await scimAdmin('GET', 'status').catch(() => null);
  return state;
}

// The guide's steps: [{key, title, where, href, done}].
export function guideSteps(s) {
  const app = s.app;
  const p = s.prov;
  const appHref = (tab) => (app ? `#/apps/${app.id}/${tab}` : '#/apps');
  const gp = (s.sp && s.sp.groupProvisioning) || {};
  return [
    { key: 'create-app', title: 'Create the app integration', where: 'Applications › Create App Integration › SWA', href: '#/apps', done: Boolean(app) },
    { key: 'credentials', title: 'Copy the Base URL and Secret token from the service provider',
      where: 'Service provider › Settings › User & Group Provisioning › Okta', href: '#/service-provider',
      done: Boolean(p.baseUrl && (p.token || p.basicUsername) && (!s.sp || trimSlash(p.baseUrl) === trimSlash(s.sp.scimBaseUrl))) },
    { key: 'enable-scim', title: 'Enable SCIM provisioning', where: 'the app › General › Edit', href: appHref('general'), done: Boolean(p.scimEnabled) },
    { key: 'integration', title: 'Integration settings, Test Connector Configuration, Save', where: 'the app › Provisioning › Integration',
      href: p.scimEnabled ? appHref('provisioning/integration') : appHref('general'), done: Boolean(p.enabled) },
    { key: 'to-app', title: 'To App: Create Users, Update User Attributes, Deactivate Users', where: 'the app › Provisioning › To App',
      href: p.enabled ? appHref('provisioning/to-app') : appHref('general'), done: Boolean(p.createUsers && p.updateAttributes && p.deactivateUsers) },
    { key: 'assign', title: 'Assign people or groups', where: 'the app › Assignments', href: appHref('assignments'),
      done: s.users.length > 0 || s.groups.length > 0 },
    { key: 'push-groups', title: 'Push groups', where: 'the app › Push Groups',
      href: p.scimEnabled && p.pushGroups ? appHref('push-groups') : appHref('general'), done: s.pushed.length > 0 },
    { key: 'encryption', title: 'Encryption service Active (group provisioning)', where: 'Service provider › Group provisioning',
      href: '#/service-provider', done: gp.mode === 'open' || Boolean(gp.enabled && gp.writable) },
  ];
}

export function guideHtml(s) {
  const steps = guideSteps(s);
  const next = steps.find((x) => !x.done);
  const done = steps.filter((x) => x.done).length;
  const app = s.app;
  const about = !app ? html`No app integration yet: start with step 1.`
    : isPreset(app) ? html`Following <a href="#/apps/${app.id}/general" data-testid="guide-app">${app.label}</a> ${pill('Preset', 'info')}:
        ${PRESET_NOTE} To follow the guide from step 1, create your own app (step 1); the checklist then follows it.`
      : html`Following <a href="#/apps/${app.id}/general" data-testid="guide-app">${app.label}</a>, the newest app you made.`;
  return html`<div class="panel-head"><h2>Setup guide</h2><span class="muted small" data-testid="guide-progress">${done} of ${steps.length} done</span></div>
    <p class="small" data-testid="guide-about" style="margin-top:0">${about}</p>
    <table class="grid" data-testid="guide-steps"><tbody>${steps.map((x, i) => html`
      <tr data-testid="guide-step" data-step="${x.key}" data-done="${String(x.done)}" ${x === next ? html`data-next="true"` : ''}>
        <td class="nowrap">${x.done ? pill('✓ Done', 'ok') : x === next ? pill('Next', 'warn') : pill('To do')}</td>
        <td><b>${i + 1}. ${x.title}</b><div class="small muted">${x.where}</div></td>
        <td style="text-align:right"><a class="btn sm ${x === next ? 'primary' : ''}" href="${x.href}" data-testid="guide-link">${x.done ? 'Open' : 'Go'}</a></td></tr>`)}
    </tbody></table>`;
}
