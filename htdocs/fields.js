// SPDX-License-Identifier: Apache-2.0
// One small field table per record kind: the names and the layout of the forms. Enum values,
// their labels and the required flags come from the server (GET v1/schema, see schema.js).
import { h, nextId, label } from './dom.js';

export const ENUMS = { review_status: [], action_status: [] };

export const INPUT_CATEGORIES = [
  ['A_PREV_ACTIONS', 'A_PREV_ACTIONS'],
  ['B_ISSUES_CHANGES', 'B_ISSUES_CHANGES'],
  ['C_IP_NEEDS_CHANGES', 'C_IP_NEEDS_CHANGES'],
  ['D1_NC_CA', 'D1_NC_CA'],
  ['D2_MONITORING', 'D2_MONITORING'],
  ['D3_AUDITS', 'D3_AUDITS'],
  ['D4_OBJECTIVES', 'D4_OBJECTIVES'],
  ['E_IP_FEEDBACK', 'E_IP_FEEDBACK'],
  ['F_RISK_RTP', 'F_RISK_RTP'],
  ['G_IMPROVEMENT', 'G_IMPROVEMENT'],
];

// t: str | txt | enum | lenum | date | bool | int | num | user | lstr | ref | lref | obj | lobj
//    | pick (an id chosen from fd.from: [{id, name}])
const f = (n, t, o = {}) => ({ n, t, ...o });

// The review programmes (GET v1/programmes), loaded by app.js at start.
export const PROGRAMMES = [];
const conclusion = [f('rating', 'enum', { req: true }), f('rationale', 'txt')];

export const KINDS = {
  review: [
    f('title', 'str', { req: true, max: 200 }), f('review_type', 'enum', { req: true }),
    f('trigger', 'enum', { hint: 'required for an extraordinary review' }),
    f('planned_date', 'date', { req: true }), f('held_from', 'date'), f('held_to', 'date'),
    f('period_from', 'date'), f('period_to', 'date'), f('format', 'enum'),
    f('location', 'str', { max: 200 }), f('chair', 'user'),
    f('programme_id', 'pick', { from: PROGRAMMES, hint: 'interval, tolerance and scope of the review (empty: the first active programme)' }),
    f('standards', 'lenum'),
    f('classification', 'enum'), f('retention_until', 'date'),
    f('language', 'str', { max: 16 }), f('agenda', 'txt'), f('executive_summary', 'txt'),
    f('suitability', 'obj', { sub: conclusion }), f('adequacy', 'obj', { sub: conclusion }),
    f('effectiveness', 'obj', { sub: conclusion }), f('next_review_date', 'date'),
  ],
  attendees: [
    // name/title/function come from the people register when left empty and person is
    // registered; top management is the server's snapshot from the register
    f('person', 'user'), f('name', 'str', { max: 200 }), f('title', 'str', { max: 200 }),
    f('function', 'str', { max: 200 }), f('is_top_management', 'bool'),
    f('participation_role', 'enum', { req: true }),
    f('attendance', 'enum', { req: true }), f('delegate_for', 'user'),
  ],
  inputs: [
    f('title', 'str', { req: true, max: 200 }), f('summary', 'txt'),
    f('data_period_from', 'date'), f('data_period_to', 'date'), f('trend', 'enum'),
    f('status', 'enum', { req: true }),
    f('na_justification', 'txt', { hint: 'required when the status is “not applicable”' }),
    f('owner', 'user'),
    f('metrics', 'lobj', { sub: [f('name', 'str'), f('value', 'num'), f('previous_value', 'num'), f('unit', 'str'), f('target', 'num')] }),
    f('evidence_refs', 'lstr'), f('discussion', 'txt'), f('conclusion', 'txt'),
    f('requirement_codes', 'lstr', { hint: 'IMS catalogue codes this input covers, STANDARD:CODE, one per line (see Programmes)' }),
    f('climate_change_relevance', 'enum', { only: ['B_ISSUES_CHANGES'] }),
    f('context_register_ref', 'str', { max: 500, only: ['B_ISSUES_CHANGES'] }),
    f('interested_party_refs', 'lstr', { only: ['C_IP_NEEDS_CHANGES', 'E_IP_FEEDBACK'] }),
    f('audit_refs', 'lstr', { only: ['D3_AUDITS'] }),
    f('risk_assessment_date', 'date', { only: ['F_RISK_RTP'] }),
    f('risks_above_acceptance', 'int', { min: 0, max: 100000, only: ['F_RISK_RTP'] }),
    f('rtp_completion_pct', 'int', { min: 0, max: 100, only: ['F_RISK_RTP'] }),
  ],
  decisions: [
    f('statement', 'txt', { req: true }), f('category', 'enum', { req: true }),
    f('clause_933_aspect', 'enum', { req: true }), f('outcome', 'enum', { req: true }),
    f('rationale', 'txt'), f('basis_input_ids', 'lref', { of: 'inputs' }), f('decided_by', 'lstr'),
    f('risk_owner_approval', 'user'),
  ],
  actions: [
    f('title', 'str', { req: true, max: 200 }), f('description', 'txt'),
    f('type', 'enum', { req: true }), f('owner', 'user', { req: true }),
    f('due_date', 'date', { req: true, trk: true }), f('priority', 'enum', { req: true }),
    f('expected_outcome', 'txt'), f('decision_id', 'ref', { of: 'decisions' }),
    f('nc_ref', 'str', { max: 200, trk: true }), f('status', 'enum', { trk: true }),
    f('progress', 'int', { min: 0, max: 100, trk: true }),
  ],
  improvements: [
    f('description', 'txt', { req: true }), f('source', 'enum', { req: true }),
    f('source_ref', 'str', { max: 200 }), f('expected_benefit', 'txt'), f('affected_area', 'str', { max: 200 }),
    f('estimated_effort', 'str', { max: 200 }), f('disposition', 'enum'),
    f('disposition_rationale', 'txt'), f('decision_id', 'ref', { of: 'decisions' }),
    f('status', 'enum', { trk: true }),
  ],
  changes: [
    f('change_type', 'enum', { req: true }), f('description', 'txt', { req: true }),
    f('purpose', 'txt'), f('consequences', 'txt'), f('integrity_considerations', 'txt'),
    f('resources_needed', 'txt'), f('owner', 'user'), f('planned_date', 'date'),
    f('affected_documents', 'lobj', { sub: [f('doc_id', 'str'), f('title', 'str'), f('from_version', 'str'), f('to_version', 'str'), f('doc_status', 'enum')] }),
    f('approved_by', 'user'), f('decision_id', 'ref', { of: 'decisions' }),
    f('status', 'enum', { trk: true }),
    f('implemented_at', 'date', { trk: true }), f('verification', 'txt', { trk: true }),
  ],
  objectives: [
    f('statement', 'txt', { req: true }), f('level', 'enum'), f('standard', 'enum'),
    f('policy_ref', 'str', { max: 200 }), f('measurable', 'bool'), f('evaluation_if_not_measurable', 'txt'),
    f('evaluation_method', 'txt'), f('owner', 'user'), f('target_date', 'date'), f('resources_ref', 'str', { max: 200 }),
    f('plan_what', 'txt'), f('monitoring_frequency', 'str', { max: 100 }), f('decision_id', 'ref', { of: 'decisions' }),
    f('status', 'enum', { trk: true }),
    f('kpi', 'obj', { sub: [f('name', 'str', { req: true }), f('unit', 'str'), f('direction', 'enum', { req: true }), f('baseline', 'num'), f('target', 'num', { req: true })] }),
  ],
  resources: [
    f('resource_type', 'enum', { req: true }), f('description', 'txt', { req: true }),
    f('quantity', 'num'), f('unit', 'str', { max: 40 }), f('amount', 'num'), f('currency', 'str', { max: 3 }),
    f('fiscal_period', 'str', { max: 40 }), f('requested_by', 'user'), f('outcome', 'enum'),
    f('approved_amount', 'num'), f('approved_by', 'user'), f('decision_id', 'ref', { of: 'decisions' }),
    f('provision_status', 'enum', { trk: true }), f('provided_at', 'date', { trk: true }),
  ],
  communications: [
    f('what_type', 'enum', { req: true }), f('artifact_ref', 'str', { max: 200 }),
    f('audience_type', 'enum', { req: true }), f('audience_scope', 'enum'),
    f('recipients', 'lstr'), f('redaction_level', 'enum'),
    f('how', 'enum', { req: true }), f('when', 'date', { req: true }), f('communicator', 'user'),
    f('decision_id', 'ref', { of: 'decisions' }), f('evidence_ref', 'str', { max: 500, trk: true }),
    f('status', 'enum', { trk: true }),
    f('sent_at', 'date', { trk: true }), f('sent_by', 'user', { trk: true }),
  ],
};

/** The label of an enum value of this field (from GET v1/schema), else a generic one. */
export function enumText(fd, v) {
  return (fd.labels && fd.labels.get(v)) || label(v);
}

// Short display text for an item of a collection.
export function itemTitle(kind, it) {
  const t = kind === 'attendees' ? [it.name, it.title].filter(Boolean).join(', ')
    : it.title || it.name || it.statement || it.description || label(it.what_type || it.resource_type || '');
  return String(t).length > 90 ? `${String(t).slice(0, 87)}…` : String(t);
}

const LABELS = {
  na_justification: 'Justification if not applicable', rtp_completion_pct: 'Risk treatment plan completion (%)',
  clause_933_aspect: 'Clause 9.3.3 aspect', programme_id: 'Review programme', requirement_codes: 'IMS requirements covered', basis_input_ids: 'Based on inputs', decision_id: 'Decision',
  is_top_management: 'Top management (declared)', is_top_management_snapshot: 'Top management (people register)', evidence_refs: 'Evidence references', nc_ref: 'Nonconformity reference',
  replan_decision_id: 'Re-plan decision (ACTION_REPLAN)', conclusion_note: 'Conclusion note',
  progress: 'Progress (%)', currency: 'Currency (ISO 4217)', kpi: 'KPI',
};

export function fieldLabel(n) {
  if (LABELS[n]) return LABELS[n];
  return label(n).replace(/\bid\b/i, 'ID').replace(/ ids$/i, 's').replace(/933/, '9.3.3');
}

function controlFor(fd, id, value, ctx, path) {
  const common = { id, name: path, 'data-field': path };
  const opt = (v, text, sel) => h('option', { value: v, selected: sel }, text);
  switch (fd.t) {
    case 'txt':
      return h('textarea', { ...common, rows: 3, value: value ?? '', required: fd.req });
    case 'enum':
      return h('select', { ...common, required: fd.req },
        opt('', '— choose —', value == null), (fd.e || []).map((v) => opt(v, enumText(fd, v), v === value)));
    case 'lenum': {
      const sel = new Set(value || []);
      return h('select', { ...common, multiple: true, size: Math.min(6, fd.e.length) },
        fd.e.map((v) => opt(v, enumText(fd, v), sel.has(v))));
    }
    case 'bool':
      return h('select', { ...common, required: fd.req },
        fd.req ? null : opt('', '—', value == null),
        opt('true', 'Yes', value === true), opt('false', 'No', value === false || (fd.req && value == null)));
    case 'date':
      return h('input', { ...common, type: 'date', value: value ?? '', required: fd.req });
    case 'int':
    case 'num':
      return h('input', { ...common, type: 'number', step: fd.t === 'int' ? '1' : 'any', min: fd.min, max: fd.max, value: value ?? '', required: fd.req });
    case 'lstr':
      return h('textarea', { ...common, rows: 2, value: (value || []).join('\n'), 'data-hint': 'one per line' });
    case 'lobj':
      return h('textarea', {
        ...common, rows: 2,
        value: (value || []).map((o) => fd.sub.map((sf) => (o[sf.n] ?? '')).join(' | ')).join('\n'),
      });
    case 'pick':
      return h('select', common, opt('', fd.none || '— default —', value == null),
        fd.from.map((x) => opt(String(x.id), x.name, x.id === value)));
    case 'ref': {
      const items = (ctx && ctx.review && ctx.review[fd.of]) || [];
      return h('select', common, opt('', '— none —', value == null),
        items.map((it) => opt(String(it.id), `${it.ref}: ${itemTitle(fd.of, it)}`, it.id === value)));
    }
    case 'lref': {
      const items = (ctx && ctx.review && ctx.review[fd.of]) || [];
      const sel = new Set(value || []);
      return h('select', { ...common, multiple: true, size: Math.max(2, Math.min(5, items.length)) },
        items.map((it) => opt(String(it.id), `${it.ref}: ${itemTitle(fd.of, it)}`, sel.has(it.id))));
    }
    default:
      return h('input', { ...common, type: 'text', maxlength: fd.max, value: value ?? '', required: fd.req, autocomplete: 'off' });
  }
}

function hintFor(fd) {
  if (fd.hint) return fd.hint;
  if (fd.t === 'lstr') return 'one per line';
  if (fd.t === 'lobj') return `one per line: ${fd.sub.map((x) => x.n).join(' | ')}`;
  if (fd.t === 'user') return 'user name';
  if (fd.t === 'lenum' || fd.t === 'lref') return 'Ctrl/Cmd-click to choose several';
  return null;
}

function fieldBlock(fd, value, ctx, path, prefix) {
  const id = nextId(prefix);
  const errId = `${id}-err`;
  const hint = hintFor(fd);
  const hintId = hint ? `${id}-hint` : null;
  const ctl = controlFor(fd, id, value, ctx, path);
  ctl.setAttribute('aria-describedby', [hintId, errId].filter(Boolean).join(' '));
  return h('div', { class: `field f-${fd.t}` },
    h('label', { for: id }, fieldLabel(fd.n), fd.req ? h('span', { class: 'req', 'aria-hidden': 'true' }, ' *') : null,
      fd.req ? h('span', { class: 'sr-only' }, ' (required)') : null),
    ctl,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    h('p', { class: 'field-error', id: errId, 'data-error-for': path, hidden: true }));
}

/** The fields of a form: fds filtered by the caller; values from item. */
export function buildFields(fds, item, ctx, prefix = 'f') {
  const out = [];
  for (const fd of fds) {
    const v = item ? item[fd.n] : undefined;
    if (fd.t === 'obj') {
      out.push(h('fieldset', { class: 'sub', 'data-field': fd.n },
        h('legend', {}, fieldLabel(fd.n)),
        fd.sub.map((sf) => fieldBlock(sf, v ? v[sf.n] : undefined, ctx, `${fd.n}.${sf.n}`, prefix)),
        h('p', { class: 'field-error', 'data-error-for': fd.n, hidden: true })));
    } else {
      out.push(fieldBlock(fd, v, ctx, fd.n, prefix));
    }
  }
  return out;
}

function readControl(form, fd, path) {
  const el = form.querySelector(`[data-field="${path}"]`);
  if (!el) return undefined;
  const raw = el.value;
  switch (fd.t) {
    case 'lenum': return Array.from(el.selectedOptions).map((o) => o.value);
    case 'lref': return Array.from(el.selectedOptions).map((o) => Number(o.value));
    case 'ref': case 'pick': return raw === '' ? null : Number(raw);
    case 'bool': return raw === '' ? null : raw === 'true';
    case 'int': return raw.trim() === '' ? null : Number.parseInt(raw, 10);
    case 'num': return raw.trim() === '' ? null : Number(raw);
    case 'lstr': return raw.split('\n').map((x) => x.trim()).filter(Boolean);
    case 'lobj':
      return raw.split('\n').map((x) => x.trim()).filter(Boolean).map((line) => {
        const parts = line.split('|').map((x) => x.trim());
        const o = {};
        fd.sub.forEach((sf, i) => {
          const p = parts[i];
          if (p === undefined || p === '') return;
          o[sf.n] = sf.t === 'num' && !Number.isNaN(Number(p)) ? Number(p) : p;
        });
        return o;
      });
    default: return raw.trim() === '' ? null : raw;
  }
}

function isEmpty(v) {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0);
}

export function same(a, b) {
  if (isEmpty(a) && isEmpty(b)) return true;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Values of the form: all non-empty ones (create) or those changed against item (edit). */
export function collect(form, fds, item) {
  const body = {};
  for (const fd of fds) {
    let v;
    if (fd.t === 'obj') {
      const o = {};
      let any = false;
      for (const sf of fd.sub) {
        const sv = readControl(form, sf, `${fd.n}.${sf.n}`);
        if (!isEmpty(sv)) { o[sf.n] = sv; any = true; }
      }
      v = any ? o : null;
      if (item && v && item[fd.n]) {
        // Compare normalised: drop nulls of the original.
        const orig = Object.fromEntries(Object.entries(item[fd.n]).filter(([, x]) => x !== null));
        if (JSON.stringify(Object.entries(orig).sort()) === JSON.stringify(Object.entries(v).sort())) continue;
      }
    } else {
      v = readControl(form, fd, fd.n);
      if (v === undefined) continue;
    }
    if (item) {
      if (!same(v, item[fd.n])) body[fd.n] = isEmpty(v) ? null : v;
    } else if (!isEmpty(v)) {
      body[fd.n] = v;
    }
  }
  return body;
}

export function clearErrors(form) {
  form.querySelectorAll('.field-error').forEach((p) => { p.textContent = ''; p.hidden = true; });
  form.querySelectorAll('[aria-invalid]').forEach((c) => c.removeAttribute('aria-invalid'));
}

/** Shows problem+json errors[] next to their fields; returns the ones without a field here. */
export function showFieldErrors(form, errors) {
  const rest = [];
  let first = null;
  for (const e of errors || []) {
    const path = String(e.field || '');
    const candidates = [path, path.replace(/\[\d+\]/g, ''), path.split(/[.[]/)[0]];
    let slot = null;
    for (const c of candidates) {
      slot = c && form.querySelector(`[data-error-for="${CSS.escape(c)}"]`);
      if (slot) break;
    }
    if (!slot) { rest.push(e); continue; }
    slot.hidden = false;
    slot.textContent = (slot.textContent ? `${slot.textContent} ` : '') + `${e.message || e.code}${path !== slot.dataset.errorFor ? ` (${path})` : ''}`;
    const ctl = form.querySelector(`[data-field="${CSS.escape(slot.dataset.errorFor)}"]`);
    if (ctl) { ctl.setAttribute('aria-invalid', 'true'); first = first || ctl; }
  }
  if (first) first.focus();
  return rest;
}

/** Dates the browser could not read (typed partly or impossibly): a message next to each,
 *  before anything is sent. Returns true when the form may be sent. */
export function datesValid(form) {
  let first = null;
  form.querySelectorAll('input[type="date"]').forEach((el) => {
    if (!el.validity.badInput) return;
    const slot = form.querySelector(`[data-error-for="${CSS.escape(el.dataset.field)}"]`);
    if (slot) { slot.hidden = false; slot.textContent = 'This is not a complete date: enter day, month and year, or clear the field.'; }
    el.setAttribute('aria-invalid', 'true');
    first = first || el;
  });
  if (first) first.focus();
  return !first;
}
