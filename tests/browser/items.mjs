// items.mjs - the pages of issue 4 in a real Chromium: captured items and
// a channel's connection to its platform.
//
// Starts its own server on a fresh database (SQLite by default, or the
// PostgreSQL URL in KV_TEST_PG_URL when KV_TEST_DB=pg) with its own key
// file (KV_KEY_FILE), loads the demo organisation, and captures the items
// of the library's blog (a feed) from a recorded RSS file served on
// loopback (../shared/fixtures/feeds) with `channel connect` + `sync`.
// Then the administrator, in the browser:
//   1. opens the items list, an item and the connection page in all four
//      languages — axe-core finds no WCAG 2.1 A/AA violation on any;
//   2. walks with the keyboard only: Tab to the search box, types a word
//      and submits with Enter, Tabs to the first item's link and opens it
//      with Enter;
//   3. connects the Facebook page through the connection form (the token
//      in a password field, an expiry three days ahead): the page never
//      shows the token back; once the token's expiry is known (set in the
//      database, as the connector's first poll would), the banner in the
//      page chrome names the channel, also checked with axe.
// Prints TAP-like lines and closes with "N passed, N failed".
//
// Usage: node items.mjs BINARY   (env: KV_TEST_DB, KV_TEST_PG_URL,
//        KV_FIXTURES, KV_SCREENSHOTS=DIR)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.argv[2] || join(here, '../../build/kanalvakt');
const axeSource = readFileSync(join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
const shots = process.env.KV_SCREENSHOTS || '';
const fixtures = process.env.KV_FIXTURES || join(here, '../../../shared/fixtures');
const feedDir = join(fixtures, 'feeds/feed-rs/rss2');
const feedFile = 'rss_2.0_example_1.xml';
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

async function waitFor(u) {
  for (let i = 0; i < 100; i++) {
    try { const r = await fetch(u); if (r.ok) return true; } catch { /* not yet */ }
    await new Promise(r => setTimeout(r, 100));
  }
  return false;
}

async function main() {
  if (!existsSync(join(feedDir, feedFile))) {
    ok(false, `the feed fixture ${feedFile} exists`, `not found under ${feedDir} (set KV_FIXTURES)`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(1);
  }
  const tmp = mkdtempSync(join(tmpdir(), 'kv-browser-items-'));
  const url = process.env.KV_TEST_DB === 'pg' && process.env.KV_TEST_PG_URL
    ? process.env.KV_TEST_PG_URL : `sqlite:${join(tmp, 'kv.db')}`;
  const env = { ...process.env, KV_KEY_FILE: join(tmp, 'secret.key') };
  const cli = args => execFileSync(bin, ['--db', url, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  cli(['migrate']);
  const demo = cli(['demo']);
  const email = /e-mail:\s+(\S+)/.exec(demo)[1];
  const password = /password:\s+(\S+)/.exec(demo)[1];

  // the blog's feed, served as recorded
  const feedPort = await freePort();
  const feedSrv = spawn('python3', ['-m', 'http.server', String(feedPort), '--bind', '127.0.0.1'],
    { cwd: feedDir, stdio: 'ignore' });
  await waitFor(`http://127.0.0.1:${feedPort}/${feedFile}`);
  const blog = 'https://meldalbibliotek.blogspot.com/';
  writeFileSync(join(tmp, 'cred.json'), '{}');
  cli(['channel', 'connect', blog, '--config',
    JSON.stringify({ kind: 'feed', feed_url: `http://127.0.0.1:${feedPort}/${feedFile}` }),
    '--cred-file', join(tmp, 'cred.json')]);
  let synced = '';
  try { synced = cli(['sync', blog, '--no-metrics']); } catch (e) { synced = String(e.stderr || e); }
  ok(/"platform":"blog"/.test(synced), 'the blog\'s feed is captured', synced);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const srv = spawn(bin, ['--db', url, 'serve', '--listen', `127.0.0.1:${port}`, '--threads', '2'],
    { stdio: ['ignore', 'ignore', 'pipe'], env });
  let log = '';
  srv.stderr.on('data', d => { log += d; });
  await waitFor(`${base}/healthz`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const consoleErrors = [];
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO' });
  ctx.setDefaultTimeout(10000);
  const page = await ctx.newPage();
  page.on('console', m => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', e => consoleErrors.push(e.message));

  async function axe(label) {
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
    await page.screenshot({ path: join(shots, `items-${name}.png`), fullPage: true });
  }
  // presses Tab until the focused element matches sel (at most max times)
  async function tabTo(sel, max = 80) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(s => document.activeElement && document.activeElement.matches(s), sel)) return true;
    }
    return false;
  }

  try {
    await page.goto(`${base}/login`);
    await page.fill('#f-email', email);
    await page.fill('#f-password', password);
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click('button[type=submit]')]);
    ok(page.url().endsWith('/dashboard'), 'the administrator logs in');

    // --- 1. the pages in every language -----------------------------------
    await page.goto(`${base}/items?lang=en`);
    const itemHref = await page.$eval('main table a[href^="/items/"]', a => a.getAttribute('href')).catch(() => null);
    ok(itemHref !== null, 'the items list links the captured item');
    const blogId = await page.$eval(`#f-channel`, (s, name) => {
      const o = [...s.options].find(x => x.textContent.startsWith(name)); return o ? o.value : null;
    }, 'Bibliotekbloggen');
    const fbId = await page.$eval(`#f-channel`, (s, name) => {
      const o = [...s.options].find(x => x.textContent.startsWith(name)); return o ? o.value : null;
    }, 'Meldal kommune (');
    ok(blogId && fbId, 'the channel filter offers the channels');
    for (const lang of ['nb', 'nn', 'sv', 'en']) {
      await page.goto(`${base}/items?lang=${lang}`);
      ok(await page.getAttribute('html', 'lang') === lang, `/items is in ${lang}`);
      await axe(`/items (${lang})`);
      await page.goto(`${base}${itemHref}?lang=${lang}`);
      await axe(`/items/ID (${lang})`);
      await page.goto(`${base}/channels/${blogId}/connection?lang=${lang}`);
      await axe(`/channels/ID/connection (${lang})`);
    }
    await shot('connection');
    await page.goto(`${base}/items?q=nothing-matches-this&lang=en`);
    await axe('/items with no hits');

    // --- 2. keyboard only: filter, then open an item ------------------------
    await page.goto(`${base}/items?lang=en`);
    ok(await tabTo('#f-q'), 'Tab reaches the search box');
    await page.keyboard.type('descriptions');
    await Promise.all([page.waitForURL(/\/items\?q=descriptions/), page.keyboard.press('Enter')]);
    ok(await page.isVisible('main table'), 'Enter in the search box filters the items (a stemmed word finds it)');
    await axe('/items?q= (search hits)');
    ok(await tabTo('main table a[href^="/items/"]'), 'Tab reaches the first item\'s link');
    await Promise.all([page.waitForURL(/\/items\/\d+$/), page.keyboard.press('Enter')]);
    ok(/\/items\/\d+$/.test(page.url()), 'Enter opens the item');
    ok((await page.textContent('main')).includes('interesting description'), 'the item page shows the text');
    await shot('item');

    // --- 3. connect through the form; the banner -----------------------------
    await page.goto(`${base}/channels/${fbId}/connection?lang=en`);
    ok(await page.getAttribute('#f-page_token', 'type') === 'password', 'the token field is a password field');
    await page.fill('#f-account', '123456789');
    await page.fill('#f-page_token', 'EAAB-BROWSER-SECRET-4242');
    const soon = new Date(Date.now() + 3 * 86400 * 1000).toISOString().slice(0, 10);
    await page.fill('#f-expires_at', soon);
    await Promise.all([page.waitForURL(/connection\?saved=1$/),
      page.click(`form[action="/channels/${fbId}/connection"] button[type=submit]`)]);
    ok(await page.isVisible('.flash'), 'the connection is saved and says so');
    ok(!(await page.content()).includes('EAAB-BROWSER-SECRET-4242'), 'the page does not show the token');
    // the connector copies expires_at to token_expires_at at its first
    // poll (check_auth); no Graph API here, so the test sets it itself
    const soonT = Math.floor(Date.now() / 1000) + 3 * 86400;
    const sql = `UPDATE channel_connections SET token_expires_at = ${soonT} WHERE channel_id = ${Number(fbId)}`;
    if (url.startsWith('sqlite:')) execFileSync('sqlite3', ['-cmd', '.timeout 10000', url.slice(7), sql]);
    else execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url, '-c', sql]);
    await page.reload();
    ok(await page.isVisible(`.notice a[href="/channels/${fbId}/connection"]`), 'the banner names the channel with an expiring token');
    await axe('/channels/ID/connection with the banner');
    await page.goto(`${base}/dashboard?lang=nb`);
    ok(await page.isVisible('.notice'), 'the banner is on every page');
    await axe('/dashboard with the banner (nb)');
    await shot('banner');
    ok(consoleErrors.length === 0, 'no console errors (CSP violations included)', consoleErrors.join('\n'));
  } catch (e) {
    ok(false, 'the walk-through ran to the end', e.stack);
  } finally {
    await ctx.close().catch(() => {});
    await browser.close();
    srv.kill('SIGTERM');
    feedSrv.kill('SIGTERM');
    await new Promise(r => srv.on('exit', r));
    ok(!/AddressSanitizer|runtime error:/.test(log), 'the server log has no sanitizer reports', log.slice(-2000));
    ok(!log.includes('EAAB-BROWSER-SECRET-4242'), 'the token is not in the server log');
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch(e => { console.log(`not ok - ${e.stack}`); console.log(`${passed} passed, ${failed + 1} failed`); process.exit(1); });
