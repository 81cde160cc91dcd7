// SPDX-License-Identifier: Apache-2.0
// Field-by-field differences: between two states of one record (an audit event's before and
// after) and between two versions of a review (what an amendment changed).
import { h, label, table } from './dom.js';

/** Keys that change with every write and say nothing about the content. */
const VOLATILE = new Set(['etag', 'row_version', 'updated_at', 'updated_by', 'created_at', 'created_by']);

/** The review's own bookkeeping, left out of a version comparison. */
const REVIEW_BOOKKEEPING = new Set(['id', 'status', 'version', 'approvals', 'sealed', 'content_hash',
  'approved_at', 'approved_by', 'submitted_at', 'submitted_by']);

export const COLLECTIONS = [
  ['attendees', 'Attendees'], ['inputs', 'Inputs'], ['decisions', 'Decisions'], ['actions', 'Actions'],
  ['improvements', 'Improvements'], ['changes', 'ISMS changes'], ['objectives', 'Objectives'],
  ['resources', 'Resources'], ['communications', 'Communications'],
];

/** A value as one line of text ('—' for nothing). */
export function text(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (Array.isArray(v)) return v.length ? v.map(text).join('; ') : '—';
  if (typeof v === 'object') return Object.entries(v).filter(([, x]) => x !== null).map(([k, x]) => `${k}: ${text(x)}`).join(', ') || '—';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  return String(v);
}

/** 'suitability.rating' -> "Suitability › Rating", keeping the API's name in data-field. */
export function fieldName(path) {
  return h('span', { class: 'field-name', 'data-field': path }, path.split('.').map(label).join(' › '));
}

function value(v, cls) {
  const t = text(v);
  return h('span', { class: /\S{25,}/.test(t) ? `${cls} long` : cls }, t);
}

/** The changes as a table: field, the value before, the value after. */
export function changesTable(list, beforeTitle = 'Before', afterTitle = 'After') {
  return table([
    { title: 'Field', render: (c) => fieldName(c.field) },
    { title: beforeTitle, render: (c) => value(c.before, 'before') },
    { title: afterTitle, render: (c) => value(c.after, 'after') },
  ], list);
}

/** {a: {b: 1}} -> {'a.b': 1}; arrays stay whole. */
function flatten(obj, prefix = '', out = {}) {
  for (const [k, v] of Object.entries(obj || {})) {
    if (VOLATILE.has(k)) continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v, `${prefix}${k}.`, out);
    else out[`${prefix}${k}`] = v;
  }
  return out;
}

const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * [{field, before, after}] for the fields whose value differs. With both sides given, a field
 * only one side carries (a sealed version leaves out tracking fields) is not a change.
 */
export function changes(before, after, skip = new Set()) {
  const a = flatten(before);
  const b = flatten(after);
  const both = before && after;
  const out = [];
  for (const f of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (skip.has(f.split('.')[0])) continue;
    if (both && (!(f in a) || !(f in b))) continue;
    if (!same(a[f], b[f])) out.push({ field: f, before: a[f], after: b[f] });
  }
  return out;
}

/**
 * What changed from review version a to version b: [{section, ref, change, fields}] with
 * change 'changed', 'added' or 'removed'; items are matched by their reference.
 */
export function reviewDiff(a, b) {
  const out = [];
  const own = changes(a, b, new Set([...REVIEW_BOOKKEEPING, ...COLLECTIONS.map(([k]) => k)]));
  if (own.length) out.push({ section: 'Review', ref: b.ref, change: 'changed', fields: own });
  const skip = new Set(['id', 'review_id']);
  for (const [kind, title] of COLLECTIONS) {
    const before = new Map((a[kind] || []).map((it) => [it.ref, it]));
    const after = new Map((b[kind] || []).map((it) => [it.ref, it]));
    for (const [ref, it] of after) {
      const old = before.get(ref);
      if (!old) out.push({ section: title, ref, change: 'added', fields: changes(null, it, skip) });
      else {
        const fields = changes(old, it, skip);
        if (fields.length) out.push({ section: title, ref, change: 'changed', fields });
      }
    }
    for (const [ref, it] of before) {
      if (!after.has(ref)) out.push({ section: title, ref, change: 'removed', fields: changes(it, null, skip) });
    }
  }
  return out;
}
