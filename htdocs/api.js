// SPDX-License-Identifier: Apache-2.0
// The JSON API beside this page (same origin, Apache authenticates).
export const API = new URL('api/v1/', document.baseURI);

export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

export function apiUrl(path, query) {
  const u = new URL(path, API);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') u.searchParams.set(k, v);
  }
  return u;
}

/** A fresh Idempotency-Key (random, also outside secure contexts). */
export function newKey() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** api('GET', 'reviews/1') / api('PATCH', 'reviews/1', {title}, etag) /
 *  api('POST', 'reviews', body, null, null, key): key is sent as Idempotency-Key. */
export async function api(method, path, body, etag, query, key) {
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  if (etag) headers['If-Match'] = etag;
  if (key) headers['Idempotency-Key'] = key;
  const res = await fetch(apiUrl(path, query), init);
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = { detail: text.slice(0, 200) }; }
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return { status: res.status, data, etag: res.headers.get('ETag') };
}

export const get = async (path, query) => (await api('GET', path, undefined, undefined, query)).data;
