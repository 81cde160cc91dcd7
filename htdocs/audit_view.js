// SPDX-License-Identifier: Apache-2.0
// The audit trail (#/audit): each event as who did what to which record, and the fields it
// changed (before, after); filters by the review's reference, user, record kind and step.
import { get } from './api.js';
import { h, clear, fmtDate, label, table } from './dom.js';
import { changes, changesTable } from './diff.js';
import { loadNames, who } from './names.js';

const FILTERS = [
  ['review_ref', 'Review reference', 'MR-2026-01'], ['actor', 'User (login)', ''],
  ['entity', 'Record kind', 'review, action, person…'], ['action', 'Step', 'approve, submit…'],
];

/** "Approve", "Created", "Changed", "Deleted" from the event's method and action. */
function what(e) {
  const crud = /^(POST|PATCH|PUT|DELETE) /.test(e.action || '');
  let step = label(e.action);
  if (crud) step = { POST: 'Created', DELETE: 'Deleted' }[e.method] || 'Changed';
  const sub = /\/(waivers|updates|measurements)$/.exec(e.path || '');
  if (sub) step = `${step}: ${sub[1].slice(0, -1)}`;
  return e.status >= 400 ? `Refused (${e.status}): ${crud ? `${e.method} ${e.path}` : step}` : step;
}

function record(e, refs) {
  const doc = e.after || e.before || {};
  const ref = doc.ref || doc.login || refs.get(`${e.entity}-${e.entity_id}`) || (e.entity_id != null ? `#${e.entity_id}` : '');
  return `${label(e.entity || 'request')} ${ref}`.trim();
}

/** The fields an event changed, as a table; creations collapse behind a summary. */
function changeList(e) {
  if (e.status >= 400) return h('span', { class: 'meta' }, 'Nothing was written.');
  const list = changes(e.before, e.after);
  if (!list.length) return '—';
  const t = changesTable(list);
  if (e.before && list.length <= 6) return t;
  return h('details', {}, h('summary', {}, `${list.length} field${list.length > 1 ? 's' : ''}`), t);
}

function verifyPanel(ui) {
  const out = h('div', { 'aria-live': 'polite' });
  return ui.section('Chain verification', h('button', { type: 'button', class: 'verify', on: { click: async () => {
    clear(out);
    try {
      const v = await get('audit/verify');
      out.append(h('p', { class: v.valid ? 'ok' : 'alert' }, v.valid ? `Chain intact: ${v.events} events.` : `Chain broken at event ${v.first_bad}: ${v.reason}`),
        ui.dl([['Head', h('code', {}, String(v.head || '—'))]]));
    } catch (err) { out.append(ui.problemBox(err)); }
  } } }, 'Verify the hash chain'), out);
}

function filterForm(params) {
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter audit events', on: {
    submit: (ev) => {
      ev.preventDefault();
      const q = new URLSearchParams();
      for (const [n] of FILTERS) if (form.elements[n].value.trim()) q.set(n, form.elements[n].value.trim());
      location.hash = `#/audit${q.toString() ? `?${q}` : ''}`;
    },
  } }, FILTERS.map(([n, txt, ph]) => h('div', { class: 'field' }, h('label', { for: `au-${n}` }, txt),
    h('input', { id: `au-${n}`, name: n, value: params.get(n) || '', placeholder: ph || null }))),
  h('button', { type: 'submit' }, 'Filter'));
  return form;
}

function eventsTable(items) {
  const refs = new Map(); // a waiver's event names its review by id: the reference of that review
  for (const e of items) {
    const doc = e.after || e.before || {};
    if (doc.ref) refs.set(`${e.entity}-${e.entity_id}`, doc.ref);
  }
  const t = table([
    { title: 'Seq', key: 'seq' }, { title: 'When', render: (e) => fmtDate(e.created_at) },
    { title: 'Who', render: (e) => (who(e.actor) === e.actor ? e.actor : `${who(e.actor)} (${e.actor})`) }, { title: 'What', render: what },
    { title: 'Record', render: (e) => record(e, refs) }, { title: 'Changes', render: changeList },
  ], items, 'Audit events');
  t.classList.add('events');
  return t;
}

export async function auditScreen(ui, params) {
  ui.page('Audit trail');
  if (!ui.has('auditor') && !ui.has('admin')) {
    ui.view.append(h('p', {}, 'The audit trail is for auditors and admins.'));
    return;
  }
  ui.view.append(verifyPanel(ui), filterForm(params));
  const q = Object.fromEntries(FILTERS.map(([n]) => [n, params.get(n)]).filter(([, v]) => v));
  const [list] = await Promise.all([get('audit', { ...q, limit: 50, cursor: params.get('cursor') }), loadNames()]);
  const shown = Object.entries(q).map(([k, v]) => `${FILTERS.find(([n]) => n === k)[1]} ${v}`).join(', ');
  ui.view.append(ui.section(shown ? `Events: ${shown}` : 'Events',
    list.items.length ? eventsTable(list.items) : h('p', { class: 'no-events' }, 'No event matches these filters.'),
    list.next_cursor ? h('p', {}, ui.link(`#/audit?${new URLSearchParams({ ...q, cursor: list.next_cursor })}`, 'Next page')) : null));
}
