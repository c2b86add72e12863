// smoke.mjs - end-to-end test of kanalvakt in a real Chromium.
//
// Starts its own server on a fresh database (SQLite by default, or the
// PostgreSQL URL in KV_TEST_PG_URL when KV_TEST_DB=pg), loads the demo
// organisation, and walks through what a new user does: log in, look at the
// channel register, register a channel through the form (first wrongly, to
// see the errors, then rightly), find the change in the audit log, log out.
// Every page visited is checked with axe-core for WCAG 2.1 A/AA violations.
// Prints TAP-like lines and closes with "N passed, N failed".
//
// Usage: node smoke.mjs BINARY   (env: KV_TEST_DB, KV_TEST_PG_URL,
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
  const tmp = mkdtempSync(join(tmpdir(), 'kv-browser-'));
  const url = process.env.KV_TEST_DB === 'pg' && process.env.KV_TEST_PG_URL
    ? process.env.KV_TEST_PG_URL : `sqlite:${join(tmp, 'kv.db')}`;
  execFileSync(bin, ['--db', url, 'migrate']);
  const demo = execFileSync(bin, ['--db', url, 'demo']).toString();
  const email = /e-mail:\s+(\S+)/.exec(demo)[1];
  const password = /password:\s+(\S+)/.exec(demo)[1];
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

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
  const consoleErrors = [];
  page.on('console', m => {
    // the 422 of the deliberately wrong form is expected
    if (m.type() === 'error' && !/status of 422/.test(m.text())) consoleErrors.push(m.text());
  });

  async function axe(label) {
    // our CSP forbids inline scripts (and that is checked below), so axe is
    // injected through the DevTools protocol, which CSP does not govern
    if (!(await page.evaluate(() => !!window.axe))) await page.evaluate(axeSource);
    const res = await page.evaluate(async () => {
      const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return r.violations.map(v => `${v.id} (${v.impact}): ${v.nodes.length} node(s): ${v.nodes.slice(0, 3).map(x => x.target.join(' ')).join(', ')}`);
    });
    ok(res.length === 0, `axe: no WCAG 2.1 A/AA violations on ${label}`, res.join('\n'));
  }
  async function shot(name) {
    if (!shots) return;
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  }

  try {
    await page.goto(`${base}/login`);
    ok(await page.getAttribute('html', 'lang') === 'nb', 'a browser asking for Norwegian gets the login page in bokmål');
    await axe('/login');
    await shot('login');
    await page.fill('#f-email', email);
    await page.fill('#f-password', password);
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click('button[type=submit]')]);
    ok(page.url().endsWith('/dashboard'), 'logging in lands on the dashboard');
    await axe('/dashboard');
    await shot('dashboard');

    await page.goto(`${base}/channels`);
    const table = await page.textContent('table');
    ok(table.includes('Jobb i Meldal') && table.includes('Ungdomsleder i Meldal') && table.includes('Bibliotekbloggen'),
      'the channel register shows Meldal\'s channels');
    await axe('/channels');
    await shot('channels');

    await page.click('a[href="/channels/new"]');
    await page.waitForURL(/\/channels\/new$/);
    await axe('/channels/new');
    // first wrongly: no name
    await page.selectOption('#f-platform', 'mastodon');
    await page.fill('#f-name', '');
    await page.fill('#f-address', '@meldal@mastodon.example');
    await page.click('button[type=submit]:has-text("Lagre"), button[type=submit]:has-text("Save")');
    await page.waitForLoadState();
    ok(await page.isVisible('.error-summary'), 'a wrong form shows an error summary');
    ok(await page.getAttribute('#f-name', 'aria-invalid') === 'true', 'the wrong field is marked aria-invalid');
    ok(await page.inputValue('#f-address') === '@meldal@mastodon.example', 'the form keeps what was typed');
    await axe('channel form with errors');
    // then rightly
    await page.fill('#f-name', 'Meldal på Mastodon');
    const unitValue = await page.$eval('#f-unit_id', s => [...s.options].find(o => o.textContent.includes('Stab og service')).value);
    await page.selectOption('#f-unit_id', unitValue);
    await Promise.all([page.waitForURL(/\/channels\/\d+\?saved=1$/),
      page.click('button[type=submit]:has-text("Lagre"), button[type=submit]:has-text("Save")')]);
    ok((await page.textContent('h1')).includes('Meldal på Mastodon'), 'the new channel has its own page');
    ok(await page.isVisible('.flash'), 'saving says so');
    await axe('/channels/ID');
    await shot('channel');

    await page.goto(`${base}/audit`);
    ok((await page.textContent('table')).includes('Meldal på Mastodon'), 'the audit log shows the new channel');
    await axe('/audit');

    for (const p of ['/units', '/people', '/account', '/register', '/notifications', '/notifications/outbox']) {
      await page.goto(`${base}${p}`);
      await axe(p);
    }
    await page.goto(`${base}/units`);
    await shot('units');

    // issue 3: requests, action plans and training
    await page.goto(`${base}/plans`);
    const plansTable = await page.textContent('main');
    ok(plansTable.includes('Ungdom i Meldal') && plansTable.includes('Jobb i Meldal'), 'the plans list shows the demo\'s plans');
    await axe('/plans');
    await shot('plans');
    const draft = await page.$eval('a[href^="/plans/"]:has-text("Ungdom i Meldal")', a => a.getAttribute('href'));
    for (const p of ['/plans/new', '/training', draft, `${draft}/edit`, `${draft}/print`]) {
      await page.goto(`${base}${p}`);
      await axe(p.replace(/\d+/, 'ID'));
    }
    await page.goto(`${base}${draft}/edit`);
    await page.fill('#f-goals-1-text', 'Ungdom lager egne bilder');
    await Promise.all([page.waitForURL(/\/plans\/\d+\?done=saved$/),
      page.click('button[type=submit]:has-text("Lagre planen"), button[type=submit]:has-text("Save the plan")')]);
    ok((await page.textContent('main')).includes('Ungdom lager egne bilder'), 'a goal added in the plan editor shows on the plan');
    await axe('a saved plan');
    await shot('plan');

    await page.goto(`${base}/channels?lang=sv`);
    ok(await page.getAttribute('html', 'lang') === 'sv', '?lang=sv switches the page to Swedish');
    await page.goto(`${base}/dashboard`);
    ok(await page.getAttribute('html', 'lang') === 'sv', 'the language choice is remembered');
    for (const l of ['en', 'nn', 'nb']) {
      await page.goto(`${base}/channels?lang=${l}`);
      await axe(`/channels in ${l}`);
    }

    // gov-rota: the rota, coverage, absences, upkeep, review and closing pages
    await page.goto(`${base}/rota?lang=nb`);
    await axe('/rota');
    const rotaHref = await page.$eval('a[href$="/rota"]:has-text("Ungdomsleder i Meldal")', a => a.getAttribute('href'));
    const cid = rotaHref.split('/')[2];
    const absHref = await page.$eval('a[href$="/absences"]', a => a.getAttribute('href'));
    await page.goto(`${base}/channels/${cid}/coverage?from=2027-05-11&to=2027-05-18`);
    const cov = await page.textContent('main');
    ok(cov.includes('2. pinsedag') && cov.includes('Siri Bakken'),
      'the coverage view names the holidays of May 2027 and who is absent');
    await axe('/channels/ID/coverage');
    await shot('coverage');
    for (const p of [`/channels/${cid}/rota`, absHref, '/upkeep', `/channels/${cid}/updates`, '/reviews',
      `/channels/${cid}/review`, `/channels/${cid}/close`]) {
      await page.goto(`${base}${p}`);
      await axe(p.replace(/\d+/g, 'ID'));
    }
    await page.click('button[type=submit]:has-text("Close the channel"), button[type=submit]:has-text("Legg ned")');
    await page.waitForLoadState();
    ok(await page.isVisible('.error-summary'), 'closing without an analysis shows an error summary');
    await axe('close form with errors');

    await page.click('form[action="/logout"] button');
    await page.waitForURL(/\/login$/);
    await page.goto(`${base}/dashboard`);
    ok(page.url().includes('/login'), 'after logging out the dashboard asks for a login');
    ok(consoleErrors.length === 0, 'no console errors (CSP violations included)', consoleErrors.join('\n'));
  } catch (e) {
    ok(false, 'the walk-through ran to the end', e.stack);
  } finally {
    await browser.close();
    srv.kill('SIGTERM');
    await new Promise(r => srv.on('exit', r));
    ok(!/AddressSanitizer|runtime error:/.test(log), 'the server log has no sanitizer reports', log.slice(-2000));
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch(e => { console.log(`not ok - ${e.stack}`); console.log(`${passed} passed, ${failed + 1} failed`); process.exit(1); });
