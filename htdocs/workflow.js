// SPDX-License-Identifier: Apache-2.0
// Where a review stands: its status in words, the approvals of the current version against
// the quorum ("1 of 2 approvals", who and when) and whom the next step waits for.
import { h, fmtDate, label } from './dom.js';
import { who } from './names.js';

const sameUser = (a, b) => a && b && a.trim().toLowerCase() === b.trim().toLowerCase();

export function approvalsOf(review, history) {
  return ((history && history.approvals) || []).filter((a) => a.version === review.version);
}

export function approvedByMe(review, history, user) {
  return approvalsOf(review, history).some((a) => sameUser(a.approver, user));
}

function lastStep(review, history, action) {
  const list = ((history && history.transitions) || []).filter((t) => t.version === review.version && (!action || t.action === action));
  return list[list.length - 1] || null;
}

function when(t) {
  return t ? [' by ', who(t.actor), ' on ', fmtDate(t.created_at)] : [];
}

function waitingFor(review, approvals, required) {
  const missing = Math.max(0, required - approvals.length);
  const not = [review.author, ...approvals.map((a) => a.approver)].filter(Boolean).map(who);
  return [`${missing} more approval${missing === 1 ? '' : 's'} from an approver other than `,
    not.join(', '), '.'];
}

function sentence(review, history, approvals, required) {
  const t = lastStep(review, history);
  switch (review.status) {
    case 'DRAFT':
      return ['Draft, with the author (', who(review.author), '). Next step: the author submits it for approval.'];
    case 'RETURNED':
      return ['Returned to the author', ...when(t), t && t.comment ? [': “', t.comment, '”'] : '',
        '. Next step: the author revises it and submits it again.'];
    case 'SUBMITTED':
      return ['Submitted', ...when(lastStep(review, history, 'submit')), '. Waiting for ', ...waitingFor(review, approvals, required)];
    case 'APPROVED':
      return ['Approved', t ? [' on ', fmtDate(t.created_at)] : '', '. Next step: the author publishes it.'];
    case 'PUBLISHED':
      return ['Published', ...when(t), '. Actions are tracked in the action register.'];
    default:
      return [label(review.status), ...when(t), '.'];
  }
}

/** The block shown at the top of a review: where it stands and the approvals. */
export function workflowStatus(review, history) {
  const approvals = approvalsOf(review, history);
  const required = (history && history.approvals_required) || 1;
  const showQuorum = ['SUBMITTED', 'APPROVED', 'PUBLISHED'].includes(review.status);
  return h('div', { class: 'wf-status' },
    h('p', { class: 'wf-sentence' }, ...sentence(review, history, approvals, required).flat()),
    showQuorum ? h('p', { class: 'wf-quorum' },
      h('progress', { max: required, value: Math.min(approvals.length, required), 'aria-hidden': 'true' }),
      ` ${approvals.length} of ${required} approval${required === 1 ? '' : 's'}`) : null,
    approvals.length ? h('ul', { class: 'wf-approvals', 'aria-label': 'Approvals of this version' },
      approvals.map((a) => h('li', {}, 'Approved by ', h('strong', {}, who(a.approver)), ' on ', fmtDate(a.created_at),
        a.comment ? [': “', a.comment, '”'] : ''))) : null);
}
