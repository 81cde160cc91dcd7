// SPDX-License-Identifier: Apache-2.0
// Browser test of input a, line by line (issue 12 §3; htdocs/inputa.js): on a draft the author
// concludes an overdue carried-over line; a re-plan without a decision is refused next to the
// line's decision field (422), a re-plan naming the review's ACTION_REPLAN decision is stored
// and clears the line's MR-06 finding (a 412 meanwhile: reload keeps the choice); the input's
// discussion and conclusion as a whole; an approver sees it all read-only. axe-core.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { problems, start, stop, newUser, shot, go, fill, reloaded, iso, apiAs, axe, setShotPrefix, allow, toDocs, ART } from './lib.mjs';
import path from 'node:path';

let env;
let A;
const day = 86400000;
const today = iso(new Date());
const due = iso(new Date(Date.now() + 30 * day));
const later = iso(new Date(Date.now() + 60 * day));

before(async () => {
  setShotPrefix('inputa-');
  env = await start();
  A = apiAs(env, 'author');
});
after(async () => { await stop(env, problems.length > 0); });
beforeEach(() => { problems.length = 0; });

const lineOf = (review, actionId) => review.inputs.filter((i) => i.category === 'A_PREV_ACTIONS')
  .flatMap((i) => i.action_snapshots || []).find((s) => s.action_id === actionId);
const mr06 = async (rid, ref) => (await A('GET', `reviews/${rid}/check`)).data.findings
  .filter((f) => f.rule === 'MR-06' && String(f.subject).includes(ref));

// first: only the first review in the system declares a previous review held outside it
test('a line typed in for a previous review held outside the system is concluded the same way', async () => {
  const rev = (await A('POST', 'reviews', { title: 'First review in the system', review_type: 'SCHEDULED', planned_date: today })).data;
  const r = await A('GET', `reviews/${rev.id}`);
  const yearAgo = iso(new Date(Date.now() - 360 * day));
  await A('PUT', `reviews/${rev.id}/previous-external`, { held_from: yearAgo, reference: 'MR paper minutes',
    actions: [{ ref: 'P-9', title: 'Train the service desk', owner: 'owner', due_date: yearAgo, status: 'OPEN' }] }, { 'If-Match': r.data.etag });
  const lines = (await A('GET', `reviews/${rev.id}`)).data.inputs.filter((i) => i.category === 'A_PREV_ACTIONS').flatMap((i) => i.action_snapshots);
  const line = lines.find((l) => l.action_ref === 'P-9');
  assert.ok(line.external && line.days_overdue > 0, JSON.stringify(line));
  assert.equal((await mr06(rev.id, 'P-9')).length, 1);

  const { page, ctx } = await newUser(env, 'author');
  await go(page, `#/reviews/${rev.id}`);
  const form = page.locator(`section[data-section="input-a"] article[data-line="p${line.prior_action_id}"] form.conclusion`);
  await fill(form, { conclusion: 'CLOSE', note: 'Done in the meantime' });
  // a double click saves once
  await reloaded(page, () => form.locator('button[type="submit"]').dblclick());
  const stored = (await A('GET', `reviews/${rev.id}`)).data.inputs.filter((i) => i.category === 'A_PREV_ACTIONS')
    .flatMap((i) => i.action_snapshots).find((l) => l.action_ref === 'P-9');
  assert.deepEqual([stored.conclusion, stored.conclusion_note, stored.replan_decision_id], ['CLOSE', 'Done in the meantime', null]);
  assert.deepEqual(await mr06(rev.id, 'P-9'), []);
  assert.deepEqual(await axe(page), []);
  await shot(page, 'typed-in-closed');
  await ctx.close();
});


test('the author concludes a carried-over line with a re-plan linked to the review\'s ACTION_REPLAN decision', async () => {
  // an earlier review's action, due before the next review is held: overdue at it
  const earlier = (await A('POST', 'reviews', { title: 'Earlier review', review_type: 'SCHEDULED', planned_date: today })).data;
  const action = (await A('POST', `reviews/${earlier.id}/actions`, {
    title: 'Replace the firewall', description: 'End of support', owner: 'owner', due_date: due, priority: 'HIGH', type: 'CORRECTIVE', nc_ref: 'NC-7',
  })).data;
  const rev = (await A('POST', 'reviews', { title: 'Review with a carried-over action', review_type: 'SCHEDULED', planned_date: later })).data;
  const line = lineOf((await A('GET', `reviews/${rev.id}`)).data, action.id);
  assert.ok(line && line.days_overdue > 0 && !line.conclusion, JSON.stringify(line));
  assert.equal((await mr06(rev.id, line.action_ref)).length, 1);
  const dec = (await A('POST', `reviews/${rev.id}/decisions`, {
    statement: `Re-plan ${line.action_ref} to next quarter`, category: 'ACTION_REPLAN', clause_933_aspect: 'NONE', outcome: 'APPROVED', rationale: 'supplier delay',
  })).data;

  const { page, ctx } = await newUser(env, 'author');
  await go(page, `#/reviews/${rev.id}`);
  const art = page.locator(`section[data-section="input-a"] article[data-line="a${action.id}"]`);
  const form = art.locator('form.conclusion');
  // every control has a label
  for (const f of ['conclusion', 'replan_decision_id', 'note']) {
    const id = await form.locator(`[data-field="${f}"]`).getAttribute('id');
    assert.equal(await form.locator(`label[for="${id}"]`).count(), 1, f);
  }
  // a re-plan without its decision: refused next to the decision field, which takes the focus
  allow(422, 'action-snapshots');
  await fill(form, { conclusion: 'REPLAN', note: 'new date next quarter' });
  await form.locator('button[type="submit"]').click();
  const err = form.locator('[data-error-for="replan_decision_id"]');
  await err.waitFor({ state: 'visible' });
  assert.equal(await form.locator('[data-field="replan_decision_id"]').getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.field), 'replan_decision_id');
  assert.equal(await form.getAttribute('data-dirty'), 'true');      // the unsaved-changes guard knows
  assert.equal(lineOf((await A('GET', `reviews/${rev.id}`)).data, action.id).conclusion, undefined);
  await shot(page, 'refused');

  await form.screenshot({ path: path.join(ART, 'inputa-refused-form.png') });
  await fill(form, { replan_decision_id: dec.id });
  // meanwhile someone else changes the review: 412 at the line, with the focus; "Reload"
  // renders the review again and keeps what was chosen in the form
  const cur = await A('GET', `reviews/${rev.id}`);
  await A('PATCH', `reviews/${rev.id}`, { executive_summary: 'Changed in another tab' }, { 'If-Match': cur.data.etag });
  allow(412, 'action-snapshots');
  await form.locator('button[type="submit"]').click();
  const box = form.locator('.form-problem .problem', { hasText: 'Not saved' });
  await box.waitFor();
  assert.ok(await page.evaluate(() => document.activeElement.classList.contains('problem')));
  await reloaded(page, () => box.locator('button.reload').click());
  assert.equal(await form.locator('[data-field="conclusion"]').inputValue(), 'REPLAN');
  assert.equal(await form.locator('[data-field="replan_decision_id"]').inputValue(), String(dec.id));
  assert.equal(await form.locator('[data-field="note"]').inputValue(), 'new date next quarter');
  assert.equal(lineOf((await A('GET', `reviews/${rev.id}`)).data, action.id).conclusion, undefined);
  await reloaded(page, () => form.locator('button[type="submit"]').click());
  const stored = lineOf((await A('GET', `reviews/${rev.id}`)).data, action.id);
  assert.deepEqual([stored.conclusion, stored.replan_decision_id, stored.conclusion_note], ['REPLAN', dec.id, 'new date next quarter']);
  assert.deepEqual(await mr06(rev.id, line.action_ref), []);
  // the page shows it, the focus is on the saved line, the form offers the stored values
  const shown = page.locator(`section[data-section="input-a"] article[data-line="a${action.id}"]`);
  assert.match(await shown.textContent(), new RegExp(`Re-plan \\(${dec.ref}: Re-plan`));
  assert.equal(await page.evaluate(() => document.activeElement.closest('article')?.dataset.line), `a${action.id}`);
  assert.equal(await shown.locator('[data-field="conclusion"]').inputValue(), 'REPLAN');
  assert.equal(await shown.locator('[data-field="replan_decision_id"]').inputValue(), String(dec.id));
  assert.equal(await page.locator('form[data-dirty="true"]').count(), 0);
  assert.deepEqual(await axe(page), []);
  await shot(page, 'replanned');
  const section = page.locator('section[data-section="input-a"]');
  await section.screenshot({ path: path.join(ART, 'inputa-section.png') });
  await toDocs(section, 'input-a-conclusions');
  // the discussion and conclusion of input a as a whole
  const whole = page.locator('section[data-section="input-a"] form[aria-label="Input a as a whole"]');
  await fill(whole, { discussion: 'The firewall supplier is late again', conclusion: 'Escalate to procurement' });
  await reloaded(page, () => whole.locator('button[type="submit"]').click());
  const ina = (await A('GET', `reviews/${rev.id}`)).data.inputs.find((i) => i.category === 'A_PREV_ACTIONS');
  assert.deepEqual([ina.discussion, ina.conclusion], ['The firewall supplier is late again', 'Escalate to procurement']);
  assert.equal(await page.evaluate(() => document.activeElement.dataset.field), 'discussion');
  await ctx.close();

  // someone who cannot edit the draft sees the conclusion, without a form
  const ap = await newUser(env, 'approver');
  await go(ap.page, `#/reviews/${rev.id}`);
  const sec = ap.page.locator('section[data-section="input-a"]');
  assert.equal(await sec.locator('form').count(), 0);
  assert.match(await sec.textContent(), /Re-plan/);
  assert.match(await sec.textContent(), /Escalate to procurement/);
  assert.deepEqual(await axe(ap.page), []);
  await shot(ap.page, 'read-only');
  await ap.ctx.close();
});
