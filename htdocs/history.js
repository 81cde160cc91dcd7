// SPDX-License-Identifier: Apache-2.0
// The version history of a review (#/reviews/{id}/history): every version with its status,
// approvals and seal, and a field-by-field comparison of two versions.
import { api, get } from './api.js';
import { h, fmtDate, label, badge, table } from './dom.js';
import { changesTable, reviewDiff } from './diff.js';
import { loadNames, who } from './names.js';

/** One row per version: the sealed ones from the history, then the live one if unsealed. */
function versionRows(hist, review) {
  const rows = hist.versions.map((v) => ({ ...v, sealed: true }));
  if (!rows.some((v) => v.version === hist.current_version)) {
    rows.push({ version: hist.current_version, status: review.status, sealed: false });
  }
  return rows;
}

function sealCell(v) {
  if (!v.sealed) return 'Not sealed (the current draft)';
  const ok = v.intact && v.hash_in_audit_trail;
  return h('span', {}, h('code', { class: 'hash', title: v.content_hash }, `${v.content_hash.slice(0, 16)}…`), ' ',
    h('span', { class: ok ? 'ok' : 'alert' }, ok ? 'intact, matches the audit trail' : 'does NOT match its seal'));
}

function versionsTable(hist, rows) {
  const approvals = (n) => hist.approvals.filter((a) => a.version === n);
  const reason = (n) => hist.transitions.find((t) => t.action === 'amend' && t.version === n - 1);
  return table([
    { title: 'Version', key: 'version' },
    { title: 'Status', render: (v) => badge(v.status) },
    { title: 'Approvals', render: (v) => (approvals(v.version).length ? h('ul', { class: 'plain' }, approvals(v.version).map((a) => h('li', {}, who(a.approver), ', ', fmtDate(a.created_at), a.comment ? `: ${a.comment}` : ''))) : 'none') },
    { title: 'Seal (SHA-256)', render: sealCell },
    { title: 'Why this version', render: (v) => (v.version === 1 ? 'First version' : (reason(v.version) || {}).comment || '—') },
  ], rows, 'Versions');
}

function transitionsTable(hist) {
  return table([
    { title: 'When', render: (t) => fmtDate(t.created_at) }, { title: 'Version', key: 'version' },
    { title: 'Step', render: (t) => label(t.action) }, { title: 'By', render: (t) => who(t.actor) },
    { title: 'From', render: (t) => badge(t.prior_status) }, { title: 'To', render: (t) => badge(t.to_status) },
    { title: 'Comment', render: (t) => t.comment || '—' },
  ], hist.transitions, 'Workflow steps');
}

async function versionDoc(id, v) {
  return v.sealed ? get(`reviews/${id}`, { version: v.version }) : (await api('GET', `reviews/${id}`)).data;
}

function diffView(diff, from, to) {
  if (!diff.length) return h('p', { class: 'no-diff' }, `Version ${to} has the same content as version ${from}.`);
  return h('div', { class: 'diff' }, diff.map((d) => h('section', { class: `diff-entry diff-${d.change}`, 'aria-label': `${d.section} ${d.ref || ''} ${d.change}` },
    h('h4', {}, `${d.section}${d.section === 'Review' ? '' : ` ${d.ref}`}: ${d.change}`),
    changesTable(d.fields, `Version ${from}`, `Version ${to}`))));
}

function compareForm(ui, id, rows, from, to) {
  const pick = (name, txt, cur) => h('div', { class: 'field' }, h('label', { for: `hv-${name}` }, txt),
    h('select', { id: `hv-${name}`, name }, rows.map((v) => h('option', { value: String(v.version), selected: v.version === cur }, `Version ${v.version} (${label(v.status)})`))));
  const form = h('form', { class: 'filters compare', 'aria-label': 'Compare versions', on: {
    submit: (ev) => {
      ev.preventDefault();
      location.hash = `#/reviews/${id}/history?from=${form.elements.from.value}&to=${form.elements.to.value}`;
    },
  } }, pick('from', 'From version', from), pick('to', 'To version', to), h('button', { type: 'submit' }, 'Compare'));
  return form;
}

export async function historyScreen(ui, params, id) {
  const [review, hist] = await Promise.all([get(`reviews/${id}`), get(`reviews/${id}/history`), loadNames()]);
  const rows = versionRows(hist, review);
  ui.page(`${review.ref}: version history`);
  ui.view.append(h('p', { class: 'meta' }, ui.link(`#/reviews/${id}`, `Back to ${review.ref}`),
    ui.has('auditor') || ui.has('admin') ? [' · ', ui.link(`#/audit?review_ref=${encodeURIComponent(review.ref)}`, `Audit trail of ${review.ref}`)] : null));
  if (hist.live_matches_seal === false) ui.view.append(h('p', { class: 'alert', role: 'alert' }, 'The live record no longer matches its seal.'));
  ui.view.append(ui.section('Versions, approvals and seals', versionsTable(hist, rows)));
  const last = rows.length;
  const to = Number(params.get('to')) || rows[last - 1].version;
  const from = Number(params.get('from')) || (last > 1 ? rows[last - 2].version : to);
  const cmp = ui.section('What changed between two versions', compareForm(ui, id, rows, from, to));
  ui.view.append(cmp);
  const va = rows.find((v) => v.version === from);
  const vb = rows.find((v) => v.version === to);
  if (rows.length < 2) cmp.append(h('p', {}, 'There is one version so far: an amendment makes the next.'));
  else if (!va || !vb) cmp.append(h('p', { class: 'alert' }, 'Choose two versions of this review.'));
  else cmp.append(diffView(reviewDiff(await versionDoc(id, va), await versionDoc(id, vb)), from, to));
  ui.view.append(ui.section('Workflow steps', transitionsTable(hist)));
  if (hist.waivers.length) {
    ui.view.append(ui.section('Waivers', table([
      { title: 'Rule', render: (w) => w.rule_id || w.rule }, { title: 'Version', key: 'version' }, { title: 'By', render: (w) => who(w.waived_by) },
      { title: 'When', render: (w) => fmtDate(w.created_at) }, { title: 'Justification', key: 'justification' },
    ], hist.waivers, 'Waivers')));
  }
}
