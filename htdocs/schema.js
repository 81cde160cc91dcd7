// SPDX-License-Identifier: Apache-2.0
// The record kinds as the server describes them (GET v1/schema): enum values and their labels
// and the required flags go into the field tables of fields.js, so the UI does not restate them.
import { get } from './api.js';
import { setEnumLabel } from './dom.js';
import { KINDS, ENUMS, INPUT_CATEGORIES } from './fields.js';

function enumOf(sf) {
  const list = sf && (sf.enum || (sf.items && sf.items.enum));
  return Array.isArray(list) ? list : null;
}

function applyFields(fds, sfields) {
  const byName = new Map((sfields || []).map((sf) => [sf.name, sf]));
  for (const fd of fds) {
    const sf = byName.get(fd.n);
    if (!sf) continue;
    const en = enumOf(sf);
    if (en) {
      fd.e = en.map((x) => x.value);
      fd.labels = new Map(en.map((x) => [x.value, x.label]));
      en.forEach((x) => setEnumLabel(x.value, x.label));
    }
    if (!sf.server_owned) fd.req = Boolean(sf.required);
    const subs = sf.fields || (sf.items && sf.items.fields);
    if (fd.sub && subs) applyFields(fd.sub, subs);
  }
}

/** Loads GET v1/schema and applies it; false when the server has none (an older module). */
export async function loadSchema() {
  let schema;
  try { schema = await get('schema'); } catch { return false; }
  for (const k of schema.kinds || []) {
    const key = k.kind === 'review' ? 'review' : k.collection;
    if (KINDS[key]) applyFields(KINDS[key], k.fields);
    const status = (k.fields || []).find((f) => f.name === 'status');
    if (k.kind === 'review' && enumOf(status)) ENUMS.review_status = enumOf(status).map((x) => x.value);
    if (k.kind === 'action' && enumOf(status)) ENUMS.action_status = enumOf(status).map((x) => x.value);
    const cat = k.collection === 'inputs' && enumOf((k.fields || []).find((f) => f.name === 'category'));
    // the section titles of the inputs a)-g): the server's labels of the categories
    for (const c of cat || []) {
      const entry = INPUT_CATEGORIES.find(([v]) => v === c.value);
      if (entry) entry[1] = c.label;
    }
  }
  for (const b of schema.request_bodies || []) {
    for (const sf of b.fields || []) (enumOf(sf) || []).forEach((x) => setEnumLabel(x.value, x.label));
  }
  return true;
}
