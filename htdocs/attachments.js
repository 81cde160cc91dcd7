// SPDX-License-Identifier: Apache-2.0
// Evidence attachments (issue 14): the list of a review's, an item's or a progress update's
// files (name, size, type, uploader, date, SHA-256), download, delete while the review is a
// draft, and upload by file picker or drag-and-drop. Uploads go through XMLHttpRequest for its
// upload progress (fetch has none), one Idempotency-Key per file, the control disabled while a
// file is in flight. Text goes in through dom.js only.
import { api, get, apiUrl, ApiError } from './api.js';
import { h, clear, fmtDate, nextId } from './dom.js';
import { loadNames, who } from './names.js';

const lists = new Map(); // review id -> its attachments (GET v1/reviews/{id}/attachments)
const updatesOf = new Map(); // review id -> Map('updates/<id>' -> the progress update + action_id)

/**
 * Loads the review's attachments once per render of the review page, and when some belong to
 * progress updates, the updates of the review's actions (to show them on the action's card).
 */
export async function loadAttachments(review) {
  const [data] = await Promise.all([get(`reviews/${review.id}/attachments`), loadNames()]);
  const items = data.items || [];
  lists.set(String(review.id), items);
  const byUpdate = new Map();
  if (items.some((a) => /^updates\//.test(a.item || ''))) {
    const acts = review.actions || [];
    const per = await Promise.all(acts.map((act) => get(`actions/${act.id}/updates`)));
    per.forEach((l, i) => { for (const u of l.items || []) byUpdate.set(`updates/${u.id}`, { ...u, action_id: acts[i].id }); });
  }
  updatesOf.set(String(review.id), byUpdate);
}

const of = (reviewId, item) => (lists.get(String(reviewId)) || []).filter((a) => (a.item || null) === item);

/** The files of an action's progress updates ('actions/4'), each with its update. */
function ofUpdates(reviewId, item) {
  const m = /^actions\/(\d+)$/.exec(item || '');
  const ups = updatesOf.get(String(reviewId)) || new Map();
  if (!m) return [];
  return (lists.get(String(reviewId)) || []).map((a) => [a, ups.get(a.item)])
    .filter(([, u]) => u && String(u.action_id) === m[1]);
}

function updateList(pairs) {
  return h('ul', { class: 'att-list', 'aria-label': 'Files of progress updates' }, pairs.map(([a, u]) => {
    const li = row(a, false);
    li.append(h('span', { class: 'att-meta' }, ' · progress update of ', fmtDate(u.created_at), ` (${u.progress ?? '—'}%)`));
    return li;
  }));
}

export function fmtSize(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

function idempotencyKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return `att-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

/** RFC 6266 / RFC 5987: filename*=UTF-8''… with everything outside attr-char percent-encoded. */
function disposition(name) {
  const enc = encodeURIComponent(name).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename*=UTF-8''${enc}`;
}

/** POST the file as the raw body; resolves with the attachment, rejects with an ApiError. */
function send(reviewId, item, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl(`reviews/${reviewId}/attachments`, { item }));
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('Content-Disposition', disposition(file.name));
    xhr.setRequestHeader('Idempotency-Key', idempotencyKey());
    xhr.upload.addEventListener('progress', (e) => { if (e.lengthComputable) onProgress(e.loaded, e.total); });
    xhr.addEventListener('load', () => {
      let data = null;
      try { data = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch { data = { detail: xhr.responseText.slice(0, 200) }; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, { detail: 'The connection failed during the upload.' })));
    xhr.send(file);
  });
}

/** A sentence for a refused upload; 413 names the limit when the problem says it. */
export function uploadMessage(file, e) {
  const p = (e && e.problem) || {};
  if (e && e.status === 413) {
    const m = /(\d+) bytes/.exec(p.detail || '');
    return `"${file.name}" is too large (${fmtSize(file.size)})${m ? `: the limit is ${fmtSize(Number(m[1]))}` : ''}.`;
  }
  if (e && e.status === 415) {
    return `"${file.name}" was refused: its type (${file.type || 'unknown'}) is not allowed, or its content does not match the type. ${p.detail || ''}`.trim();
  }
  return `"${file.name}" was not uploaded: ${(e && e.message) || 'unknown error'}.`;
}

/**
 * The upload control: a file picker inside a drop zone, a progress bar and a message line.
 * target() gives {reviewId, item} when a file is chosen (or null to keep the files, see
 * pending); done(attachment) runs after each stored file.
 */
/** The progress bar of the file in flight, with its name and percentage as text. */
function progressLine() {
  const bar = h('progress', { max: 100, value: 0, 'aria-label': 'Upload progress', hidden: true });
  const text = h('span', { class: 'att-progress-text' });
  const line = h('p', { class: 'att-progress', hidden: true }, bar, text);
  return {
    line,
    show(on) { bar.hidden = !on; line.hidden = !on; if (!on) text.textContent = ''; },
    set(name, loaded, total) {
      const pct = Math.round((loaded * 100) / (total || 1));
      bar.value = pct;
      text.textContent = ` ${name}: ${pct}%`;
    },
  };
}

/** Files dropped on the zone go to run(); the zone is highlighted while dragged over. */
function acceptDrops(zone, run, isBusy) {
  zone.addEventListener('dragover', (ev) => { ev.preventDefault(); if (!isBusy()) zone.classList.add('over'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (ev) => {
    ev.preventDefault();
    zone.classList.remove('over');
    run(Array.from((ev.dataTransfer && ev.dataTransfer.files) || []));
  });
}

/** The outcome: successes as status, refusals as an alert. */
function report(msg, done, errors) {
  clear(msg);
  msg.className = errors.length ? 'att-msg error' : 'att-msg';
  msg.setAttribute('role', errors.length ? 'alert' : 'status');
  for (const a of done) msg.append(h('p', {}, `"${a.filename}" uploaded (${fmtSize(a.size)}).`));
  for (const t of errors) msg.append(h('p', {}, t));
}

/**
 * The upload control: a file picker inside a drop zone, a progress bar and a message line.
 * target() gives {reviewId, item} for the chosen files (null: not yet, see updateEvidence);
 * done(attachment) runs after each stored file. The files go one after the other.
 */
function uploader(labelText, { target, done }) {
  const id = nextId('att');
  const input = h('input', { type: 'file', id, multiple: true, class: 'att-input' });
  const msg = h('div', { class: 'att-msg', role: 'status', 'aria-live': 'polite' });
  const prog = progressLine();
  const zone = h('div', { class: 'att-drop', 'data-drop': 'true' },
    h('label', { for: id }, labelText), input, h('p', { class: 'hint' }, 'Choose files or drop them here.'), prog.line, msg);
  let busy = false;
  const setBusy = (b) => {
    busy = b;
    input.disabled = b;
    zone.setAttribute('aria-busy', b ? 'true' : 'false');
    prog.show(b);
  };
  const run = async (files) => {
    const t = !busy && files.length ? target() : null;
    if (!t) return;
    setBusy(true);
    const stored = [];
    const errors = [];
    for (const file of files) {
      prog.set(file.name, 0, 1);
      try {
        const a = await send(t.reviewId, t.item, file, (loaded, total) => prog.set(file.name, loaded, total));
        stored.push(a);
        done(a);
      } catch (e) { errors.push(uploadMessage(file, e)); }
    }
    setBusy(false);
    input.value = '';
    report(msg, stored, errors);
    input.focus();
  };
  input.addEventListener('change', () => run(Array.from(input.files)));
  acceptDrops(zone, run, () => busy);
  return { zone, run };
}

function row(a, canDelete, onDeleted) {
  const li = h('li', { 'data-attachment': String(a.id) },
    h('a', { href: apiUrl(`attachments/${a.id}`).href, download: a.filename }, a.filename),
    h('span', { class: 'att-meta' }, ` · ${fmtSize(a.size)} · ${a.media_type} · ${who(a.uploaded_by)} · `, fmtDate(a.uploaded_at),
      ' · SHA-256 ', h('code', { title: a.sha256 }, `${a.sha256.slice(0, 12)}…`)));
  if (canDelete) {
    const prob = h('span', { class: 'field-error', role: 'alert' });
    li.append(' ', h('button', { type: 'button', class: 'danger small', on: { click: async () => {
      if (!window.confirm(`Delete the attachment "${a.filename}"?`)) return;
      try {
        await api('DELETE', `attachments/${a.id}`);
        onDeleted(a);
      } catch (e) { prob.textContent = ` Not deleted: ${e.message}`; }
    } } }, `Delete ${a.filename}`), prob);
  }
  return li;
}

/**
 * The attachments of the review (item null) or of one of its items ('actions/4'): the list,
 * and while the review is a draft for an author, upload and delete.
 */
export function attachmentPanel(review, item, { editable, heading }) {
  const rid = review.id;
  const box = h('div', { class: 'attachments', 'data-item': item || 'review' });
  const list = h('ul', { class: 'att-list', 'aria-label': heading });
  const render = () => {
    clear(list);
    const items = of(rid, item);
    for (const a of items) list.append(row(a, editable, (gone) => { lists.set(String(rid), (lists.get(String(rid)) || []).filter((x) => x.id !== gone.id)); render(); }));
    if (!items.length) list.append(h('li', { class: 'empty' }, 'No files attached.'));
  };
  render();
  const fromUpdates = ofUpdates(rid, item);
  if (!editable && !of(rid, item).length && !fromUpdates.length) return document.createDocumentFragment();
  box.append(h('p', { class: 'att-heading' }, heading), list);
  if (fromUpdates.length) box.append(h('p', { class: 'att-heading' }, 'From progress updates'), updateList(fromUpdates));
  if (editable) {
    const up = uploader(`Attach evidence files to ${item ? heading.replace(/^Evidence of /, '') : 'the review'}`, {
      target: () => ({ reviewId: rid, item }),
      done: (a) => { lists.set(String(rid), [...(lists.get(String(rid)) || []), a]); render(); },
    });
    box.append(up.zone);
  }
  return box;
}

/** The newest progress update of the action (POST …/updates answers with the action). */
async function newestUpdate(actionId) {
  const list = await get(`actions/${actionId}/updates`);
  return Math.max(...(list.items || []).map((u) => u.id));
}

/** The review's own files, placed after its "Review details" section. */
export function reviewEvidence(view, review, editable) {
  const sec = h('section', { class: 'card', 'aria-labelledby': 'evidence-h' }, h('h3', { id: 'evidence-h' }, 'Evidence'),
    attachmentPanel(review, null, { editable, heading: 'Files attached to the review' }));
  const details = Array.from(view.querySelectorAll('section.card')).find((x) => x.querySelector('h3')?.textContent === 'Review details');
  if (details) details.after(sec); else view.append(sec);
}

/** An item's card with its files after its details (attendees have none). */
export function itemEvidence(art, ctx, kind, it) {
  if (kind === 'attendees') return art;
  const panel = attachmentPanel(ctx.review, `${kind}/${it.id}`, { editable: ctx.editable, heading: `Evidence of ${it.ref}` });
  const dl = art.querySelector('dl');
  if (dl) dl.after(panel); else art.append(panel);
  return art;
}

/**
 * For the action's progress update form: a picker/drop zone (before its buttons) whose files
 * are kept until the update is recorded; upload(reviewId, actionId) then sends them to the
 * action's newest update (true when all were stored). Null without an action of a review.
 */
export function updateEvidence(form, action) {
  if (!action || !action.review_id) return null;
  let pending = [];
  let dest = null;
  const chosen = h('ul', { class: 'att-list', 'aria-label': 'Files to attach to this progress update' });
  const up = uploader('Evidence files for this update (optional)', {
    target: () => dest,
    done: () => {},
  });
  const keep = (files) => {
    pending = pending.concat(files);
    clear(chosen);
    for (const f of pending) chosen.append(h('li', {}, `${f.name} · ${fmtSize(f.size)}`));
  };
  const input = up.zone.querySelector('input');
  input.addEventListener('change', () => { if (!dest) keep(Array.from(input.files)); }, { capture: true });
  up.zone.addEventListener('drop', (ev) => { if (!dest) keep(Array.from((ev.dataTransfer && ev.dataTransfer.files) || [])); }, { capture: true });
  up.zone.append(chosen);
  form.querySelector('.buttons').before(up.zone);
  return {
    field: up.zone,
    async upload(reviewId, actionId) {
      if (!pending.length) return true;
      const submit = up.zone.closest('form')?.querySelector('button[type="submit"]');
      if (submit) submit.disabled = true; // the update is recorded: no second one while its files go
      dest = { reviewId, item: `updates/${await newestUpdate(actionId)}` };
      await up.run(pending);
      if (submit) submit.disabled = false;
      const failed = up.zone.querySelector('.att-msg.error');
      if (failed) failed.append(h('p', {}, 'The progress update itself was recorded; only the files named above are not attached.'));
      pending = [];
      dest = null;
      clear(chosen);
      return !failed;
    },
  };
}
