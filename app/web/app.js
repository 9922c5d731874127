// The console's shell: session, hash router, and the 1-second ticker that
// keeps tasks, traffic and the System Log fresh without reloading the page.
import { loadSession, session } from './api.js';
import { store, pollTasks, pollTraffic, pollLogs, openTaskCount } from './store.js';
import { $, $$, esc, modalOpen } from './ui.js';
import * as okta from './views-okta.js';
import * as apps from './views-apps.js';
import * as sp from './views-sp.js';
import * as traffic from './views-traffic.js';
import * as demo from './views-demo.js';
import * as checker from './views-check.js';
import * as signon from './views-signon.js';

const routes = {
  dashboard: okta.dashboard,
  people: okta.people,
  groups: okta.groups,
  'system-log': okta.systemLog,
  apps: apps.applications,
  'service-provider': sp.serviceProvider,
  traffic: traffic.traffic,
  demo: demo.demo,
  check: checker.check,
  'signin-demo': signon.signinDemo,
};

let current = null;   // {refresh?, dispose?}
let renderToken = 0;

async function route() {
  const parts = (location.hash.replace(/^#\/?/, '') || 'dashboard').split('/').map(decodeURIComponent);
  const view = routes[parts[0]] || routes.dashboard;
  for (const a of $$('.sidenav a')) {
    a.classList.toggle('active', a.dataset.nav === parts[0]);
    if (a.dataset.nav === parts[0]) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  setMenu(false);
  if (current && current.dispose) current.dispose();
  current = null;
  const main = $('#main');
  const token = ++renderToken;
  main.dataset.view = parts[0];
  try {
    const v = await view(main, parts.slice(1));
    if (token === renderToken) current = v || null;
  } catch (e) {
    if (token === renderToken) {
      main.innerHTML = `<div class="callout bad" data-testid="page-error"><b>Could not load this page.</b> ${esc(e.message)}</div>`;
    }
  }
  window.scrollTo(0, 0);
}

let ticking = false;
let tick = 0;
async function onTick() {
  if (ticking) return;
  ticking = true;
  tick++;
  try {
    await Promise.all([pollTasks(), pollTraffic(), tick % 2 === 1 ? pollLogs() : null]);
    setOnline(true);
  } catch (e) {
    setOnline(false, e.message);
  }
  const open = openTaskCount();  // the dashboard card's and the task list's count
  const badge = $('[data-testid=tasks-badge]');
  badge.hidden = open === 0;
  badge.textContent = String(open);
  $('[data-testid=traffic-count]').textContent = String(store.traffic.length);
  try {
    if (current && current.refresh && !modalOpen()) await current.refresh();
  } catch (e) {
    console.warn('refresh failed', e);
  }
  ticking = false;
}

function setOnline(ok, why) {
  if (store.online === ok) return;
  store.online = ok;
  const li = $('[data-testid=live-indicator]');
  li.classList.toggle('off', !ok);
  li.lastChild.textContent = ok ? ' Live' : ' Offline';
  li.title = ok ? 'The console polls the sandbox every second' : why;
}

// Below 768 px the side navigation is a menu opened from the top bar.
function setMenu(open) {
  const b = $('[data-testid=menu-toggle]');
  b.setAttribute('aria-expanded', String(open));
  $('#sidenav').classList.toggle('open', open);
}

// Tabs and sub-navigation mark their current link with the class "active";
// assistive technology reads aria-current, kept equal to it here for every view.
function markCurrentLinks(root) {
  const sync = () => {
    for (const a of $$('.tabs a, .subnav a', root)) {
      if (a.classList.contains('active')) { if (a.getAttribute('aria-current') !== 'page') a.setAttribute('aria-current', 'page'); }
      else if (a.hasAttribute('aria-current')) a.removeAttribute('aria-current');
    }
  };
  new MutationObserver(sync).observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['class'] });
}

async function start() {
  // Back from the authorization server (/console/signin-callback?code=…):
  // the Sign-in demo takes the query, the address becomes #/signin-demo.
  signon.captureCallback();
  try {
    await loadSession();
  } catch (e) {
    $('#main').innerHTML = `<div class="callout bad"><b>No sandbox session.</b> ${esc(e.message)}</div>`;
    return;
  }
  $('[data-testid=org-url]').textContent = session.orgUrl || location.origin;
  window.addEventListener('hashchange', route);
  $('[data-testid=menu-toggle]').onclick = () => setMenu($('[data-testid=menu-toggle]').getAttribute('aria-expanded') !== 'true');
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape') setMenu(false); });
  markCurrentLinks($('#main'));
  await Promise.all([pollTasks(), pollTraffic(), pollLogs()]).catch(() => {});
  await route();
  setInterval(onTick, 1000);
}

start();
