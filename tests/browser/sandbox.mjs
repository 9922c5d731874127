// What every browser test shares: `okta-sandbox up` on free ports (or on the
// ports of its last run, for a restart), headless Chromium (Debian's
// /usr/bin/chromium through playwright-core), screenshots under the artefact
// folder, and steps that stop at the first failure.
//
// A missing dependency (playwright-core, Chromium, the binary) is a failure,
// never a skip: `make test` installs them, so a green run must have run.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';

const here = path.dirname(fileURLToPath(import.meta.url));
export const BIN = process.env.OKTA_SANDBOX_BIN || path.resolve(here, '../../build/app/okta-sandbox');
export const CHROMIUM = process.env.OKTA_SANDBOX_CHROMIUM || '/usr/bin/chromium';

// ${OKTA_SANDBOX_ARTIFACTS:-/tmp/okta-sandbox-artifacts}/<name>, created.
export function artifactsDir(name) {
  const dir = path.join(process.env.OKTA_SANDBOX_ARTIFACTS || '/tmp/okta-sandbox-artifacts', name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what, fn, timeoutMs = 20000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

// One `okta-sandbox up` process. `args` replace the default `--in-memory`
// (e.g. ['--data-dir', dir]). restart() stops it and starts it again on the
// same mock Okta port, as a person re-running `up` would.
export class Sandbox {
  constructor(args = ['--in-memory']) {
    this.args = args;
    this.oktaPort = 0;
    this.proc = null;
    this.out = '';
    this.err = '';
    this.orgUrl = '';
  }

  start() {
    if (!fs.existsSync(BIN)) {
      return Promise.reject(new Error(`okta-sandbox binary not found at ${BIN} (build it, or set OKTA_SANDBOX_BIN)`));
    }
    this.out = '';
    this.err = '';
    return new Promise((resolve, reject) => {
      const proc = spawn(BIN, ['up', ...this.args, '--okta-port', String(this.oktaPort), '--scim-port', '0', '--encryption-port', '0'],
        { stdio: ['ignore', 'pipe', 'pipe'] });
      this.proc = proc;
      const timer = setTimeout(() => reject(new Error(`okta-sandbox printed no Org URL in 20 s:\n${this.out}\n${this.err}`)), 20000);
      proc.on('error', (e) => { clearTimeout(timer); reject(e); });
      proc.on('exit', (code, sig) => { clearTimeout(timer); reject(new Error(`okta-sandbox exited (${code ?? sig}):\n${this.out}\n${this.err}`)); });
      proc.stderr.on('data', (d) => { this.err += d; });
      proc.stdout.on('data', (d) => {
        this.out += d;
        const m = this.out.match(/Org URL\s*:\s*(\S+)/);
        if (m && /Press Ctrl\+C/.test(this.out)) {
          clearTimeout(timer);
          this.orgUrl = m[1].replace(/\/$/, '');
          this.oktaPort = Number(new URL(this.orgUrl).port);
          resolve(this.orgUrl);
        }
      });
    });
  }

  stop() {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => proc.kill('SIGKILL'), 5000);
      proc.removeAllListeners('exit');
      proc.on('exit', () => { clearTimeout(kill); resolve(); });
      proc.kill('SIGTERM');
    });
  }

  async restart() {
    await this.stop();
    return this.start();
  }

  // The console's session: {apiToken, orgUrl, scimBaseUrl, links, features}.
  async session() {
    const res = await fetch(this.orgUrl + '/sandbox/console/session');
    assert.equal(res.status, 200, 'GET /sandbox/console/session');
    return res.json();
  }
}

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Headless Chromium through playwright-core; throws (the test fails) when either is missing.
export async function launchChromium() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    throw new Error(`playwright-core is not installed (tools/ensure-npm.sh installs it): ${e.message}`);
  }
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (Debian package chromium, or set OKTA_SANDBOX_CHROMIUM)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

// A page in a new browser context (`options` as for browser.newContext) with a
// 15 s default timeout; the page's script errors are pushed onto `errors`.
export async function newPage(browser, options, errors) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => errors.push(e.message));
  return page;
}

// Numbered screenshots of the page getPage() returns (or of `other`), into dir.
export function screenshotter(dir, getPage, { fullPage = true } = {}) {
  let shot = 0;
  return async (name, other) => {
    shot++;
    const file = path.join(dir, `${String(shot).padStart(2, '0')}-${name}.png`);
    await (other || getPage()).screenshot({ path: file, fullPage });
    return file;
  };
}

// step(name, fn): a test that runs in order; once one fails the rest are
// skipped (their failures would only echo it). The failing page is saved.
export function stepper(getPage, screenshot) {
  let broken = null;
  return function step(name, fn) {
    it(name, async (t) => {
      if (broken) return t.skip(`after the failure of "${broken}"`);
      try {
        await fn(t);
      } catch (e) {
        broken = name;
        if (getPage()) await screenshot(`FAILED-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`).catch(() => {});
        throw e;
      }
    });
  };
}
