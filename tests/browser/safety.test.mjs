// SPDX-License-Identifier: Apache-2.0
// Browser tests of issue 14 (node:test, one server for the file): no doubled or lost work,
// the approval progress with the demo's quorum of two, the action's progress history,
// keyboard-only use and an axe-core scan of every screen. Each test saves screenshots to
// artifacts/; any console error, page error, failed request or unexpected HTTP error fails.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  problems, start, stop, allow, newUser, shot, go, fill, reloaded, iso, apiAs, axe, setShotPrefix,
  waiveErrors, acknowledgeWarnings, newReview as draft, transition as step, toDocs,
} from './lib.mjs';

let env;
let A; // the author's API
const today = iso(new Date());
const due = iso(new Date(Date.now() + 90 * 86400000));
const ACTION = { title: 'Enforce MFA for administrators', type: 'CORRECTIVE', owner: 'owner', due_date: due, priority: 'HIGH' };

before(async () => {
  setShotPrefix('safety-');
  env = await start();
  A = apiAs(env, 'author');
  // the people register names two of the demo logins (names, not logins, on the screens)
  const admin = apiAs(env, 'admin');
  await admin('POST', 'people', { login: 'approver', display_name: 'Avery Approver', job_title: 'CFO' });
  await admin('POST', 'people', { login: 'owner', display_name: 'Olive Owner', job_title: 'IT operations lead' });
});
after(async () => { await stop(env, problems.length > 0); });
beforeEach(() => { problems.length = 0; }); // each test answers for its own page problems

const newReview = (title) => draft(A, title);

/** The approver waives the open errors, the author submits: a SUBMITTED review. */
async function submitted(rid) {
  await waiveErrors(env, rid);
  await step(env, 'author', rid, 'submit', 'ready');
  await acknowledgeWarnings(env, rid);
}


const ADD = {
  attendees: { name: 'Dana Chief', title: 'Chief Executive', participation_role: 'CHAIR', attendance: 'PRESENT', is_top_management: 'true' },
  B_ISSUES_CHANGES: { title: 'External and internal issues', status: 'PRESENTED' },
  decisions: { statement: 'Extend MFA to all remote access', category: 'ISMS_CHANGE', clause_933_aspect: 'ISMS_CHANGE', outcome: 'APPROVED' },
  actions: { title: 'Roll out MFA', type: 'CHANGE_IMPLEMENTATION', owner: 'owner', due_date: due, priority: 'HIGH' },
  improvements: { description: 'Automate the access review', source: 'INTERNAL_AUDIT' },
  changes: { change_type: 'IS_POLICY', description: 'Policy update for remote work' },
  objectives: { statement: 'Patch critical vulnerabilities within 14 days' },
  resources: { resource_type: 'BUDGET_OPEX', description: 'Licences for the MFA service' },
  communications: { what_type: 'EXEC_SUMMARY', audience_type: 'ALL_EMPLOYEES', how: 'INTRANET', when: due },
};

test('a double-click on every create/add button creates exactly one record', async () => {
  const { page } = await newUser(env, 'author');
  await go(page, '#/reviews');
  const nf = page.locator('form[aria-label="New review"]');
  await fill(nf, { title: 'Double-click review', review_type: 'SCHEDULED', planned_date: today });
  await nf.locator('button[type="submit"]').dblclick();
  await page.waitForURL(/#\/reviews\/\d+$/);
  await page.waitForSelector('section[data-kind="attendees"]');
  const rid = Number(/#\/reviews\/(\d+)/.exec(page.url())[1]);
  const all = (await A('GET', 'reviews', null)).data.items.filter((r) => r.title === 'Double-click review');
  assert.equal(all.length, 1, 'one review');
  for (const [kind, values] of Object.entries(ADD)) {
    const sec = page.locator(`section[data-kind="${kind}"]`);
    await sec.locator('button.add').click();
    const form = sec.locator('form.item-form');
    await fill(form, values);
    await reloaded(page, () => form.locator('button[type="submit"]').dblclick());
    // focus lands on the new item
    const focused = await page.evaluate(() => document.activeElement.closest('article.item')?.closest('section')?.dataset.kind);
    assert.equal(focused, kind, `focus on the new ${kind} item`);
  }
  const review = (await A('GET', `reviews/${rid}`)).data;
  for (const kind of Object.keys(ADD)) {
    const list = kind === 'B_ISSUES_CHANGES' ? review.inputs.filter((i) => i.category === kind) : review[kind];
    assert.equal(list.length, 1, `exactly one ${kind}`);
  }
  assert.match(await page.locator('section[data-kind="attendees"] h4').first().innerText(), /Dana Chief/, 'attendee card shows the name');
  // labels from the server's GET v1/schema, not codes
  const decision = await page.locator('section[data-kind="decisions"] article.item').first().innerText();
  assert.match(decision, /Category\s+Change to the ISMS/, 'the server\'s label of ISMS_CHANGE');
  assert.doesNotMatch(decision, /Isms change|ISMS_CHANGE|933/);
  assert.match(await page.locator('section[data-kind="communications"] article.item').first().innerText(), /Executive summary/);
  await shot(page, 'double-click-one-record-each');
});

test('an answer lost in the network is retried with the same Idempotency-Key: one record', async () => {
  const rid = (await newReview('Lost answer review')).id;
  const { page, ctx } = await newUser(env, 'author');
  await go(page, `#/reviews/${rid}`);
  const keys = [];
  let dropped = false;
  await ctx.route(`**/api/v1/reviews/${rid}/decisions`, async (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    const res = await route.fetch();
    if (!dropped) { dropped = true; await route.abort('connectionreset'); return; } // the server stored it; the answer is lost
    await route.fulfill({ response: res });
  });
  const sec = page.locator('section[data-kind="decisions"]');
  await sec.locator('button.add').click();
  const form = sec.locator('form.item-form');
  await fill(form, ADD.decisions);
  await form.locator('button[type="submit"]').click();
  await form.locator('.form-problem .problem').waitFor();
  problems.splice(0, problems.length, ...problems.filter((p) => !/(request failed: POST|ERR_CONNECTION_RESET).*\/decisions/.test(p)));
  await reloaded(page, () => form.locator('button[type="submit"]').click());
  assert.equal(keys.length, 2);
  assert.ok(keys[0] && keys[0] === keys[1], 'the retry sends the same Idempotency-Key');
  assert.equal((await A('GET', `reviews/${rid}`)).data.decisions.length, 1, 'one decision');
  await shot(page, 'lost-answer-retried-once');
});

test('two tabs: the conflict message is at the pressed button, typed text kept, edit re-applied', async () => {
  const rid = (await newReview('Two tabs review')).id;
  await A('POST', `reviews/${rid}/attendees`, { name: 'Robin Risk', participation_role: 'MEMBER', attendance: 'PRESENT', is_top_management: false });
  const { page, ctx } = await newUser(env, 'author');
  const tab2 = await ctx.newPage();
  await go(page, `#/reviews/${rid}`);
  await go(tab2, `#/reviews/${rid}`);
  // tab 1 starts an edit: a long note in "function"
  const art1 = page.locator('section[data-kind="attendees"] article.item').first();
  await art1.getByRole('button', { name: /^Edit / }).click();
  const f1 = art1.locator('form.item-form');
  const typed = 'Chief risk officer, responsible for the risk register and the treatment plan';
  await fill(f1, { function: typed });
  // tab 2 saves another field of the same attendee first
  const art2 = tab2.locator('section[data-kind="attendees"] article.item').first();
  await art2.getByRole('button', { name: /^Edit / }).click();
  const f2 = art2.locator('form.item-form');
  await fill(f2, { title: 'Head of risk' });
  await reloaded(tab2, () => f2.locator('button[type="submit"]').click());
  // tab 1 saves: 412
  allow(412, '/attendees/');
  await f1.locator('button[type="submit"]').click();
  const box = f1.locator('.conflict');
  await box.waitFor();
  const inView = await box.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; });
  assert.ok(inView, 'the message is in the viewport');
  assert.ok(await box.evaluate((el) => el.contains(document.activeElement)), 'focus moved to the message');
  assert.equal(await f1.locator('[data-field="function"]').inputValue(), typed, 'typed text kept');
  assert.match(await box.innerText(), /Head of risk/, 'shows what changed on the server');
  await shot(page, 'conflict-message-at-the-button', { viewport: true });
  await box.locator('button.reapply').click();
  assert.equal(await f1.locator('[data-field="function"]').inputValue(), typed, 'typed text re-applied');
  assert.equal(await f1.locator('[data-field="title"]').inputValue(), 'Head of risk', 'the server change shown');
  await reloaded(page, () => f1.locator('button[type="submit"]').click());
  const att = (await A('GET', `reviews/${rid}`)).data.attendees[0];
  assert.equal(att.function, typed);
  assert.equal(att.title, 'Head of risk', 'the other tab\'s change survives');
  await shot(page, 'conflict-resolved');
});

test('a refused workflow step keeps its comment for the next try (stale version, 412)', async () => {
  const rid = (await newReview('Stale step review')).id;
  const { page, ctx } = await newUser(env, 'author');
  const tab2 = await ctx.newPage();
  await go(page, `#/reviews/${rid}`);
  await go(tab2, `#/reviews/${rid}`);
  const rf = tab2.locator('form[aria-label="Review details"]');
  await fill(rf, { location: 'Board room' });
  await reloaded(tab2, () => rf.locator('button[type="submit"]').click());
  allow(412, `/reviews/${rid}/submit`);
  await page.locator('button[data-action="submit"]').click();
  const comment = 'Ready for the board, with the new location';
  await page.getByLabel(/Comment/).fill(comment);
  await page.locator('dialog button[type="submit"]').click();
  const box = page.locator('.wf-problem .problem');
  await box.waitFor();
  assert.match(await box.innerText(), /Not saved: someone changed this record/);
  assert.doesNotMatch(await box.innerText(), /412|Precondition/, 'words, not a status code');
  assert.ok(await box.evaluate((el) => el.contains(document.activeElement)), 'focus on the message');
  await shot(page, 'workflow-step-stale', { viewport: true });
  await reloaded(page, () => box.locator('button.reload').click());
  await page.locator('button[data-action="submit"]').click();
  assert.equal(await page.getByLabel(/Comment/).inputValue(), comment, 'the comment is offered again');
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  assert.equal((await A('GET', `reviews/${rid}`)).data.status, 'DRAFT');
});

test('unsaved changes: leaving asks first, staying keeps the text, saving another item keeps it too', async () => {
  const rid = (await newReview('Unsaved review')).id;
  const { page } = await newUser(env, 'author');
  await go(page, `#/reviews/${rid}`);
  const form = page.locator('form[aria-label="Review details"]');
  await fill(form, { executive_summary: 'Half-written summary' });
  page.dismissDialogs = true;
  await page.locator('nav a[href="#/dashboard"]').click();
  await page.waitForFunction(() => location.hash.startsWith('#/reviews/'));
  assert.ok(page.dialogs.some((m) => /unsaved changes/.test(m)), 'asked before leaving');
  assert.equal(await form.locator('[data-field="executive_summary"]').inputValue(), 'Half-written summary');
  page.dialogs.length = 0;
  await page.evaluate(() => window.dispatchEvent(new Event('beforeunload', { cancelable: true })));
  const cancelled = await page.evaluate(() => { const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented; });
  assert.ok(cancelled, 'beforeunload is held while the form is dirty');
  page.dismissDialogs = false;
  // saving another item re-renders the review: the unsaved summary is carried over
  const sec = page.locator('section[data-kind="decisions"]');
  await sec.locator('button.add').click();
  await fill(sec.locator('form.item-form'), ADD.decisions);
  await reloaded(page, () => sec.locator('form.item-form button[type="submit"]').click());
  assert.equal(await page.locator('form[aria-label="Review details"] [data-field="executive_summary"]').inputValue(), 'Half-written summary',
    'an unsaved edit survives saving another item');
  assert.equal((await A('GET', `reviews/${rid}`)).data.executive_summary, null, 'and is still unsaved');
  await shot(page, 'unsaved-changes-kept');
});

test('completeness findings read as sentences, link to their field or section; the form marks what the check requires', async () => {
  const rid = (await newReview('Findings review')).id;
  await A('POST', `reviews/${rid}/actions`, ACTION);
  const { page } = await newUser(env, 'author');
  await go(page, `#/reviews/${rid}`);
  const check = page.locator('section.check');
  const text = await check.locator('tbody').innerText();
  assert.doesNotMatch(text, /B_ISSUES_CHANGES|held_from|expected_outcome|NO_CHANGE_REQUIRED/, 'no internal codes');
  assert.match(text, /No input for “b\) Changes in external and internal issues”\./);
  await check.getByRole('link', { name: 'Review details: Held from' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.dataset.field), 'held_from', 'the link focuses the field');
  assert.match(await page.locator('form[aria-label="Review details"] .field', { has: page.locator('[data-field="held_from"]') }).innerText(),
    /Needed for the completeness check \(MR-\d+, blocking\)/);
  await check.getByRole('link', { name: /^b\) Changes in external/ }).first().click();
  assert.equal(await page.evaluate(() => document.activeElement.closest('section')?.dataset.kind), 'B_ISSUES_CHANGES', 'the link goes to the section');
  await check.getByRole('link', { name: /A01: Expected outcome$/ }).click();
  assert.equal(await page.evaluate(() => document.activeElement.dataset.field), 'expected_outcome', 'the item opens at the field');
  // the nine add-input buttons name their category; "On this page" reaches each section
  const adds = await page.locator('section[data-kind] button.add').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label') || b.textContent));
  assert.equal(new Set(adds).size, adds.length, 'distinct add buttons');
  await page.locator('nav.toc').getByRole('link', { name: 'Decisions' }).click();
  assert.equal(await page.evaluate(() => document.activeElement.closest('section')?.dataset.kind), 'decisions');
  assert.match(page.url(), new RegExp(`#/reviews/${rid}$`), 'the screen stays');
  await shot(page, 'findings-linked', { viewport: true });
});

let approvedRid;

test('approval progress with a quorum of two: 1 of 2, who and when, no second Approve', async () => {
  const rid = (await newReview('Quorum review')).id;
  await A('POST', `reviews/${rid}/actions`, ACTION);
  await submitted(rid);
  const au = await newUser(env, 'author');
  await go(au.page, `#/reviews/${rid}`);
  assert.match(await au.page.locator('.wf-status').innerText(), /Waiting for 2 more approvals/);
  await shot(au.page, 'author-sees-whom-it-waits-for', { viewport: true });
  const B = await newUser(env, 'approver');
  await go(B.page, `#/reviews/${rid}`);
  await B.page.locator('button[data-action="approve"]').click();
  await B.page.getByLabel(/Comment/).fill('Agreed');
  await reloaded(B.page, () => B.page.locator('dialog button[type="submit"]').click());
  const st = B.page.locator('.wf-status');
  assert.match(await st.innerText(), /1 of 2 approvals/);
  assert.match(await st.innerText(), /Approved by Avery Approver on .*Agreed/s, 'the approver by name');
  assert.equal(await B.page.locator('button[data-action="approve"]').count(), 0, 'no Approve for who approved');
  assert.match(await B.page.locator('.wf-status').innerText(), /1 more approval from an approver other than author, Avery Approver\./);
  await shot(B.page, 'one-of-two-approvals', { viewport: true });
  const B2 = await newUser(env, 'approver2');
  await go(B2.page, `#/reviews/${rid}`);
  await reloaded(B2.page, async () => {
    await B2.page.locator('button[data-action="approve"]').click();
    await B2.page.locator('dialog button[type="submit"]').click();
  });
  await B2.page.locator('.meta .st-approved').waitFor();
  assert.match(await B2.page.locator('.wf-status').innerText(), /2 of 2 approvals[\s\S]*approver2/);
  await toDocs(await shot(B2.page, 'two-of-two-approvals', { viewport: true }), 'approval-progress');
  approvedRid = rid;
});

test("after publication the action is tracked by progress updates, with the owner's history", async () => {
  assert.ok(approvedRid, 'needs the approved review of the previous test');
  await step(env, 'author', approvedRid, 'publish');
  const O = await newUser(env, 'owner');
  await O.page.goto('/isms/');
  await O.page.waitForSelector('body[data-ready="true"]');
  await O.page.waitForSelector('main#view:not([aria-busy])');
  assert.equal(await O.page.getByRole('heading', { name: 'My actions' }).count(), 1, '"My actions" once');
  const { ref } = (await A('GET', `reviews/${approvedRid}`)).data.actions[0];
  const card = O.page.locator('article.item', { hasText: ref });
  assert.match(await card.innerText(), /MR-\d{4}-\d+/, 'the review reads as its reference');
  await card.getByRole('button', { name: /Record progress of/ }).click();
  const pf = card.locator('form.progress');
  await fill(pf, { status: 'IN_PROGRESS', progress: 30, note: 'Hardware tokens ordered' });
  await pf.locator('button[type="submit"]').dblclick();
  await O.page.locator('.progress-history table', { hasText: 'Hardware tokens ordered' }).waitFor();
  await shot(O.page, 'owner-records-progress');
  const au = await newUser(env, 'author');
  await go(au.page, `#/reviews/${approvedRid}`);
  const art = au.page.locator('section[data-kind="actions"] article.item').first();
  assert.equal(await art.getByRole('button', { name: /^Edit / }).count(), 0, 'no Edit of a published action');
  await art.locator('.progress-history table').waitFor();
  const hist = await art.locator('.progress-history').innerText();
  assert.match(hist, /Olive Owner[\s\S]*In progress · 30%[\s\S]*Hardware tokens ordered/, 'who by name');
  await art.getByRole('button', { name: /Record progress of/ }).click();
  await fill(art.locator('form.progress'), { progress: 60, note: 'Rolled out to admins' });
  await reloaded(au.page, () => art.locator('form.progress button[type="submit"]').click());
  const rows = au.page.locator('section[data-kind="actions"] .progress-history tbody tr');
  await rows.nth(1).waitFor();
  assert.equal(await rows.count(), 2, 'one row per update (the double-click recorded one)');
  assert.match(await rows.first().innerText(), /author[\s\S]*60%[\s\S]*Rolled out to admins/);
  const shotFile = await shot(au.page, 'action-progress-history');
  await art.scrollIntoViewIfNeeded();
  await toDocs(await shot(au.page, 'action-progress-history-view', { viewport: true }), 'action-progress-history');
  assert.ok(shotFile);
});

/** Presses Tab until the focused element matches sel (keyboard only). */
async function tabTo(page, sel, max = 250) {
  for (let i = 0; i < max; i += 1) {
    if (await page.evaluate((s) => document.activeElement && document.activeElement.matches(s), sel)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${sel}`);
}

test('keyboard only: skip link, create a small review, add items, submit it', async () => {
  const { page } = await newUser(env, 'author');
  await go(page, '#/actions');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => document.activeElement.matches('a.skip')), 'the skip link comes first');
  await page.keyboard.press('Enter');
  assert.ok(await page.evaluate(() => document.activeElement.id === 'view' && location.hash === '#/actions'), 'skip link to the content of the same screen');
  await go(page, '#/reviews');
  await tabTo(page, 'form[aria-label="New review"] [data-field="title"]');
  await page.keyboard.type('Keyboard review');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Scheduled');
  await tabTo(page, 'form[aria-label="New review"] [data-field="planned_date"]');
  const [y, m, d] = today.split('-');
  await page.keyboard.type(`${d}${m}${y}`);
  await tabTo(page, 'form[aria-label="New review"] button[type="submit"]');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/reviews\/\d+$/);
  await page.waitForSelector('section[data-kind="attendees"]');
  const rid = Number(/#\/reviews\/(\d+)/.exec(page.url())[1]);
  // an attendee, by keyboard: the add button, the fields in order, Enter
  await tabTo(page, 'section[data-kind="attendees"] button.add');
  await page.keyboard.press('Enter');
  assert.ok(await page.evaluate(() => document.activeElement.matches('section[data-kind="attendees"] form [data-field]')), 'focus in the new form');
  await tabTo(page, 'section[data-kind="attendees"] form [data-field="name"]');
  await page.keyboard.type('Kim Keyboard');
  await tabTo(page, 'section[data-kind="attendees"] form [data-field="participation_role"]');
  await page.keyboard.type('Chair');
  await tabTo(page, 'section[data-kind="attendees"] form [data-field="attendance"]');
  await page.keyboard.type('Present');
  await tabTo(page, 'section[data-kind="attendees"] form button[type="submit"]');
  await reloaded(page, () => page.keyboard.press('Enter'));
  assert.match(await page.evaluate(() => document.activeElement.textContent), /Kim Keyboard/, 'focus on the new attendee');
  // an invalid typed date says so (not "is required")
  await tabTo(page, 'form[aria-label="Review details"] [data-field="held_from"]');
  await page.keyboard.type('31');
  await tabTo(page, 'form[aria-label="Review details"] button[type="submit"]');
  await page.keyboard.press('Enter');
  const dateErr = page.locator('form[aria-label="Review details"] [data-error-for="held_from"]');
  await dateErr.waitFor();
  assert.match(await dateErr.innerText(), /not a complete date/);
  assert.ok(await page.evaluate(() => document.activeElement.dataset.field === 'held_from'), 'focus on the bad date');
  await shot(page, 'keyboard-bad-date-message', { viewport: true });
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace'); // leave the date empty again
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('Backspace');
  await page.evaluate(() => { document.querySelector('form[aria-label="Review details"]').dataset.dirty = ''; });
  // submit for approval (the approver waived the open errors)
  await waiveErrors(env, rid);
  await go(page, `#/reviews/${rid}`);
  await tabTo(page, 'button[data-action="submit"]');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Ready');
  await reloaded(page, async () => { await page.keyboard.press('Tab'); await page.keyboard.press('Enter'); });
  await page.locator('.meta .st-submitted').waitFor();
  assert.equal((await A('GET', `reviews/${rid}`)).data.status, 'SUBMITTED');
  await shot(page, 'keyboard-review-submitted');
});

test('a long action register loads a progress history when it is opened', async () => {
  const rid = (await newReview('Long register')).id;
  for (let i = 0; i < 26; i += 1) await A('POST', `reviews/${rid}/actions`, { ...ACTION, title: `Bulk action ${i}` });
  const { page } = await newUser(env, 'author');
  const histories = [];
  page.on('request', (r) => { if (/\/actions\/\d+\/updates$/.test(r.url())) histories.push(r.url()); });
  await go(page, '#/actions');
  assert.equal(histories.length, 0, 'no history requested before one is opened');
  const det = page.locator('details.progress-lazy', { hasText: /-A26\b/ }).first();
  await det.locator('summary').click();
  await det.locator('.progress-history p, .progress-history table').waitFor();
  assert.equal(histories.length, 1, 'one history loaded');
  assert.match(await det.innerText(), /No progress recorded for MR-\d{4}-\d+-A26 yet/);
  await shot(page, 'long-register-lazy-history', { viewport: true });
});

test('axe-core: no serious or critical violation on any screen; /favicon.ico answers', async () => {
  const fav = await fetch(`${env.base}/favicon.ico`);
  assert.equal(fav.status, 200, '/favicon.ico');
  const rid = (await newReview('Axe review')).id;
  await A('POST', `reviews/${rid}/actions`, ACTION);
  const screens = [
    ['author', '#/dashboard'], ['author', '#/reviews'], ['author', `#/reviews/${rid}`], ['author', '#/actions'],
    ['author', '#/objectives'], ['author', '#/me'], ['author', '#/programmes'], ['approver', `#/reviews/${rid}`], ['auditor', '#/audit'],
    ['auditor', `#/reviews/${approvedRid || rid}`], ['owner', '#/actions'], ['owner', '#/objectives'],
  ];
  const found = [];
  const users = {};
  for (const [user, hash] of screens) {
    users[user] = users[user] || await newUser(env, user);
    const { page } = users[user];
    await go(page, hash);
    if (hash === `#/reviews/${rid}` && user === 'author') {
      // the forms open too
      await page.locator('section[data-kind="attendees"] button.add').click();
    }
    for (const v of await axe(page)) found.push(`${user} ${hash}: ${v}`);
    const file = await shot(page, `axe-${user}-${hash.replace(/[^a-z0-9]+/gi, '-')}`, { viewport: true });
    if (user === 'author' && hash === '#/dashboard') await toDocs(file, 'dashboard');
    if (user === 'author' && hash === `#/reviews/${rid}`) await toDocs(file, 'review-editor');
    if (user === 'author' && hash === '#/actions') await toDocs(file, 'action-register');
  }
  assert.deepEqual(found, [], found.join('\n'));
});
