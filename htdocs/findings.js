// SPDX-License-Identifier: Apache-2.0
// Completeness findings in words, each with a link to the field or section it is about, and
// the review form's fields marked with what the check will require.
import { h, label } from './dom.js';
import { INPUT_CATEGORIES, fieldLabel } from './fields.js';

const COLLECTION = {
  attendee: 'attendees', input: 'inputs', decision: 'decisions', action: 'actions', improvement: 'improvements',
  change: 'changes', objective: 'objectives', resource: 'resources', communication: 'communications',
};

function categoryIn(text) {
  return INPUT_CATEGORIES.find(([c]) => String(text).includes(c));
}

/** The finding's message as a sentence: categories, fields and enum codes in words. */
export function findingText(fi) {
  let t = String(fi.message || '');
  const cat = categoryIn(t);
  if (cat) t = t.replace(new RegExp(`${cat[0]}( \\([^)]*\\))?`), `for “${cat[1]}”`);
  t = t.replace(/\b[a-z]+(_[a-z0-9]+)+\b/g, (n) => fieldLabel(n).toLowerCase());
  t = t.replace(/\b[A-Z][A-Z0-9]*(_[A-Z0-9]+)+\b/g, (v) => `“${label(v)}”`);
  t = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/** Where the finding points in the review page: {text, find(view) -> element to focus}. */
export function findingPlace(fi) {
  const field = fi.field && !['category'].includes(fi.field) ? fi.field : null;
  const ctl = (root) => field && root.querySelector(`[data-field="${CSS.escape(field)}"], [data-field^="${CSS.escape(field)}."]`);
  if (fi.entity === 'review') {
    return {
      text: `Review details${field ? `: ${fieldLabel(field)}` : ''}`,
      find: (v) => ctl(v.querySelector('form[aria-label="Review details"]') || v) || v.querySelector('[data-section="details"] h3'),
    };
  }
  const coll = COLLECTION[fi.entity];
  const cat = fi.entity === 'input' ? categoryIn(fi.message) : null;
  const sectionSel = cat ? `section[data-kind="${cat[0]}"]` : `section[data-coll="${coll}"]`;
  if (fi.entity_id) {
    return {
      text: `${fi.entity_ref || label(fi.entity)}${field ? `: ${fieldLabel(field)}` : ''}`,
      find: (v) => {
        const art = v.querySelector(`section[data-coll="${coll}"] article[data-id="${fi.entity_id}"]`);
        if (!art) return null;
        const edit = Array.from(art.querySelectorAll('button')).find((b) => /^Edit /.test(b.textContent));
        if (edit && field) { edit.click(); return ctl(art) || art.querySelector('h4'); }
        return art.querySelector('h4');
      },
    };
  }
  return {
    text: cat ? cat[1] : label(coll || fi.entity),
    find: (v) => { const sec = v.querySelector(sectionSel); return sec && (sec.querySelector('button.add') || sec.querySelector('h3')); },
  };
}

/** A link that moves the focus to where the finding points. */
export function findingLink(fi, view) {
  const place = findingPlace(fi);
  return h('a', { href: location.hash, class: 'finding-link', on: { click: (ev) => {
    ev.preventDefault();
    const el = place.find(view);
    if (!el) return;
    if (!el.matches('a, button, input, select, textarea, [tabindex]')) el.setAttribute('tabindex', '-1');
    el.scrollIntoView({ block: 'center' });
    el.focus();
  } } }, place.text);
}

/** Marks the review form's fields that open findings are about. */
export function markRequired(form, findings) {
  for (const fi of findings || []) {
    if (fi.entity !== 'review' || !fi.field || fi.waived) continue;
    const el = form.querySelector(`[data-field="${CSS.escape(fi.field)}"], [data-field^="${CSS.escape(fi.field)}."]`);
    const box = el && (el.closest('fieldset.sub') || el.closest('.field'));
    if (!box || box.querySelector('.check-needed')) continue;
    box.append(h('p', { class: 'hint check-needed' }, `Needed for the completeness check (${fi.rule}${fi.severity === 'E' ? ', blocking' : ''}).`));
  }
}
