// SPDX-License-Identifier: Apache-2.0
// Browser tests of the review programme and the IMS catalogue (node:test, one server for the
// file): the programmes screen lists the programmes with their derived next due date and the
// catalogue by standard; the author picks a review's programme in the review details form and
// an input's catalogue codes, and the server stores both. axe-core on each screen.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  problems, start, stop, newUser, shot, go, fill, reloaded, apiAs, axe, setShotPrefix, newReview,
} from './lib.mjs';

let env;
let A; // the author's API
let bcms; // a second programme

before(async () => {
  setShotPrefix('programmes-');
  env = await start();
  A = apiAs(env, 'author');
  bcms = (await apiAs(env, 'admin')('POST', 'programmes', {
    name: 'BCMS sessions', scope_ref: 'BCMS-SCOPE', scope_version: '2', standards: ['ISO22301_2019'],
    interval_months: 6, tolerance_days: 14, coverage_mode: 'SEQUENCED_SESSIONS', cycle_length_months: 12,
  })).data;
});
after(async () => { await stop(env, problems.length > 0); });
beforeEach(() => { problems.length = 0; });

test('the programmes screen shows the programmes and the catalogue', async () => {
  const { page } = await newUser(env, 'auditor');
  await go(page, '#/programmes');
  const text = await page.locator('main').innerText();
  assert.match(text, /BCMS sessions/);
  assert.match(text, /6 months, 14 days’ tolerance/);
  assert.match(text, /BCMS-SCOPE v2/);
  assert.match(text, /ISO9001_2015:C7_EXT_PROVIDERS/);
  assert.match(text, /Performance of external providers/);
  assert.deepEqual(await axe(page), []);
  await shot(page, 'screen', { viewport: true });
  assert.deepEqual(problems, []);
});

test('the author picks the programme and the catalogue codes of an input', async () => {
  const rid = (await newReview(A, 'Programme review')).id;
  const { page } = await newUser(env, 'author');
  await go(page, `#/reviews/${rid}`);
  const rf = page.locator('form[aria-label="Review details"]');
  assert.equal(await rf.locator('[data-field="programme_id"] option', { hasText: 'BCMS sessions' }).count(), 1);
  await fill(rf, { programme_id: bcms.id, standards: ['ISO22301_2019'] });
  await reloaded(page, () => rf.locator('button[type="submit"]').click());
  const r = (await A('GET', `reviews/${rid}`)).data;
  assert.equal(r.programme_id, bcms.id);
  assert.equal(r.scope_ref_snapshot, 'BCMS-SCOPE v2');
  assert.deepEqual(r.standards, ['ISO22301_2019']);
  const sec = page.locator('section[data-kind="B_ISSUES_CHANGES"]');
  await sec.locator('button.add').click();
  const form = sec.locator('form.item-form');
  await fill(form, { title: 'Issues', status: 'PRESENTED', requirement_codes: 'ISO22301_2019:LESSONS_LEARNED' });
  await reloaded(page, () => form.locator('button[type="submit"]').click());
  const inputs = (await A('GET', `reviews/${rid}`)).data.inputs;
  assert.deepEqual(inputs.map((i) => i.requirement_codes), [['ISO22301_2019:LESSONS_LEARNED']]);
  assert.deepEqual(await axe(page), []);
  await shot(page, 'review-form', { viewport: true });
  assert.deepEqual(problems, []);
});
