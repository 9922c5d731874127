// SAML 2.0 in the console: Okta's "Create SAML Integration" wizard (General
// Settings → Configure SAML, with a client-side preview of the assertion) and
// a SAML app's Sign On tab (IdP metadata URL, SSO URL, issuer, signing
// certificate, the embed link, editing the settings, and the sandbox's SAML
// faults and key rotation). An app created without a Single sign-on URL has
// no settings.signOn: it is a provisioning-only (SCIM) app, as before.
import { okta, sandbox, session } from './api.js';
import { $, $$, html, setHtml, modal, confirmModal, toast, errorToast, copyText, download, pill, go, fmtTime, esc } from './ui.js';

const orgUrl = () => (session.orgUrl || location.origin).replace(/\/+$/, '');

export const nameIdFormats = [
  ['urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified', 'Unspecified'],
  ['urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', 'EmailAddress'],
  ['urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName', 'x509SubjectName'],
  ['urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', 'Persistent'],
  ['urn:oasis:names:tc:SAML:2.0:nameid-format:transient', 'Transient'],
];
const usernames = [
  ['${user.userName}', 'Okta username'],
  ['${user.email}', 'Email'],
];
const nameFormats = [
  ['urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified', 'Unspecified'],
  ['urn:oasis:names:tc:SAML:2.0:attrname-format:uri', 'URI Reference'],
  ['urn:oasis:names:tc:SAML:2.0:attrname-format:basic', 'Basic'],
];
const filterTypes = [['STARTS_WITH', 'Starts with'], ['EQUALS', 'Equals'], ['CONTAINS', 'Contains'], ['REGEX', 'Matches regex']];
const valueHints = ['user.email', 'user.firstName', 'user.lastName', 'user.login', 'user.displayName', 'user.department', 'user.title'];

export const ssoUrlOf = (app) => `${orgUrl()}/app/${app.name}/${app.id}/sso/saml`;
export const metadataUrlOf = (app) => `${orgUrl()}/app/${app.id}/sso/saml/metadata`;
export const issuerOf = (app) => `http://www.okta.com/${app.id}`;
export const hasSamlSignOn = (app) => app.signOnMode === 'SAML_2_0' && !!(app.settings && app.settings.signOn && app.settings.signOn.ssoAcsUrl);

const opts = (list, cur) => list.map(([v, l]) => html`<option value="${v}" ${v === cur ? 'selected' : ''}>${l}</option>`);

// ---------------------------------------------------------------- the form

let rowSeq = 0;
function attrRow(a = {}) {
  const n = ++rowSeq;
  return html`<div class="attr-row" data-attr-row data-testid="saml-attr-row">
    <input type="text" data-k="name" value="${a.name || ''}" aria-label="Attribute statement ${n} name" placeholder="Name" data-testid="saml-attr-name">
    <select data-k="namespace" aria-label="Attribute statement ${n} name format">${opts(nameFormats, a.namespace)}</select>
    <input type="text" data-k="value" value="${(a.values || [])[0] || ''}" list="saml-value-hints" aria-label="Attribute statement ${n} value"
      placeholder="user.email" data-testid="saml-attr-value">
    <button type="button" class="btn sm" data-remove aria-label="Remove attribute statement ${n}">Remove</button></div>`;
}
function groupRow(a = {}) {
  const n = ++rowSeq;
  return html`<div class="attr-row group" data-group-row data-testid="saml-group-row">
    <input type="text" data-k="name" value="${a.name || ''}" aria-label="Group attribute statement ${n} name" placeholder="Name" data-testid="saml-group-name">
    <select data-k="namespace" aria-label="Group attribute statement ${n} name format">${opts(nameFormats, a.namespace)}</select>
    <select data-k="filterType" aria-label="Group attribute statement ${n} filter" data-testid="saml-group-filter">${opts(filterTypes, a.filterType || 'STARTS_WITH')}</select>
    <input type="text" data-k="filterValue" value="${a.filterValue || ''}" aria-label="Group attribute statement ${n} filter value" data-testid="saml-group-value">
    <button type="button" class="btn sm" data-remove aria-label="Remove group attribute statement ${n}">Remove</button></div>`;
}

// The "Configure SAML" fields for settings.signOn `so` (empty for a new app).
// `optional`: the wizard, where an empty Single sign-on URL means provisioning-only.
export function samlFields(so = {}, { optional = false, prefix = 'saml' } = {}) {
  const same = !so.ssoAcsUrl || ((!so.recipient || so.recipient === so.ssoAcsUrl) && (!so.destination || so.destination === so.ssoAcsUrl));
  const attrs = (so.attributeStatements || []).filter((a) => (a.type || 'EXPRESSION') === 'EXPRESSION');
  const groups = (so.attributeStatements || []).filter((a) => a.type === 'GROUP');
  const id = (s) => `${prefix}-${s}`;
  return html`<div data-saml-fields>
    <h3>SAML Settings</h3>
    <div class="form-row"><label for="${id('sso-url')}">Single sign-on URL</label><div>
      <input type="url" id="${id('sso-url')}" name="ssoAcsUrl" value="${so.ssoAcsUrl || ''}" placeholder="https://sp.example.com/saml/acs" data-testid="saml-sso-url-input">
      <div class="help">The service provider's Assertion Consumer Service (ACS) URL: Okta POSTs the SAMLResponse there.
        ${optional ? html`<b>Leave it empty for a provisioning-only app</b> (SCIM, no SAML sign-on; e.g. the setup guide's app).` : ''}</div>
      <label class="inline" style="margin-top:6px"><input type="checkbox" name="sameUrl" ${same ? 'checked' : ''} data-testid="saml-same-url">
        Use this for Recipient URL and Destination URL</label></div></div>
    <div class="form-row" data-other-urls ${same ? 'hidden' : ''}><label for="${id('recipient')}">Recipient URL</label>
      <input type="url" id="${id('recipient')}" name="recipient" value="${so.recipient || ''}" data-testid="saml-recipient"></div>
    <div class="form-row" data-other-urls ${same ? 'hidden' : ''}><label for="${id('destination')}">Destination URL</label>
      <input type="url" id="${id('destination')}" name="destination" value="${so.destination || ''}" data-testid="saml-destination"></div>
    <div class="form-row"><label for="${id('audience')}">Audience URI (SP Entity ID)</label><div>
      <input type="text" id="${id('audience')}" name="audience" value="${so.audience || ''}" placeholder="https://sp.example.com/saml/metadata" data-testid="saml-audience">
      <div class="help">The entity id of the service provider; the assertion's Audience.</div></div></div>
    <div class="form-row"><label for="${id('relay')}">Default RelayState</label><div>
      <input type="text" id="${id('relay')}" name="defaultRelayState" value="${so.defaultRelayState || ''}" data-testid="saml-relay-state">
      <div class="help">Where the app sends people after IdP-initiated sign-in. Optional.</div></div></div>
    <div class="form-row"><label for="${id('nameid-format')}">Name ID format</label>
      <select id="${id('nameid-format')}" name="subjectNameIdFormat" data-testid="saml-nameid-format">${opts(nameIdFormats, so.subjectNameIdFormat || nameIdFormats[0][0])}</select></div>
    <div class="form-row"><label for="${id('username')}">Application username</label>
      <select id="${id('username')}" name="subjectNameIdTemplate" data-testid="saml-username">${opts(usernames, so.subjectNameIdTemplate || '${user.userName}')}</select></div>
    <div class="form-row"><label for="${id('response-signed')}">Response</label>
      <select id="${id('response-signed')}" name="responseSigned" data-testid="saml-response-signed">${opts([['true', 'Signed'], ['false', 'Unsigned']], String(so.responseSigned !== false))}</select></div>
    <div class="form-row"><label for="${id('assertion-signed')}">Assertion Signature</label>
      <select id="${id('assertion-signed')}" name="assertionSigned" data-testid="saml-assertion-signed">${opts([['true', 'Signed'], ['false', 'Unsigned']], String(so.assertionSigned !== false))}</select></div>
    <div class="form-row"><div class="label">Signature Algorithm</div><div class="value">RSA-SHA256 · Digest SHA256 <span class="muted small">(the sandbox signs with these only)</span></div></div>
    <h3>Attribute Statements (optional)</h3>
    <div class="attr-head" aria-hidden="true"><span>Name</span><span>Name format</span><span>Value</span><span></span></div>
    <div data-attrs>${attrs.map((a) => attrRow(a))}</div>
    <button type="button" class="btn sm" data-add-attr data-testid="saml-add-attr">Add Another</button>
    <datalist id="saml-value-hints">${valueHints.map((v) => html`<option value="${v}">`)}</datalist>
    <h3>Group Attribute Statements (optional)</h3>
    <div class="attr-head group" aria-hidden="true"><span>Name</span><span>Name format</span><span>Filter</span><span>Value</span><span></span></div>
    <div data-groups>${groups.map((a) => groupRow(a))}</div>
    <button type="button" class="btn sm" data-add-group data-testid="saml-add-group">Add Another</button>
    <div class="saml-preview">
      <button type="button" class="btn" data-preview-toggle data-testid="saml-preview-toggle">Preview the SAML Assertion</button>
      <div data-preview hidden data-testid="saml-preview">
        <div class="callout warn small">Preview only: built in your browser from this form (expressions shown unevaluated, no signature
          values). The IdP's real Response is signed and carries a person's values.</div>
        <pre class="body" data-testid="saml-preview-xml"></pre></div></div>
  </div>`;
}

// Reads the form: {signOn} or null (no Single sign-on URL).
export function readSamlFields(root) {
  const f = $('[data-saml-fields]', root);
  const val = (n) => (($(`[name=${n}]`, f) || {}).value || '').trim();
  const acs = val('ssoAcsUrl');
  const same = $('[name=sameUrl]', f).checked;
  const attributeStatements = [];
  for (const r of $$('[data-attr-row]', f)) {
    const g = (k) => $(`[data-k=${k}]`, r).value.trim();
    if (!g('name') && !g('value')) continue;
    attributeStatements.push({ type: 'EXPRESSION', name: g('name'), namespace: g('namespace'), values: [g('value')] });
  }
  for (const r of $$('[data-group-row]', f)) {
    const g = (k) => $(`[data-k=${k}]`, r).value.trim();
    if (!g('name') && !g('filterValue')) continue;
    attributeStatements.push({ type: 'GROUP', name: g('name'), namespace: g('namespace'), filterType: g('filterType'), filterValue: g('filterValue') });
  }
  if (!acs) return null;
  return {
    defaultRelayState: val('defaultRelayState'),
    ssoAcsUrl: acs,
    idpIssuer: 'http://www.okta.com/${org.externalKey}',
    audience: val('audience'),
    recipient: same ? acs : val('recipient') || acs,
    destination: same ? acs : val('destination') || acs,
    subjectNameIdTemplate: val('subjectNameIdTemplate'),
    subjectNameIdFormat: val('subjectNameIdFormat'),
    responseSigned: val('responseSigned') === 'true',
    assertionSigned: val('assertionSigned') === 'true',
    signatureAlgorithm: 'RSA_SHA256',
    digestAlgorithm: 'SHA256',
    honorForceAuthn: true,
    authnContextClassRef: 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport',
    attributeStatements,
  };
}

// The assertion as the IdP would build it from these settings (unsigned, unevaluated).
export function previewXml(so, appId) {
  const x = (s) => esc(s);
  const now = new Date();
  const t = (d) => new Date(now.getTime() + d * 1000).toISOString().replace(/\.\d+Z$/, '.000Z');
  const issuer = `http://www.okta.com/${appId || '{appId}'}`;
  const sig = (ref) => `\n    <ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><!-- RSA-SHA256 over #${ref}, certificate in KeyInfo --></ds:Signature>`;
  const attrs = (so.attributeStatements || []).map((a) => a.type === 'GROUP'
    ? `\n      <saml2:Attribute Name="${x(a.name)}" NameFormat="${x(a.namespace)}">\n        <saml2:AttributeValue xsi:type="xs:string">(each group whose name ${x((filterTypes.find((f) => f[0] === a.filterType) || [0, a.filterType])[1].toLowerCase())} "${x(a.filterValue)}")</saml2:AttributeValue>\n      </saml2:Attribute>`
    : `\n      <saml2:Attribute Name="${x(a.name)}" NameFormat="${x(a.namespace)}">${(a.values || []).map((v) => `\n        <saml2:AttributeValue xsi:type="xs:string">${x(v)}</saml2:AttributeValue>`).join('')}\n      </saml2:Attribute>`).join('');
  return `<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" Destination="${x(so.destination || so.ssoAcsUrl)}" ID="id-preview-response" IssueInstant="${t(0)}" Version="2.0">
  <saml2:Issuer xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${x(issuer)}</saml2:Issuer>${so.responseSigned ? sig('id-preview-response') : ''}
  <saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>
  <saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="id-preview-assertion" IssueInstant="${t(0)}" Version="2.0">
    <saml2:Issuer Format="urn:oasis:names:tc:SAML:2.0:nameid-format:entity">${x(issuer)}</saml2:Issuer>${so.assertionSigned ? sig('id-preview-assertion') : ''}
    <saml2:Subject>
      <saml2:NameID Format="${x(so.subjectNameIdFormat)}">${x(so.subjectNameIdTemplate)}</saml2:NameID>
      <saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml2:SubjectConfirmationData NotOnOrAfter="${t(300)}" Recipient="${x(so.recipient || so.ssoAcsUrl)}"/>
      </saml2:SubjectConfirmation>
    </saml2:Subject>
    <saml2:Conditions NotBefore="${t(-300)}" NotOnOrAfter="${t(300)}">
      <saml2:AudienceRestriction><saml2:Audience>${x(so.audience)}</saml2:Audience></saml2:AudienceRestriction>
    </saml2:Conditions>
    <saml2:AuthnStatement AuthnInstant="${t(0)}" SessionIndex="id-preview-session">
      <saml2:AuthnContext><saml2:AuthnContextClassRef>${x(so.authnContextClassRef || 'urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport')}</saml2:AuthnContextClassRef></saml2:AuthnContext>
    </saml2:AuthnStatement>${attrs ? `\n    <saml2:AttributeStatement>${attrs}\n    </saml2:AttributeStatement>` : ''}
  </saml2:Assertion>
</saml2p:Response>`;
}

export function wireSamlFields(root, appId) {
  const f = $('[data-saml-fields]', root);
  const same = $('[name=sameUrl]', f);
  const preview = $('[data-preview]', f);
  const update = () => {
    if (preview.hidden) return;
    const so = readSamlFields(root);
    $('[data-testid=saml-preview-xml]', f).textContent = so ? previewXml(so, appId)
      : 'No Single sign-on URL: this app will be provisioning-only (no SAML sign-on, so no assertion).';
  };
  same.onchange = () => {
    for (const r of $$('[data-other-urls]', f)) r.hidden = same.checked;
    if (!same.checked) {
      const acs = $('[name=ssoAcsUrl]', f).value;
      for (const n of ['recipient', 'destination']) { const el = $(`[name=${n}]`, f); if (!el.value) el.value = acs; }
    }
    update();
  };
  const wireRemove = () => { for (const b of $$('[data-remove]', f)) b.onclick = () => { b.parentElement.remove(); update(); }; };
  $('[data-add-attr]', f).onclick = () => { $('[data-attrs]', f).insertAdjacentHTML('beforeend', String(attrRow())); wireRemove(); };
  $('[data-add-group]', f).onclick = () => { $('[data-groups]', f).insertAdjacentHTML('beforeend', String(groupRow())); wireRemove(); };
  wireRemove();
  $('[data-preview-toggle]', f).onclick = () => { preview.hidden = !preview.hidden; update(); };
  f.addEventListener('input', update);
  f.addEventListener('change', update);
}

// ---------------------------------------------------------------- wizard

export function samlWizard() {
  let stepNo = 1;
  const { root } = modal({
    title: 'Create SAML Integration',
    testid: 'saml-wizard',
    wide: true,
    body: html`<ol class="wizard-steps" data-testid="saml-wizard-steps"><li data-s="1" class="active">1 General Settings</li><li data-s="2">2 Configure SAML</li></ol>
      <div data-step="1"><h3>General Settings</h3>
        <div class="form-row"><label for="saml-app-name">App name</label>
          <input type="text" id="saml-app-name" name="label" value="My SAML App" data-testid="saml-app-name"></div>
        <div class="form-row"><div class="label">App visibility</div><div class="value muted">Shown on the Okta End-User Dashboard</div></div></div>
      <div data-step="2" hidden>
        <div class="callout" data-provisioning-only hidden data-testid="saml-provisioning-only">No Single sign-on URL: <b>Finish</b> creates a
          provisioning-only app (SCIM, no SAML sign-on). Enable SCIM provisioning on its General tab.</div>
        ${samlFields({}, { optional: true })}</div>`,
    actions: [
      { label: 'Cancel' },
      {
        label: 'Back', testid: 'saml-back',
        onClick: () => { show(1); return false; },
      },
      {
        label: 'Next', kind: 'primary', testid: 'saml-next',
        onClick: async () => {
          if (stepNo === 1) {
            if (!$('#saml-app-name', root).value.trim()) throw new Error('App name: The field cannot be left blank.');
            show(2);
            $('#saml-sso-url', root).focus();
            return false;
          }
          const label = $('#saml-app-name', root).value.trim();
          const so = readSamlFields(root);
          if (so && !so.audience) throw new Error('Audience URI (SP Entity ID): The field cannot be left blank.');
          const body = { label, signOnMode: 'SAML_2_0', settings: so ? { signOn: so } : { app: {} } };
          const app = await okta('POST', '/apps?activate=true', body);
          toast(so ? `${app.label} created` : `${app.label} created (provisioning-only, no SAML sign-on)`, 'ok');
          go(so ? `#/apps/${app.id}/sign-on` : `#/apps/${app.id}/general`);
          return true;
        },
      },
    ],
  });
  const back = $('[data-testid=saml-back]', root), next = $('[data-testid=saml-next]', root);
  const acs = $('#saml-sso-url', root);
  const syncOnly = () => { $('[data-provisioning-only]', root).hidden = !!acs.value.trim(); };
  acs.addEventListener('input', syncOnly);
  function show(n) {
    stepNo = n;
    for (const s of $$('[data-step]', root)) s.hidden = s.dataset.step !== String(n);
    for (const li of $$('.wizard-steps li', root)) li.classList.toggle('active', li.dataset.s === String(n));
    back.hidden = n === 1;
    next.textContent = n === 1 ? 'Next' : 'Finish';
    syncOnly();
  }
  wireSamlFields(root, null);
  show(1);
  $('#saml-app-name', root).select();
}

// ---------------------------------------------------------------- Sign On tab

const faultLabels = [
  ['wrongAudience', 'Wrong audience', 'The Audience is urn:okta-sandbox:wrong-audience instead of the app\'s.'],
  ['expiredCertificate', 'Expired certificate', 'Signed with another key whose certificate expired yesterday (not the published one).'],
  ['unsignedAssertion', 'Unsigned assertion', 'The Assertion carries no signature (the Response keeps its own if signed).'],
];

export async function samlSignOnTab(body, app) {
  let editing = !hasSamlSignOn(app);
  async function draw() {
    const so = (app.settings && app.settings.signOn) || {};
    if (!hasSamlSignOn(app)) {
      setHtml(body, html`<div class="panel" data-testid="saml-settings-panel"><div class="panel-head"><h2>SAML 2.0</h2></div>
        <div class="callout" data-testid="saml-not-configured">This app is provisioning-only: it has no SAML sign-on (no Single sign-on URL).
          Fill in the settings below to add SAML sign-on; SCIM provisioning is unaffected.</div>
        <div data-edit>${samlFields({}, { prefix: 'so-saml' })}</div>
        <div class="form-actions"><button class="btn primary" data-testid="saml-save">Save</button></div></div>`);
      wireEdit();
      return;
    }
    const [cert, faults] = await Promise.all([
      okta('GET', `/apps/${app.id}/saml/certificate`).catch(() => null),
      sandbox('GET', `/apps/${app.id}/saml-faults`).catch(() => null),
    ]);
    const sso = ssoUrlOf(app), meta = metadataUrlOf(app), iss = issuerOf(app);
    const attrs = so.attributeStatements || [];
    setHtml(body, html`
      <div class="panel" data-testid="saml-idp-panel"><div class="panel-head"><h2>SAML 2.0</h2></div>
        <p class="muted small" style="margin-top:0">Give the service provider the metadata URL (or these values). The SSO URL takes
          HTTP-Redirect and HTTP-POST AuthnRequests; Okta answers with an HTTP-POST to the ACS URL.</p>
        <div class="form-row"><div class="label">Metadata URL</div><div class="value mono small">
          <a href="${meta}" target="_blank" rel="noopener" data-testid="saml-metadata-url">${meta}</a>
          <button class="btn sm" data-copy="${meta}" aria-label="Copy metadata URL">Copy</button></div></div>
        <div class="form-row"><label for="saml-idp-sso">Identity Provider Single Sign-On URL</label><div class="inline">
          <input type="text" id="saml-idp-sso" readonly class="secret" value="${sso}" data-testid="saml-idp-sso-url">
          <button class="btn sm" data-copy="${sso}" aria-label="Copy the Single Sign-On URL">Copy</button></div></div>
        <div class="form-row"><label for="saml-idp-issuer">Identity Provider Issuer</label><div class="inline">
          <input type="text" id="saml-idp-issuer" readonly class="secret" value="${iss}" data-testid="saml-idp-issuer">
          <button class="btn sm" data-copy="${iss}" aria-label="Copy the issuer">Copy</button></div></div>
        <div class="form-row"><div class="label">X.509 Certificate</div><div>${cert ? html`
          <pre class="body cert" data-testid="saml-certificate">${cert.pem}</pre>
          <div class="small muted" data-testid="saml-cert-validity">kid <span class="mono">${cert.kid}</span> · valid ${fmtTime(cert.notBefore)} – ${fmtTime(cert.notAfter)}</div>
          <div class="inline" style="margin-top:6px"><button class="btn sm" data-testid="saml-download-cert">Download .cert</button>
            <button class="btn sm" data-testid="saml-rotate">Rotate signing certificate</button></div>`
    : html`<div class="muted">No certificate available.</div>`}</div></div>
        <div class="form-row"><div class="label">Embed link</div><div>
          <a href="${sso}" target="_blank" rel="noopener" class="mono small" data-testid="saml-embed-link">${sso}</a>
          <div class="help">IdP-initiated sign-in: opens the SSO URL; a signed-in, assigned person lands in the app
            (add <code>?RelayState=…</code> to choose where). Others see the sign-in page first.</div></div></div>
      </div>
      <div class="panel" data-testid="saml-settings-panel"><div class="panel-head"><h2>SAML Settings</h2>
        ${editing ? '' : html`<button class="btn" data-testid="saml-edit">Edit</button>`}</div>
        ${editing ? html`<div data-edit>${samlFields(so, { prefix: 'so-saml' })}</div>
          <div class="form-actions"><button class="btn primary" data-testid="saml-save">Save</button>
            <button class="btn" data-testid="saml-cancel">Cancel</button></div>` : html`
        <div class="form-row"><div class="label">Single sign-on URL</div><div class="value mono small" data-testid="saml-acs">${so.ssoAcsUrl}</div></div>
        <div class="form-row"><div class="label">Recipient URL</div><div class="value mono small">${so.recipient}</div></div>
        <div class="form-row"><div class="label">Destination URL</div><div class="value mono small">${so.destination}</div></div>
        <div class="form-row"><div class="label">Audience URI (SP Entity ID)</div><div class="value mono small" data-testid="saml-audience-value">${so.audience}</div></div>
        <div class="form-row"><div class="label">Default RelayState</div><div class="value small">${so.defaultRelayState || html`<span class="muted">None</span>`}</div></div>
        <div class="form-row"><div class="label">Name ID format</div><div class="value small">${(nameIdFormats.find((f) => f[0] === so.subjectNameIdFormat) || [0, so.subjectNameIdFormat])[1]}</div></div>
        <div class="form-row"><div class="label">Application username</div><div class="value mono small">${so.subjectNameIdTemplate}</div></div>
        <div class="form-row"><div class="label">Signatures</div><div class="value small">Response ${so.responseSigned ? 'signed' : 'unsigned'} ·
          Assertion ${so.assertionSigned ? 'signed' : 'unsigned'} · RSA-SHA256 / SHA256</div></div>
        <div class="form-row"><div class="label">Attribute statements</div><div class="value small">${attrs.length ? attrs.map((a) => html`<div data-testid="saml-attr-summary">
          <span class="mono">${a.name}</span> → ${a.type === 'GROUP' ? html`groups ${(filterTypes.find((f) => f[0] === a.filterType) || [0, a.filterType])[1].toLowerCase()} <span class="mono">${a.filterValue}</span>`
    : html`<span class="mono">${(a.values || []).join(', ')}</span>`}</div>`) : html`<span class="muted">None</span>`}</div></div>`}
      </div>
      <div class="panel sandbox-faults" data-testid="saml-faults-panel"><div class="panel-head"><h2>SAML faults</h2>${pill('Sandbox only', 'warn')}</div>
        <div class="callout warn" data-testid="saml-faults-note"><b>Sandbox only — for reproducing bug reports.</b> Real Okta has no such switches.
          They change what this app's SSO URL sends, so a service provider's error handling can be tried.</div>
        ${faults ? html`
        <div class="form-row"><label for="saml-fault-skew">Clock skew (seconds)</label><div><div class="inline">
          <input type="number" id="saml-fault-skew" step="1" value="${faults.clockSkewSeconds}" style="max-width:140px" data-testid="saml-fault-skew">
          <button class="btn sm" data-testid="saml-fault-skew-apply">Apply</button></div>
          <div class="help">Every time in the Response shifted (IdP clock ahead: +, behind: −). 0 = off.</div></div></div>
        ${faultLabels.map(([k, label, help]) => html`<div class="form-row"><div class="label">${label}</div><div>
          <label class="inline"><input type="checkbox" data-fault="${k}" ${faults[k] ? 'checked' : ''} data-testid="saml-fault-${k}"> ${label}</label>
          <div class="help">${help}</div></div></div>`)}
        <div class="form-row"><label for="saml-fault-missing">Missing attribute</label><div>
          <select id="saml-fault-missing" data-testid="saml-fault-missing"><option value="">None</option>
            ${attrs.map((a) => html`<option value="${a.name}" ${faults.missingAttribute === a.name ? 'selected' : ''}>${a.name}</option>`)}</select>
          <div class="help">That attribute statement is left out of the assertion.</div></div></div>` : html`<div class="muted">Faults are not available.</div>`}
      </div>`);
    for (const b of $$('[data-copy]', body)) b.onclick = () => copyText(b.dataset.copy);
    const dl = $('[data-testid=saml-download-cert]', body);
    if (dl) dl.onclick = () => download('okta.cert', cert.pem, 'application/x-x509-ca-cert');
    const rot = $('[data-testid=saml-rotate]', body);
    if (rot) {
      rot.onclick = async () => {
        if (!await confirmModal('Rotate signing certificate', `Give ${app.label} a new signing key and certificate now? The metadata changes at once; a service provider configured with the old certificate rejects the next assertions (as with Okta).`, 'Rotate', 'danger')) return;
        try { await sandbox('POST', `/apps/${app.id}/saml/keys/rotate`); toast('Signing certificate rotated', 'ok'); await draw(); } catch (e) { errorToast(e); }
      };
    }
    const patch = async (p) => {
      try { await sandbox('PATCH', `/apps/${app.id}/saml-faults`, p); toast('SAML fault saved', 'ok'); } catch (e) { errorToast(e); await draw(); }
    };
    for (const c of $$('[data-fault]', body)) c.onchange = () => patch({ [c.dataset.fault]: c.checked });
    const skew = $('[data-testid=saml-fault-skew-apply]', body);
    if (skew) {
      skew.onclick = () => {
        const n = Number($('#saml-fault-skew', body).value || 0);
        if (!Number.isInteger(n)) return errorToast(new Error('Clock skew: a whole number of seconds'));
        return patch({ clockSkewSeconds: n });
      };
    }
    const miss = $('#saml-fault-missing', body);
    if (miss) miss.onchange = () => patch({ missingAttribute: miss.value || null });
    const e = $('[data-testid=saml-edit]', body);
    if (e) e.onclick = () => { editing = true; draw(); };
    const c = $('[data-testid=saml-cancel]', body);
    if (c) c.onclick = () => { editing = false; draw(); };
    if (editing) wireEdit();
  }
  function wireEdit() {
    const ed = $('[data-edit]', body);
    wireSamlFields(ed, app.id);
    const s = $('[data-testid=saml-save]', body);
    s.onclick = async () => {
      s.disabled = true;
      try {
        const so = readSamlFields(ed);
        if (!so) throw new Error('Single sign-on URL: The field cannot be left blank.');
        const settings = { ...(app.settings || {}), signOn: so };
        const was = hasSamlSignOn(app);
        app = await okta('PUT', `/apps/${app.id}`, { name: app.name, label: app.label, signOnMode: app.signOnMode, settings });
        editing = false;
        toast('SAML settings saved', 'ok');
        if (!was) go(`#/apps/${app.id}/sign-on`); else await draw();
      } catch (err) { errorToast(err); s.disabled = false; }
    };
  }
  await draw();
  return null;
}
