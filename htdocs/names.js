// SPDX-License-Identifier: Apache-2.0
// Names, not logins: the people register (GET v1/people, readable by every role) says who a
// login is. Without a role, or for a login the register does not know, the login is shown.
import { get } from './api.js';

const names = new Map();
const key = (login) => String(login || '').trim().toLowerCase();

/** Loads the register once (all pages); a failure leaves logins as they are. */
export async function loadNames() {
  let cursor;
  try {
    do {
      const page = await get('people', { limit: 200, cursor });
      for (const p of page.items || []) if (p.login && p.display_name) names.set(key(p.login), p.display_name);
      cursor = page.next_cursor;
    } while (cursor);
  } catch { /* no role: logins */ }
}

/** The person's name, else the login. */
export function who(login) {
  return names.get(key(login)) || login || '—';
}
