// SPDX-License-Identifier: Apache-2.0
// Review programmes and the IMS input catalogue (#/programmes): every role reads them; admins
// change them through the API (v1/programmes, v1/catalogue; see the admin guide).
import { get } from './api.js';
import { h, fmtDate, label, table } from './dom.js';
import { PROGRAMMES } from './fields.js';

/** Loads the programmes once for the review form (a failure leaves the list empty). */
export async function loadProgrammes() {
  try {
    const page = await get('programmes', { limit: 200 });
    PROGRAMMES.splice(0, PROGRAMMES.length, ...(page.items || []));
  } catch { /* no role: no programmes to choose */ }
}

const yesNo = (v) => (v ? 'Yes' : 'No');

export async function programmesScreen(ui) {
  const [progs, cat] = await Promise.all([get('programmes', { limit: 200 }), get('catalogue')]);
  ui.page('Review programmes');
  ui.view.append(h('p', {}, 'The planned intervals of clause 9.3.1 and what each standard\u2019s management review must consider. ',
    ui.has('admin') ? 'As an admin you change them through the API (v1/programmes, v1/catalogue; see the admin guide).'
      : 'Only admins change them.'));
  ui.view.append(ui.section(`Programmes (${progs.items.length})`, table([
    { title: 'Name', key: 'name' },
    { title: 'Scope', render: (p) => (p.scope_ref ? `${p.scope_ref}${p.scope_version ? ` v${p.scope_version}` : ''}` : null) },
    { title: 'Standards', render: (p) => (p.standards || []).map(label).join(', ') || null },
    { title: 'Interval', render: (p) => `${p.interval_months} months, ${p.tolerance_days} days\u2019 tolerance` },
    { title: 'Coverage', render: (p) => label(p.coverage_mode) + (p.cycle_length_months ? ` (cycle ${p.cycle_length_months} months)` : '') },
    { title: 'Chair', key: 'chair_role' },
    { title: 'Last held', render: (p) => (p.last_held ? fmtDate(p.last_held) : null) },
    { title: 'Next due', render: (p) => (p.next_due_date ? fmtDate(p.next_due_date) : null) },
    { title: 'Active', render: (p) => yesNo(p.active) },
  ], progs.items)));
  const byStd = new Map();
  for (const r of cat.items) byStd.set(r.standard, [...(byStd.get(r.standard) || []), r]);
  ui.view.append(ui.section('IMS input catalogue', [...byStd].map(([std, rows]) => table([
    { title: 'Clause', key: 'clause' }, { title: 'Code', render: (r) => h('code', {}, `${r.standard}:${r.code}`) },
    { title: 'Requirement', key: 'label' }, { title: 'Kind', render: (r) => label(r.kind) },
    { title: 'Mandatory', render: (r) => yesNo(r.mandatory) },
    { title: 'Covered by (ISO 27001)', render: (r) => (r.maps_to_27001_code ? label(r.maps_to_27001_code) : null) },
  ], rows, label(std)))));
}
