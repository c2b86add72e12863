// governance.mjs - end-to-end test of a channel's governance in a real
// Chromium: the way of a channel from an employee's wish to an active
// channel and on to its closing (docs/GOVERNANCE.md, GOVERNANCE-ROTA.md).
//
// Starts its own server on a fresh database (SQLite by default, or the
// PostgreSQL URL in KV_TEST_PG_URL when KV_TEST_DB=pg), loads the demo
// organisation (Meldal kommune), and lets each actor act in a browser
// context of their own:
//   1. the youth leader (Siri Bakken, channel editor in Ungdomsarbeid) asks
//      for a Mastodon account for the youth club through the request form;
//   2. the head of culture (Per Arne Hoff, unit manager of Kultur, above
//      Ungdomsarbeid) writes the action plan - every template field and a
//      measurable goal - and submits it;
//   3. the communications officer (Anne Lise Fossum) comments on it: the
//      consultation;
//   4. the head of culture cannot decide it: not as a unit manager (no
//      decision form; the API answers 403), and not once the administrator
//      has made him a decision maker for Kultur either, since he wrote and
//      submitted it (the page says so; the API answers 409 problem+json,
//      field "decision", and nothing changes);
//   5. the rådmann (Kari Rønning, decision maker) approves it in Meldal: the
//      channel is active and the plan shows her signature;
//   6. the head of culture closes the channel: without an analysis the form
//      answers 422 with the error beside the field and nothing changes; with
//      an analysis and what was tried the channel is closed and the register
//      still lists it;
//   7. the auditor (Berit Vold) finds every step in the audit log, filtered
//      by channel and by plan through the log's filter form.
// Every distinct page is checked with axe-core for WCAG 2.1 A/AA violations,
// and no page may log a console error.  Prints TAP-like lines and closes
// with "N passed, N failed".
//
// Usage: node governance.mjs BINARY   (env: KV_TEST_DB, KV_TEST_PG_URL,
//        KV_SCREENSHOTS=DIR to save screenshots of the main pages)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.argv[2] || join(here, '../../build/kanalvakt');
const axeSource = readFileSync(join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
const shots = process.env.KV_SCREENSHOTS || '';
const domain = '@meldal-kommune.example';
let passed = 0, failed = 0, n = 0;

function ok(cond, desc, detail) {
  n++;
  if (cond) { passed++; console.log(`ok ${n} - ${desc}`); }
  else { failed++; console.log(`not ok ${n} - ${desc}`); if (detail) console.log(`  # ${String(detail).split('\n').join('\n  # ')}`); }
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
    s.on('error', rej);
  });
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'kv-browser-gov-'));
  const url = process.env.KV_TEST_DB === 'pg' && process.env.KV_TEST_PG_URL
    ? process.env.KV_TEST_PG_URL : `sqlite:${join(tmp, 'kv.db')}`;
  execFileSync(bin, ['--db', url, 'migrate']);
  const demo = execFileSync(bin, ['--db', url, 'demo']).toString();
  const password = /password:\s+(\S+)/.exec(demo)[1];
  const token = who => execFileSync(bin, ['--db', url, 'token', 'create', `${who}${domain}`,
    '--label', 'governance.mjs']).toString().trim().split(/\s+/).pop();
  const perToken = token('per.arne.hoff');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const srv = spawn(bin, ['--db', url, 'serve', '--listen', `127.0.0.1:${port}`, '--threads', '2'],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  srv.stderr.on('data', d => { log += d; });
  for (let i = 0; i < 100; i++) {
    try { const r = await fetch(`${base}/healthz`); if (r.ok) break; } catch { /* not yet */ }
    await new Promise(r => setTimeout(r, 100));
  }

  async function api(tok, method, path, body) {
    const r = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${tok}`, Accept: 'application/json',
        ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, ctype: r.headers.get('content-type') || '', json, text };
  }

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const consoleErrors = [];
  const checked = new Set();
  const contexts = [];

  // A fresh browser context for one person, logged in through /login.
  async function actor(who) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
    contexts.push(ctx);
    ctx.setDefaultTimeout(10000);
    const page = await ctx.newPage();
    page.on('console', m => {
      // the 422 and 409 of the deliberately refused steps are expected
      if (m.type() === 'error' && !/status of (422|409)/.test(m.text())) consoleErrors.push(`${who}: ${m.text()}`);
    });
    page.on('pageerror', e => consoleErrors.push(`${who}: ${e.message}`));
    await page.goto(`${base}/login`);
    await axe(page, '/login');
    await page.fill('#f-email', `${who}${domain}`);
    await page.fill('#f-password', password);
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click('button[type=submit]')]);
    ok(page.url().endsWith('/dashboard'), `${who} logs in`);
    return page;
  }

  // axe-core once per distinct page (label); injected through the DevTools
  // protocol, which our CSP (no inline scripts) does not govern
  async function axe(page, label) {
    if (checked.has(label)) return;
    checked.add(label);
    if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
    const res = await page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.length} node(s): ${v.nodes.slice(0, 3).map(x => x.target.join(' ')).join(', ')}`);
    });
    ok(res.length === 0, `axe: no WCAG 2.1 A/AA violations on ${label}`, res.join('\n'));
  }
  async function shot(page, name) {
    if (!shots) return;
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `gov-${name}.png`), fullPage: true });
  }
  // the value of the option whose text includes text
  const optionFor = (page, sel, text) =>
    page.$eval(sel, (s, t) => { const o = [...s.options].find(x => x.textContent.includes(t)); return o ? o.value : null; }, text);
  const submitIn = form => `form[action="${form}"] button[type=submit]`;

  const chName = 'Ungdomsklubben på Mastodon';
  const chAddr = '@ungdomsklubben@mastodon.example';
  let planId = 0, chId = 0;
  const planPath = () => `/plans/${planId}`;

  try {
    // --- 1. the employee asks for a channel ---------------------------------
    const siri = await actor('siri.bakken');
    await siri.goto(`${base}/plans`);
    await axe(siri, '/plans');
    await Promise.all([siri.waitForURL(/\/plans\/new$/), siri.click('a[href="/plans/new"]')]);
    await axe(siri, '/plans/new');
    ok(await siri.$eval('#f-unit_id', s => s.options[s.selectedIndex].textContent).then(t => t.includes('Ungdomsarbeid')),
      'the request form proposes the asker\'s own unit');
    await siri.selectOption('#f-platform', 'mastodon');
    await siri.fill('#f-name', chName);
    await siri.fill('#f-address', chAddr);
    await siri.fill('#f-purpose', 'Å nå ungdom som har forlatt de store plattformene, med nyheter fra ungdomsklubben.');
    await siri.fill('#f-target_groups', 'Ungdom 13–19 år i Meldal');
    await siri.fill('#f-note', 'Flere av ungdommene spør etter oss på Mastodon.');
    await Promise.all([siri.waitForURL(/\/plans\/\d+\?done=requested$/), siri.click(submitIn('/plans'))]);
    planId = Number(/\/plans\/(\d+)/.exec(siri.url())[1]);
    ok(await siri.isVisible('.flash'), 'sending the request says so');
    ok(await siri.isVisible('.status-plan-draft'), 'the request starts a draft plan');
    ok((await siri.textContent('main')).includes('Siri Bakken'), 'the plan names the employee as requester');
    chId = Number(await siri.$eval('main a[href^="/channels/"]', a => a.getAttribute('href').split('/')[2]));
    await axe(siri, '/plans/ID (draft)');
    await siri.goto(`${base}/channels/${chId}`);
    ok(await siri.isVisible('h1 .status-requested'), 'the channel is registered as requested');
    await axe(siri, '/channels/ID (requested)');

    // --- 2. the unit manager writes and submits the plan ----------------------
    const per = await actor('per.arne.hoff');
    await per.goto(`${base}/plans`);
    ok(await per.isVisible(`a[href="${planPath()}"]`), 'the request is on the unit manager\'s list');
    await Promise.all([per.waitForURL(new RegExp(`${planPath()}$`)), per.click(`a[href="${planPath()}"]`)]);
    await Promise.all([per.waitForURL(/\/edit$/), per.click(`a[href="${planPath()}/edit"]`)]);
    await axe(per, '/plans/ID/edit');
    ok(await per.inputValue('#f-purpose') !== '', 'the editor starts from the request\'s purpose');
    const kari = await optionFor(per, '#f-deciding_manager_id', 'Kari Rønning');
    const siriId = await optionFor(per, '#f-responsible_id', 'Siri Bakken');
    ok(kari && siriId, 'the editor offers the rådmann and the youth leader');
    await per.selectOption('#f-deciding_manager_id', kari);
    await per.fill('#f-medium', `Mastodon: ${chAddr}`);
    await per.fill('#f-purpose', 'Nå ungdom i Meldal der de er, med nyheter og aktiviteter fra ungdomsklubben, uten reklame.');
    await per.fill('#f-goals-0-text', 'Ungdom følger klubben');
    await per.selectOption('#f-goals-0-metric', 'followers');
    await per.fill('#f-goals-0-target', '150');
    await per.selectOption('#f-goals-0-period', 'year');
    await per.fill('#f-goals-1-text', 'Ungdommene lager innhold selv');
    await per.fill('#f-activities', 'Program for uka hver mandag, bilder fra aktiviteter, svar på spørsmål.');
    await per.selectOption('#f-responsible_id', siriId);
    await per.fill('#f-supervision', 'Ungdomsleder har vakt; i ferier overtar enhetsleder kultur etter vaktlista.');
    await per.fill('#f-update_count', '2');
    await per.selectOption('#f-update_period', 'week');
    await per.fill('#f-work_hours', '3');
    await per.selectOption('#f-work_period', 'week');
    await per.selectOption('#f-snapshot_person_id', siriId);
    await Promise.all([per.waitForURL(/\/plans\/\d+\?done=saved$/), per.click(submitIn(planPath()))]);
    const planText = await per.textContent('main');
    ok(planText.includes('150') && planText.includes('Ungdom følger klubben') && planText.includes('Ungdommene lager innhold selv'),
      'the saved plan shows the measurable and the qualitative goal');
    ok(!planText.includes('(no valid training') && !(await per.isVisible('.warn')),
      'the responsible person holds valid training');
    await axe(per, '/plans/ID (saved)');
    await Promise.all([per.waitForURL(/\?done=submitted$/), per.click(submitIn(`${planPath()}/submit`))]);
    ok(await per.isVisible('h1 .status-plan-submitted'), 'the unit manager submits the plan for decision');
    await shot(per, 'plan-submitted');

    // --- 3. the communications unit is consulted ------------------------------
    const anne = await actor('anne.lise.fossum');
    await anne.goto(`${base}${planPath()}`);
    ok(!(await anne.isVisible(`form[action="${planPath()}/decision"]`)), 'the communications officer gets no decision form');
    await anne.fill('#f-text', 'Fint. Husk å lenke til kommunens personvernerklæring i profilen.');
    await Promise.all([anne.waitForURL(/\?done=commented/), anne.click(submitIn(`${planPath()}/comments`))]);
    const comments = await anne.textContent('#comments + p');
    const list = await anne.textContent('ol.comments');
    ok(list.includes('Anne Lise Fossum') && list.includes('personvernerklæring'), 'the comment is on the plan with its author');
    ok(await anne.$$eval('ol.comments .meta', ms => ms.length) === 1, 'exactly one comment', comments);
    await axe(anne, '/plans/ID (submitted, commented)');

    // --- 4. refusal: the unit manager cannot decide it --------------------------
    await per.goto(`${base}${planPath()}`);
    ok(!(await per.isVisible(`form[action="${planPath()}/decision"]`)), 'the unit manager gets no decision form');
    const notDecider = await per.textContent('section[aria-labelledby="h-decide"]');
    let r = await api(perToken, 'POST', `/api/v1${planPath()}/decision`, { decision: 'approve', place: 'Meldal' });
    ok(r.status === 403 && r.ctype.startsWith('application/problem+json'),
      'the API refuses a unit manager\'s decision with 403 problem+json (he is no decision maker)', `${r.status} ${r.text}`);
    // the administrator makes him a decision maker for Kultur: still no
    const admin = await actor('admin');
    const perId = (await api(perToken, 'GET', '/api/v1/me')).json.person.id;
    await admin.goto(`${base}/people/${perId}`);
    await axe(admin, '/people/ID');
    const grantForm = `/people/${perId}/roles`;
    await admin.selectOption(`form[action="${grantForm}"] select[name=role]`, 'decision_maker');
    await admin.selectOption(`form[action="${grantForm}"] select[name=unit_id]`,
      await optionFor(admin, `form[action="${grantForm}"] select[name=unit_id]`, 'Kultur'));
    await Promise.all([admin.waitForURL(new RegExp(`/people/${perId}`)), admin.click(submitIn(grantForm))]);
    await admin.waitForLoadState();
    r = await api(perToken, 'GET', '/api/v1/me');
    ok(JSON.stringify(r.json).includes('decision_maker'), 'the administrator makes the unit manager a decision maker for Kultur', r.text);
    await per.goto(`${base}${planPath()}`);
    const ownPlan = await per.textContent('section[aria-labelledby="h-decide"]');
    ok(!(await per.isVisible(`form[action="${planPath()}/decision"]`)) && ownPlan !== notDecider,
      'a decision maker who wrote the plan still gets no decision form, but another reason', `${notDecider} / ${ownPlan}`);
    await axe(per, '/plans/ID (own plan, refused)');
    r = await api(perToken, 'POST', `/api/v1${planPath()}/decision`, { decision: 'approve', place: 'Meldal' });
    ok(r.status === 409 && r.ctype.startsWith('application/problem+json') &&
      (r.json?.errors || []).some(e => e.field === 'decision'),
      'deciding one\'s own plan answers 409 problem+json with field "decision"', `${r.status} ${r.text}`);
    r = await api(perToken, 'GET', `/api/v1${planPath()}`);
    ok(r.status === 200 && r.json.status === 'submitted' && !r.json.decision,
      'the refused decision changed nothing', r.text);

    // --- 5. the decision maker approves -----------------------------------------
    const kariP = await actor('kari.ronning');
    await kariP.goto(`${base}/plans`);
    ok(await kariP.isVisible(`a[href="${planPath()}"]`), 'the plan awaits the rådmann');
    await kariP.goto(`${base}${planPath()}`);
    ok(await kariP.isVisible(`form[action="${planPath()}/decision"]`), 'the rådmann gets the decision form');
    await axe(kariP, '/plans/ID (decision form)');
    await kariP.check('#f-decision');
    await kariP.fill('#f-place', 'Meldal');
    await kariP.fill('#f-note', 'Godkjent for ett år; evalueres ved neste gjennomgang.');
    const t0 = Date.now();
    await Promise.all([kariP.waitForURL(/\?done=approved$/), kariP.click(submitIn(`${planPath()}/decision`))]);
    ok(await kariP.isVisible('h1 .status-plan-approved'), 'the plan is approved');
    const dec = await kariP.textContent('section.decision');
    ok(dec.includes('Kari Rønning') && dec.includes('Meldal'), 'the plan shows the signer and the place', dec);
    const now = new Date(t0);
    const hhmm = new Intl.DateTimeFormat('nb-NO', { timeZone: 'Europe/Oslo', hour: '2-digit', minute: '2-digit' });
    const times = [hhmm.format(now), hhmm.format(new Date(t0 + 60000))].map(s => s.replace('.', ':'));
    ok(times.some(t => dec.includes(t) || dec.includes(t.replace(':', '.'))), 'the plan shows the time of signing', `${times} in ${dec}`);
    ok(/[0-9a-f]{64}/.test(await kariP.textContent('section.decision code.sig')), 'the plan shows the signature');
    await axe(kariP, '/plans/ID (approved)');
    await shot(kariP, 'plan-approved');
    await kariP.goto(`${base}${planPath()}/print`);
    const sheet = await kariP.textContent('section.signature');
    ok(sheet.includes('Kari Rønning') && sheet.includes('Meldal'), 'the printable plan carries the signature', sheet);
    await axe(kariP, '/plans/ID/print (signed)');
    await kariP.goto(`${base}/channels/${chId}`);
    ok(await kariP.isVisible('h1 .status-active'), 'the channel page shows the channel active');
    ok((await kariP.textContent('dl.props')).includes('Siri Bakken'), 'the channel has the plan\'s responsible person');
    await axe(kariP, '/channels/ID (active)');

    // --- 6. closing ---------------------------------------------------------------
    await per.goto(`${base}/channels/${chId}`);
    await Promise.all([per.waitForURL(/\/close$/), per.click(`a[href="/channels/${chId}/close"]`)]);
    await axe(per, '/channels/ID/close');
    const closeForm = `/channels/${chId}/close`;
    let [resp] = await Promise.all([
      per.waitForResponse(x => x.url().endsWith(closeForm) && x.request().method() === 'POST'),
      per.click(submitIn(closeForm))]);
    await per.waitForLoadState();
    ok(resp.status() === 422, 'closing without an analysis answers 422', resp.status());
    ok(await per.getAttribute('#f-analysis', 'aria-invalid') === 'true' && await per.isVisible('#e-analysis'),
      'the error stands next to the analysis field');
    await axe(per, 'close form with errors');
    r = await api(perToken, 'GET', `/api/v1/channels/${chId}`);
    ok(r.json?.status === 'active' && !r.json?.closed_on, 'the refused closing changed nothing', r.text);
    await per.fill('#f-analysis', 'Kontoen fikk 12 følgere på et halvt år; ungdommene er på andre plattformer, og innleggene nådde nesten ingen.');
    await per.fill('#f-tried', 'Plakater på klubben, lenke fra kommunens nettside, ukentlige innlegg laget av ungdommene selv.');
    [resp] = await Promise.all([
      per.waitForResponse(x => x.url().endsWith(closeForm) && x.request().method() === 'POST'),
      per.click(submitIn(closeForm))]);
    await per.waitForURL(/\/close\?saved=1$/);
    ok(resp.status() === 303 || resp.status() === 302, 'closing with an analysis is accepted', resp.status());
    ok((await per.textContent('main')).includes('Kontoen fikk 12 følgere'), 'the closure shows the analysis');
    await axe(per, '/channels/ID/close (closed)');
    await per.goto(`${base}/channels/${chId}`);
    ok(await per.isVisible('h1 .status-closed'), 'the channel is closed');
    await per.goto(`${base}/channels?status=closed`);
    ok(await per.isVisible(`main a[href="/channels/${chId}"]`), 'the register still lists the closed channel');
    await axe(per, '/channels?status=closed');
    await shot(per, 'channels-closed');

    // --- 7. the audit log ---------------------------------------------------------
    const berit = await actor('berit.vold');
    const rows = [];
    // the filter form of the log, for the channel and then for the plan
    for (const [type, id] of [['channel', chId], ['plan', planId]]) {
      await berit.goto(`${base}/audit?lang=en`);
      await axe(berit, '/audit');
      await berit.selectOption('#f-object_type', type);
      await berit.fill('#f-object_id', String(id));
      await Promise.all([berit.waitForURL(/\/audit\?/), berit.click('form[action="/audit"] button[type=submit]')]);
      ok(await berit.inputValue('#f-object_type') === type && await berit.inputValue('#f-object_id') === String(id),
        `the audit log's filter form shows the ${type} filter in force`);
      await axe(berit, `/audit?object_type=${type}&object_id=ID`);
      rows.push(...await berit.$$eval('table tbody tr', trs => trs.map(tr =>
        [...tr.children].slice(2, 5).map(td => td.textContent.trim()))));
    }
    ok(await berit.isVisible(`table a[href="/plans/${planId}"]`), 'the audit log links to the plan');
    const has = (who, action, obj) => rows.some(([w, a, o]) => w.includes(who) && a === action && o === obj);
    ok(has('Siri Bakken', 'requested', `channel ${chId}`) && has('Siri Bakken', 'requested', `plan ${planId}`),
      'the audit log shows the request (channel and plan)', JSON.stringify(rows));
    ok(has('Per Arne Hoff', 'changed', `plan ${planId}`), 'the audit log shows the plan written');
    ok(has('Per Arne Hoff', 'submitted for decision', `plan ${planId}`), 'the audit log shows the submission');
    ok(has('Anne Lise Fossum', 'commented', `plan ${planId}`), 'the audit log shows the comment');
    ok(has('Kari Rønning', 'approved', `plan ${planId}`) && has('Kari Rønning', 'activated', `channel ${chId}`),
      'the audit log shows the approval and the activation');
    ok(has('Per Arne Hoff', 'closed', `channel ${chId}`), 'the audit log shows the closing');
    ok(!rows.some(([w, a]) => w.includes('Per Arne Hoff') && (a === 'approved' || a === 'rejected')),
      'the audit log has no decision by the unit manager');
    r = await api(perToken, 'GET', '/api/v1/me');
    ok(r.status === 200, 'the API still answers');
    ok(consoleErrors.length === 0, 'no console errors (CSP violations included)', consoleErrors.join('\n'));
  } catch (e) {
    ok(false, 'the walk-through ran to the end', e.stack);
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
    await browser.close();
    srv.kill('SIGTERM');
    await new Promise(r => srv.on('exit', r));
    ok(!/AddressSanitizer|runtime error:/.test(log), 'the server log has no sanitizer reports', log.slice(-2000));
    if (url.startsWith('sqlite:')) {
      try {
        execFileSync(bin, ['--db', url, 'audit', 'verify']);
        ok(true, 'the audit chain verifies');
      } catch (e) { ok(false, 'the audit chain verifies', String(e.stdout || e)); }
    }
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch(e => { console.log(`not ok - ${e.stack}`); console.log(`${passed} passed, ${failed + 1} failed`); process.exit(1); });
