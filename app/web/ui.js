// Small DOM helpers: escaped HTML templates, modals, toasts, copy to clipboard.

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ESC[c]);

class Raw {
  constructor(s) { this.s = s; }
  toString() { return this.s; }
}
export const raw = (s) => new Raw(String(s));

// html`<p>${value}</p>` escapes values; arrays are joined; raw() and nested
// html`` results are inserted as they are.
export function html(strings, ...vals) {
  let out = strings[0];
  vals.forEach((v, i) => {
    out += flatten(v) + strings[i + 1];
  });
  return new Raw(out);
}
function flatten(v) {
  if (v instanceof Raw) return v.s;
  if (Array.isArray(v)) return v.map(flatten).join('');
  if (v === null || v === undefined || v === false) return '';
  return esc(v);
}

export function setHtml(el, content) {
  el.innerHTML = flatten(content);
  nameControls(el);
  labelCells(el);
}

// Each cell of a table.grid carries its column's heading (data-label), so on a
// phone a row can be drawn as a card of "heading: value" lines (styles.css).
// The Traffic list (table.compact) keeps its columns.
export function labelCells(root) {
  const own = root.closest ? root.closest('table.grid') : null;
  const tables = own ? [own] : [...root.querySelectorAll('table.grid')];
  for (const t of tables) {
    if (t.classList.contains('compact')) continue;
    const heads = [...t.querySelectorAll(':scope > thead th')].map((th) => th.textContent.trim());
    if (!heads.length) continue;
    for (const tr of t.querySelectorAll(':scope > tbody > tr')) {
      [...tr.children].forEach((td, i) => {
        if (heads[i] && !td.hasAttribute('colspan')) td.dataset.label = heads[i];
      });
    }
  }
}

// Every control gets an accessible name from the row it sits in. A form row
// pairs a label (<label> or <div class="label">) with its control, a toggle
// row a name with a switch; where the markup does not tie them together this
// does (label for= or aria-labelledby), and a switch is named by what it
// switches rather than by its "Enabled"/"Disabled" caption.
let nameSeq = 0;
const newId = (prefix) => `${prefix}-${++nameSeq}`;
function named(c) {
  if (c.hasAttribute('aria-label') || c.hasAttribute('aria-labelledby')) return true;
  if (c.closest('label')) return true;
  return Boolean(c.id && c.ownerDocument.querySelector(`label[for="${CSS.escape(c.id)}"]`));
}
export function nameControls(root) {
  for (const sw of root.querySelectorAll('.switch input[type=checkbox]')) sw.setAttribute('role', 'switch');
  for (const row of root.querySelectorAll('.form-row, .toggle-row')) {
    const label = row.querySelector(':scope > label, :scope > .label, :scope > .name');
    if (!label) continue;
    const controls = [...row.querySelectorAll('input:not([type=hidden]), select, textarea')]
      .filter((c) => c.matches('.switch input') || !named(c));
    if (!controls.length) continue;
    const first = controls[0];
    if (label.tagName === 'LABEL' && !label.htmlFor && !first.matches('.switch input')) {
      if (!first.id) first.id = newId('field');
      label.htmlFor = first.id;
      controls.shift();
    }
    if (!controls.length) continue;
    if (!label.id) label.id = newId('label');
    for (const c of controls) if (!c.hasAttribute('aria-labelledby')) c.setAttribute('aria-labelledby', label.id);
  }
}

// A switch ({name, label, checked, disabled, testid, state}): a checkbox with
// role "switch", named by `label` (what it switches), `state` shown beside it.
export function switchControl({ name = '', label, checked = false, disabled = false, testid = '', state = '' }) {
  return html`<label class="switch"><input type="checkbox" role="switch" ${name ? html`name="${name}"` : ''} aria-label="${label}"
    ${checked ? 'checked' : ''} ${disabled ? 'disabled' : ''} ${testid ? html`data-testid="${testid}"` : ''}><span class="track"></span><span
    data-state aria-hidden="true">${state}</span></label>`;
}

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

export function toast(message, kind = '') {
  const t = document.createElement('div');
  t.className = `toast ${kind}`;
  t.dataset.testid = 'toast';
  t.textContent = message;
  const box = document.getElementById('toasts');
  // A success clears the errors before it: they are about what just worked.
  if (kind === 'ok') for (const bad of box.querySelectorAll('.toast.bad')) bad.remove();
  box.appendChild(t);
  while (box.children.length > 3) box.firstElementChild.remove();
  setTimeout(() => t.remove(), kind === 'bad' ? 7000 : 2500);
}

export function errorToast(e) { toast(e.message || String(e), 'bad'); }

let openModals = 0;
export const modalOpen = () => openModals > 0;

// modal({title, body (html), actions:[{label, kind, testid, onClick(close, root) → false keeps it open}], wide, testid})
export function modal({ title, body, actions = [], wide = false, testid = 'modal', onMount }) {
  const root = document.getElementById('modal-root');
  const back = document.createElement('div');
  back.className = 'modal-back';
  const titleId = newId('modal-title');
  back.innerHTML = String(html`<div class="modal ${wide ? 'wide' : ''}" role="dialog" aria-modal="true" aria-labelledby="${titleId}" data-testid="${testid}">
    <div class="modal-head"><h2 id="${titleId}">${title}</h2><button class="x" data-close aria-label="Close" data-testid="modal-close">×</button></div>
    <div class="modal-body">${body}</div>
    <div class="modal-foot"></div></div>`);
  const foot = back.querySelector('.modal-foot');
  const m = back.querySelector('.modal');
  openModals++;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    openModals--;
    back.remove();
    document.removeEventListener('keydown', onKey);
  };
  // Escape closes; Enter in a field presses the dialog's main button (the
  // primary one, else the last), as a form's submit would.
  const onKey = (ev) => {
    if (ev.key === 'Escape') close();
    if (ev.key !== 'Enter' || ev.isComposing || !m.contains(ev.target)) return;
    if (!ev.target.matches('input:not([type=checkbox]):not([type=radio]):not([type=button]), select')) return;
    const buttons = [...foot.querySelectorAll('button')];
    const main = buttons.find((b) => /\bprimary\b|\bdanger\b|\bsp\b/.test(b.className)) || buttons[buttons.length - 1];
    if (main && !main.disabled) { ev.preventDefault(); main.click(); }
  };
  document.addEventListener('keydown', onKey);
  back.querySelector('[data-close]').onclick = close;
  for (const a of actions) {
    const b = document.createElement('button');
    b.className = `btn ${a.kind || ''}`;
    b.textContent = a.label;
    if (a.testid) b.dataset.testid = a.testid;
    b.onclick = async () => {
      if (!a.onClick) return close();
      b.disabled = true;
      try {
        const keep = await a.onClick(close, m);
        if (keep !== false) close();
      } catch (e) {
        errorToast(e);
      } finally {
        b.disabled = false;
      }
    };
    foot.appendChild(b);
  }
  if (!actions.length) foot.remove();
  root.appendChild(back);
  nameControls(m);
  if (onMount) onMount(m, close);
  const first = m.querySelector('input, select, textarea');
  if (first) first.focus();
  return { root: m, close };
}

export function confirmModal(title, message, label = 'OK', kind = 'primary') {
  return new Promise((resolve) => {
    const { root } = modal({
      title,
      body: html`<p>${message}</p>`,
      testid: 'confirm-modal',
      actions: [
        { label: 'Cancel', onClick: () => resolve(false) },
        { label, kind, testid: 'confirm-ok', onClick: () => resolve(true) },
      ],
    });
    root.querySelector('[data-close]').addEventListener('click', () => resolve(false));
  });
}

export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.style.position = 'fixed';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    try { document.execCommand('copy'); } catch { /* nothing else to try */ }
    ta.remove();
  }
  toast('Copied to clipboard', 'ok');
}

export function download(filename, text, type = 'application/json') {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 2000);
}

export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
export function fmtClock(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function pretty(text) {
  if (text === null || text === undefined || text === '') return '';
  if (typeof text !== 'string') return JSON.stringify(text, null, 2);
  try { return JSON.stringify(JSON.parse(text), null, 2); } catch { return text; }
}

export function initials(name) {
  return String(name || '?').split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('') || '?';
}

export function pill(text, kind = '') {
  return html`<span class="pill ${kind}" data-testid="pill">${text}</span>`;
}

export function statusPill(status) {
  const s = String(status || '');
  const kind = /^(ACTIVE|SUCCESS|RESOLVED|SYNCHRONIZED|PROVISIONED|Active)$/.test(s) ? 'ok'
    : /^(ERROR|FAILURE|OPEN|DEPROVISIONED|SUSPENDED|Unreachable|Down|LOCKED_OUT|Inactive)$/.test(s) ? 'bad'
      : /^(RATE_LIMITED|RETRYING|PENDING|STAGED|INACTIVE|Not configured)$/.test(s) ? 'warn' : 'info';
  return pill(s, kind);
}

export function userDisplay(u) {
  const p = (u && u.profile) || {};
  const n = [p.firstName, p.lastName].filter(Boolean).join(' ');
  return n || p.login || (u && u.id) || '';
}

// Reads a form's named fields: checkboxes → booleans, others → trimmed strings.
export function formValues(root) {
  const out = {};
  for (const el of root.querySelectorAll('[name]')) {
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else if (el.type === 'radio') { if (el.checked) out[el.name] = el.value; }
    else out[el.name] = el.value.trim();
  }
  return out;
}

// Navigates to a hash, re-rendering even when it is the current one.
export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}
