// SPDX-License-Identifier: Apache-2.0
// The audit trail in words: what each event did to which record (created, changed field by
// field with before and after, a workflow step), and the review filter by reference.
import { get } from './api.js';
import { h, label } from './dom.js';
import { fieldLabel } from './fields.js';

const NOISE = new Set(['etag', 'updated_at', 'updated_by', 'created_at', 'created_by', 'updates', 'row_version']);
const STEPS = {
  submit: 'Submitted', return: 'Returned', approve: 'Approved', publish: 'Published', cancel: 'Cancelled',
  amend: 'Amended (new version)', waivers: 'Waived a finding of', updates: 'Recorded progress of',
  measurements: 'Recorded a KPI value of',
};

function show(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return /^[A-Z][A-Z0-9_]+$/.test(v) ? label(v) : v;
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.map(show).join(', ');
  return JSON.stringify(v);
}

/** "Created review MR-2026-01", "Changed MR-2026-01-A01", "Submitted MR-2026-01". */
export function eventSummary(e) {
  const ref = (e.after && e.after.ref) || (e.before && e.before.ref) || `${label(e.entity || 'record')} ${e.entity_id ?? ''}`.trim();
  const last = String(e.path || '').split('/').pop();
  const failed = e.status >= 400 ? ` (refused: ${e.status})` : '';
  if (e.method === 'POST' && STEPS[last]) return `${STEPS[last]} ${ref}${failed}`;
  if (e.method === 'POST') return `Created ${String(e.entity || 'record').replace(/_/g, ' ')} ${ref}${failed}`;
  if (e.method === 'PATCH') return `Changed ${ref}${failed}`;
  if (e.method === 'DELETE') return `Deleted ${ref}${failed}`;
  return `${e.method} ${e.path}${failed}`;
}

/** The fields an event changed: "Title: before → after", one per line. */
export function eventChanges(e) {
  if (!e.before || !e.after) return null;
  const keys = [...new Set([...Object.keys(e.before), ...Object.keys(e.after)])]
    .filter((k) => !NOISE.has(k) && JSON.stringify(e.before[k] ?? null) !== JSON.stringify(e.after[k] ?? null));
  if (!keys.length) return null;
  return h('ul', { class: 'changes' }, keys.map((k) => h('li', {},
    h('strong', {}, fieldLabel(k)), ': ', h('del', {}, show(e.before[k])), ' → ', h('ins', {}, show(e.after[k])))));
}

/** The review filter: a number as it is, a reference (MR-2026-01) looked up. null: no such review. */
export async function reviewIdOf(text) {
  const t = String(text || '').trim();
  if (!t || /^\d+$/.test(t)) return t;
  let cursor;
  do {
    const page = await get('reviews', { limit: 200, cursor });
    const m = page.items.find((r) => r.ref.toLowerCase() === t.toLowerCase());
    if (m) return String(m.id);
    cursor = page.next_cursor;
  } while (cursor);
  return null;
}
