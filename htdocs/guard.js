// SPDX-License-Identifier: Apache-2.0
// Work neither doubled nor lost: a form writes once per submission (its controls disabled
// while the request is in flight, one Idempotency-Key per submission that a retry reuses),
// and leaving a page with unsaved changes asks first (reload, close, back, in-app links).
import { newKey } from './api.js';

const DIRTY_TEXT = 'You have unsaved changes on this page. Leave it and lose them?';

/** Marks a form dirty on any edit; markClean() after it is saved or cancelled. */
export function trackDirty(form) {
  const mark = () => { form.dataset.dirty = 'true'; };
  form.addEventListener('input', mark);
  form.addEventListener('change', mark);
  return form;
}

export function markClean(form) {
  if (form) delete form.dataset.dirty;
}

export function anyDirty(root = document) {
  return Array.from(root.querySelectorAll('form[data-dirty="true"]')).some((f) => f.isConnected);
}

/** Runs fn(key) on submit of form, at most once at a time. The key stays the same until a
 *  submission succeeds, so a resubmission after a lost answer is replayed, not repeated. */
export function submitOnce(form, fn) {
  trackDirty(form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (form.dataset.busy) return;
    form.dataset.busy = 'true';
    form.setAttribute('aria-busy', 'true');
    const buttons = Array.from(form.querySelectorAll('button'));
    buttons.forEach((b) => { b.disabled = true; });
    if (!form.dataset.idemKey) form.dataset.idemKey = newKey();
    try {
      const ok = await fn(form.dataset.idemKey);
      if (ok !== false) { delete form.dataset.idemKey; markClean(form); }
    } finally {
      delete form.dataset.busy;
      form.removeAttribute('aria-busy');
      buttons.forEach((b) => { b.disabled = false; });
    }
  });
  return form;
}

/** The same for a single button (workflow steps, waivers, deletions): disabled in flight. */
export async function once(button, fn) {
  if (button.disabled) return undefined;
  button.disabled = true;
  try { return await fn(); } finally { button.disabled = false; }
}

let current = location.hash;
let reverting = false;

/** Call from the hashchange handler: false when the user chose to stay (the hash is put back). */
export function mayLeave() {
  if (reverting) { reverting = false; return false; }
  if (anyDirty() && !window.confirm(DIRTY_TEXT)) {
    reverting = true;
    location.hash = current;
    return false;
  }
  current = location.hash;
  return true;
}

export function installLeaveGuard() {
  current = location.hash;
  window.addEventListener('beforeunload', (ev) => {
    if (!anyDirty()) return;
    ev.preventDefault();
    ev.returnValue = DIRTY_TEXT;
  });
}
