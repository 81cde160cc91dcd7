// SPDX-License-Identifier: Apache-2.0
// The people register (#/people): everyone reads it; admins add, edit and deactivate people
// and record their periods in top management.
import { api, get } from './api.js';
import { h, clear, fmtDate, table, nextId } from './dom.js';
import { clearErrors } from './fields.js';

const FIELDS = [
  ['login', 'Login (as Apache reports it)', 'text', true], ['display_name', 'Display name', 'text', true],
  ['job_title', 'Job title', 'text', false], ['function', 'Function', 'text', false], ['email', 'Email', 'email', false],
];

function periods(list) {
  if (!list || !list.length) return 'No';
  return h('ul', { class: 'plain' }, list.map((p) => h('li', {}, fmtDate(p.from), ' to ', p.to ? fmtDate(p.to) : 'now')));
}

function field(name, txt, type, required, value) {
  const id = nextId(`pp-${name}`);
  return h('div', { class: 'field' },
    h('label', { for: id }, txt, required ? h('span', { class: 'req' }, ' (required)') : null),
    h('input', { id, name, type, required, 'data-field': name, value: value || '', 'aria-describedby': `${id}-err` }),
    h('p', { class: 'field-error', id: `${id}-err`, 'data-error-for': name, hidden: true }));
}

/** One from/to row of the top-management periods. */
function periodRow(p, n) {
  const row = h('div', { class: 'period' });
  const date = (k, txt) => {
    const id = nextId(`tm-${k}`);
    return h('div', { class: 'field' }, h('label', { for: id }, `${txt} (period ${n})`),
      h('input', { id, type: 'date', class: `tm-${k}`, value: (p && p[k]) || '' }));
  };
  row.append(date('from', 'From'), date('to', 'To (empty: still)'),
    h('button', { type: 'button', class: 'remove-period', on: { click: () => row.remove() } }, `Remove period ${n}`));
  return row;
}

function periodsFieldset(list) {
  const rows = h('div', { class: 'periods' }, (list || []).map((p, i) => periodRow(p, i + 1)));
  return h('fieldset', { class: 'sub' }, h('legend', {}, 'Top management (periods of membership)'),
    rows, h('p', { class: 'field-error', 'data-error-for': 'top_management', hidden: true }),
    h('button', { type: 'button', class: 'add-period', on: { click: () => rows.append(periodRow(null, rows.children.length + 1)) } }, 'Add a period'));
}

function collectPerson(form, editing) {
  const body = {};
  for (const [n] of FIELDS) {
    const v = form.elements[n].value.trim();
    if (v || editing) body[n] = v || null;
  }
  body.top_management = [...form.querySelectorAll('.period')].map((r) => ({
    from: r.querySelector('.tm-from').value || null, to: r.querySelector('.tm-to').value || null,
  }));
  return body;
}

/** The form to add (person null) or edit a person; PUT replaces the whole person. */
function personForm(ui, person, onDone) {
  const problem = h('div', { class: 'form-problem', 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, person ? 'Save person' : 'Add person');
  const form = h('form', { class: 'item-form person-form', 'aria-label': person ? `Edit ${person.display_name}` : 'New person', novalidate: true, on: {
    submit: async (ev) => {
      ev.preventDefault();
      if (submit.disabled) return; // a second submission while the first is in flight
      clearErrors(form);
      clear(problem);
      submit.disabled = true;
      const body = collectPerson(form, !!person);
      if (person) body.active = form.elements.active.checked;
      try {
        await (person ? api('PUT', `people/${person.id}`, body, person.etag) : api('POST', 'people', body));
        ui.notify(`${body.display_name} ${person ? 'saved' : 'added to the register'}.`);
        await onDone();
      } catch (err) {
        ui.formError(form, err, onDone);
        submit.disabled = false;
      }
    },
  } },
  h('div', { class: 'grid' }, FIELDS.map(([n, txt, type, req]) => field(n, txt, type, req, person && person[n])),
    person ? h('div', { class: 'field' }, h('label', {}, h('input', { type: 'checkbox', name: 'active', checked: person.active }), ' Active')) : null),
  periodsFieldset(person && person.top_management), problem,
  h('div', { class: 'buttons' }, submit, h('button', { type: 'button', on: { click: () => (form.closest('tr.edit-row') || form).remove() } }, 'Cancel')));
  return form;
}

async function deactivate(ui, person, reload, btn) {
  if (btn.disabled || !window.confirm(`Deactivate ${person.display_name}? They stay in the register and in sealed records.`)) return;
  btn.disabled = true;
  try {
    await api('DELETE', `people/${person.id}`, undefined, person.etag);
    ui.notify(`${person.display_name} deactivated.`);
    await reload();
  } catch (err) {
    btn.disabled = false;
    ui.view.querySelector('.people-problem').append(ui.problemBox(err, reload));
  }
}

function actionsCell(ui, p, reload) {
  const cell = h('div', { class: 'buttons' },
    h('button', { type: 'button', class: 'edit-person', on: { click: () => {
      const row = cell.closest('tr');
      if (!row.nextElementSibling || !row.nextElementSibling.classList.contains('edit-row')) {
        row.after(h('tr', { class: 'edit-row' }, h('td', { colspan: 7 }, personForm(ui, p, reload))));
      }
      row.nextElementSibling.querySelector('input').focus();
    } } }, `Edit ${p.display_name}`),
    p.active ? h('button', { type: 'button', class: 'danger deactivate', on: { click: (ev) => deactivate(ui, p, reload, ev.currentTarget) } }, `Deactivate ${p.display_name}`) : null);
  return cell;
}

export async function peopleScreen(ui, params) {
  const admin = ui.has('admin');
  const all = params.get('all') === '1';
  const list = await get('people', { limit: 200, active: all ? null : 'true', cursor: params.get('cursor') });
  const reload = () => peopleScreen(ui, params);
  ui.page('People register');
  ui.view.append(h('p', {}, 'Who a login is: names shown in the records and reports, and who was top management when. ',
    admin ? 'As an admin you add, edit and deactivate people.' : 'Only admins change the register.'),
  h('p', {}, all ? ui.link('#/people', 'Show active people only') : ui.link('#/people?all=1', 'Show deactivated people too')),
  h('div', { class: 'people-problem', 'aria-live': 'polite' }));
  if (admin) {
    const slot = h('div', {});
    ui.view.append(ui.section('Add a person', h('button', { type: 'button', class: 'add-person', on: { click: () => {
      clear(slot).append(personForm(ui, null, reload));
      slot.querySelector('input').focus();
    } } }, 'Add a person'), slot));
  }
  ui.view.append(ui.section(`People (${list.items.length}${list.next_cursor ? '+' : ''})`, list.items.length ? table([
    { title: 'Name', key: 'display_name' }, { title: 'Login', render: (p) => h('code', {}, p.login) },
    { title: 'Job title', key: 'job_title' }, { title: 'Function', key: 'function' },
    { title: 'Top management', render: (p) => periods(p.top_management) },
    { title: 'Active', render: (p) => (p.active ? 'Yes' : 'No (deactivated)') },
    admin ? { title: 'Change', render: (p) => actionsCell(ui, p, reload) } : null,
  ].filter(Boolean), list.items) : h('p', {}, 'The register is empty.'),
  list.next_cursor ? h('p', {}, ui.link(`#/people?${new URLSearchParams({ ...(all ? { all: '1' } : {}), cursor: list.next_cursor })}`, 'Next page')) : null));
}
