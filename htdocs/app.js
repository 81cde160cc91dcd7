// SPDX-License-Identifier: Apache-2.0
// The ISMS management review UI: hash-routed screens over the JSON API beside this page.
// Text goes in with textContent/createElement only (see dom.js); no inline script or style.
import { api, get, apiUrl, ApiError, newKey } from './api.js';
import { h, s, clear, fmtDate, label, badge, table, nextId } from './dom.js';
import { loadAttachments, reviewEvidence, itemEvidence, updateEvidence } from './attachments.js';
import {
  KINDS, ENUMS, INPUT_CATEGORIES, buildFields, collect, clearErrors, showFieldErrors, itemTitle,
  fieldLabel, datesValid, enumText,
} from './fields.js';
import { submitOnce, once, markClean, mayLeave, installLeaveGuard } from './guard.js';
import { showConflict } from './conflict.js';
import { workflowStatus, approvedByMe } from './workflow.js';
import { progressHistory } from './progress.js';
import { snapshotDirty, restoreDirty } from './keep.js';
import { loadNames, who as nameOf } from './names.js';
import { loadSchema } from './schema.js';
import { findingText, findingLink, markRequired } from './findings.js';
import { previousExternal } from './prior.js';
import { inputALines, inputAWhole, conclusionText } from './inputa.js';

const view = document.getElementById('view');
const statusEl = document.getElementById('status');
let me = { user: null, roles: [] };
const has = (r) => me.roles.includes(r);

// ---------- messages and errors ----------

function notify(text, kind = 'ok') {
  clear(statusEl);
  statusEl.className = `status ${kind}`;
  statusEl.append(h('span', {}, text));
  statusEl.hidden = false;
}

function problemBox(err, onReload) {
  const box = h('div', { class: 'problem', role: 'alert' });
  if (err instanceof ApiError && err.status === 412) {
    box.append(h('p', {}, 'Not saved: someone changed this record after you loaded it. '
      + 'Reload to see the current version, then make your change again.'),
    h('button', { type: 'button', class: 'reload', on: { click: () => (onReload ? onReload() : route()) } }, 'Reload'));
  } else if (err instanceof ApiError) {
    const title = err.problem.title && err.problem.title !== err.message ? `${err.problem.title}: ` : '';
    box.append(h('p', {}, `${title}${err.message}`));
    const list = err.problem.errors || [];
    if (list.length) box.append(h('ul', {}, list.map((e) => h('li', {}, `${e.field ? `${fieldLabel(String(e.field).split(/[.[]/)[0])}: ` : ''}${e.message || e.code}`))));
  } else {
    box.append(h('p', {}, String(err && err.message ? err.message : err)));
  }
  return box;
}

/** Shows an API error in a form's error area: 422 next to the fields, the rest above. */
function formError(form, err, onReload) {
  const area = form.querySelector('.form-problem');
  clear(area);
  if (err instanceof ApiError && err.status === 422 && err.problem.errors) {
    const rest = showFieldErrors(form, err.problem.errors);
    area.append(problemBox(new ApiError(422, { ...err.problem, errors: rest }), onReload));
  } else {
    area.append(problemBox(err, onReload));
  }
}

// ---------- dialogs ----------

function askText(title, { required = false, fieldLabel = 'Comment', okText = 'OK', value = '' } = {}) {
  return new Promise((resolve) => {
    const id = nextId('dlg');
    const ta = h('textarea', { id, rows: 4, required, value });
    const err = h('p', { class: 'field-error', hidden: true, id: `${id}-err` }, 'This is required.');
    ta.setAttribute('aria-describedby', `${id}-err`);
    const dlg = h('dialog', { 'aria-labelledby': `${id}-t` });
    const close = (v) => { dlg.close(); dlg.remove(); resolve(v); };
    const form = h('form', { method: 'dialog', on: {
      submit: (ev) => {
        ev.preventDefault();
        const v = ta.value.trim();
        if (required && !v) { err.hidden = false; ta.focus(); return; }
        close(v);
      },
    } },
    h('h2', { id: `${id}-t` }, title),
    h('div', { class: 'field' }, h('label', { for: id }, fieldLabel, required ? ' (required)' : ' (optional)'), ta, err),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, okText),
      h('button', { type: 'button', on: { click: () => close(null) } }, 'Cancel')));
    dlg.append(form);
    dlg.addEventListener('cancel', (ev) => { ev.preventDefault(); close(null); });
    document.body.append(dlg);
    dlg.showModal();
    ta.focus();
  });
}

// ---------- page scaffolding ----------

function page(title, ...children) {
  clear(view);
  const h2 = h('h2', { tabindex: '-1', id: 'page-title' }, title);
  view.append(h2, ...children);
  document.title = `${title} · ISMS management review`;
  return h2;
}

function section(title, ...children) {
  const id = nextId('sec');
  return h('section', { 'aria-labelledby': id, class: 'card' }, h('h3', { id, tabindex: '-1' }, title), ...children);
}

/** "On this page": links that move the focus to each section of a long page. */
function contents(sections) {
  const go = (sec) => (ev) => { ev.preventDefault(); const t = sec.querySelector('h3'); t.scrollIntoView(); t.focus(); };
  return h('nav', { class: 'toc', 'aria-label': 'On this page' },
    h('ul', { class: 'links' }, sections.filter(Boolean).map((sec) => h('li', {},
      h('a', { href: location.hash, on: { click: go(sec) } }, sec.querySelector('h3').textContent.replace(/ \(\d+\)$/, ''))))));
}

function dl(pairs) {
  return h('dl', { class: 'kv' }, pairs.filter(Boolean).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')]));
}

function link(href, text, attrs = {}) {
  return h('a', { href, ...attrs }, text);
}

function reportLinks(id, version) {
  const q = version ? { version } : {};
  return h('ul', { class: 'links' },
    h('li', {}, link(apiUrl(`reviews/${id}/report`, q).href, 'Review record (HTML)', { target: '_blank', rel: 'noopener', class: 'report-link' })),
    h('li', {}, link(apiUrl(`reviews/${id}/report`, { ...q, format: 'csv' }).href, 'CSV', { download: '' })),
    h('li', {}, link(apiUrl(`reviews/${id}/report`, { ...q, format: 'json' }).href, 'JSON', { download: '' })),
    h('li', {}, link(apiUrl(`reviews/${id}/evidence`, q).href, 'Evidence pack (ZIP)', { download: '' })),
    h('li', {}, link(`#/reviews/${id}/history`, 'Version history', { class: 'history-link' })));
}

function display(fd, v, review) {
  if (v === null || v === undefined || (Array.isArray(v) && !v.length)) return null;
  switch (fd.t) {
    case 'date': return fmtDate(v);
    case 'enum': return enumText(fd, v);
    case 'bool': return v ? 'Yes' : 'No';
    case 'lenum': return v.map((x) => enumText(fd, x)).join(', ');
    case 'lstr': return v.join('; ');
    case 'obj': return fd.sub.map((sf) => (v[sf.n] == null ? null : `${fieldLabel(sf.n)}: ${sf.t === 'enum' ? enumText(sf, v[sf.n]) : v[sf.n]}`)).filter(Boolean).join(' · ');
    case 'lobj': return v.map((o) => fd.sub.map((sf) => (sf.t === 'enum' && o[sf.n] != null ? enumText(sf, o[sf.n]) : o[sf.n])).filter((x) => x != null).join(' / ')).join('; ');
    case 'ref': {
      const it = review && (review[fd.of] || []).find((x) => x.id === v);
      return it ? it.ref : `#${v}`;
    }
    case 'lref': return v.map((id) => {
      const it = review && (review[fd.of] || []).find((x) => x.id === id);
      return it ? it.ref : `#${id}`;
    }).join(', ');
    case 'user': return nameOf(v);
    case 'pick': return (fd.from.find((x) => x.id === v) || { name: `#${v}` }).name;
    default: return String(v);
  }
}

// ---------- screens ----------

async function dashboard() {
  page('Dashboard');
  const d = await get('reports/dashboard');
  const nr = d.next_review || {};
  view.append(
    h('div', { class: 'tiles' },
      tile('Open actions', d.actions_open), tile('Overdue actions', d.actions_overdue, d.actions_overdue ? 'warn' : ''),
      tile('All actions', d.actions_total), tile('Awaiting approval', (d.awaiting_approval || []).length)),
    section('Next management review',
      nr.due_date ? dl([
        ['Due', fmtDate(nr.due_date)],
        ['Overdue', nr.overdue ? `Yes, ${nr.days_overdue} days` : 'No'],
        nr.latest_review ? ['Latest review', link(`#/reviews/${nr.latest_review.id}`, `${nr.latest_review.ref} ${nr.latest_review.title}`)] : null,
      ]) : h('p', {}, 'No review yet.'),
      nr.overdue ? h('p', { class: 'alert', role: 'alert' }, 'The next management review is overdue.') : null),
    section('Reviews by status', dl(Object.entries(d.reviews_by_status || {}).map(([k, v]) => [label(k), String(v)]))),
    section('Reviews awaiting approval', (d.awaiting_approval || []).length
      ? table([
        { title: 'Reference', render: (r) => link(`#/reviews/${r.id}`, r.ref) },
        { title: 'Title', key: 'title' }, { title: 'Submitted', render: (r) => fmtDate(r.submitted_at) },
      ], d.awaiting_approval) : h('p', {}, 'None.')),
    section('Overdue actions', (d.overdue_actions || []).length
      ? table([
        { title: 'Reference', key: 'ref' }, { title: 'Title', key: 'title' }, { title: 'Owner', key: 'owner' },
        { title: 'Due', render: (a) => fmtDate(a.due_date) }, { title: 'Days overdue', key: 'days_overdue' },
      ], d.overdue_actions) : h('p', {}, 'None.')),
    section('Actions by owner', (d.actions_by_owner || []).length
      ? table([
        { title: 'Owner', key: 'owner' }, { title: 'Open', key: 'open_count' },
        { title: 'Overdue', key: 'overdue_count' }, { title: 'Total', key: 'total_count' },
      ], d.actions_by_owner)
      : h('p', {}, 'None.')),
    section('Objectives', (d.objectives || []).length
      ? table([
        { title: 'Reference', key: 'ref' }, { title: 'Statement', key: 'statement' },
        { title: 'RAG', render: (o) => ragBadge(o.rag) }, { title: 'Trend', render: (o) => label(o.trend) },
      ], d.objectives) : h('p', {}, 'None.')),
    h('p', {}, link(apiUrl('reports/dashboard', { format: 'html' }).href, 'Printable dashboard with charts (HTML)', { target: '_blank', rel: 'noopener' }),
      ' · ', link(apiUrl('reports/compliance', { format: 'html' }).href, 'Compliance matrix', { target: '_blank', rel: 'noopener' }),
      ' · ', link(apiUrl('reports/actions', { format: 'html' }).href, 'Action register report', { target: '_blank', rel: 'noopener' }),
      ' · ', link(apiUrl('calendar.ics').href, 'Calendar (iCalendar)', { download: '' })),
  );
}

function tile(title, value, cls = '') {
  return h('div', { class: `tile ${cls}` }, h('span', { class: 'tile-v' }, String(value ?? 0)), h('span', { class: 'tile-t' }, title));
}

function ragBadge(rag) {
  return rag ? h('span', { class: `badge rag-${rag.toLowerCase()}` }, label(rag)) : '—';
}

async function reviews(params) {
  page('Reviews');
  const statusId = nextId('f');
  const yearId = nextId('f');
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter reviews', on: {
    submit: (ev) => {
      ev.preventDefault();
      const q = new URLSearchParams();
      if (filters.elements.status.value) q.set('status', filters.elements.status.value);
      if (filters.elements.year.value) q.set('year', filters.elements.year.value);
      location.hash = `#/reviews${q.toString() ? `?${q}` : ''}`;
    },
  } },
  h('div', { class: 'field' }, h('label', { for: statusId }, 'Status'),
    h('select', { id: statusId, name: 'status' }, h('option', { value: '' }, 'Any'),
      ENUMS.review_status.map((v) => h('option', { value: v, selected: params.get('status') === v }, label(v))))),
  h('div', { class: 'field' }, h('label', { for: yearId }, 'Year'),
    h('input', { id: yearId, name: 'year', type: 'number', min: 2000, max: 2100, value: params.get('year') || '' })),
  h('button', { type: 'submit' }, 'Filter'));
  view.append(filters);
  const list = await get('reviews', { status: params.get('status'), year: params.get('year'), limit: 100 });
  view.append(section(`Reviews (${list.items.length}${list.next_cursor ? '+' : ''})`, list.items.length ? table([
    { title: 'Reference', render: (r) => link(`#/reviews/${r.id}`, r.ref) },
    { title: 'Title', key: 'title' }, { title: 'Type', render: (r) => label(r.review_type) },
    { title: 'Planned', render: (r) => fmtDate(r.planned_date) }, { title: 'Status', render: (r) => badge(r.status) },
    { title: 'Version', key: 'version' }, { title: 'Author', key: 'author' },
  ], list.items) : h('p', {}, 'No reviews match.')));
  if (has('author')) view.append(newReviewForm());
}

function newReviewForm() {
  const fds = KINDS.review.filter((fd) => ['title', 'review_type', 'trigger', 'planned_date', 'period_from', 'period_to', 'format', 'chair'].includes(fd.n));
  const form = h('form', { class: 'item-form', novalidate: true, 'aria-label': 'New review' },
    h('div', { class: 'form-problem' }), h('div', { class: 'grid' }, buildFields(fds, null, null, 'new')),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Create review')));
  submitOnce(form, async (key) => {
    clearErrors(form);
    if (!datesValid(form)) return false;
    try {
      const r = await api('POST', 'reviews', collect(form, fds, null), null, null, key);
      notify(`Review ${r.data.ref} created.`);
      markClean(form);
      location.hash = `#/reviews/${r.data.id}`;
      return true;
    } catch (e) { formError(form, e); return false; }
  });
  return section('New review', form);
}

// ----- review editor -----

const RESULT_KINDS = [
  ['attendees', 'Attendees'], ['decisions', 'Decisions'], ['actions', 'Actions'],
  ['improvements', 'Improvement opportunities'], ['changes', 'Changes to the ISMS'],
  ['objectives', 'Objectives and targets'], ['resources', 'Resource requirements'],
  ['communications', 'Communications'],
];

const TRANSITIONS = [
  { a: 'submit', role: 'author', from: ['DRAFT', 'RETURNED'], comment: false, text: 'Submit for approval' },
  { a: 'return', role: 'approver', from: ['SUBMITTED'], comment: true, text: 'Return to author' },
  { a: 'approve', role: 'approver', from: ['SUBMITTED'], comment: false, text: 'Approve' },
  { a: 'publish', role: 'author', from: ['APPROVED'], comment: false, text: 'Publish' },
  { a: 'cancel', role: 'author', from: ['DRAFT', 'RETURNED'], comment: true, text: 'Cancel review', v1: true },
  { a: 'amend', role: 'author', from: ['APPROVED', 'PUBLISHED'], comment: true, text: 'Amend (new version)' },
];

async function reviewEditor(id, focusSel, keep) {
  const { data: review } = await api('GET', `reviews/${id}`);
  const history = await get(`reviews/${id}/history`);
  const editable = has('author') && ['DRAFT', 'RETURNED'].includes(review.status);
  await loadAttachments(review);
  const tracking = has('author') && !editable && !['CANCELLED', 'SUPERSEDED'].includes(review.status);
  // a reload after a save keeps the unsaved edits of the page's other forms
  const ctx = { review, editable, tracking, reload: (sel) => reviewEditor(id, sel, snapshotDirty(view)) };
  const checkPanel = await completenessPanel(review, ctx);
  ctx.findings = checkPanel.findings || [];
  const h2 = page(`${review.ref}: ${review.title}`);
  const sameUser = (a) => a && me.user && a.trim().toLowerCase() === me.user.trim().toLowerCase();

  const wf = h('div', { class: 'buttons workflow' });
  for (const t of TRANSITIONS) {
    if (!has(t.role) || !t.from.includes(review.status)) continue;
    if (t.v1 && review.version > 1) continue;
    if (t.a === 'approve' && (sameUser(review.author) || sameUser(review.submitted_by) || approvedByMe(review, history, me.user))) continue;
    const btn = h('button', { type: 'button', class: t.a === 'approve' || t.a === 'submit' ? 'primary' : '', 'data-action': t.a, on: { click: () => once(btn, () => transition(review, t, ctx)) } }, t.text);
    wf.append(btn);
  }
  const wfProblem = h('div', { class: 'wf-problem', 'aria-live': 'polite' });

  const wfSection = section('Workflow and reports', workflowStatus(review, history),
    wf.childNodes.length ? wf : h('p', { class: 'meta' }, approvedByMe(review, history, me.user) ? 'You have approved this version.' : 'No workflow step is open to you now.'),
    wfProblem, reportLinks(review.id));
  const details = reviewDetails(review, ctx);
  const prior = previousExternal(review, ctx, { section, notify, formError });
  const inputs = INPUT_CATEGORIES.map(([cat, title]) => inputSection(cat, title, ctx));
  const results = RESULT_KINDS.map(([kind, title]) => collectionSection(kind, title, review[kind] || [], ctx));
  view.append(
    h('p', { class: 'meta' }, badge(review.status), ` Version ${review.version} · author ${nameOf(review.author)} · planned ${''}`, fmtDate(review.planned_date),
      review.content_hash ? ` · sealed ${review.content_hash.slice(0, 12)}…` : ''),
    contents([wfSection, checkPanel, details, prior, ...inputs, ...results]),
    wfSection,
    checkPanel,
    details,
    ...(prior ? [prior] : []),
    h('h3', { class: 'group' }, 'Inputs (9.3.2)'),
    ...inputs,
    h('h3', { class: 'group' }, 'Results (9.3.3) and attendance'),
    ...results,
  );
  restoreDirty(view, keep);
  const target = focusSel && view.querySelector(focusSel);
  (target || h2).focus();
  reviewEvidence(view, review, editable);
}

// the comment of a workflow step that was refused, offered again on the next try
const stepComments = new Map();

async function transition(review, t, ctx) {
  const slot = `${review.id}/${t.a}`;
  const comment = await askText(`${t.text}: ${review.ref}`, { required: t.comment, okText: t.text, value: stepComments.get(slot) || '' });
  if (comment === null) return;
  const box = view.querySelector('.wf-problem');
  clear(box);
  try {
    stepComments.set(slot, comment);
    await api('POST', `reviews/${review.id}/${t.a}`, comment ? { comment } : {}, review.etag, null, newKey());
    stepComments.delete(slot);
    notify(`${t.text}: done.`);
    if (t.a === 'amend') location.hash = `#/reviews/${review.id}`;
    await ctx.reload('.workflow');
  } catch (e) {
    box.append(problemBox(e, () => ctx.reload()));
    if (e instanceof ApiError && e.status === 422 && e.problem.findings) {
      box.append(h('p', {}, 'The completeness check found blocking errors; see the panel below.'));
    }
    box.querySelector('button, p')?.setAttribute('tabindex', '-1');
    box.scrollIntoView({ block: 'center' });
    box.querySelector('button, p')?.focus();
  }
}

async function completenessPanel(review, ctx) {
  let chk;
  try { chk = await get(`reviews/${review.id}/check`); } catch (e) { return section('Completeness check', problemBox(e)); }
  const canWaive = has('approver') && ['DRAFT', 'RETURNED'].includes(review.status);
  const canAck = has('approver') && ['SUBMITTED', 'DRAFT', 'RETURNED'].includes(review.status);
  const rows = chk.findings.map((fi) => ({ ...fi }));
  const panel = section(`Completeness check: ${chk.errors} errors, ${chk.warnings} warnings, ${chk.blocking} blocking, ${chk.unacknowledged} not acknowledged`,
    rows.length ? table([
      { title: 'Finding', render: findingText }, { title: 'Where', render: (x) => findingLink(x, view) },
      { title: 'Severity', render: (x) => (x.severity === 'E' ? 'Error' : 'Warning') },
      { title: 'Clause', key: 'clause' }, { title: 'Rule', key: 'rule' },
      { title: 'Waiver / acknowledgement', render: (x) => {
        if (x.waived) return `Waived${x.waiver && x.waiver.justification ? `: ${x.waiver.justification}` : ''}${x.waiver && x.waiver.waived_by ? ` (${nameOf(x.waiver.waived_by)})` : ''}`;
        if (x.acknowledged) return `Acknowledged${x.acknowledgement && x.acknowledgement.acknowledged_by ? ` by ${nameOf(x.acknowledgement.acknowledged_by)}` : ''}`;
        if (canWaive && x.severity === 'E') {
          const b = h('button', { type: 'button', class: 'waive', 'data-rule': x.rule, on: { click: () => once(b, () => give(review, x, ctx, 'waivers')) } }, `Waive ${x.rule}`);
          return b;
        }
        if (canAck && x.severity === 'W') {
          const b = h('button', { type: 'button', class: 'acknowledge', 'data-rule': x.rule, on: { click: () => once(b, () => give(review, x, ctx, 'acknowledgements')) } }, `Acknowledge ${x.rule}`);
          return b;
        }
        return 'Open';
      } },
    ], rows) : h('p', {}, 'No findings: the record is complete.'));
  panel.classList.add('check');
  panel.findings = chk.findings;
  return panel;
}

// A waiver (E) or an acknowledgement (W) is for one finding: its rule and subject.
async function give(review, finding, ctx, what) {
  const waiver = what === 'waivers';
  const text = await askText(`${waiver ? 'Waive' : 'Acknowledge'} ${finding.rule}: ${finding.message}`,
    { required: waiver, fieldLabel: waiver ? 'Justification' : 'Comment', okText: waiver ? 'Waive' : 'Acknowledge' });
  if (text === null) return;
  const body = { rule: finding.rule, subject: finding.subject, [waiver ? 'justification' : 'comment']: text };
  try {
    await api('POST', `reviews/${review.id}/${what}`, body, null, null, newKey());
    notify(`${finding.rule} ${waiver ? 'waived' : 'acknowledged'}.`);
    await ctx.reload('.check h3');
  } catch (e) { notify(`${waiver ? 'Waiver' : 'Acknowledgement'} refused: ${e.message}`, 'error'); }
}

function reviewDetails(review, ctx) {
  const fds = KINDS.review;
  if (!ctx.editable) {
    const ro = section('Review details', dl(fds.map((fd) => [fieldLabel(fd.n), display(fd, review[fd.n], review)])));
    ro.dataset.section = 'details';
    return ro;
  }
  let base = review;
  const form = h('form', { class: 'item-form', novalidate: true, 'aria-label': 'Review details' },
    h('div', { class: 'form-problem' }), h('div', { class: 'grid' }, buildFields(fds, review, ctx, 'rv')),
    h('div', { class: 'form-conflict' }),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Save review details')));
  submitOnce(form, async () => {
    clearErrors(form);
    if (!datesValid(form)) return false;
    const body = collect(form, fds, base);
    if (!Object.keys(body).length) { notify('Nothing changed.'); return true; }
    try {
      await api('PATCH', `reviews/${review.id}`, body, base.etag);
      notify('Review details saved.');
      markClean(form);
      await ctx.reload('#page-title');
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        await showConflict({ form, fds, base, ctx, prefix: 'rv', show: (fd, v) => display(fd, v, review),
          fetchCurrent: () => get(`reviews/${review.id}`), onRebased: (cur) => { base = cur; }, onDiscard: () => { markClean(form); ctx.reload(); } });
      } else formError(form, e, () => ctx.reload());
      return false;
    }
  });
  markRequired(form, ctx.findings);
  const sec = section('Review details', form);
  sec.dataset.section = 'details';
  return sec;
}

function inputSection(cat, title, ctx) {
  const items = (ctx.review.inputs || []).filter((i) => i.category === cat);
  if (cat === 'A_PREV_ACTIONS') {
    const sec = section(title, h('p', { class: 'hint' }, ctx.editable
      ? 'Generated when the review is created from the open actions of earlier reviews. For each line, record management\'s conclusion: continue, re-plan (with an "Action replan" decision of this review), close or cancel.'
      : 'Generated when the review is created from the open actions of earlier reviews; read-only.'),
    items.length ? items.map((i) => h('div', { class: 'item' },
      h('h4', {}, `${i.ref}: ${i.title}`), i.summary ? h('p', {}, i.summary) : null,
      snapshots(i.action_snapshots || [], ctx.review),
      ctx.editable ? inputALines(i.action_snapshots || [], ctx, { notify, formError }) : null,
      h('h4', { class: 'input-a-whole', tabindex: '-1' }, 'Input a as a whole'),
      inputAWhole(i, ctx, { notify, formError }))) : h('p', {}, 'No open actions from earlier reviews.'));
    sec.dataset.section = 'input-a';
    return sec;
  }
  const fds = KINDS.inputs.filter((fd) => !fd.only || fd.only.includes(cat));
  return collectionSection('inputs', title, items, ctx, { fds, fixed: { category: cat }, cat });
}

function snapshots(list, review) {
  if (!list.length) return h('p', {}, 'No action snapshots.');
  // the lines differ in their keys (a typed-in line, a check recorded): every key of any line
  const keys = [...new Set(list.flatMap((r) => Object.keys(r)))].filter((k) => !['id', 'input_id', 'review_id'].includes(k));
  const text = (v) => (v && typeof v === 'object' ? [v.result, v.verified_by && `verified by ${nameOf(v.verified_by)}`, v.due && `due ${v.due}`].filter(Boolean).join(', ') : String(v));
  const cell = (r, k) => {
    if (k === 'conclusion') return conclusionText(review, r) ?? '—';
    if (/date$/.test(k)) return fmtDate(r[k]);
    return r[k] == null ? '—' : text(r[k]);
  };
  const shown = keys.filter((k) => !['replan_decision_id', 'conclusion_note'].includes(k));
  return table(shown.map((k) => ({ title: k === 'conclusion' ? 'Management\'s conclusion' : label(k), render: (r) => cell(r, k) })), list, 'Action snapshots');
}

function collectionSection(kind, title, items, ctx, opts = {}) {
  const fds = opts.fds || KINDS[kind];
  const sec = section(`${title} (${items.length})`);
  sec.dataset.kind = opts.cat || kind;
  sec.dataset.coll = kind;
  const list = h('div', { class: 'items' });
  for (const it of items) list.append(itemEvidence(itemView(kind, it, fds, ctx), ctx, kind, it));
  if (!items.length) list.append(h('p', { class: 'empty' }, 'None recorded.'));
  sec.append(list);
  if (ctx.editable) {
    const add = h('button', { type: 'button', class: 'add', on: { click: () => {
      add.hidden = true;
      const form = itemForm(kind, null, fds, ctx, opts.fixed, () => { markClean(form); form.remove(); add.hidden = false; add.focus(); });
      sec.append(form);
      form.querySelector('input, select, textarea')?.focus();
    } } }, opts.cat ? `Add input ${title.split(' ')[0]}` : `Add ${addLabel(kind)}`);
    // nine "Add input" buttons: each names its category
    if (opts.cat) add.setAttribute('aria-label', `Add input ${title}`);
    sec.append(add);
  }
  return sec;
}

function addLabel(kind) {
  return { attendees: 'attendee', inputs: 'input', decisions: 'decision', actions: 'action', improvements: 'improvement', changes: 'change', objectives: 'objective', resources: 'resource', communications: 'communication' }[kind];
}

function itemView(kind, it, fds, ctx) {
  const art = h('article', { class: 'item', 'data-id': String(it.id) });
  const head = h('h4', { tabindex: '-1' }, `${it.ref}: ${itemTitle(kind, it)}`, it.status ? [' ', badge(it.status)] : null);
  const details = dl(fds.map((fd) => [fieldLabel(fd.n), display(fd, it[fd.n], ctx.review)]).filter(([, v]) => v !== null));
  art.append(head, details);
  if (kind === 'actions' && !ctx.editable) {
    // once a review left the draft, an action is tracked through the register's progress updates
    art.append(progressHistory(it));
    if (ctx.tracking || (me.user && it.owner === me.user)) art.append(progressButton(it, art));
    return art;
  }
  const trkFds = fds.filter((fd) => fd.trk);
  const canEdit = ctx.editable || (ctx.tracking && trkFds.length);
  if (canEdit) {
    const btns = h('div', { class: 'buttons' });
    btns.append(h('button', { type: 'button', on: { click: () => {
      btns.hidden = true;
      details.hidden = true;
      const form = itemForm(kind, it, ctx.editable ? fds : trkFds, ctx, null, () => { markClean(form); form.remove(); btns.hidden = false; details.hidden = false; btns.querySelector('button').focus(); });
      art.append(form);
      form.querySelector('input, select, textarea')?.focus();
    } } }, `Edit ${it.ref}`));
    if (ctx.editable) {
      const del = h('button', { type: 'button', class: 'danger', on: { click: () => once(del, async () => {
        if (!window.confirm(`Delete ${it.ref}?`)) return;
        try {
          await api('DELETE', `reviews/${ctx.review.id}/${kind}/${it.id}`, undefined, it.etag);
          notify(`${it.ref} deleted.`);
          await ctx.reload(`[data-kind="${kind}"] h3`);
        } catch (e) { art.append(problemBox(e, () => ctx.reload())); }
      }) } }, `Delete ${it.ref}`);
      btns.append(del);
    }
    art.append(btns);
  }
  return art;
}

function itemForm(kind, item, fds, ctx, fixed, onCancel) {
  let base = item;
  const form = h('form', { class: 'item-form', novalidate: true, 'aria-label': item ? `Edit ${item.ref}` : `New ${addLabel(kind)}` },
    h('div', { class: 'form-problem' }),
    h('div', { class: 'grid' }, buildFields(fds, item, ctx, kind)),
    h('div', { class: 'form-conflict' }),
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, item ? `Save ${item.ref}` : `Add ${addLabel(kind)}`),
      h('button', { type: 'button', on: { click: onCancel } }, 'Cancel')));
  const where = `[data-kind="${(fixed && fixed.category) || kind}"]`;
  submitOnce(form, async (key) => {
    clearErrors(form);
    if (!datesValid(form)) return false;
    const body = collect(form, fds, base);
    try {
      let id = item && item.id;
      if (item) {
        if (!Object.keys(body).length) { notify('Nothing changed.'); onCancel(); return true; }
        await api('PATCH', `reviews/${ctx.review.id}/${kind}/${item.id}`, body, base.etag);
        notify(`${item.ref} saved.`);
      } else {
        const r = await api('POST', `reviews/${ctx.review.id}/${kind}`, { ...(fixed || {}), ...body }, null, null, key);
        notify(`${r.data.ref} added.`);
        id = r.data.id;
      }
      markClean(form);
      await ctx.reload(`${where} article[data-id="${id}"] h4`);
      return true;
    } catch (e) {
      if (item && e instanceof ApiError && e.status === 412) {
        await showConflict({ form, fds, base, ctx, prefix: kind, show: (fd, v) => display(fd, v, ctx.review),
          fetchCurrent: () => get(`reviews/${ctx.review.id}/${kind}/${item.id}`),
          onRebased: (cur) => { base = cur; }, onDiscard: () => { markClean(form); ctx.reload(`${where} article[data-id="${item.id}"] h4`); } });
      } else formError(form, e, () => ctx.reload());
      return false;
    }
  });
  return form;
}

// ----- action register -----

function progressForm(actionId, action) {
  const sid = nextId('pu');
  const fds = [
    { n: 'status', t: 'enum', e: ENUMS.action_status }, { n: 'progress', t: 'int', min: 0, max: 100 },
    { n: 'note', t: 'txt' }, { n: 'evidence_ref', t: 'str', max: 500 },
  ];
  if (has('author')) fds.push({ n: 'due_date', t: 'date', hint: 'authors only' }, { n: 'reason', t: 'txt', hint: 'why the due date changes' });
  // the effectiveness check: planned and verified by an author other than the owner
  if (has('author')) {
    fds.push({ n: 'effectiveness_required', t: 'bool' }, { n: 'effectiveness_method', t: 'txt' },
      { n: 'effectiveness_due', t: 'date' },
      { n: 'effectiveness_result', t: 'txt', hint: 'with status Verified effective or Verified ineffective; not by the owner' });
  }
  const idField = actionId ? null : h('div', { class: 'field' }, h('label', { for: sid }, 'Action number (id)'),
    h('input', { id: sid, type: 'number', min: 1, required: true, 'data-field': 'action_id', name: 'action_id' }),
    h('p', { class: 'field-error', 'data-error-for': 'action_id', hidden: true }));
  const form = h('form', { class: 'item-form progress', novalidate: true, 'aria-label': action ? `Progress of ${action.ref}` : 'Progress update' },
    h('div', { class: 'form-problem' }), idField,
    h('div', { class: 'grid' }, buildFields(fds, action ? { status: action.status, progress: action.progress } : null, null, 'pu')),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Record progress')));
  submitOnce(form, async (key) => {
    clearErrors(form);
    if (!datesValid(form)) return false;
    const id = actionId || form.querySelector('[data-field="action_id"]').value;
    const body = collect(form, fds, null);
    if (action) {
      if (body.status === action.status && !('note' in body) && body.progress === action.progress) { notify('Nothing changed.'); return true; }
    }
    try {
      const r = await api('POST', `actions/${id}/updates`, body, null, null, key);
      notify(`Progress of ${r.data.ref || `action ${id}`} recorded: ${label(r.data.status)}, ${r.data.progress}%.`);
      markClean(form);
      if (evidence && !(await evidence.upload(action.review_id, id))) return false;
      await route();
      view.querySelector(`article[data-id="${id}"] h4`)?.focus();
      return true;
    } catch (e) { formError(form, e); return false; }
  });
  const evidence = updateEvidence(form, action);
  return form;
}

/** An action's effectiveness check in words: its result and verifier, else its plan. */
function effectivenessText(c) {
  if (c.result) return `${c.result} (verified by ${nameOf(c.verified_by)}, ${String(c.at || '').slice(0, 10)})`;
  return [c.required === false ? 'not required' : 'to be verified', c.method, c.due && `due ${c.due}`].filter(Boolean).join(', ');
}

/** "Record progress of A-1": opens the progress form inside the action's card. */
function progressButton(a, art) {
  const btn = h('button', { type: 'button', class: 'record-progress', on: { click: () => {
    btn.hidden = true;
    const form = progressForm(a.id, a);
    art.append(form);
    form.querySelector('select, input')?.focus();
  } } }, `Record progress of ${a.ref}`);
  return btn;
}

/** MR-2026-01-A01 -> MR-2026-01: the reference of the review an item belongs to. */
function reviewRef(itemRef) {
  return String(itemRef || '').replace(/-[A-Z]+\d+$/, '');
}

// a register longer than this loads each action's progress history when it is opened
const LAZY_HISTORY = 25;

async function actions(params) {
  // without a role the server lists only the actions this user owns
  const mine = !me.roles.length;
  page(mine ? 'My actions' : 'Action register');
  const fid = (n) => `af-${n}`;
  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter actions', on: {
    submit: (ev) => {
      ev.preventDefault();
      const q = new URLSearchParams();
      for (const n of ['status', 'owner', 'overdue']) if (filters.elements[n].value) q.set(n, filters.elements[n].value);
      location.hash = `#/actions${q.toString() ? `?${q}` : ''}`;
    },
  } },
  h('div', { class: 'field' }, h('label', { for: fid('status') }, 'Status'), h('select', { id: fid('status'), name: 'status' },
    h('option', { value: '' }, 'Any'), ENUMS.action_status.map((v) => h('option', { value: v, selected: params.get('status') === v }, label(v))))),
  h('div', { class: 'field' }, h('label', { for: fid('owner') }, 'Owner'), h('input', { id: fid('owner'), name: 'owner', value: params.get('owner') || '' })),
  h('div', { class: 'field' }, h('label', { for: fid('overdue') }, 'Overdue'), h('select', { id: fid('overdue'), name: 'overdue' },
    h('option', { value: '' }, 'Any'), h('option', { value: 'true', selected: params.get('overdue') === 'true' }, 'Overdue only'),
    h('option', { value: 'false', selected: params.get('overdue') === 'false' }, 'Not overdue'))),
  h('button', { type: 'submit' }, 'Filter'));
  view.append(filters);
  const list = await get('actions', { status: params.get('status'), owner: params.get('owner'), overdue: params.get('overdue'), limit: 200 });
  const sec = section(`Actions (${list.items.length}${list.next_cursor ? '+' : ''})`);
  view.append(sec);
  if (!mine) view.append(h('p', {}, link(apiUrl('reports/actions', { format: 'csv' }).href, 'Action register as CSV', { download: '' })));
  if (!list.items.length) sec.append(h('p', {}, 'No actions match.'));
  for (const a of list.items) {
    const canUpdate = has('author') || (me.user && a.owner === me.user);
    const art = h('article', { class: 'item', 'data-id': String(a.id) },
      h('h4', { tabindex: '-1' }, `${a.ref}: ${a.title} `, badge(a.status)),
      dl([['Owner', nameOf(a.owner)], ['Priority', label(a.priority)], ['Progress', h('span', {}, h('progress', { max: 100, value: a.progress || 0, 'aria-label': `Progress of ${a.ref}` }), ` ${a.progress}%`)],
        ['Due', fmtDate(a.due_date)], ['Original due', fmtDate(a.original_due_date)], ['Days overdue', String(a.days_overdue ?? 0)],
        ['Carried into reviews', String(a.carry_over_count ?? 0)], ['Review', mine ? reviewRef(a.ref) : link(`#/reviews/${a.review_id}`, reviewRef(a.ref))],
        a.effectiveness_check ? ['Effectiveness check', effectivenessText(a.effectiveness_check)] : null]),
      progressHistory(a, { lazy: list.items.length > LAZY_HISTORY }));
    if (canUpdate) art.append(progressButton(a, art));
    sec.append(art);
  }
}

// ----- objectives -----

function trendChart(points, kpi) {
  const W = 480; const H = 200; const P = 36;
  const vals = points.map((p) => p.value);
  if (kpi && kpi.target != null) vals.push(kpi.target);
  const min = Math.min(...vals); const max = Math.max(...vals);
  const span = max - min || 1;
  const x = (i) => P + (points.length > 1 ? (i * (W - 2 * P)) / (points.length - 1) : (W - 2 * P) / 2);
  const y = (v) => H - P - ((v - min) / span) * (H - 2 * P);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': `KPI trend${kpi ? ` of ${kpi.name}` : ''}` },
    s('title', {}, `KPI trend${kpi ? `: ${kpi.name}` : ''}`),
    s('line', { x1: P, y1: H - P, x2: W - P, y2: H - P, class: 'axis' }),
    s('line', { x1: P, y1: P, x2: P, y2: H - P, class: 'axis' }),
    s('text', { x: 4, y: y(max) + 4, class: 'tick' }, String(max)),
    s('text', { x: 4, y: y(min) + 4, class: 'tick' }, String(min)));
  if (kpi && kpi.target != null) {
    svg.append(s('line', { x1: P, x2: W - P, y1: y(kpi.target), y2: y(kpi.target), class: 'target' }),
      s('text', { x: W - P, y: y(kpi.target) - 4, class: 'tick', 'text-anchor': 'end' }, `target ${kpi.target}`));
  }
  if (points.length > 1) {
    svg.append(s('polyline', { points: points.map((p, i) => `${x(i)},${y(p.value)}`).join(' '), class: 'series' }));
  }
  points.forEach((p, i) => svg.append(s('circle', { cx: x(i), cy: y(p.value), r: 4, class: `pt rag-${String(p.rag || '').toLowerCase()}` },
    s('title', {}, `${p.period_to}: ${p.value} (${p.rag || ''})`))));
  points.forEach((p, i) => svg.append(s('text', { x: x(i), y: H - P + 16, class: 'tick', 'text-anchor': 'middle' }, p.period_to ? fmtDate(p.period_to).textContent : '')));
  return svg;
}

async function objectives() {
  // without a role the server lists only the objectives this user owns
  const mine = !me.roles.length;
  page(mine ? 'My objectives' : 'Objectives and KPIs');
  const list = await get('objectives', { limit: 200 });
  if (!list.items.length) view.append(h('p', {}, 'No objectives recorded.'));
  for (const o of list.items) {
    const art = section(`${o.ref}: ${itemTitle('objectives', o)}`);
    art.dataset.id = String(o.id);
    art.append(dl([
      ['Owner', nameOf(o.owner)], ['Status', label(o.status)],
      ['KPI', o.kpi ? `${o.kpi.name} (${label(o.kpi.direction)}), target ${o.kpi.target}${o.kpi.unit ? ` ${o.kpi.unit}` : ''}${o.kpi.baseline != null ? `, baseline ${o.kpi.baseline}` : ''}` : 'none'],
      ['Latest value', o.latest_measurement ? `${o.latest_measurement.value} (${fmtDate(o.latest_measurement.period_to).textContent})` : '—'],
      ['RAG', ragBadge(o.rag)], ['Trend', label(o.trend)], ['Review', mine ? reviewRef(o.ref) : link(`#/reviews/${o.review_id}`, reviewRef(o.ref))],
    ]));
    const chartBox = h('div', { class: 'chart-box' });
    art.append(chartBox);
    if (o.measurement_count > 0 && o.kpi) {
      try {
        const m = await get(`objectives/${o.id}/measurements`);
        const pts = [...m.items].sort((a, b) => String(a.period_to).localeCompare(String(b.period_to)));
        chartBox.append(trendChart(pts, o.kpi), table([
          { title: 'Period', render: (p) => [fmtDate(p.period_from), ' – ', fmtDate(p.period_to)] },
          { title: 'Value', key: 'value' }, { title: 'Target then', key: 'target_at_time' },
          { title: 'RAG', render: (p) => ragBadge(p.rag) }, { title: 'By', render: (p) => nameOf(p.created_by) },
        ], pts, 'Measurements'));
      } catch (e) { chartBox.append(problemBox(e)); }
    }
    if (o.kpi && (has('author') || (me.user && me.user === o.owner))) art.append(measurementForm(o));
    view.append(art);
  }
}

function measurementForm(o) {
  const fds = [
    { n: 'period_from', t: 'date', req: true }, { n: 'period_to', t: 'date', req: true },
    { n: 'value', t: 'num', req: true }, { n: 'evidence_ref', t: 'str', max: 500 }, { n: 'comment', t: 'txt' },
  ];
  const oid = nextId('ob');
  const form = h('form', { class: 'item-form', novalidate: true, 'aria-label': o ? `KPI value for ${o.ref}` : 'KPI value' },
    h('h4', {}, 'Record a KPI value'), h('div', { class: 'form-problem' }),
    o ? null : h('div', { class: 'field' }, h('label', { for: oid }, 'Objective number (id)'), h('input', { id: oid, type: 'number', min: 1, 'data-field': 'objective_id' })),
    h('div', { class: 'grid' }, buildFields(fds, null, null, 'ms')),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Add measurement')));
  submitOnce(form, async (key) => {
    clearErrors(form);
    if (!datesValid(form)) return false;
    const id = o ? o.id : form.querySelector('[data-field="objective_id"]').value;
    try {
      const r = await api('POST', `objectives/${id}/measurements`, collect(form, fds, null), null, null, key);
      notify(`Measurement recorded${r.data && r.data.rag ? `: ${label(r.data.rag)}` : ''}.`);
      markClean(form);
      if (me.roles.length) await route(); else form.reset();
      return true;
    } catch (e) { formError(form, e); return false; }
  });
  return form;
}

// ----- me -----

async function mePage() {
  page('Who I am');
  let health = null;
  try { health = await get('health'); } catch (e) { health = { database: `unavailable (${e.message})` }; }
  view.append(section('Identity', dl([
    ['User', me.user], ['Display name', me.display_name], ['Authentication', me.auth_type],
    ['Roles', me.roles.length ? me.roles.join(', ') : 'none (ask your Apache admin); you can still update actions and KPIs you own'],
  ])), section('What you can do', h('ul', {},
    has('author') ? h('li', {}, 'Author: plan reviews, record inputs and results, submit, publish, cancel and amend.') : null,
    has('approver') ? h('li', {}, 'Approver: read the record and its completeness check, waive errors, return or approve.') : null,
    has('auditor') ? h('li', {}, 'Auditor: read records, reports, the audit trail and evidence packs.') : null,
    has('admin') ? h('li', {}, 'Admin: read everything, including the audit trail.') : null,
    h('li', {}, 'Anyone who owns an action or objective: record its progress or KPI values.'))),
  section('Service', dl([['Database', health.database], ['Schema version', health.schema_version != null ? String(health.schema_version) : '—']])));
}

// ---------- router ----------

// The screens in their own modules, and what they use of this one (imports are hoisted).
import { historyScreen } from './history.js';
import { auditScreen } from './audit_view.js';
import { peopleScreen } from './people.js';
import { programmesScreen, loadProgrammes } from './programmes.js';
const UI = () => ({ view, page, section, dl, link, problemBox, formError, notify, has });

const ROUTES = [
  [/^#\/reviews\/(\d+)\/history$/, (p, id) => historyScreen(UI(), p, id)], [/^#\/people$/, (p) => peopleScreen(UI(), p)],
  [/^#\/programmes$/, () => programmesScreen(UI())],
  [/^#\/dashboard$/, dashboard], [/^#\/reviews$/, reviews], [/^#\/reviews\/(\d+)$/, (p, id) => reviewEditor(id)],
  [/^#\/actions$/, actions], [/^#\/objectives$/, objectives], [/^#\/audit$/, (p) => auditScreen(UI(), p)], [/^#\/me$/, mePage],
];

async function route() {
  const raw = location.hash || '#/dashboard';
  const [path, query] = raw.split('?');
  const params = new URLSearchParams(query || '');
  document.querySelectorAll('nav a').forEach((a) => {
    if (path.startsWith(a.getAttribute('href'))) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  });
  for (const [re, fn] of ROUTES) {
    const m = re.exec(path);
    if (!m) continue;
    view.setAttribute('aria-busy', 'true');
    try {
      await fn(params, ...m.slice(1));
    } catch (e) {
      page('Could not load this page');
      if (e instanceof ApiError && e.status === 403 && !me.roles.length) {
        view.append(h('p', {}, 'You have no role for reading the management review. If you own an action, use '), link('#/actions', 'Actions'), h('p', {}, ' to record its progress.'));
      }
      view.append(problemBox(e, () => route()));
    } finally {
      view.removeAttribute('aria-busy');
    }
    return;
  }
  location.hash = me.roles.length ? '#/dashboard' : '#/me';
}

async function main() {
  const schema = loadSchema();
  try {
    me = await get('me');
    await schema;
  } catch (e) {
    notify(`Could not read your identity: ${e.message}`, 'error');
  }
  if (me.roles && me.roles.length) await loadNames(); // the register is for readers with a role
  if (me.roles && me.roles.length) await loadProgrammes();
  const who = document.getElementById('whoami');
  who.textContent = me.user ? `${me.display_name || me.user} (${me.roles.length ? me.roles.join(', ') : 'no role'})` : '';
  if (!has('auditor') && !has('admin')) document.querySelector('nav a[href="#/audit"]')?.parentElement.remove();
  // replaceState: setting location.hash here would render the first screen twice
  if (!location.hash && !me.roles.length) history.replaceState(null, '', '#/actions');
  // the skip link moves focus to the content; as a hash link it would leave the screen
  document.querySelector('a.skip')?.addEventListener('click', (ev) => { ev.preventDefault(); view.focus(); });
  installLeaveGuard();
  window.addEventListener('hashchange', () => { if (!mayLeave()) return; statusEl.hidden = true; route(); });
  await route();
  document.body.dataset.ready = 'true';
}

main();
