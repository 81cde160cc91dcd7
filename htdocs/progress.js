// SPDX-License-Identifier: Apache-2.0
// The progress history of an action (who, when, what) from GET v1/actions/{id}/updates.
import { get } from './api.js';
import { h, fmtDate, label, table } from './dom.js';
import { who } from './names.js';

function what(u) {
  return [
    u.status ? label(u.status) : null,
    u.progress != null ? `${u.progress}%` : null,
    u.due_date ? `due date moved to ${u.due_date}${u.reason ? ` (${u.reason})` : ''}` : null,
    u.effectiveness_required != null ? `effectiveness check ${u.effectiveness_required ? 'required' : 'not required'}` : null,
    u.effectiveness_method ? `check method: ${u.effectiveness_method}` : null,
    u.effectiveness_due ? `check due ${u.effectiveness_due}` : null,
    u.effectiveness_result ? `effectiveness: ${u.effectiveness_result}` : null,
  ].filter(Boolean).join(' · ');
}

/** The updates, newest first, loaded into the returned element; lazy: a closed <details>
 *  that loads when opened (long registers: one request per action opened, not per action). */
export function progressHistory(action, { lazy = false } = {}) {
  if (lazy) {
    const det = h('details', { class: 'progress-lazy' }, h('summary', {}, `Progress history of ${action.ref}`));
    det.addEventListener('toggle', () => { if (det.open && !det.dataset.loaded) { det.dataset.loaded = 'true'; det.append(progressHistory(action)); } });
    return det;
  }
  const box = h('div', { class: 'progress-history', 'data-action-id': String(action.id) });
  const load = async () => {
    try {
      const r = await get(`actions/${action.id}/updates`);
      const items = [...(r.items || [])].reverse();
      box.replaceChildren(items.length ? table([
        { title: 'When', render: (u) => fmtDate(u.created_at) }, { title: 'Who', render: (u) => who(u.created_by) },
        { title: 'Update', render: what }, { title: 'Note', key: 'note' }, { title: 'Evidence', key: 'evidence_ref' },
      ], items, `Progress history of ${action.ref}`) : h('p', { class: 'meta' }, `No progress recorded for ${action.ref} yet.`));
    } catch (e) {
      box.replaceChildren(h('p', { class: 'alert' }, `The progress history could not be loaded: ${e.message}`));
    }
  };
  box.loaded = load();
  return box;
}
