// SPDX-License-Identifier: Apache-2.0
// Shared by the browser tests: a harness server on a free port, one browser context per demo
// user (the UI under the strict CSP), the watch for console errors, page errors, failed
// requests and unexpected HTTP errors, screenshots, and small form helpers.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const ART = path.join(HERE, 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'";
export const PW = {
  author: 'demo-author', approver: 'demo-approver', approver2: 'demo-approver2', auditor: 'demo-auditor', owner: 'demo-owner', admin: 'demo-admin',
};

export const problems = [];
let expected = []; // [{status, urlPart}] allowed HTTP errors of the current step
let stepNo = 0;
let prefix = '';

export function log(...a) { console.log('[ui-test]', ...a); }
export function setShotPrefix(p) { prefix = p; }

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
    srv.on('error', reject);
  });
}

async function waitHealthy(base, proc) {
  for (let i = 0; i < 300; i += 1) {
    if (proc.exitCode !== null) throw new Error(`harness exited with ${proc.exitCode}`);
    try {
      const r = await fetch(`${base}/isms/api/v1/health`);
      if (r.ok) return;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the harness server did not become healthy');
}

/** Starts `harness.py serve` (the demo: quorum of two approvers) and Chromium. */
export async function start() {
  mkdirSync(ART, { recursive: true });
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'isms-ui-'));
  const base = `http://127.0.0.1:${port}`;
  log('starting harness on', base, 'in', dir);
  const proc = spawn('/usr/bin/python3', ['tests/integration/harness.py', 'serve', '--port', String(port), '--dir', dir],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, PORT: String(port) } });
  const env = { base, dir, proc, out: '', browser: null };
  proc.stdout.on('data', (d) => { env.out += d; });
  proc.stderr.on('data', (d) => { env.out += d; });
  await waitHealthy(base, proc);
  env.browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  return env;
}

export async function stop(env, failed) {
  if (!env) return;
  if (env.browser) await env.browser.close().catch(() => {});
  try { process.kill(-env.proc.pid, 'SIGTERM'); } catch { /* gone */ }
  await new Promise((r) => setTimeout(r, 1500));
  if (process.env.KEEP_DIR !== '1') rmSync(env.dir, { recursive: true, force: true });
  if (failed) log(env.out.slice(-2000));
}

export function allow(status, urlPart) { expected.push({ status, urlPart }); }
function isExpected(status, url) { return expected.some((e) => e.status === status && (!e.urlPart || url.includes(e.urlPart))); }

export async function newUser(env, user, opts = {}) {
  const ctx = await env.browser.newContext({
    baseURL: env.base, httpCredentials: { username: user, password: PW[user] },
    viewport: opts.viewport || { width: 1280, height: 900 }, locale: 'en-GB',
  });
  // Serve the static UI under the strict CSP the brief asks for.
  await ctx.route((u) => u.pathname.startsWith('/isms/') && !u.pathname.startsWith('/isms/api/'), async (route) => {
    const res = await route.fetch();
    await route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': CSP } });
  });
  const page = await ctx.newPage();
  watch(page, user);
  return { ctx, page };
}

export function watch(page, user) {
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const st = /status of (\d{3})/.exec(m.text());
    if (st && isExpected(Number(st[1]), m.location().url || '')) return;
    problems.push(`${user}: console error: ${m.text()} ${m.location().url || ''}`);
  });
  page.on('pageerror', (e) => problems.push(`${user}: page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    const f = r.failure() ? r.failure().errorText : '';
    if (/ERR_ABORTED/.test(f) && r.resourceType() === 'document') return; // downloads
    // a read the browser cancelled because the page moved on (a reload, a new page) loses
    // nothing; an aborted write stays a problem
    if (/ERR_ABORTED/.test(f) && r.method() === 'GET') return;
    problems.push(`${user}: request failed: ${r.method()} ${r.url()} ${f}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !isExpected(r.status(), r.url())) problems.push(`${user}: HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
  });
  // confirm()/beforeunload: accepted unless a test sets page.dismissDialogs; messages kept
  page.dialogs = [];
  page.on('dialog', (d) => { page.dialogs.push(d.message() || d.type()); return page.dismissDialogs ? d.dismiss() : d.accept(); });
}

/** A screenshot of the step (full page unless viewport: true); fails on any problem so far. */
export async function shot(page, name, { viewport = false } = {}) {
  stepNo += 1;
  const file = path.join(ART, `${prefix}${String(stepNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: !viewport });
  log('screenshot', path.relative(REPO, file));
  if (problems.length) throw new Error(`problems after step ${name}:\n${problems.join('\n')}`);
  expected = [];
  return file;
}

export async function go(page, hash) {
  await page.goto('about:blank'); // a fresh document, also when only the hash differs
  await page.goto(`/isms/${hash}`);
  await page.waitForSelector('body[data-ready="true"]');
  await page.waitForSelector('main#view:not([aria-busy])');
}

export async function fill(form, values) {
  for (const [k, v] of Object.entries(values)) {
    const el = form.locator(`[data-field="${k}"]`);
    const tag = await el.evaluate((e) => e.tagName);
    if (tag === 'SELECT') await el.selectOption(Array.isArray(v) ? v.map(String) : String(v));
    else await el.fill(String(v));
  }
}

export async function reloaded(page, fn) {
  // The editor re-renders after each write; wait for a fresh render.
  await page.evaluate(() => { const t = document.getElementById('page-title'); t.dataset.old = '1'; return true; });
  await fn();
  await page.waitForFunction(() => { const t = document.getElementById('page-title'); return t && !t.dataset.old; });
}

export async function addItem(page, kind, values) {
  const sec = page.locator(`section[data-kind="${kind}"]`);
  await sec.locator('button.add').click();
  const form = sec.locator('form.item-form');
  await fill(form, values);
  await reloaded(page, () => form.locator('button[type="submit"]').click());
}

export function iso(d) { return d.toISOString().slice(0, 10); }

/** The API as a user, outside the page (setting up and checking what the UI did). */
export function apiAs(env, user) {
  const auth = `Basic ${Buffer.from(`${user}:${PW[user]}`).toString('base64')}`;
  return async (method, p, body, headers = {}) => {
    const r = await fetch(`${env.base}/isms/api/v1/${p}`, {
      method, headers: { Authorization: auth, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    const data = text ? JSON.parse(text) : null;
    if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text.slice(0, 300)}`);
    return { status: r.status, data, etag: r.headers.get('ETag') };
  };
}

/** A new draft review (SCHEDULED, planned today) POSTed through api (an apiAs function). */
export async function newReview(api, title) {
  return (await api('POST', 'reviews', { title, review_type: 'SCHEDULED', planned_date: iso(new Date()) })).data;
}

/** A workflow step (submit, approve, amend, publish ...) as user, with If-Match: the review's
 * current ETag, and a comment when given; returns the review after it. */
export async function transition(env, user, rid, action, comment) {
  const api = apiAs(env, user);
  const r = await api('GET', `reviews/${rid}`);
  return (await api('POST', `reviews/${rid}/${action}`, comment ? { comment } : {}, { 'If-Match': r.data.etag })).data;
}

/** With ISMS_SCREENSHOTS=1: docs/screenshots/<name>.png (the README's and the user guide's)
 * from a screenshot file (shot()'s) or an element (a locator, screenshotted as it is). */
export async function toDocs(fileOrLocator, name) {
  if (process.env.ISMS_SCREENSHOTS !== '1') return;
  const dir = path.join(REPO, 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  const dest = path.join(dir, `${name}.png`);
  if (typeof fileOrLocator === 'string') copyFileSync(fileOrLocator, dest);
  else await fileOrLocator.screenshot({ path: dest });
}

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the current screen: the serious and critical violations, as text lines. */
export async function axe(page) {
  await page.evaluate(AXE);
  const res = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return res.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`);
}

/** The approver waives every open E finding of a review, one by one (rule and subject: waivers
 * are per finding). */
export async function waiveErrors(env, rid, user = 'approver') {
  const P = apiAs(env, user);
  const chk = (await P('GET', `reviews/${rid}/check`)).data;
  for (const f of chk.findings.filter((x) => x.severity === 'E' && !x.waived)) {
    await P('POST', `reviews/${rid}/waivers`, { rule: f.rule, subject: f.subject, justification: `accepted for the test (${f.rule})` });
  }
}

/** Approval needs every W finding acknowledged by an approver: acknowledges them all. */
export async function acknowledgeWarnings(env, rid, user = 'approver') {
  const P = apiAs(env, user);
  const chk = (await P('GET', `reviews/${rid}/check`)).data;
  for (const f of chk.findings.filter((x) => x.severity === 'W' && !x.acknowledged)) {
    await P('POST', `reviews/${rid}/acknowledgements`, { rule: f.rule, subject: f.subject, comment: 'seen' });
  }
}
