// SPDX-License-Identifier: Apache-2.0
// Saving one item re-renders the review; other forms with unsaved edits on that page are
// taken over into the new rendering (reopened if needed), so one save never loses another edit.

function readValues(form) {
  const out = {};
  form.querySelectorAll('[data-field]').forEach((el) => {
    if (!('value' in el)) return;
    out[el.dataset.field] = el.multiple ? Array.from(el.selectedOptions).map((o) => o.value) : el.value;
  });
  return out;
}

/** The dirty forms under root: their label, section, item and values. */
export function snapshotDirty(root) {
  return Array.from(root.querySelectorAll('form[data-dirty="true"][aria-label]')).map((f) => ({
    label: f.getAttribute('aria-label'),
    kind: f.closest('section[data-kind]')?.dataset.kind,
    itemId: f.closest('article[data-id]')?.dataset.id,
    values: readValues(f),
  }));
}

function reopen(root, snap) {
  const sec = snap.kind && root.querySelector(`section[data-kind="${CSS.escape(snap.kind)}"]`);
  if (!sec) return null;
  const btn = snap.itemId
    ? Array.from(sec.querySelectorAll(`article[data-id="${CSS.escape(snap.itemId)}"] button`)).find((b) => /^(Edit|Record progress) /.test(b.textContent))
    : sec.querySelector('button.add');
  btn?.click();
  return root.querySelector(`form[aria-label="${CSS.escape(snap.label)}"]`);
}

/** Puts the snapshots back: same form (by its label), reopened when it is not open. */
export function restoreDirty(root, snaps) {
  for (const snap of snaps || []) {
    const form = root.querySelector(`form[aria-label="${CSS.escape(snap.label)}"]`) || reopen(root, snap);
    if (!form) continue;
    for (const [field, v] of Object.entries(snap.values)) {
      const el = form.querySelector(`[data-field="${CSS.escape(field)}"]`);
      if (!el) continue;
      if (el.multiple) Array.from(el.options).forEach((o) => { o.selected = v.includes(o.value); });
      else el.value = v;
    }
    form.dataset.dirty = 'true';
  }
}
