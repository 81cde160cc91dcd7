// SPDX-License-Identifier: Apache-2.0
// A stale-version answer (412) on a form: the message appears at the button that was pressed
// and takes the focus, the user's typed values stay in the form, the fields someone else
// changed meanwhile are listed (before / now), and the edit can be re-applied on top of the
// current version or dropped.
import { h, clear } from './dom.js';
import { collect, same, fieldLabel, buildFields } from './fields.js';

function changedRows(fds, base, cur, mine, show) {
  return fds.filter((fd) => !same(base[fd.n], cur[fd.n])).map((fd) => h('tr', {},
    h('th', { scope: 'row' }, fieldLabel(fd.n)),
    h('td', {}, show(fd, base[fd.n]) ?? '—'),
    h('td', {}, show(fd, cur[fd.n]) ?? '—'),
    h('td', {}, fd.n in mine ? show(fd, mine[fd.n]) ?? '—' : 'unchanged')));
}

/** opts: form, fds, base (the version the form was opened on), fetchCurrent() -> the record
 *  now, show(fd, v) -> display text, ctx for buildFields, prefix, onRebased(cur), onDiscard(). */
export async function showConflict(opts) {
  const { form, fds, base, show } = opts;
  const mine = collect(form, fds, base);
  const area = form.querySelector('.form-conflict');
  clear(area);
  let cur;
  try {
    cur = await opts.fetchCurrent();
  } catch {
    cur = null;
  }
  const box = h('div', { class: 'problem conflict', role: 'alert', tabindex: '-1' },
    h('p', {}, h('strong', {}, 'Not saved: someone else changed this record while you were editing it.'),
      ' Your changes are still in the form.'));
  if (cur) {
    const rows = changedRows(fds, base, cur, mine, show);
    box.append(rows.length
      ? h('table', { class: 'conflict-diff' }, h('caption', {}, `Changed on the server by ${cur.updated_by || 'another user'}`),
        h('thead', {}, h('tr', {}, ['Field', 'When you opened it', 'Now', 'Your edit'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows))
      : h('p', {}, 'The fields of this form are unchanged on the server (something else about the record changed).'));
    box.append(h('div', { class: 'buttons' },
      h('button', { type: 'button', class: 'primary reapply', on: { click: () => {
        const grid = form.querySelector('.grid');
        clear(grid).append(...buildFields(fds, { ...cur, ...mine }, opts.ctx, opts.prefix));
        opts.onRebased(cur);
        form.dataset.dirty = 'true';
        clear(area).append(h('p', { class: 'hint rebased', role: 'status' },
          'Your changes are now on top of the current version. Check them and save again.'));
        const first = Object.keys(mine)[0];
        (first && form.querySelector(`[data-field="${CSS.escape(first)}"], [data-field^="${CSS.escape(first)}."]`) || form.querySelector('button[type="submit"]'))?.focus();
      } } }, 'Re-apply my changes to the current version'),
      h('button', { type: 'button', class: 'discard', on: { click: () => opts.onDiscard() } }, 'Discard my changes and reload')));
  } else {
    box.append(h('div', { class: 'buttons' }, h('button', { type: 'button', class: 'discard', on: { click: () => opts.onDiscard() } }, 'Reload')));
  }
  area.append(box);
  box.scrollIntoView({ block: 'center' });
  box.focus();
}
