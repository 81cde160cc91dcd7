// Talks only to the JSON API beside this page; inserts text with textContent, never HTML.
const API = new URL('api/v1/', document.baseURI);

async function getJSON(path) {
  const res = await fetch(new URL(path, API), { headers: { Accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) {
    const err = new Error(body.detail || body.title || `HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return body;
}

function show(id, text) {
  document.getElementById(id).textContent = text;
}

function showError(message) {
  const el = document.getElementById('error');
  el.textContent = message;
  el.hidden = false;
}

async function main() {
  try {
    const me = await getJSON('me');
    show('me-user', me.user);
    show('me-roles', me.roles.length ? me.roles.join(', ') : 'none (ask your Apache admin)');
  } catch (e) {
    show('me-user', '—');
    show('me-roles', '—');
    showError(`Could not read your identity: ${e.message}`);
  }
  try {
    const h = await getJSON('health');
    show('health-db', h.database);
    show('health-schema', String(h.schema_version));
  } catch (e) {
    show('health-db', `unavailable (${e.message})`);
    show('health-schema', '—');
  }
}

main();
