// SPDX-License-Identifier: Apache-2.0
// Input a, line by line (issue 12): the lines stay generated (carried-over actions, and the
// actions typed in for a previous review held outside the system, "external": true); on a
// draft the author records management's conclusion on each (PATCH v1/reviews/{id}/
// action-snapshots/{action_id} or …/prior-actions/{prior_action_id}, If-Match: the review's
// ETag): continue, re-plan (naming an ACTION_REPLAN decision of this review), close or cancel.
import { api } from './api.js';
import { h, fmtDate, label } from './dom.js';
import { buildFields, collect, clearErrors } from './fields.js';
import { submitOnce, markClean } from './guard.js';

export const CONCLUSIONS = { CONTINUE: 'Continue', REPLAN: 'Re-plan', CLOSE: 'Close', CANCEL: 'Cancel' };

function fields(review) {
  const replans = (review.decisions || []).filter((d) => d.category === 'ACTION_REPLAN')
    .map((d) => ({ id: d.id, name: `${d.ref}: ${d.statement}` }));
  return [
    { n: 'conclusion', t: 'enum', e: Object.keys(CONCLUSIONS), labels: CONCLUSIONS, req: true },
    { n: 'replan_decision_id', t: 'pick', from: replans, none: '— none —',
      hint: replans.length ? 'for a re-plan: the decision of this review that re-plans the action'
        : 'for a re-plan: first record a decision of category "Action replan" in this review' },
    { n: 'note', t: 'txt', hint: 'optional: e.g. the new date, or why it is closed' },
  ];
}

/** The API path of a line: a carried-over action or an action typed in for a previous review. */
export function linePath(review, line) {
  return line.external
    ? `reviews/${review.id}/prior-actions/${line.prior_action_id}`
    : `reviews/${review.id}/action-snapshots/${line.action_id}`;
}

const lineKey = (line) => (line.external ? `p${line.prior_action_id}` : `a${line.action_id}`);

function decisionText(review, id) {
  const d = (review.decisions || []).find((x) => x.id === id);
  return d ? `${d.ref}: ${d.statement}` : (id != null ? `decision ${id}` : null);
}

/** Management's conclusion on a line as text ("Re-plan (D-2: …)"), or null when none yet. */
export function conclusionText(review, line) {
  if (!line.conclusion) return null;
  const dec = line.replan_decision_id != null ? ` (${decisionText(review, line.replan_decision_id)})` : '';
  return `${CONCLUSIONS[line.conclusion] || label(line.conclusion)}${dec}${line.conclusion_note ? ` — ${line.conclusion_note}` : ''}`;
}

function facts(line) {
  return h('p', { class: 'meta' }, `Owner ${line.owner || '—'} · status ${label(line.status_at_review)} · due `, fmtDate(line.due_date_at_review),
    line.days_overdue > 0 ? h('strong', {}, ` · ${line.days_overdue} days overdue`) : null,
    line.external ? ' · typed in for the previous review held outside the system' : '');
}

function lineForm(review, line, ctx, ui) {
  const fds = fields(review);
  const base = { conclusion: line.conclusion ?? null, replan_decision_id: line.replan_decision_id ?? null, note: line.conclusion_note ?? null };
  const title = `Conclusion on ${line.action_ref}`;
  const form = h('form', { class: 'item-form conclusion', novalidate: true, 'aria-label': title },
    h('div', { class: 'form-problem' }), h('div', { class: 'grid' }, buildFields(fds, base, ctx, 'ia')),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, `Save conclusion on ${line.action_ref}`)));
  submitOnce(form, async () => {
    clearErrors(form);
    const v = collect(form, fds, null);
    const body = { conclusion: v.conclusion ?? null, replan_decision_id: v.replan_decision_id ?? null, note: v.note ?? null };
    if (!body.conclusion) delete body.conclusion;           // the server says it is required
    if (body.replan_decision_id == null) delete body.replan_decision_id;
    if (body.note == null) delete body.note;
    try {
      await api('PATCH', linePath(review, line), body, review.etag);
      ui.notify(`Conclusion on ${line.action_ref} saved: ${CONCLUSIONS[body.conclusion] || body.conclusion}.`);
      markClean(form);
      await ctx.reload(`article[data-line="${lineKey(line)}"] h4`);
      return true;
    } catch (e) {
      ui.formError(form, e, () => { markClean(form); ctx.reload(`article[data-line="${lineKey(line)}"] h4`); });
      // a message without a field of its own (412, 409 …) takes the focus
      if (!form.querySelector('[aria-invalid="true"]')) {
        const box = form.querySelector('.form-problem .problem');
        if (box) { box.setAttribute('tabindex', '-1'); box.focus(); }
      }
      return false;
    }
  });
  return form;
}

/** The lines of one input a: each with its conclusion, a form for it on a draft. */
export function inputALines(list, ctx, ui) {
  const { review } = ctx;
  if (!list.length) return h('p', {}, 'No action snapshots.');
  return h('div', { class: 'items input-a-lines' }, list.map((line) => h('article', { class: 'item', 'data-line': lineKey(line) },
    h('h4', { tabindex: '-1' }, `${line.action_ref}: ${line.title || ''}`),
    facts(line),
    h('p', {}, h('strong', {}, 'Management\'s conclusion: '), conclusionText(review, line) || 'none recorded yet'),
    ctx.editable ? lineForm(review, line, ctx, ui) : null)));
}
