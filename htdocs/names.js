// SPDX-License-Identifier: Apache-2.0
// Logins to names: the people register (GET v1/people) read once per screen.
import { get } from './api.js';

const key = (login) => String(login || '').trim().toLowerCase();

/** Map login_key -> person, every page of the register. */
export async function loadPeople() {
  const map = new Map();
  let cursor = null;
  do {
    const page = await get('people', { limit: 200, cursor });
    for (const p of page.items) map.set(p.login_key || key(p.login), p);
    cursor = page.next_cursor;
  } while (cursor);
  return map;
}

/** "Display Name (login)", or the login when the register does not know it. */
export function nameOf(people, login) {
  if (!login) return '—';
  const p = people && people.get(key(login));
  return p && p.display_name ? `${p.display_name} (${login})` : String(login);
}
