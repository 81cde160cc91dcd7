// SPDX-License-Identifier: Apache-2.0
// Browser tests of issue 14, "History and evidence" (node:test, one server for the file): the
// version history and the diff an amendment makes, the audit trail filtered by the review's
// reference, the people register screen. Each test saves screenshots to artifacts/ and runs
// axe-core on its screen (serious or critical violations fail); any console error, page
// error, failed request or unexpected HTTP error fails.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  problems, start, stop, allow, newUser, shot, go, apiAs, axe, setShotPrefix,
  waiveErrors, acknowledgeWarnings, newReview, transition,
} from './lib.mjs';

let env;
let A; // the author's API
let first; // the amended review
let other; // a second review, for the filter
const SUMMARY1 = 'The ISMS remains suitable; patching is slow.';
const SUMMARY2 = 'The ISMS remains suitable; patching is slow and needs a budget.';

before(async () => {
  setShotPrefix('history-');
  env = await start();
  A = apiAs(env, 'author');
  const admin = apiAs(env, 'admin');
  await admin('POST', 'people', { login: 'approver', display_name: 'Alice Approver', job_title: 'CFO', top_management: [{ from: '2020-01-01', to: null }] });
  await admin('POST', 'people', { login: 'approver2', display_name: 'Bob Second', job_title: 'COO', top_management: [{ from: '2020-01-01', to: null }] });
  await admin('POST', 'people', { login: 'author', display_name: 'Ann Author', job_title: 'ISMS manager' });
  first = await amendedReview();
  other = await newReview(A, 'Another review');
});
after(async () => { await stop(env, problems.length > 0); });
beforeEach(() => { problems.length = 0; });

const step = (user, rid, action, comment) => transition(env, user, rid, action, comment);

/** A review approved as version 1 (open errors waived), amended, then changed: version 2. */
async function amendedReview() {
  const rev = await newReview(A, 'Review to amend');
  let r = await A('GET', `reviews/${rev.id}`);
  await A('PATCH', `reviews/${rev.id}`, { executive_summary: SUMMARY1 }, { 'If-Match': r.data.etag });
  await A('POST', `reviews/${rev.id}/decisions`, { statement: 'Keep the patch window', category: 'CONTINUAL_IMPROVEMENT', clause_933_aspect: 'IMPROVEMENT', outcome: 'APPROVED' });
  await waiveErrors(env, rev.id);
  await step('author', rev.id, 'submit');
  await acknowledgeWarnings(env, rev.id);
  for (const who of ['approver', 'approver2']) {
    if ((await A('GET', `reviews/${rev.id}`)).data.status === 'SUBMITTED') await step(who, rev.id, 'approve');
  }
  await step('author', rev.id, 'amend', 'The budget decision was missing');
  r = await A('GET', `reviews/${rev.id}`);
  await A('PATCH', `reviews/${rev.id}`, { executive_summary: SUMMARY2 }, { 'If-Match': r.data.etag });
  await A('POST', `reviews/${rev.id}/decisions`, { statement: 'Fund a patch automation tool', category: 'RESOURCE', clause_933_aspect: 'IMPROVEMENT', outcome: 'APPROVED' });
  return (await A('GET', `reviews/${rev.id}`)).data;
}

/** At 640 px (a tablet, or 200 % zoom) the page itself does not scroll sideways. */
async function fitsNarrow(page) {
  await page.setViewportSize({ width: 640, height: 900 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 2, `the page overflows by ${overflow}px at 640px`);
  await page.setViewportSize({ width: 1280, height: 900 });
}

async function noSeriousA11yIssue(page) {
  const found = await axe(page);
  assert.deepEqual(found, [], `axe-core: ${found.join('\n')}`);
}

test('the version history shows each version with approvals and seal, and what the amendment changed', async () => {
  const { page } = await newUser(env, 'author');
  await go(page, `#/reviews/${first.id}`);
  await page.locator('a.history-link').click();
  await page.waitForURL(/#\/reviews\/\d+\/history/);
  await page.locator('.diff').waitFor();
  const versions = page.locator('table:has(caption:text("Versions")) tbody tr');
  assert.equal(await versions.count(), 2);
  const v1 = await versions.nth(0).innerText();
  assert.match(v1, /Approved/);
  assert.match(v1, /Alice Approver/, 'the approver by name');
  assert.doesNotMatch(v1, /\(approver\)/);
  assert.match(v1, /intact, matches the audit trail/);
  const seal = await versions.nth(0).locator('code.hash').getAttribute('title');
  const hist = (await A('GET', `reviews/${first.id}/history`)).data;
  assert.equal(seal, hist.versions[0].content_hash, 'the seal is the one on record');
  const v2 = await versions.nth(1).innerText();
  assert.match(v2, /Draft/);
  assert.match(v2, /Not sealed/);
  assert.match(v2, /The budget decision was missing/, 'the amendment reason');
  // the diff: version 1 -> 2, the summary changed, one decision added, the first one kept
  const review = page.locator('.diff-entry', { hasText: 'Review' }).first();
  const row = review.locator('tr:has([data-field="executive_summary"])');
  assert.equal(await row.locator('span.before').innerText(), SUMMARY1);
  assert.equal(await row.locator('span.after').innerText(), SUMMARY2);
  const decisions = await page.locator('.diff-entry', { hasText: 'Decisions' }).allInnerTexts();
  assert.equal(decisions.length, 1, decisions.join('\n'));
  assert.match(decisions[0], /D02: added/);
  assert.match(decisions[0], /Fund a patch automation tool/);
  assert.doesNotMatch(await page.locator('.diff').innerText(), /Keep the patch window/, 'unchanged items are not listed');
  await page.locator('.workflow, table:has(caption:text("Workflow steps"))').first().waitFor();
  assert.match(await page.locator('table:has(caption:text("Workflow steps"))').innerText(), /Amend\s+Ann Author/);
  await shot(page, 'version-diff-after-amendment');
  await noSeriousA11yIssue(page);
  await fitsNarrow(page);
  // comparing a version with itself says so
  await page.selectOption('#' + await page.locator('select[name="from"]').getAttribute('id'), '2');
  await page.getByRole('button', { name: 'Compare' }).click();
  await page.locator('p.no-diff').waitFor();
  await shot(page, 'version-same');
});

test('the audit trail shows what changed, filtered by the review reference', async () => {
  const { page } = await newUser(env, 'auditor');
  await go(page, '#/audit');
  await page.getByLabel('Review reference').fill(first.ref.toLowerCase());
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForURL(/review_ref=/);
  await page.locator('main#view:not([aria-busy]) table').first().waitFor();
  const events = (await apiAs(env, 'auditor')('GET', `audit?review=${first.id}&limit=200`)).data.items;
  const rows = page.locator('.events > table > tbody > tr');
  assert.equal(await rows.count(), Math.min(events.length, 50), 'exactly the events of this review');
  const all = await page.locator('main').innerText();
  assert.ok(!all.includes(other.ref), `no event of ${other.ref}`);
  // the approval: who by name, the status before and after
  const approvals = (await A('GET', `reviews/${first.id}/history`)).data.approvals; // the quorum's
  const approve = rows.filter({ has: page.locator('td[data-label="What"]', { hasText: /^Approve$/ }) });
  assert.equal(await approve.count(), approvals.length);
  const names = { approver: 'Alice Approver (approver)', approver2: 'Bob Second (approver2)' };
  assert.deepEqual(await approve.locator('td[data-label="Who"]').allInnerTexts(), approvals.map((a) => names[a.approver]));
  const waiver = rows.filter({ has: page.locator('td[data-label="What"]', { hasText: /^Created: waiver$/ }) });
  assert.ok(await waiver.count() >= 1, 'waivers are named as such');
  assert.equal(await waiver.first().locator('td[data-label="Record"]').innerText(), `Review ${first.ref}`);
  const status = approve.last().locator('tr:has([data-field="status"])'); // the approval that met the quorum
  assert.deepEqual([await status.locator('span.before').innerText(), await status.locator('span.after').innerText()], ['SUBMITTED', 'APPROVED']);
  // the edit after the amendment: the field with before and after
  const edit = rows.filter({ has: page.locator('[data-field="executive_summary"]') }).last();
  assert.equal(await edit.locator('span.before').first().innerText(), SUMMARY1);
  assert.equal(await edit.locator('span.after').first().innerText(), SUMMARY2);
  await shot(page, 'audit-filtered-by-reference');
  await noSeriousA11yIssue(page);
  await fitsNarrow(page);
  // an unknown reference: nothing, said in words
  await go(page, '#/audit?review_ref=MR-1999-99');
  await page.locator('p.no-events').waitFor();
});

test('the people register: admins add, edit and deactivate people; others read', async () => {
  const { page } = await newUser(env, 'admin');
  await go(page, '#/people');
  await page.locator('button.add-person').click();
  const form = page.locator('form.person-form');
  await form.locator('[data-field="login"]').fill('cfo');
  allow(422, '/people');
  await form.getByRole('button', { name: 'Add person' }).click();
  await form.locator('[data-error-for="display_name"]:not([hidden])').waitFor();
  await form.locator('[data-field="display_name"]').fill('Chris Finance');
  await form.locator('[data-field="job_title"]').fill('Chief Financial Officer');
  await form.getByRole('button', { name: 'Add a period' }).click();
  await form.getByLabel('From (period 1)').fill('2025-01-01');
  // submitted twice at once (a double-click, Enter twice): one request, a second would be a 409
  await form.evaluate((f) => { f.requestSubmit(); f.requestSubmit(); });
  const row = page.locator('tbody tr', { hasText: 'Chris Finance' });
  await row.waitFor();
  const found = (await A('GET', 'people?login=cfo')).data.items;
  assert.equal(found.length, 1);
  let cfo = found[0];
  assert.deepEqual([cfo.display_name, cfo.job_title, cfo.top_management], ['Chris Finance', 'Chief Financial Officer', [{ from: '2025-01-01', to: null }]]);
  await shot(page, 'people-register');
  await noSeriousA11yIssue(page);
  await fitsNarrow(page);
  // edit: the job title and the end of the period
  // Cancel closes the form; Edit opens one form however often it is pressed
  await row.getByRole('button', { name: 'Edit Chris Finance' }).click();
  await page.locator('form.person-form').getByRole('button', { name: 'Cancel' }).click();
  assert.equal(await page.locator('tr.edit-row').count(), 0);
  await row.getByRole('button', { name: 'Edit Chris Finance' }).click();
  await row.getByRole('button', { name: 'Edit Chris Finance' }).click();
  assert.equal(await page.locator('form.person-form').count(), 1);
  const ef = page.locator('form.person-form[aria-label="Edit Chris Finance"]');
  await ef.locator('[data-field="job_title"]').fill('CFO and COO');
  await ef.getByLabel('To (empty: still) (period 1)').fill('2026-06-30');
  await shot(page, 'people-edit-form');
  await ef.getByRole('button', { name: 'Save person' }).click();
  await page.locator('tbody tr', { hasText: 'CFO and COO' }).waitFor();
  cfo = (await A('GET', 'people?login=cfo')).data.items[0];
  assert.deepEqual([cfo.job_title, cfo.top_management], ['CFO and COO', [{ from: '2025-01-01', to: '2026-06-30' }]]);
  await shot(page, 'people-edited');
  // deactivate (confirmed): gone from the active list, kept in the register
  await page.locator('tbody tr', { hasText: 'Chris Finance' }).getByRole('button', { name: 'Deactivate Chris Finance' }).click();
  await page.locator('tbody tr', { hasText: 'Chris Finance' }).waitFor({ state: 'detached' });
  assert.equal((await A('GET', 'people?login=cfo')).data.items[0].active, false);
  await go(page, '#/people?all=1');
  assert.match(await page.locator('tbody tr', { hasText: 'Chris Finance' }).innerText(), /No \(deactivated\)/);
  await shot(page, 'people-deactivated-shown');
  // an author reads the register and cannot change it
  const { page: ap } = await newUser(env, 'author');
  await go(ap, '#/people');
  await ap.locator('tbody tr', { hasText: 'Alice Approver' }).waitFor();
  assert.equal(await ap.locator('button.add-person, button.edit-person, button.deactivate').count(), 0);
  await shot(ap, 'people-read-only');
  await noSeriousA11yIssue(ap);
});
