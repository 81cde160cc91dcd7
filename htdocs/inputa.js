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
import { who } from './names.js';

export const CONCLUSIONS = { CONTINUE: 'Continue', REPLAN: 'Re-plan', CLOSE: 'Close', CANCEL: 'Cancel' };

function fields(review) {
  const replans = (review.decisions || []).filter((d) => d.category === 'ACTION_REPLAN')
    .map((d) => ({ id: d.id, name: `${d.ref}: ${d.statement}` }));
  return [
    // the line conclusions are not a field of a record kind, so GET v1/schema has no labels for them
    { n: 'conclusion', t: 'enum', e: Object.keys(CONCLUSIONS), labels: new Map(Object.entries(CONCLUSIONS)), req: true },
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
  return h('p', { class: 'meta' }, `Owner ${line.owner ? who(line.owner) : '—'} · status ${label(line.status_at_review)} · due `, fmtDate(line.due_date_at_review),
    line.days_overdue > 0 ? h('strong', {}, ` · ${line.days_overdue} days overdue`) : null,
    line.external ? ' · typed in for the previous review held outside the system' : '');
}

/** A form that PATCHes path with If-Match: etag; the answer's problems appear in the form (a
 *  422 next to its field, the rest above, with the focus); after a save the page is rendered
 *  again with the focus on focusSel. Reload keeps the typed values (keep.js). */
function patchForm({ title, fds, values, button, path, etag, focusSel, saved, body }, ctx, ui) {
  const form = h('form', { class: 'item-form conclusion', novalidate: true, 'aria-label': title },
    h('div', { class: 'form-problem' }), h('div', { class: 'grid' }, buildFields(fds, values, ctx, 'ia')),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, button)));
  submitOnce(form, async () => {
    clearErrors(form);
    const b = body(collect(form, fds, null));
    try {
      await api('PATCH', path, b, etag);
      ui.notify(saved(b));
      markClean(form);
      await ctx.reload(focusSel);
      return true;
    } catch (e) {
      ui.formError(form, e, () => ctx.reload(focusSel));
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

/** Only the values given: the server says what is missing. */
const given = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v != null));

function lineForm(review, line, ctx, ui) {
  return patchForm({
    title: `Conclusion on ${line.action_ref}`, fds: fields(review),
    values: { conclusion: line.conclusion ?? null, replan_decision_id: line.replan_decision_id ?? null, note: line.conclusion_note ?? null },
    button: `Save conclusion on ${line.action_ref}`, path: linePath(review, line), etag: review.etag,
    focusSel: `article[data-line="${lineKey(line)}"] h4`,
    body: (v) => given({ conclusion: v.conclusion, replan_decision_id: v.replan_decision_id, note: v.note }),
    saved: (b) => `Conclusion on ${line.action_ref} saved: ${CONCLUSIONS[b.conclusion] || b.conclusion}.`,
  }, ctx, ui);
}

const WHOLE = [{ n: 'discussion', t: 'txt', hint: 'what management discussed about these actions as a whole' },
  { n: 'conclusion', t: 'txt', hint: 'management\'s conclusion on input a as a whole' }];

/** The discussion and conclusion of input a as a whole (PATCH …/inputs/{id}, If-Match: the
 *  input's ETag); read-only text when the review cannot be edited. */
export function inputAWhole(input, ctx, ui) {
  if (!ctx.editable) {
    return h('dl', { class: 'kv' }, WHOLE.flatMap((fd) => [h('dt', {}, label(fd.n)), h('dd', {}, input[fd.n] || '—')]));
  }
  const sel = `form[aria-label="Input a as a whole"] [data-field="discussion"]`;
  return patchForm({
    title: 'Input a as a whole', fds: WHOLE, values: input, button: 'Save discussion and conclusion of input a',
    path: `reviews/${ctx.review.id}/inputs/${input.id}`, etag: input.etag, focusSel: sel,
    body: (v) => ({ discussion: v.discussion ?? null, conclusion: v.conclusion ?? null }),
    saved: () => 'Discussion and conclusion of input a saved.',
  }, ctx, ui);
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
