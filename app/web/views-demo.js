// Demo helpers: load a demo directory (Okta API calls from the browser),
// reset everything (when the server offers it), and fault switches for the
// SCIM server (errors, 429, latency) and the encryption service (down/up).
import { okta, sandbox, scimAdmin, encryption, session } from './api.js';
import { $, $$, html, setHtml, toast, errorToast, confirmModal, statusPill, pill } from './ui.js';

// A made-up company: 36 people in 6 departments, 8 groups.
const DOMAIN = 'example.com';
const DEPARTMENTS = {
  Engineering: [['Ada', 'Lovelace', 'Principal Engineer'], ['Grace', 'Hopper', 'Engineering Manager'], ['Linus', 'Berg', 'Backend Engineer'],
    ['Priya', 'Raman', 'Site Reliability Engineer'], ['Kenji', 'Watanabe', 'Frontend Engineer'], ['Fatima', 'Haddad', 'Security Engineer'],
    ['Mateo', 'Fernández', 'Mobile Engineer'], ['Chen', 'Wei', 'Data Engineer']],
  Sales: [['Olivia', 'Brown', 'VP Sales'], ['Liam', "O'Connor", 'Account Executive'], ['Sofia', 'Rossi', 'Account Executive'],
    ['Noah', 'Schmidt', 'Sales Engineer'], ['Amara', 'Okafor', 'Sales Development Rep'], ['Lucas', 'Dubois', 'Account Manager']],
  Marketing: [['Emma', 'Johansson', 'Head of Marketing'], ['Yusuf', 'Demir', 'Content Lead'], ['Isabella', 'García', 'Product Marketing Manager'],
    ['Hiroshi', 'Tanaka', 'Designer'], ['Zoe', 'Martin', 'Growth Marketer'], ['Julia', 'Kim', 'Social Media Manager']],
  Finance: [['William', 'Clarke', 'CFO'], ['Ana', 'Silva', 'Controller'], ['Arjun', 'Mehta', 'Financial Analyst'], ['Eva', 'Novak', 'Accountant']],
  'Customer Support': [['Mia', 'Andersen', 'Support Lead'], ['Diego', 'López', 'Support Engineer'], ['Aisha', 'Bello', 'Support Engineer'],
    ['Tomás', 'Kowalski', 'Customer Success Manager'], ['Leila', 'Nasser', 'Support Engineer'], ['Oscar', 'Lindqvist', 'Technical Writer']],
  'People Ops': [['Hannah', 'Müller', 'Head of People'], ['Samuel', 'Adeyemi', 'Recruiter'], ['Chloé', 'Bernard', 'IT Administrator'],
    ['Ravi', 'Iyer', 'Office Manager'], ['Nora', 'Jensen', 'People Partner'], ['Felix', 'Wagner', 'IT Support']],
};
const LEADERS = ['Grace Hopper', 'Olivia Brown', 'Emma Johansson', 'William Clarke', 'Mia Andersen', 'Hannah Müller'];

const slug = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');

export function demoDirectory() {
  const people = [];
  let n = 0;
  for (const [dept, list] of Object.entries(DEPARTMENTS)) {
    for (const [first, last, title] of list) {
      n++;
      const login = `${slug(first)}.${slug(last)}@${DOMAIN}`;
      people.push({ dept, profile: { firstName: first, lastName: last, login, email: login, title, department: dept,
        mobilePhone: `+1 555 01${String(n).padStart(2, '0')}`, employeeNumber: String(1000 + n) } });
    }
  }
  const groups = [
    ...Object.keys(DEPARTMENTS).map((d) => ({ name: d, description: `Everyone in ${d}`, members: people.filter((p) => p.dept === d) })),
    { name: 'Leadership', description: 'Department heads', members: people.filter((p) => LEADERS.includes(`${p.profile.firstName} ${p.profile.lastName}`)) },
    { name: 'Password Manager Users', description: 'Gets the password manager (assign this group to the app)',
      members: people.filter((p, i) => i % 3 !== 2) },
  ];
  return { people, groups };
}

async function pool(items, width, fn) {
  let i = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (i < items.length) {
      const k = i++;
      await fn(items[k], k);
    }
  }));
}

export async function loadDemoDirectory(onProgress = () => {}) {
  const { people, groups } = demoDirectory();
  const total = people.length + groups.length + groups.reduce((s, g) => s + g.members.length, 0);
  let done = 0;
  const step = (what) => onProgress(++done, total, what);
  const ids = new Map();
  await pool(people, 4, async (p) => {
    let u;
    try {
      u = await okta('POST', '/users?activate=true', { profile: p.profile, credentials: { password: { value: `Demo-${p.profile.employeeNumber}-pass!` } } });
    } catch (e) {
      if (e.status !== 400) throw e;
      u = await okta('GET', `/users/${encodeURIComponent(p.profile.login)}`);  // already there
    }
    ids.set(p.profile.login, u.id);
    step(`person ${p.profile.login}`);
  });
  const existing = await okta('GET', '/groups?limit=1000');
  for (const g of groups) {
    const have = existing.find((x) => x.profile.name === g.name);
    const made = have || await okta('POST', '/groups', { profile: { name: g.name, description: g.description } });
    step(`group ${g.name}`);
    await pool(g.members, 4, async (p) => {
      await okta('PUT', `/groups/${made.id}/users/${ids.get(p.profile.login)}`);
      step(`${p.profile.login} → ${g.name}`);
    });
  }
  return { people: people.length, groups: groups.length };
}

// The page's layout; rules, the encryption service's health and the clock are filled in later.
function demoPageHtml(canReset) {
  return html`
    <div class="page-head"><div class="grow"><h1>Demo &amp; faults</h1>
      <p>Seed a realistic directory, start over, and make the service provider or the encryption service misbehave.</p></div></div>
    <div class="split">
      <div class="panel"><div class="panel-head"><h2>Demo directory</h2></div>
        <p>Creates 36 people in six departments and 8 groups (departments, Leadership, "Password Manager Users") through
          Okta's API. Existing people and groups are kept.</p>
        <button class="btn primary" data-testid="demo-load">Load demo directory</button>
        <div class="progress" data-progress hidden><div></div></div><div class="small muted" data-progress-text></div>
        <h3>Start over</h3>
        ${canReset ? html`<p>Empties the directory, apps, tasks and traffic, and the service provider's users and groups; the preset app that
          <code>okta-sandbox up</code> makes is made again.</p>
          <button class="btn danger" data-testid="demo-reset">Reset everything</button>`
          : html`<p class="muted" data-testid="demo-reset-unavailable">Reset needs <code>POST /sandbox/reset</code>, which this build does not have:
            restart <code>okta-sandbox up --in-memory</code> (or delete <code>./data</code>) to start over.</p>`}
        <h3>Clock and queue</h3>
        <p class="small muted">429 back-offs wait on the mock's clock: move it forward to make parked jobs due.</p>
        <div class="inline"><button class="btn" data-advance="300" data-testid="demo-advance">Advance clock 5 min</button>
          <button class="btn" data-advance="3600">Advance 1 h</button><span class="small muted" data-clock></span></div>
      </div>
      <div>
        <div class="panel" data-testid="faults-scim"><div class="panel-head"><h2>SCIM server faults</h2></div>
          <div class="form-row"><label>Answer</label><select data-f="status" data-testid="fault-status">
            <option value="500">500 Internal Server Error</option><option value="503">503 Service Unavailable</option>
            <option value="429">429 Too Many Requests</option><option value="409">409 Conflict</option>
            <option value="400">400 Bad Request</option><option value="0">no error, only latency</option></select></div>
          <div class="form-row"><label>Requests</label><div class="inline">
            <select data-f="method" style="max-width:110px"><option value="">any method</option><option>GET</option><option>POST</option>
              <option>PUT</option><option>PATCH</option><option>DELETE</option></select>
            <select data-f="path" style="max-width:150px"><option value="">any path</option><option value="/Users">/Users</option>
              <option value="/Groups">/Groups</option></select></div></div>
          <div class="form-row"><label>How many</label><div class="inline"><input type="number" data-f="count" value="1" min="-1" style="max-width:90px">
            <span class="small muted">-1 = until cleared</span></div></div>
          <div class="form-row"><label>Retry-After (429)</label><input type="number" data-f="retryAfter" value="60" min="0" style="max-width:90px"></div>
          <div class="form-row"><label>Latency ms</label><input type="number" data-f="latencyMs" value="0" min="0" style="max-width:90px"></div>
          <div class="form-actions"><button class="btn primary" data-testid="fault-add">Add fault</button>
            <button class="btn" data-testid="fault-clear">Clear all</button></div>
          <h3>Active rules</h3><div data-testid="fault-rules"></div></div>
        <div class="panel" data-testid="faults-encryption"><div class="panel-head"><h2>Encryption service</h2>
          <span data-testid="enc-health"></span></div>
          <p class="small muted" style="margin-top:0">Group provisioning on the service provider needs it "Active".</p>
          <div class="inline"><button class="btn danger" data-testid="enc-down">Take it down</button>
            <button class="btn" data-testid="enc-up">Bring it up</button></div>
          <div class="form-row"><label>Delay key operations (ms)</label><div class="inline"><input type="number" data-enc="delayMs" value="0" min="0" style="max-width:100px">
            <button class="btn sm" data-enc-apply>Apply</button></div></div>
          <div class="form-row"><label>Fail key operations with</label><div class="inline"><input type="number" data-enc="failStatus" value="0" min="0" style="max-width:100px">
            <span class="small muted">0 = off, 400–599</span></div></div>
        </div>
      </div>
    </div>`;
}

// The encryption service's fault switches; returns the function that redraws its health.
function wireEncryption(main) {
  let encFaults = { down: false, delayMs: 0, failStatus: 0 };
  async function drawEnc() {
    if (!session.links.encryption) { setHtml($('[data-testid=enc-health]', main), pill('Not linked')); return; }
    const f = await encryption('GET', 'faults').catch(() => null);
    if (f) encFaults = f;
    const health = await fetch('/sandbox/links/encryption/health').then((r) => r.json()).catch(() => ({ status: 'Unreachable' }));
    setHtml($('[data-testid=enc-health]', main), statusPill(health.status || 'Unreachable'));
    const active = document.activeElement;
    for (const el of $$('[data-enc]', main)) if (el !== active) el.value = encFaults[el.dataset.enc] || 0;
  }
  const setEnc = async (patch) => {
    try {
      encFaults = await encryption('PUT', 'faults', { ...encFaults, ...patch });
      toast(encFaults.down ? 'Encryption service is down' : 'Encryption service settings applied', encFaults.down ? 'bad' : 'ok');
      await drawEnc();
    } catch (err) { errorToast(err); }
  };
  $('[data-testid=enc-down]', main).onclick = () => setEnc({ down: true });
  $('[data-testid=enc-up]', main).onclick = () => setEnc({ down: false });
  $('[data-enc-apply]', main).onclick = () => setEnc(Object.fromEntries($$('[data-enc]', main).map((el) => [el.dataset.enc, Number(el.value || 0)])));
  return drawEnc;
}

export async function demo(main) {
  const canReset = session.features.reset === true
    || await fetch('/sandbox/reset', { headers: { Accept: 'application/json' } }).then((r) => r.ok).catch(() => false);
  setHtml(main, demoPageHtml(canReset));

  const bar = $('[data-progress]', main);
  $('[data-testid=demo-load]', main).onclick = async (e) => {
    e.target.disabled = true;
    bar.hidden = false;
    try {
      const r = await loadDemoDirectory((d, t, what) => {
        bar.firstElementChild.style.width = `${Math.round((100 * d) / t)}%`;
        $('[data-progress-text]', main).textContent = `${d} / ${t}: ${what}`;
      });
      toast(`Demo directory loaded: ${r.people} people, ${r.groups} groups`, 'ok');
      $('[data-progress-text]', main).textContent = `Done: ${r.people} people, ${r.groups} groups.`;
    } catch (err) { errorToast(err); } finally { e.target.disabled = false; }
  };
  const reset = $('[data-testid=demo-reset]', main);
  if (reset) {
    reset.onclick = async () => {
      if (!await confirmModal('Reset everything', 'Delete all people, groups, apps, tasks and traffic, and the service provider\'s data?', 'Reset', 'danger')) return;
      try { await sandbox('POST', '/reset'); toast('Sandbox reset', 'ok'); location.reload(); } catch (err) { errorToast(err); }
    };
  }
  for (const b of $$('[data-advance]', main)) {
    b.onclick = async () => {
      try { const t = await sandbox('POST', '/time', { advanceSeconds: Number(b.dataset.advance) }); $('[data-clock]', main).textContent = `now ${t.now}`; } catch (err) { errorToast(err); }
    };
  }

  // SCIM faults
  async function drawRules() {
    if (!session.links.scimAdmin) { setHtml($('[data-testid=fault-rules]', main), html`<p class="muted">No service provider linked.</p>`); return; }
    const r = await scimAdmin('GET', 'faults');
    const rules = r.rules || [];
    setHtml($('[data-testid=fault-rules]', main), rules.length ? html`<table class="grid"><tbody>${rules.map((f) => html`
      <tr data-testid="fault-rule"><td>${f.method || 'any'} ${f.path || '/*'}</td><td>${f.status ? pill(String(f.status), 'bad') : ''}
        ${f.latencyMs ? pill(`+${f.latencyMs} ms`, 'warn') : ''}${f.retryAfter !== undefined && f.status === 429 ? html` <span class="small">Retry-After ${f.retryAfter}</span>` : ''}</td>
        <td class="small">${f.count < 0 ? 'until cleared' : `${f.count} left`}</td></tr>`)}</tbody></table>`
      : html`<p class="muted" data-testid="fault-none">None: the SCIM server answers normally.</p>`);
  }
  $('[data-testid=fault-add]', main).onclick = async () => {
    try {
      const v = Object.fromEntries($$('[data-f]', main).map((el) => [el.dataset.f, el.value]));
      const rule = { status: Number(v.status), count: Number(v.count || 1), latencyMs: Number(v.latencyMs || 0) };
      if (v.method) rule.method = v.method;
      if (v.path) rule.path = v.path;
      if (rule.status === 429) rule.retryAfter = Number(v.retryAfter || 0);
      if (!rule.status && !rule.latencyMs) throw new Error('A latency-only rule needs a latency');
      const cur = (await scimAdmin('GET', 'faults')).rules || [];
      await scimAdmin('PUT', 'faults', { rules: [...cur, rule] });
      toast('Fault added', 'ok');
      await drawRules();
    } catch (err) { errorToast(err); }
  };
  $('[data-testid=fault-clear]', main).onclick = async () => {
    try { await scimAdmin('DELETE', 'faults'); await drawRules(); } catch (err) { errorToast(err); }
  };

  const drawEnc = wireEncryption(main);

  await Promise.all([drawRules().catch(errorToast), drawEnc().catch(errorToast)]);
  let n = 0;
  return {
    refresh: async () => {
      if (++n % 2) return;
      await Promise.all([drawRules(), drawEnc()]);
    },
  };
}
