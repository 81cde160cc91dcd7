// SPDX-License-Identifier: Apache-2.0
// DOM helpers: every piece of data goes in through textContent, properties or setAttribute,
// never through an HTML string.

const SVG_NS = 'http://www.w3.org/2000/svg';

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

function applyAttrs(el, attrs, svg) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'class') {
      el.setAttribute('class', v);
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (!svg && (k === 'value' || k === 'checked' || k === 'selected' || k === 'hidden' || k === 'disabled')) {
      el[k] = v;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
}

/** h('p', {class: 'x'}, 'text', child) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  applyAttrs(el, attrs, false);
  append(el, children);
  return el;
}

/** The same for SVG elements. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  applyAttrs(el, attrs, true);
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

let uid = 0;
export function nextId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}

/** 'YYYY-MM-DD' -> localized date, in a <time> element that keeps the ISO date. */
export function fmtDate(iso) {
  if (!iso) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  let text = iso;
  if (m) {
    text = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).toLocaleDateString();
  } else {
    const d = new Date(iso);
    if (!Number.isNaN(d.getTime())) text = `${d.toLocaleDateString()} ${d.toLocaleTimeString()}`;
  }
  return h('time', { datetime: iso }, text);
}

// ENUM_VALUE -> label, as the server's GET v1/schema names them (setEnumLabel).
const enumLabels = new Map();
export function setEnumLabel(value, text) { enumLabels.set(value, text); }

/** ENUM_VALUE -> its label from the server, else "Enum value" (the API keeps the enum). */
export function label(v) {
  if (v === null || v === undefined || v === '') return '—';
  if (enumLabels.has(v)) return enumLabels.get(v);
  const t = String(v).replace(/_/g, ' ').toLowerCase();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

export function badge(status) {
  return h('span', { class: `badge st-${String(status || '').toLowerCase()}` }, label(status));
}

export function table(columns, rows, caption) {
  const t = h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col' }, c.title)))),
    h('tbody', {}, rows.map((r) => h('tr', {}, columns.map((c) => {
      const v = c.render ? c.render(r) : r[c.key];
      return h('td', { 'data-label': c.title }, v === null || v === undefined ? '—' : v);
    })))));
  return h('div', { class: 'table-wrap' }, t);
}
