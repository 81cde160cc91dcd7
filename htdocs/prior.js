// SPDX-License-Identifier: Apache-2.0
// A previous review held outside the system (PUT/DELETE v1/reviews/{id}/previous-external):
// shown on a review that declares one; declared on a draft that has no previous review in the
// system. The typed-in actions become lines of input a (docs/api.md).
import { api } from './api.js';
import { h, fmtDate, label, table } from './dom.js';
import { ENUMS, buildFields, collect, clearErrors, datesValid } from './fields.js';
import { submitOnce, markClean } from './guard.js';

const FDS = [
  { n: 'held_from', t: 'date', req: true }, { n: 'held_to', t: 'date' },
  { n: 'reference', t: 'str', req: true, max: 200, hint: 'the minutes\' reference or title' },
  { n: 'evidence_ref', t: 'str', max: 500, hint: 'where the minutes are kept' },
  { n: 'evidence_attachment_id', t: 'int', min: 1, hint: 'a file attached to this review (its number)' },
  { n: 'period_to', t: 'date', hint: 'the end of the period that review covered' },
  { n: 'actions', t: 'lobj', hint: `one per line: ref | title | owner | due date (YYYY-MM-DD) | status (${ENUMS.action_status.join(', ')})`,
    sub: [{ n: 'ref' }, { n: 'title' }, { n: 'owner' }, { n: 'due_date' }, { n: 'status' }] },
];

function shown(x) {
  return h('div', {},
    h('dl', { class: 'kv' }, [['Reference', x.reference], ['Held', `${fmtDate(x.held_from)}${x.held_to && x.held_to !== x.held_from ? ` – ${fmtDate(x.held_to)}` : ''}`],
      ['Period covered to', x.period_to ? fmtDate(x.period_to) : null], ['Evidence', x.evidence_ref],
      ['Evidence attachment', x.evidence_attachment_id != null ? String(x.evidence_attachment_id) : null]]
      .flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '—')])),
    (x.actions || []).length ? table([
      { title: 'Action', key: 'ref' }, { title: 'Title', key: 'title' }, { title: 'Owner', key: 'owner' },
      { title: 'Due', render: (a) => fmtDate(a.due_date) }, { title: 'Status', render: (a) => label(a.status) },
    ], x.actions, 'Actions open at that review') : h('p', { class: 'meta' }, 'No action was open at that review.'));
}

/** The section, or null when there is nothing to show or declare. ui: the page's section(),
 *  notify() and formError(). */
export function previousExternal(review, ctx, ui) {
  const x = review.previous_external;
  const declarable = ctx.editable && !review.previous_review_id;
  if (!x && !declarable) return null;
  const title = 'Previous review held outside the system';
  if (!declarable) return ui.section(title, shown(x));
  const form = h('form', { class: 'item-form', novalidate: true, 'aria-label': title },
    h('p', { class: 'hint' }, 'For the first review in the system: the interval, the period and input a are then checked against it.'),
    h('div', { class: 'form-problem' }), h('div', { class: 'grid' }, buildFields(FDS, x, ctx, 'px')),
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, x ? 'Save previous review' : 'Declare previous review'),
      x ? h('button', { type: 'button', class: 'remove-previous', on: { click: async () => {
        try {
          await api('DELETE', `reviews/${review.id}/previous-external`, undefined, review.etag);
          ui.notify('Previous review removed.');
          markClean(form);
          await ctx.reload('#page-title');
        } catch (e) { ui.formError(form, e, () => ctx.reload()); }
      } } }, 'Remove') : null));
  submitOnce(form, async () => {
    clearErrors(form);
    if (!datesValid(form)) return false;
    const body = collect(form, FDS, null);
    try {
      await api('PUT', `reviews/${review.id}/previous-external`, body, review.etag);
      ui.notify('Previous review saved.');
      markClean(form);
      await ctx.reload('#page-title');
      return true;
    } catch (e) { ui.formError(form, e, () => ctx.reload()); return false; }
  });
  const sec = ui.section(title, x ? shown(x) : null, form);
  sec.dataset.section = 'previous-external';
  return sec;
}
