// Okta's Express middleware (@okta/oidc-middleware, used unchanged) signs a
// user in to a small Express app against the mock Okta of `okta-sandbox up`:
// once with the custom authorization server "default" as the issuer
// ({org}/oauth2/default), once with the org authorization server ({org}).
// There is no browser: a tiny HTTP client with a cookie jar (sandbox.mjs)
// follows the redirects, reads the sign-in page's form and posts it, exactly
// as a browser would.
//
// The directory is set up through /api/v1 with the SSWS token: Ann is in the
// group assigned to the OIDC app, Dan is not.
//
// Note: ExpressOIDC registers its passport strategy on the global passport
// singleton, so only one ExpressOIDC can be live in a process; the two
// issuers run one after the other, each with its own Express app and OIDC app.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import {
  Browser, PASSWORD, addUserToGroup, assignGroupToApp, createGroup, createOidcWebApp, createUser,
  decodeJwt, pageText, parseForms, startSandbox,
} from './sandbox.mjs';

const require = createRequire(import.meta.url);
const express = require('express');
const session = require('express-session');
const { ExpressOIDC } = require('@okta/oidc-middleware');

const NOT_ASSIGNED = 'User is not assigned to the client application.';

let sb;
const users = {};
let group;

// ---- the Express app under test ----

// Starts an Express app on a free port; ExpressOIDC is added by configure()
// once the OIDC app (whose redirect URI needs the port) exists.
async function startWebApp() {
  const app = express();
  const server = http.createServer(app);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const errors = [];
  const web = { app, server, base, errors, callbackErrors: [] };

  web.configure = ({ issuer, clientId, clientSecret, customCallbackHandler }) => {
    const routes = {};
    if (customCallbackHandler) {
      // The documented custom callback handler (arity 4 receives the error the
      // middleware got from the authorization response). With a custom handler
      // the session is regenerated on login (returnTo is lost), so afterCallback
      // names where to go.
      routes.loginCallback = {
        afterCallback: '/profile',
        handler: (err, req, res, next) => {
          if (!err) return next();
          web.callbackErrors.push(err);
          return res.status(403).json({
            name: err.name, error: err.error, error_description: err.error_description, message: err.message,
          });
        },
      };
    }
    const oidc = new ExpressOIDC({
      issuer,
      client_id: clientId,
      client_secret: clientSecret,
      appBaseUrl: base,
      scope: 'openid profile email',
      routes,
      testing: { disableHttpsCheck: true },
    });
    oidc.on('error', (e) => errors.push(e));
    app.use(session({ secret: 'okta-sandbox-js-tests', resave: false, saveUninitialized: false }));
    app.use(oidc.router);
    app.get('/', (req, res) => res.type('text/plain').send(req.isAuthenticated() ? 'signed in' : 'home'));
    app.get('/profile', oidc.ensureAuthenticated(), (req, res) => res.json(req.userContext));
    web.oidc = oidc;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`ExpressOIDC not ready in 15 s (issuer ${issuer}); errors: ${errors.map(String)}`)), 15000);
      oidc.once('ready', () => { clearTimeout(timer); resolve(); });
      oidc.once('error', (e) => { clearTimeout(timer); reject(new Error(`ExpressOIDC failed to start with issuer ${issuer}: ${e.stack || e}`)); });
    });
  };

  web.stop = () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); });
  return web;
}

// ---- signing in like a browser ----

// GET a protected page of the app: it must end on the mock's sign-in page.
async function openSignInPage(browser, web, from = '/profile') {
  const page = await browser.get(web.base + from);
  assert.equal(page.status, 200, `${from} should end on the sign-in page:\n${browser.trace()}\n${page.text.slice(0, 500)}`);
  const url = new URL(page.url);
  assert.equal(url.origin, sb.orgUrl, `sign-in page origin:\n${browser.trace()}`);
  assert.equal(url.pathname, '/login/login.htm', `sign-in page path:\n${browser.trace()}`);
  const forms = parseForms(page.text);
  const form = forms.find((f) => f.inputs.some((i) => i.name === 'username'));
  assert.ok(form, `a form with name="username" on the sign-in page:\n${page.text.slice(0, 2000)}`);
  return { page, form };
}

function checkSignInForm(browser, { page, form }) {
  assert.equal(form.method.toLowerCase(), 'post');
  assert.equal(new URL(form.action, page.url).pathname, '/login/signin');
  const names = form.inputs.map((i) => i.name);
  for (const n of ['username', 'password', 'fromURI', '_xsrfToken']) assert.ok(names.includes(n), `input ${n} in ${names}`);
  assert.equal(form.inputs.find((i) => i.name === 'password').type, 'password');
  assert.equal(form.inputs.find((i) => i.name === 'fromURI').type, 'hidden');
  assert.equal(form.inputs.find((i) => i.name === '_xsrfToken').type, 'hidden');
  const xsrf = browser.jar.get('okta_sandbox_xsrf', page.url);
  assert.ok(xsrf, `cookie okta_sandbox_xsrf set by the sign-in page; cookies: ${browser.jar.cookies.map((c) => c.name)}`);
  assert.ok(form.fields._xsrfToken, 'the _xsrfToken is not empty');
  assert.equal(form.fields._xsrfToken, xsrf.value, '_xsrfToken = the okta_sandbox_xsrf cookie (double submit)');
  // fromURI = the path + query of the authorize request that sent us here.
  const authorize = [...browser.history].reverse().find((h) => /\/v1\/authorize\?/.test(h.url));
  assert.ok(authorize, `an authorize request in:\n${browser.trace()}`);
  // (Compared as path + parameters: the mock re-encodes the query, e.g. with the parameters sorted.)
  const a = new URL(authorize.url);
  const f = new URL(form.fields.fromURI, sb.orgUrl);
  assert.ok(form.fields.fromURI.startsWith('/'), `fromURI is a path: ${form.fields.fromURI}`);
  const params = (u) => [...u.searchParams].map(([k, v]) => `${k}=${v}`).sort();
  assert.equal(f.pathname, a.pathname, 'fromURI is the authorize endpoint');
  assert.deepEqual(params(f), params(a), 'fromURI has the authorize request\'s parameters');
  const text = pageText(page.text);
  for (const s of ['Username', 'Password', 'Sign in']) assert.ok(text.includes(s), `"${s}" on the page: ${text.slice(0, 400)}`);
}

async function signIn(browser, web, login, password) {
  const p = await openSignInPage(browser, web);
  return browser.submit(p.page.url, p.form, { username: login, password });
}

// ---- the suite ----

describe('@okta/oidc-middleware signs in to an Express app against okta-sandbox', { concurrency: false }, () => {
  before(async () => {
    sb = await startSandbox();
    users.ann = await createUser(sb, { firstName: 'Ann', lastName: 'Lee', login: 'ann.lee@corp.example' });
    users.dan = await createUser(sb, { firstName: 'Dan', lastName: 'Fox', login: 'dan.fox@corp.example' });
    group = await createGroup(sb, 'Web App Users');
    await addUserToGroup(sb, group.id, users.ann.id);
  });

  after(async () => {
    if (sb) await sb.stop();
  });

  const cases = [
    { name: 'custom authorization server "default"', issuer: () => `${sb.orgUrl}/oauth2/default`, customCallbackHandler: false },
    { name: 'org authorization server', issuer: () => sb.orgUrl, customCallbackHandler: true },
  ];

  for (const c of cases) {
    describe(`issuer: ${c.name}`, { concurrency: false }, () => {
      let web;
      let oidcApp;
      let issuer;

      before(async () => {
        issuer = c.issuer();
        web = await startWebApp();
        oidcApp = await createOidcWebApp(sb, {
          label: `Express (${c.name})`,
          redirectUris: [`${web.base}/authorization-code/callback`],
          postLogoutRedirectUris: [`${web.base}/`],
        });
        await assignGroupToApp(sb, oidcApp.id, group.id);
        await web.configure({
          issuer,
          clientId: oidcApp.credentials.oauthClient.client_id,
          clientSecret: oidcApp.credentials.oauthClient.client_secret,
          customCallbackHandler: c.customCallbackHandler,
        });
      });

      after(async () => {
        if (web) await web.stop();
      });

      it('the OIDC app has a client id (= app id) and a secret', () => {
        assert.equal(oidcApp.signOnMode, 'OPENID_CONNECT');
        assert.equal(oidcApp.credentials.oauthClient.client_id, oidcApp.id);
        assert.ok(oidcApp.credentials.oauthClient.client_secret, 'client_secret');
        assert.equal(oidcApp.credentials.oauthClient.token_endpoint_auth_method, 'client_secret_basic');
      });

      it('the sign-in page has the contract\'s form (fromURI, _xsrfToken = okta_sandbox_xsrf cookie)', async () => {
        const browser = new Browser();
        const p = await openSignInPage(browser, web);
        const hops = browser.history.map((h) => new URL(h.url));
        assert.equal(hops[0].pathname, '/profile');
        assert.equal(hops[1].pathname, '/login', 'ensureAuthenticated redirects to the login route');
        // The org server's endpoints are under {org}/oauth2/v1, the custom server's under {issuer}/v1.
        const authorizeEndpoint = issuer === sb.orgUrl ? `${sb.orgUrl}/oauth2/v1/authorize` : `${issuer}/v1/authorize`;
        assert.equal(`${hops[2].origin}${hops[2].pathname}`, authorizeEndpoint,
          'the middleware sends the browser to the discovered authorize endpoint');
        const q = hops[2].searchParams;
        assert.equal(q.get('client_id'), oidcApp.id);
        assert.equal(q.get('response_type'), 'code');
        assert.equal(q.get('redirect_uri'), `${web.base}/authorization-code/callback`);
        checkSignInForm(browser, p);
      });

      it('signs Ann in: the protected route shows req.userContext (userinfo + tokens)', async () => {
        const browser = new Browser();
        const res = await signIn(browser, web, users.ann.profile.login, PASSWORD);
        assert.equal(res.status, 200, `after sign-in:\n${browser.trace()}\n${res.text.slice(0, 1000)}\nmiddleware errors: ${web.errors.map(String)}`);
        assert.equal(new URL(res.url).href, `${web.base}/profile`, `ends on /profile:\n${browser.trace()}`);

        // The hops: POST /login/signin → 302 fromURI (authorize) → 302 callback?code&state → 302 /profile.
        const signinHop = browser.history.find((h) => h.method === 'POST' && new URL(h.url).pathname === '/login/signin');
        assert.equal(signinHop.status, 302, browser.trace());
        const sid = browser.jar.get('sid', sb.orgUrl);
        assert.ok(sid, `the mock set the sid cookie; cookies: ${browser.jar.cookies.map((x) => x.name)}`);
        assert.ok('httponly' in sid.attrs, 'sid is HttpOnly');
        assert.equal((sid.attrs.samesite || '').toLowerCase(), 'lax', 'sid is SameSite=Lax');
        assert.equal(sid.path, '/');
        const callbackHop = browser.history.find((h) => new URL(h.url).pathname === '/authorization-code/callback');
        assert.ok(callbackHop, browser.trace());
        const cb = new URL(callbackHop.url).searchParams;
        assert.ok(cb.get('code'), 'code on the callback');
        assert.ok(cb.get('state'), 'state on the callback');

        const ctx = res.body;
        assert.ok(ctx && ctx.userinfo, `userContext.userinfo: ${res.text.slice(0, 1000)}`);
        assert.equal(ctx.userinfo.sub, users.ann.id, 'userinfo sub = the Okta user id');
        assert.equal(ctx.userinfo.email, users.ann.profile.email);
        assert.equal(ctx.userinfo.preferred_username, users.ann.profile.login);
        assert.equal(ctx.userinfo.name, 'Ann Lee');
        assert.equal(ctx.userinfo.given_name, 'Ann');
        assert.equal(ctx.userinfo.family_name, 'Lee');

        assert.ok(ctx.tokens.access_token, 'access token in userContext.tokens');
        assert.ok(ctx.tokens.id_token, 'ID token in userContext.tokens');
        assert.equal(ctx.tokens.token_type, 'Bearer');
        const id = decodeJwt(ctx.tokens.id_token).payload;
        assert.equal(id.iss, issuer);
        assert.equal(id.sub, users.ann.id);
        assert.equal(id.aud, oidcApp.id);
        assert.equal(id.email, users.ann.profile.email);
        if (issuer !== sb.orgUrl) {
          const at = decodeJwt(ctx.tokens.access_token).payload;
          assert.equal(at.iss, issuer);
          assert.equal(at.aud, 'api://default');
          assert.equal(at.uid, users.ann.id);
          assert.equal(at.sub, users.ann.profile.login);
          assert.equal(at.cid, oidcApp.id);
        }
        assert.deepEqual(web.errors.map(String), []);

        // Signed in to the app, and the Okta session lets a second visit through without the page.
        const home = await browser.get(`${web.base}/`);
        assert.equal(home.text, 'signed in');
        const again = await browser.get(`${web.base}/profile`);
        assert.equal(again.status, 200);
        assert.equal(again.body.userinfo.sub, users.ann.id);
      });

      it('the Okta session signs in again without the page (SSO)', async () => {
        const browser = new Browser();
        await signIn(browser, web, users.ann.profile.login, PASSWORD);
        // A new app session (forget only the Express cookie), same Okta session.
        browser.jar.cookies = browser.jar.cookies.filter((x) => x.name !== 'connect.sid');
        const start = browser.history.length;
        const res = await browser.get(`${web.base}/profile`);
        assert.equal(res.status, 200, browser.trace());
        assert.equal(res.body.userinfo.sub, users.ann.id);
        const paths = browser.history.slice(start).map((h) => new URL(h.url).pathname);
        assert.ok(!paths.includes('/login/login.htm'), `no sign-in page with a live Okta session: ${paths}`);
      });

      it('a wrong password → 401 page "Unable to sign in"; the right one on that page then works', async () => {
        const browser = new Browser();
        const p = await openSignInPage(browser, web);
        const bad = await browser.submit(p.page.url, p.form, { username: users.ann.profile.login, password: 'wrong-Passw0rd!' });
        assert.equal(bad.status, 401, `${browser.trace()}\n${bad.text.slice(0, 500)}`);
        assert.equal(new URL(bad.url).pathname, '/login/signin');
        assert.ok(pageText(bad.text).includes('Unable to sign in'), pageText(bad.text).slice(0, 500));
        assert.equal(browser.jar.get('sid', sb.orgUrl), undefined, 'no session cookie after a failed sign-in');
        const again = parseForms(bad.text).find((f) => f.inputs.some((i) => i.name === 'username'));
        assert.ok(again, 'the page again, with the form');
        assert.equal(again.fields.fromURI, p.form.fields.fromURI, 'the form keeps fromURI');
        const ok = await browser.submit(bad.url, again, { username: users.ann.profile.login, password: PASSWORD });
        assert.equal(ok.status, 200, `${browser.trace()}\n${ok.text.slice(0, 500)}`);
        assert.equal(ok.body.userinfo.sub, users.ann.id);
      });

      it('Dan (not assigned) is sent back with error=access_denied; the middleware surfaces it', async () => {
        const browser = new Browser();
        const res = await signIn(browser, web, users.dan.profile.login, PASSWORD);
        const callbackHop = browser.history.find((h) => new URL(h.url).pathname === '/authorization-code/callback');
        assert.ok(callbackHop, `the mock redirected to the callback:\n${browser.trace()}\n${res.status} ${res.text.slice(0, 500)}`);
        const q = new URL(callbackHop.url).searchParams;
        assert.equal(q.get('error'), 'access_denied', browser.trace());
        assert.equal(q.get('error_description'), NOT_ASSIGNED);
        assert.ok(q.get('state'), 'state is returned with the error');
        assert.equal(q.get('code'), null);
        if (c.customCallbackHandler) {
          // The documented custom handler gets the OPError from openid-client.
          assert.equal(res.status, 403, `${browser.trace()}\n${res.text}`);
          assert.equal(res.body.name, 'OPError');
          assert.equal(res.body.error, 'access_denied');
          assert.equal(res.body.error_description, NOT_ASSIGNED);
        } else {
          // The default handler answers 401 (passport failure, no failureRedirect).
          assert.equal(res.status, 401, `${browser.trace()}\n${res.text}`);
        }
        const home = await browser.get(`${web.base}/`);
        assert.equal(home.text, 'home', 'Dan is not signed in to the app');
      });

      it('"Sign in as" lists the assigned user (Ann, via the group), not Dan, and signs in with as_user', async () => {
        const browser = new Browser();
        const { page } = await openSignInPage(browser, web);
        const forms = parseForms(page.text);
        const asUser = (f) => [...f.buttons, ...f.inputs].filter((b) => b.name === 'as_user');
        const offered = forms.flatMap((f) => asUser(f).map((b) => b.value));
        assert.ok(offered.includes(users.ann.id), `as_user buttons: ${offered}`);
        assert.ok(!offered.includes(users.dan.id), `Dan is not offered: ${offered}`);
        const form = forms.find((f) => asUser(f).some((b) => b.value === users.ann.id));
        assert.equal(form.fields._xsrfToken, browser.jar.get('okta_sandbox_xsrf', page.url).value);
        const res = await browser.submit(page.url, form, { as_user: users.ann.id });
        assert.equal(res.status, 200, `${browser.trace()}\n${res.text.slice(0, 500)}`);
        assert.equal(res.body.userinfo.sub, users.ann.id);
      });

      it('logout (POST /logout: revoke + {issuer}/v1/logout) ends the Okta session too', async () => {
        const browser = new Browser();
        const res = await signIn(browser, web, users.ann.profile.login, PASSWORD);
        assert.equal(res.status, 200, browser.trace());
        const out = await browser.request(`${web.base}/logout`, { method: 'POST' });
        const logoutHop = browser.history.find((h) => /\/v1\/logout\?/.test(h.url));
        assert.ok(logoutHop, browser.trace());
        const lq = new URL(logoutHop.url).searchParams;
        assert.equal(lq.get('id_token_hint'), res.body.tokens.id_token);
        assert.equal(lq.get('post_logout_redirect_uri'), `${web.base}/`);
        assert.equal(logoutHop.status, 302, browser.trace());
        assert.equal(out.url, `${web.base}/`, `back on the app after logout:\n${browser.trace()}`);
        assert.equal(out.text, 'home');
        await new Promise((r) => setTimeout(r, 50)); // revoke errors are emitted asynchronously
        assert.deepEqual(web.errors.map(String), [], 'no revoke errors');
        // The Okta session is gone: the protected page asks for the password again.
        await openSignInPage(browser, web);
      });
    });
  }
});
