// SPDX-License-Identifier: Apache-2.0
// A real OpenID provider on loopback for tests/integration/test_sso_oidc.py: oidc-provider
// (a certified implementation) with a configuration of our own. Usage: node provider.mjs
// CONFIG.json, where CONFIG is {"issuer": "http://127.0.0.1:PORT", "port": PORT,
// "clients": [oidc-provider client metadata], "accounts": {"name": {"password": ...,
// "groups": [...]}}}. The login page checks the password; consent is implied for the
// configured clients (first-party); PKCE (S256) is required of every client.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import Provider from 'oidc-provider';

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const accounts = cfg.accounts;
const signingKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ format: 'jwk' });

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (title, body) => `<!DOCTYPE html><html><head><meta charset="utf-8">
<title>${esc(title)}</title></head><body><h1>${esc(title)}</h1>${body}</body></html>`;

async function findAccount(ctx, id) {
  if (!Object.hasOwn(accounts, id)) return undefined;
  return {
    accountId: id,
    async claims() {
      return {
        sub: id, preferred_username: id, name: id, email: `${id}@example.org`,
        email_verified: true, groups: accounts[id].groups,
      };
    },
  };
}

// first-party clients: the user is not asked to consent to the configured scopes
async function loadExistingGrant(ctx) {
  const grantId = ctx.oidc.result?.consent?.grantId
    || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
  if (grantId) return ctx.oidc.provider.Grant.find(grantId);
  const grant = new ctx.oidc.provider.Grant({
    clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId,
  });
  grant.addOIDCScope('openid email profile');
  await grant.save();
  return grant;
}

const provider = new Provider(cfg.issuer, {
  clients: cfg.clients,
  jwks: { keys: [{ ...signingKey, kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['preferred_username', 'name', 'groups'],
  },
  pkce: { methods: ['S256'], required: () => true },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.body = page('Sign out', `${form}<button type="submit" form="op.logoutForm"
          name="logout" value="yes">Yes, sign me out</button>`);
      },
      async postLogoutSuccessSource(ctx) {
        ctx.body = page('Signed out', '<p>You are signed out.</p>');
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount,
  loadExistingGrant,
});

function loginForm(uid, message) {
  return page('Sign in', `${message ? `<p class="error">${esc(message)}</p>` : ''}
<form method="post" action="/interaction/${esc(uid)}/login">
<input type="text" name="login" value=""><input type="password" name="password" value="">
<button type="submit">Sign in</button></form>`);
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      data += chunk;
      if (data.length > 65536) reject(new Error('form too large'));
    });
    req.on('end', () => resolve(new URLSearchParams(data)));
    req.on('error', reject);
  });
}

function send(res, status, body) {
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store',
  });
  res.end(body);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, page('Bad request', ''));
  if (req.method === 'GET' && !action) return send(res, 200, loginForm(uid));
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const user = form.get('login') || '';
    const account = Object.hasOwn(accounts, user) ? accounts[user] : null;
    if (!account || form.get('password') !== account.password) {
      return send(res, 401, loginForm(uid, 'Wrong user name or password'));
    }
    return provider.interactionFinished(req, res, { login: { accountId: user } },
      { mergeWithLastSubmission: false });
  }
  return send(res, 405, page('Method not allowed', ''));
}

const callback = provider.callback();
http.createServer((req, res) => {
  const m = /^\/interaction\/([\w-]+)(?:\/(login))?$/.exec(req.url);
  if (!m) return callback(req, res);
  return interaction(req, res, m[1], m[2]).catch((err) => {
    console.error('interaction error', err);
    send(res, 400, page('Error', esc(err.message)));
  });
}).listen(cfg.port, '127.0.0.1', () => console.log(`oidc-provider ${cfg.issuer} ready`));
