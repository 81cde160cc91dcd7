// SPDX-License-Identifier: Apache-2.0
// Browser test of the web UI (htdocs/) against a real Apache from tests/integration/harness.py.
// playwright-core drives Debian's /usr/bin/chromium; the UI is served under the strict CSP
// (no unsafe-inline). Any console error, page error, failed request or unexpected HTTP error
// fails the test. Screenshots of every step go to tests/browser/artifacts/.
import path from 'node:path';
import {
  ART, problems, log, start, stop, allow, newUser, shot, go, fill, reloaded, addItem, iso, setShotPrefix,
} from './lib.mjs';

let stepNo = 100;
setShotPrefix('walk-');

async function main() {
  let env;
  let failed = true;
  try {
    env = await start();
    const today = new Date();
    const planned = iso(today);
    const due = iso(new Date(today.getTime() + 120 * 86400000));

    // ---- author: create a review ----
    const A = await newUser(env, 'author');
    let p = A.page;
    await go(p, '#/reviews');
    await p.getByLabel('Title').fill('Annual ISMS management review (browser test)');
    const nf = p.locator('form[aria-label="New review"]');
    await fill(nf, { review_type: 'SCHEDULED', planned_date: planned });
    await shot(p, 'author-new-review-form');
    await nf.locator('button[type="submit"]').click();
    await p.waitForURL(/#\/reviews\/\d+$/);
    await p.waitForSelector('section[data-kind="B_ISSUES_CHANGES"]');
    const reviewId = Number(/#\/reviews\/(\d+)/.exec(p.url())[1]);
    log('review', reviewId);
    await shot(p, 'author-review-created');

    // ---- validation error shown next to its field (422) ----
    const secB = p.locator('section[data-kind="B_ISSUES_CHANGES"]');
    await secB.locator('button.add').click();
    const fB = secB.locator('form.item-form');
    await fill(fB, { title: 'External and internal issues', status: 'NOT_APPLICABLE' });
    allow(422, '/inputs');
    await fB.locator('button[type="submit"]').click();
    await fB.locator('[data-error-for="na_justification"]:not([hidden])').waitFor();
    await shot(p, 'author-validation-error-next-to-field');
    await fill(fB, { status: 'PRESENTED', summary: 'New regulation NIS2 applies.', trend: 'STABLE', climate_change_relevance: 'NOT_RELEVANT', evidence_refs: 'CTX-REG-2026' });
    await reloaded(p, () => fB.locator('button[type="submit"]').click());

    // ---- fill the sections ----
    await addItem(p, 'attendees', { name: 'Chief Executive', person: 'ceo', is_top_management: 'true', participation_role: 'CHAIR', attendance: 'PRESENT' });
    for (const cat of ['C_IP_NEEDS_CHANGES', 'D1_NC_CA', 'D2_MONITORING', 'D3_AUDITS', 'D4_OBJECTIVES', 'E_IP_FEEDBACK', 'G_IMPROVEMENT']) {
      await addItem(p, cat, { title: `Input ${cat}`, status: 'PRESENTED', summary: `Summary for ${cat}`, trend: 'STABLE', evidence_refs: `EV-${cat}` });
    }
    await addItem(p, 'F_RISK_RTP', { title: 'Risk assessment', status: 'PRESENTED', trend: 'IMPROVING', rtp_completion_pct: 80, evidence_refs: 'RA-2026' });
    await addItem(p, 'decisions', { statement: 'Extend MFA to all remote access', category: 'ISMS_CHANGE', clause_933_aspect: 'ISMS_CHANGE', outcome: 'APPROVED', rationale: 'Audit finding' });
    await addItem(p, 'actions', { title: 'Roll out MFA', type: 'CHANGE_IMPLEMENTATION', owner: 'owner', due_date: due, priority: 'HIGH' });
    await addItem(p, 'objectives', { statement: 'Patch critical vulnerabilities quickly', owner: 'owner', 'kpi.name': 'Critical patches within 14 days', 'kpi.unit': '%', 'kpi.direction': 'HIGHER_BETTER', 'kpi.baseline': 60, 'kpi.target': 95 });
    await addItem(p, 'communications', { what_type: 'EXEC_SUMMARY', audience_type: 'ALL_EMPLOYEES', how: 'INTRANET', when: due });
    // review details
    const rf = p.locator('form[aria-label="Review details"]');
    await fill(rf, { held_from: planned, held_to: planned, format: 'IN_PERSON', chair: 'ceo', executive_summary: 'The ISMS remains suitable.', 'suitability.rating': 'CONFIRMED', 'adequacy.rating': 'CONFIRMED', 'effectiveness.rating': 'PARTIALLY' });
    await reloaded(p, () => rf.locator('button[type="submit"]').click());
    await shot(p, 'author-sections-filled');

    // ---- 412: someone else changed the attendee meanwhile ----
    const att = p.locator('section[data-kind="attendees"] article.item').first();
    await att.getByRole('button', { name: /^Edit / }).click();
    const af = att.locator('form.item-form');
    await fill(af, { function: 'CEO' });
    const cur = await (await A.ctx.request.get(`/isms/api/v1/reviews/${reviewId}/attendees`)).json();
    const a0 = cur.items ? cur.items[0] : cur[0];
    const patched = await A.ctx.request.patch(`/isms/api/v1/reviews/${reviewId}/attendees/${a0.id}`, { headers: { 'If-Match': a0.etag, 'Content-Type': 'application/json' }, data: { title: 'Chair of the board' } });
    if (!patched.ok()) throw new Error(`concurrent PATCH failed: ${patched.status()}`);
    allow(412, '/attendees/');
    await af.locator('button[type="submit"]').click();
    await af.locator('.conflict button.discard').waitFor();
    await shot(p, 'author-412-conflict');
    await reloaded(p, () => af.locator('.conflict button.discard').click());

    // ---- findings and a refused submission ----
    const check = p.locator('section.check');
    await check.waitFor();
    const hasBlocking = await check.locator('h3').innerText();
    log('check:', hasBlocking);
    await shot(p, 'author-sees-findings');
    allow(422, '/submit');
    await p.locator('button[data-action="submit"]').click();
    await p.locator('dialog button[type="submit"]').click();
    await p.locator('.wf-problem .problem').waitFor();
    await shot(p, 'author-submit-refused-with-findings');

    // ---- approver waives the open errors ----
    const B = await newUser(env, 'approver');
    await go(B.page, `#/reviews/${reviewId}`);
    for (let i = 0; i < 40; i += 1) {
      const btn = B.page.locator('section.check button.waive').first();
      if (!(await btn.count())) break;
      const rule = await btn.getAttribute('data-rule');
      await btn.click();
      await B.page.getByLabel('Justification').fill(`Accepted by top management for this cycle (${rule}).`);
      await reloaded(B.page, () => B.page.locator('dialog button[type="submit"]').click());
    }
    await shot(B.page, 'approver-waived-findings');

    // ---- author submits ----
    await go(p, `#/reviews/${reviewId}`);
    await p.locator('button[data-action="submit"]').click();
    await p.getByLabel(/Comment/).fill('Ready for approval');
    await reloaded(p, () => p.locator('dialog button[type="submit"]').click());
    await p.locator('.meta .st-submitted').waitFor();
    await shot(p, 'author-submitted');

    // ---- approver approves ----
    await go(B.page, `#/reviews/${reviewId}`);
    await B.page.locator('button[data-action="approve"]').click();
    await reloaded(B.page, () => B.page.locator('dialog button[type="submit"]').click());
    await B.page.locator('.wf-quorum', { hasText: '1 of 2 approvals' }).waitFor();
    await shot(B.page, 'approver-first-approval');
    const B2 = await newUser(env, 'approver2');
    await go(B2.page, `#/reviews/${reviewId}`);
    await B2.page.locator('button[data-action="approve"]').click();
    await reloaded(B2.page, () => B2.page.locator('dialog button[type="submit"]').click());
    await B2.page.locator('.meta .st-approved').waitFor();
    await shot(B2.page, 'approver-approved');

    // ---- auditor opens the report and the audit trail ----
    const C = await newUser(env, 'auditor');
    await go(C.page, `#/reviews/${reviewId}`);
    if (await C.page.locator('button[data-action]').count()) throw new Error('auditor sees workflow buttons');
    const href = await C.page.locator('a.report-link').getAttribute('href');
    const rp = await C.ctx.newPage();
    rp.on('console', (m) => { if (m.type() === 'error') problems.push(`auditor report: ${m.text()}`); });
    const resp = await rp.goto(href);
    if (!resp.ok()) throw new Error(`report answered ${resp.status()}`);
    const txt = await rp.locator('body').innerText();
    if (!/Roll out MFA/.test(txt)) throw new Error('report lacks the action');
    await rp.screenshot({ path: path.join(ART, `${String(++stepNo).padStart(2, '0')}-auditor-report.png`), fullPage: true });
    await go(C.page, '#/audit');
    await C.page.locator('button.verify').click();
    await C.page.locator('p.ok').waitFor();
    await shot(C.page, 'auditor-audit-trail-verified');

    // ---- action owner records progress ----
    const O = await newUser(env, 'owner');
    await go(O.page, '#/actions');
    // without a role the owner sees exactly their own actions, and updates one from the list
    const mineList = O.page.locator('article.item');
    await mineList.first().waitFor();
    if (await mineList.count() !== 1) throw new Error(`owner sees ${await mineList.count()} actions, expected 1`);
    const own = O.page.locator('article.item', { hasText: 'Roll out MFA' });
    await own.getByRole('button', { name: /Record progress of/ }).click();
    const pf = own.locator('form.progress');
    await fill(pf, { status: 'IN_PROGRESS', progress: 40, note: 'MFA enabled for VPN' });
    await pf.locator('button[type="submit"]').click();
    await O.page.locator('#status:not([hidden])').waitFor();
    const msg = await O.page.locator('#status').innerText();
    if (!/40%/.test(msg)) throw new Error(`owner progress not confirmed: ${msg}`);
    await shot(O.page, 'owner-progress-updated');

    // ---- author sees the register, records KPI values, dashboard ----
    await go(p, '#/actions');
    await p.locator('article.item', { hasText: 'Roll out MFA' }).locator('.st-in_progress').waitFor();
    await shot(p, 'author-action-register');
    await go(p, '#/objectives');
    for (const [from, to, v] of [['2026-01-01', '2026-03-31', 70], ['2026-04-01', '2026-06-30', 82], ['2026-07-01', '2026-09-30', 90]]) {
      const mf = p.locator('form[aria-label^="KPI value"]').first();
      await fill(mf, { period_from: from, period_to: to, value: v });
      await reloaded(p, () => mf.locator('button[type="submit"]').click());
    }
    await p.locator('svg.chart polyline').waitFor();
    await shot(p, 'author-objective-kpi-trend');
    await go(p, '#/dashboard');
    await shot(p, 'author-dashboard');
    await go(p, '#/me');
    await shot(p, 'author-me');
    // tablet width and 200% zoom-equivalent: no horizontal overflow of the page
    await p.setViewportSize({ width: 640, height: 900 });
    await go(p, `#/reviews/${reviewId}`);
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 2) problems.push(`page overflows horizontally by ${overflow}px at 640px width`);
    await shot(p, 'author-review-narrow');

    if (problems.length) throw new Error(problems.join('\n'));
    failed = false;
    log('PASS');
  } finally {
    await stop(env, failed);
  }
}

main().catch((e) => { console.error('[ui-test] FAIL:', e.message); process.exitCode = 1; });
