// SPDX-License-Identifier: Apache-2.0
// Browser tests of the evidence attachments (issues 13 and 14; htdocs/attachments.js), one
// server for the file: upload by file picker and by a (synthetic) drop, the list, download of
// the same bytes (SHA-256 compared), delete while a draft, the 415 message, evidence on an
// action's progress update, the read-only list once submitted, and an axe-core scan. Any
// console error, page error, failed request or HTTP error other than the deliberate 415 fails.
// ISMS_SCREENSHOTS=1 also writes docs/screenshots/attachments.png.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import {
  problems, start, stop, allow, newUser, shot, go, iso, apiAs, axe, setShotPrefix,
  waiveErrors, acknowledgeWarnings, newReview, toDocs,
} from './lib.mjs';

let env;
let A; // the author's API
const due = iso(new Date(Date.now() + 30 * 86400000));
const sha = (buf) => createHash('sha256').update(buf).digest('hex');

/** A valid 2x2 PNG (signature, IHDR, IDAT, IEND), so the server's magic check accepts it. */
function png() {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (b) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const c = Buffer.alloc(4); c.writeUInt32BE(crc(td));
    return Buffer.concat([len, td, c]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(2, 0); ihdr.writeUInt32BE(2, 4); ihdr[8] = 8; ihdr[9] = 2;
  const raw = Buffer.from([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 255, 255, 255]);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

before(async () => {
  setShotPrefix('attachments-');
  env = await start();
  A = apiAs(env, 'author');
  await apiAs(env, 'admin')('POST', 'people', { login: 'author', display_name: 'Ann Author', job_title: 'ISMS manager' });
});
after(async () => { await stop(env, problems.length > 0); });
beforeEach(() => { problems.length = 0; });

const draft = (title) => newReview(A, title);

async function addAction(rid, owner = 'author') {
  return (await A('POST', `reviews/${rid}/actions`, {
    title: 'Automate patching', description: 'Roll out the patch tool', owner, due_date: due, priority: 'HIGH', type: 'CORRECTIVE',
  })).data;
}

const listed = async (rid) => (await A('GET', `reviews/${rid}/attachments`)).data.items;

/** Drops files on a drop zone the way a browser does: a DataTransfer with File objects. */
async function drop(zone, files) {
  const handle = await zone.elementHandle();
  await zone.page().evaluate(([el, fs]) => {
    const dt = new DataTransfer();
    for (const f of fs) dt.items.add(new File([Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0))], f.name, { type: f.type }));
    el.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    el.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, [handle, files.map((f) => ({ name: f.name, type: f.mimeType, b64: f.buffer.toString('base64') }))]);
}

test('upload by the file picker: listed with size, type, uploader and hash; the download has the same bytes', async () => {
  const rev = await draft('Evidence by picker');
  const { page, ctx } = await newUser(env, 'author');
  await go(page, `#/reviews/${rev.id}`);
  const box = page.locator('.attachments[data-item="review"]');
  const body = Buffer.from('Attendance list, management review 2026\nAnn Author; Alice Approver\n'.repeat(40));
  await box.locator('input[type="file"]').setInputFiles({ name: 'Attendance list 2026 (signed).txt', mimeType: 'text/plain', buffer: body });
  const item = box.locator('li[data-attachment]');
  await item.waitFor();
  const text = await item.textContent();
  assert.match(text, /Attendance list 2026 \(signed\)\.txt/);
  assert.match(text, new RegExp(`${(body.length / 1024).toFixed(1)} KiB · text/plain · Ann Author`));
  assert.match(text, new RegExp(sha(body).slice(0, 12)));
  assert.equal(await item.locator('code').getAttribute('title'), sha(body));
  assert.match(await box.locator('.att-msg').textContent(), /uploaded/);
  const [stored] = await listed(rev.id);
  assert.equal(stored.sha256, sha(body));
  assert.equal(stored.item, null);

  const [download] = await Promise.all([page.waitForEvent('download'), item.locator('a').click()]);
  assert.equal(download.suggestedFilename(), 'Attendance list 2026 (signed).txt');
  assert.equal(sha(readFileSync(await download.path())), sha(body));
  await shot(page, 'picker-uploaded');
  // at 640 px (200 % zoom) the list and the drop zone do not make the page scroll sideways
  await page.setViewportSize({ width: 640, height: 900 });
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 2), 'overflows at 640 px');
  await ctx.close();
});

test('upload by drag-and-drop on an item, with an Idempotency-Key; delete while a draft', async () => {
  const rev = await draft('Evidence by drop');
  const action = await addAction(rev.id);
  const { page, ctx } = await newUser(env, 'author');
  const keys = [];
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().includes('/attachments')) keys.push(r.headers()['idempotency-key']); });
  await go(page, `#/reviews/${rev.id}`);
  const box = page.locator(`.attachments[data-item="actions/${action.id}"]`);
  const image = png();
  await drop(box.locator('.att-drop'), [{ name: 'kpi-chart.png', mimeType: 'image/png', buffer: image },
    { name: 'notes.csv', mimeType: 'text/csv', buffer: Buffer.from('kpi,value\npatched,97\n') }]);
  await box.locator('li[data-attachment]').nth(1).waitFor();
  assert.equal(keys.length, 2);
  assert.ok(keys.every((k) => /^att-[0-9a-f]{32}$/.test(k)) && keys[0] !== keys[1], `keys ${keys}`);
  const items = await listed(rev.id);
  assert.deepEqual(items.map((a) => [a.filename, a.item, a.media_type]),
    [['kpi-chart.png', `actions/${action.id}`, 'image/png'], ['notes.csv', `actions/${action.id}`, 'text/csv']]);
  assert.equal(items[0].sha256, sha(image));
  // not on the review's own list
  assert.equal(await page.locator('.attachments[data-item="review"] li[data-attachment]').count(), 0);
  await shot(page, 'dropped-on-action');
  await toDocs(box, 'attachments');

  await box.locator('button', { hasText: 'Delete notes.csv' }).click();
  await box.locator('li[data-attachment]').nth(1).waitFor({ state: 'detached' });
  assert.ok(page.dialogs.some((d) => /Delete the attachment "notes\.csv"/.test(d)));
  assert.deepEqual((await listed(rev.id)).map((a) => a.filename), ['kpi-chart.png']);
  assert.deepEqual(await box.locator('li[data-attachment] a').allTextContents(), ['kpi-chart.png']);
  await shot(page, 'deleted');
  await ctx.close();
});

test('a file whose content does not match its type: a clear 415 message, nothing stored, the control usable again', async () => {
  const rev = await draft('Evidence refused');
  const { page, ctx } = await newUser(env, 'author');
  await go(page, `#/reviews/${rev.id}`);
  const box = page.locator('.attachments[data-item="review"]');
  allow(415, '/attachments');
  await box.locator('input[type="file"]').setInputFiles({ name: 'chart.png', mimeType: 'image/png', buffer: Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n') });
  const msg = box.locator('.att-msg.error');
  await msg.waitFor();
  assert.match(await msg.textContent(), /"chart\.png" was refused: its type \(image\/png\) is not allowed, or its content does not match the type/);
  assert.equal(await msg.getAttribute('role'), 'alert');
  assert.equal(await box.locator('input[type="file"]').isEnabled(), true);
  assert.deepEqual(await listed(rev.id), []);
  await shot(page, 'refused-415', { viewport: true });
  await ctx.close();
});

test('a file above the size limit: the 413 message names the limit', async () => {
  const rev = await draft('Evidence too large');
  const { page, ctx } = await newUser(env, 'author');
  await go(page, `#/reviews/${rev.id}`);
  const box = page.locator('.attachments[data-item="review"]');
  allow(413, '/attachments');
  // the demo server's ISMSReviewMaxAttachment is 8 MiB
  await box.locator('input[type="file"]').setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: Buffer.alloc(8 * 1024 * 1024 + 1, 'a') });
  const msg = box.locator('.att-msg.error');
  await msg.waitFor();
  assert.match(await msg.textContent(), /"export\.csv" is too large \(8\.0 MiB\): the limit is 8\.0 MiB\./);
  assert.deepEqual(await listed(rev.id), []);
  await shot(page, 'refused-413', { viewport: true });
  await ctx.close();
});

test('the action owner attaches evidence to a progress update; the progress bar shows while it uploads', async () => {
  const rev = await draft('Evidence on progress');
  const action = await addAction(rev.id, 'owner');
  const { page, ctx } = await newUser(env, 'owner');
  await go(page, '#/actions');
  const art = page.locator(`article[data-id="${action.id}"]`);
  await art.locator('button', { hasText: 'Record progress of' }).click();
  const form = art.locator('form.progress');
  await form.locator('[data-field="progress"]').fill('40');
  const big = Buffer.alloc(3 * 1024 * 1024, 'x');
  await form.locator('input[type="file"]').setInputFiles({ name: 'patch-report.txt', mimeType: 'text/plain', buffer: big });
  assert.match(await form.locator('.att-drop').textContent(), /patch-report\.txt · 3\.0 MiB/);
  // hold the upload until the progress bar has been seen
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route('**/attachments?item=updates*', async (route) => { await held; await route.continue(); });
  await form.locator('button[type="submit"]').click();
  await form.locator('progress:not([hidden])').waitFor();
  assert.equal(await form.locator('input[type="file"]').isDisabled(), true);
  assert.equal(await form.locator('button[type="submit"]').isDisabled(), true);
  await shot(page, 'update-uploading', { viewport: true });
  release();
  await page.waitForSelector('main#view:not([aria-busy])');
  await page.locator(`article[data-id="${action.id}"] button`, { hasText: 'Record progress of' }).waitFor()
    .catch(async (e) => { throw new Error(`${e.message}\nform: ${await form.textContent()}\n${problems.join('\n')}`); });
  const updates = (await A('GET', `actions/${action.id}/updates`)).data.items;
  const items = await listed(rev.id);
  assert.equal(items.length, 1);
  assert.equal(updates.length, 1);
  assert.equal(items[0].item, `updates/${updates[0].id}`);
  assert.equal(items[0].uploaded_by, 'owner');
  assert.equal(items[0].sha256, sha(big));
  await shot(page, 'update-recorded');
  await ctx.close();
  // the author sees the update's file on the action's card of the review
  const author = await newUser(env, 'author');
  await go(author.page, `#/reviews/${rev.id}`);
  const box = author.page.locator(`.attachments[data-item="actions/${action.id}"]`);
  const line = box.locator('ul[aria-label="Files of progress updates"] li');
  assert.match(await line.textContent(), /patch-report\.txt · 3\.0 MiB · text\/plain · owner · .* · progress update of .* \(40%\)/);
  assert.equal(await line.locator('button').count(), 0);
  assert.equal(await box.locator('li[data-attachment]').count(), 1);
  await shot(author.page, 'update-file-on-action');
  await author.ctx.close();
});

test('once submitted the list is read-only (no upload, no delete); no serious accessibility issue', async () => {
  const rev = await draft('Evidence read-only');
  const action = await addAction(rev.id);
  const { page, ctx } = await newUser(env, 'author');
  await go(page, `#/reviews/${rev.id}`);
  await page.locator('.attachments[data-item="review"] input[type="file"]').setInputFiles({ name: 'minutes.txt', mimeType: 'text/plain', buffer: Buffer.from('Minutes') });
  await page.locator('.attachments[data-item="review"] li[data-attachment]').waitFor();
  const found = await axe(page);
  assert.deepEqual(found, [], `axe-core (draft): ${found.join('\n')}`);
  await waiveErrors(env, rev.id);
  const r = await A('GET', `reviews/${rev.id}`);
  await A('POST', `reviews/${rev.id}/submit`, {}, { 'If-Match': r.data.etag });
  await go(page, `#/reviews/${rev.id}`);
  const box = page.locator('.attachments[data-item="review"]');
  assert.deepEqual(await box.locator('li[data-attachment] a').allTextContents(), ['minutes.txt']);
  assert.equal(await page.locator('.att-drop').count(), 0);
  assert.equal(await page.locator('.attachments button').count(), 0);
  // an item without files shows nothing once read-only
  assert.equal(await page.locator(`.attachments[data-item="actions/${action.id}"]`).count(), 0);
  const found2 = await axe(page);
  assert.deepEqual(found2, [], `axe-core (submitted): ${found2.join('\n')}`);
  await shot(page, 'read-only');
  await ctx.close();
});
