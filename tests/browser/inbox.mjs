// inbox.mjs - the inbox of issue 5 in a real Chromium: a moderator works
// the demo's day (`kanalvakt demo` loads Meldal kommune with a realistic
// day's comments, triaged into the inbox).
//
// Starts its own server on a fresh database (SQLite by default, or the
// PostgreSQL URL in KV_TEST_PG_URL when KV_TEST_DB=pg) with its own key
// file.  Then:
//   1. /inbox, an item and /admin/triage in all four languages: axe-core
//      finds no WCAG 2.1 A/AA violation on any;
//   2. the communications adviser (Anne Lise Fossum), keyboard only: j/k
//      move the focus between the rows, Enter opens an item, "Assign to
//      me", correct its classes, write a note; mark another one "no
//      answer needed" with a reason; remove an abusive comment with a
//      ground (by hand: the demo channels have no connection) through the
//      confirmation step — the evidence hash appears and the police pack
//      downloads as a zip; reply on a channel without a connection shows
//      the platform's failure as a message, the text kept;
//   3. the administrator sets the registry mailbox; the adviser sends a
//      case request to the registry (the reply box gets the message to
//      the sender) and records the journal reference;
//   4. the queue: x selects rows and the bulk form assigns them; "a"
//      assigns the focused row; "?" opens the help dialog;
//   5. live: a note added through the API in the administrator's session
//      makes the adviser's open queue say "1 new or changed item";
//   6. the administrator adds a keyword rule and the try-out shows it fire;
//   7. the inbox's settings: /admin/inbox in all four languages with axe;
//      the administrator adds a saved reply in nynorsk by keyboard, and the
//      adviser picks it in the reply box of a nynorsk item by keyboard; a
//      channel editor gets the page without forms; the channel page's
//      signature rule and its example line.
// Prints TAP-like lines and closes with "N passed, N failed".
//
// Usage: node inbox.mjs BINARY   (env: KV_TEST_DB, KV_TEST_PG_URL,
//        KV_SCREENSHOTS=DIR)
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

async function waitFor(u) {
  for (let i = 0; i < 100; i++) {
    try { const r = await fetch(u); if (r.ok) return true; } catch { /* not yet */ }
    await new Promise(r => setTimeout(r, 100));
  }
  return false;
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'kv-browser-inbox-'));
  const url = process.env.KV_TEST_DB === 'pg' && process.env.KV_TEST_PG_URL
    ? process.env.KV_TEST_PG_URL : `sqlite:${join(tmp, 'kv.db')}`;
  const env = { ...process.env, KV_KEY_FILE: join(tmp, 'secret.key') };
  const cli = args => execFileSync(bin, ['--db', url, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
  cli(['migrate']);
  const demo = cli(['demo']);
  const admin = /e-mail:\s+(\S+)/.exec(demo)[1];
  const password = /password:\s+(\S+)/.exec(demo)[1];
  const adviser = admin.replace(/^[^@]+/, 'anne.lise.fossum');

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const srv = spawn(bin, ['--db', url, 'serve', '--listen', `127.0.0.1:${port}`, '--threads', '4'],
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
  async function session(email) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'nb-NO', acceptDownloads: true });
    ctx.setDefaultTimeout(15000);
    const page = await ctx.newPage();
    // the 502 of the refused reply is expected; any other error is not
    page.on('console', m => { if (m.type() === 'error' && !/status of 502/.test(m.text())) consoleErrors.push(`${email}: ${m.text()}`); });
    page.on('pageerror', e => consoleErrors.push(`${email}: ${e.message}`));
    await page.goto(`${base}/login`);
    await page.fill('#f-email', email);
    await page.fill('#f-password', password);
    await Promise.all([page.waitForURL(/\/dashboard$/), page.click('main button[type=submit]')]);
    return { ctx, page };
  }
  let page;
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
    await page.screenshot({ path: join(shots, `inbox-${name}.png`), fullPage: true });
  }
  async function tabTo(sel, max = 150) {
    for (let i = 0; i < max; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(s => document.activeElement && document.activeElement.matches(s), sel)) return true;
    }
    return false;
  }
  // the id of the first item in the queue matching a search
  async function find(q) {
    await page.goto(`${base}/inbox?view=all&q=${encodeURIComponent(q)}&lang=en`);
    return page.$eval('main tbody tr', tr => tr.getAttribute('data-id')).catch(() => null);
  }
  const focusedIs = sel => page.evaluate(s => document.activeElement && document.activeElement.matches(s), sel);

  let A, M;
  try {
    A = await session(admin);
    M = await session(adviser);
    page = M.page;
    ok(true, 'the administrator and the communications adviser log in');

    // --- 1. every page in every language ------------------------------------
    await page.goto(`${base}/inbox?lang=en`);
    const rows = await page.$$eval('main tbody tr', trs => trs.map(t => t.getAttribute('data-id')));
    ok(rows.length >= 15, `the demo day's inbox has items (${rows.length})`);
    ok(await page.isVisible('nav[aria-label="Main menu"] a[href="/inbox"][aria-current="page"]'), 'the main menu has Inbox');
    const threatId = await find('idioten');
    const caseId = await find('fritak');
    const praiseId = await find('Kjempeflott');
    ok(threatId && caseId && praiseId, 'search finds the threat, the case request and the praise');
    for (const lang of ['nb', 'nn', 'sv', 'en']) {
      await page.goto(`${base}/inbox?lang=${lang}`);
      ok(await page.getAttribute('html', 'lang') === lang, `/inbox is in ${lang}`);
      await axe(`/inbox (${lang})`);
      await page.goto(`${base}/inbox/${caseId}?lang=${lang}`);
      await axe(`/inbox/ID (${lang})`);
      await page.goto(`${base}/admin/triage?lang=${lang}`);
      await axe(`/admin/triage (${lang})`);
    }
    await page.goto(`${base}/inbox/${caseId}?lang=en`);
    ok(await page.isVisible('blockquote mark'), 'personal data is marked in the text');
    ok((await page.textContent('blockquote mark .visually-hidden')).includes('personal data'), '…with its kind for screen readers');
    ok(await page.isVisible('ul.explain li'), 'the triage explanation is listed');
    await page.goto(`${base}/inbox?view=overdue&lang=en`);
    await axe('/inbox?view=overdue');

    // --- 2. keyboard only ----------------------------------------------------
    await page.goto(`${base}/inbox?lang=en`);
    await page.keyboard.press('j');
    ok(await focusedIs('tbody tr:nth-child(1) a.open') && await page.isVisible('tbody tr.current'),
      'j puts a visible focus on the first row');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    ok(await focusedIs('tbody tr:nth-child(2) a.open'), 'j j k moves to the second row');
    const second = await page.$eval('tbody tr:nth-child(2)', t => t.getAttribute('data-id'));
    await shot('queue');
    await Promise.all([page.waitForURL(/\/inbox\/\d+/), page.keyboard.press('Enter')]);
    ok(page.url().includes(`/inbox/${second}`), 'Enter opens the focused item');
    const itemUrl = `${base}/inbox/${second}?lang=en`;
    await page.goto(itemUrl);
    ok(await tabTo('button[name="me"]'), 'Tab reaches "Assign to me"');
    await Promise.all([page.waitForURL(/done=assigned/), page.keyboard.press('Enter')]);
    ok((await page.textContent('dl.props')).includes('Anne Lise Fossum'), 'the item is assigned to me');
    await axe('/inbox/ID after a change (flash)');
    const wasComplaint = await page.isChecked('#f-cl-classes-complaint');
    ok(await tabTo('#f-cl-classes-complaint'), 'Tab reaches the complaint class');
    await page.keyboard.press('Space');
    ok(await tabTo('form[action$="/classes"] button[type=submit]'), 'Tab reaches "Save the classes"');
    await Promise.all([page.waitForURL(/done=classes/), page.keyboard.press('Enter')]);
    ok(await page.isChecked('#f-cl-classes-complaint') === !wasComplaint, 'the corrected class is saved');
    ok(await tabTo('#f-nt-text'), 'Tab reaches the note box');
    await page.keyboard.type('Sjekket med biblioteket: åpner 3. mars kl. 10 <b>ikke</b> fet');
    ok(await tabTo('form[action$="/notes"] button[type=submit]'), 'Tab reaches "Add the note"');
    await Promise.all([page.waitForURL(/done=note/), page.keyboard.press('Enter')]);
    ok((await page.textContent('#h-notes ~ ol, section[aria-labelledby="h-notes"]')).includes('<b>ikke</b> fet'),
      'the note is shown, as text');

    // "no answer needed" with a reason, on the praise
    await page.goto(`${base}/inbox/${praiseId}?lang=en`);
    ok(await tabTo('#f-mk-reason'), 'Tab reaches the reason');
    await page.keyboard.type('Ros, takket for med et like');
    ok(await tabTo('form[action$="/mark"] button[type=submit]'), 'Tab reaches Save');
    await Promise.all([page.waitForURL(/done=marked/), page.keyboard.press('Enter')]);
    ok((await page.textContent('dl.props')).includes('Ros, takket for med et like'), 'the item is closed with the reason');
    ok(await page.isVisible('dl.props .inbox-no_answer'), '…and says "No answer needed"');

    // a reply on a channel without a connection: the platform's words
    await page.goto(`${base}/inbox/${caseId}?lang=en`);
    ok(await tabTo('#f-rp-text'), 'Tab reaches the reply box');
    await page.keyboard.type('Hei! Send søknaden til postmottak@meldal.kommune.no.');
    ok(await tabTo('form[action$="/reply"] button[type=submit]'), 'Tab reaches "Send the reply"');
    const [replyResp] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    ok(replyResp.status() === 502 && await page.isVisible('.error-summary[role=alert]'),
      'a platform failure is shown as a message (502)', `status ${replyResp.status()}`);
    ok((await page.inputValue('#f-rp-text')).includes('postmottak@meldal'), '…and the reply text is kept');
    await axe('/inbox/ID with a platform failure');

    // remove the threat by hand, through the confirmation
    await page.goto(`${base}/inbox/${threatId}?lang=en`);
    ok(await page.$eval('#f-rm-ground', s => s.value) === 'threat', 'the ground comes from triage (threat)');
    ok(await tabTo('input[name="action"]:checked'), 'Tab reaches how to remove it');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    ok(await page.isChecked('#f-rm-action-manual'), 'arrows choose "by hand"');
    ok(await tabTo('#f-rm-note'), 'Tab reaches the note');
    await page.keyboard.type('Trussel mot ansatt, tatt skjermbilde');
    ok(await tabTo('form[action$="/remove"] button[type=submit]'), 'Tab reaches "Remove…"');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    ok(await page.isVisible('#confirm-remove'), 'a confirmation step comes first');
    await axe('the removal confirmation');
    ok(await tabTo('#confirm-remove'), 'Tab reaches "Yes, remove it"');
    await Promise.all([page.waitForURL(/done=removed/), page.keyboard.press('Enter')]);
    const hash = (await page.textContent('code.evidence').catch(() => '')).trim();
    ok(/^[0-9a-f]{64}$/.test(hash), 'the evidence SHA-256 is shown', hash);
    ok(await page.isVisible('.notice blockquote'), 'the message to the sender is drafted');
    ok(await page.isVisible('.inbox-removed'), 'the item is removed');
    await axe('/inbox/ID after the removal');
    await shot('removed');
    const evHref = await page.getAttribute('a[href*="/evidence"]', 'href');
    const ev = await page.request.get(`${base}${evHref}`);
    const zip = await ev.body();
    ok(ev.status() === 200 && zip[0] === 0x50 && zip[1] === 0x4b, 'the police evidence pack downloads as a zip');

    // --- 3. the registry -----------------------------------------------------
    page = A.page;
    await page.goto(`${base}/admin/triage?lang=en`);
    await page.fill('#f-rg-mailbox', 'postmottak@meldal-kommune.example');
    await Promise.all([page.waitForURL(/done=registry/), page.click('form[action="/admin/triage/registry"] button')]);
    ok(await page.inputValue('#f-rg-mailbox') === 'postmottak@meldal-kommune.example', 'the administrator sets the registry mailbox');
    page = M.page;
    await page.goto(`${base}/inbox/${caseId}?lang=en`);
    ok((await page.textContent('section[aria-labelledby="h-registry"]')).includes('postmottak@meldal-kommune.example'),
      'the item page names the registry mailbox');
    ok(await tabTo('#f-rg-note'), 'Tab reaches the note to the registry');
    await page.keyboard.type('Søknad om fritak fra renovasjonsgebyr');
    ok(await tabTo('form[action$="/registry"] button[type=submit]'), 'Tab reaches "Send to the registry"');
    await Promise.all([page.waitForURL(/done=registry/), page.keyboard.press('Enter')]);
    ok(await page.isVisible('.inbox-registry'), 'the item is sent to the registry');
    const suggested = await page.inputValue('#f-rp-text').catch(() => '');
    ok(/journalføre|referanse/.test(suggested), 'the reply box has the message to the sender (bokmål)', suggested);
    ok(await tabTo('#f-jr-journal_ref'), 'Tab reaches the journal reference');
    await page.keyboard.type('2026/01234-1');
    await Promise.all([page.waitForURL(/done=journal/), page.keyboard.press('Enter')]);
    ok((await page.textContent('dl.props')).includes('2026/01234-1'), 'the journal reference is shown');
    await axe('/inbox/ID after the registry');

    // --- 4. the queue: bulk, "a", help ----------------------------------------
    await page.goto(`${base}/inbox?lang=en`);
    const total = await page.$$eval('main tbody tr', t => t.length);
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    ok(await page.$$eval('tbody input[name=ids]:checked', c => c.length) === 2, 'x selects two rows');
    await Promise.all([page.waitForURL(/done=2/), page.click('button[value="assign_me"]')]);
    ok((await page.textContent('.flash')).includes('2 items were changed'), 'the bulk form assigns both to me');
    await page.goto(`${base}/inbox?view=mine&lang=en`);
    const mine = await page.$$eval('main tbody tr', t => t.length);
    ok(mine >= 2, `"Mine" lists them (${mine})`);
    await page.goto(`${base}/inbox?lang=en`);
    const unassigned = await page.$$eval('main tbody tr', trs => trs.findIndex(t => t.querySelector('td:nth-child(7)').textContent.trim() === '–'));
    for (let i = 0; i <= unassigned; i++) await page.keyboard.press('j');
    const aId = await page.$eval('tbody tr.current', t => t.getAttribute('data-id'));
    await Promise.all([page.waitForNavigation(), page.keyboard.press('a')]);
    ok(page.url().includes('/inbox') && (await page.textContent(`tr[data-id="${aId}"] td:nth-child(7)`)).includes('Anne Lise'),
      '"a" assigns the focused row to me and comes back');
    ok(total > 0, 'the queue had rows');
    await page.keyboard.press('?');
    ok(await page.isVisible('#keys-help[open]'), '? opens the help dialog');
    await axe('/inbox with the help dialog');
    await shot('help');
    await page.keyboard.press('Escape');
    ok(!(await page.isVisible('#keys-help[open]')), 'Escape closes it');
    ok(await focusedIs('#keys-open'), '…and the focus returns to its button');

    // --- 5. live: a change in another session ---------------------------------
    await page.goto(`${base}/inbox?lang=en`);
    await page.waitForTimeout(500);
    const csrf = await A.page.$eval('input[name="_csrf"]', i => i.value);
    const target = await page.$eval('main tbody tr:last-child', t => t.getAttribute('data-id'));
    const api = await A.page.request.post(`${base}/api/v1/inbox/${target}/notes`, {
      headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' },
      data: { text: 'Notat fra en annen økt' },
    });
    ok(api.status() === 201, 'a note is added through the API in another session', `status ${api.status()}`);
    const before = await page.$$eval('main tbody tr', t => t.map(x => x.getAttribute('data-id')).join());
    await page.waitForSelector('#inbox-live a', { timeout: 12000 }).catch(() => null);
    ok((await page.textContent('#inbox-live')).includes('1 new or changed item'), 'the live notice says 1 new or changed item');
    ok(await page.getAttribute('#inbox-live', 'aria-live') === 'polite', '…in a polite live region');
    ok(before === await page.$$eval('main tbody tr', t => t.map(x => x.getAttribute('data-id')).join()),
      'the table is not reordered');
    await axe('/inbox with the live notice');

    // --- 6. rules and the try-out -------------------------------------------
    page = A.page;
    await page.goto(`${base}/admin/triage?lang=en`);
    await page.selectOption('#f-ru-class', 'complaint');
    await page.selectOption('#f-ru-lang', 'nb');
    await page.fill('#f-ru-pattern', 'postkasse|brøytekant');
    await page.fill('#f-ru-weight', '1');
    await page.fill('#f-ru-note', 'Brøyting som ødelegger postkasser');
    await Promise.all([page.waitForURL(/done=rule/), page.click('form[action="/admin/triage/rules"] button')]);
    ok(await page.isVisible('tr[id^="rule-"] code'), 'the administrator adds a keyword rule');
    await page.fill('#f-tr-text', 'Brøytebilen tok med seg postkassen min igjen!!');
    await page.selectOption('#f-tr-lang', 'nb');
    await Promise.all([page.waitForNavigation(), page.click('form[action^="/admin/triage/try"] button')]);
    const result = await page.textContent('section.tryout').catch(() => '');
    ok(result.includes('Complaint') && result.includes('Our rule') && result.includes('postkasse'),
      'the try-out shows the rule fire', result.slice(0, 600));
    await axe('/admin/triage with a try-out');
    await shot('triage');

    // --- 7. the inbox's settings ---------------------------------------------
    for (const lang of ['nb', 'nn', 'sv', 'en']) {
      await page.goto(`${base}/admin/inbox?lang=${lang}`);
      ok(await page.getAttribute('html', 'lang') === lang, `/admin/inbox is in ${lang}`);
      await axe(`/admin/inbox (${lang})`);
    }
    ok(await page.isVisible('main a[href="/admin/triage"]'), 'it links the triage rules');
    await page.goto(`${base}/admin/triage?lang=en`);
    ok(await page.isVisible('main a[href="/admin/inbox"]'), '…and they link it back');
    await page.goto(`${base}/admin/inbox?lang=en`);
    ok((await page.textContent('#h-policy ~ form, section[aria-labelledby="h-policy"]')).includes('Same day: due at the close of business hours'),
      'the answer times are explained in words');
    await page.goto(`${base}/admin/inbox?lang=en`);
    await page.focus('#f-sr-lang');
    await page.keyboard.press('ArrowDown');
    ok(await page.$eval('#f-sr-lang', s => s.value) === 'nn', 'the keyboard chooses nynorsk for a new saved reply');
    await page.keyboard.press('Tab');
    ok(await focusedIs('#f-sr-title'), 'Tab reaches the title');
    await page.keyboard.type('Vegen til Vollan');
    await page.keyboard.press('Tab');
    ok(await focusedIs('#f-sr-body'), '…then the text');
    await page.keyboard.type('Hei! Brøytebilen kjem til Vollan før kl. 12 i dag. Takk for at du sa frå!');
    ok(await tabTo('form[action="/admin/inbox/replies"] button[type=submit]'), 'Tab reaches "Add the reply"');
    await Promise.all([page.waitForURL(/done=reply/), page.keyboard.press('Enter')]);
    ok((await page.textContent('section[aria-labelledby="h-replies"] table')).includes('Vegen til Vollan'),
      'the administrator adds a saved reply in nynorsk');
    ok(await page.getAttribute('tr[id^="reply-"]:has-text("Vegen til Vollan") td[lang]', 'lang') === 'nn',
      '…its text is marked as nynorsk');
    await axe('/admin/inbox after adding a saved reply');
    await shot('settings');
    // the adviser picks it in the reply box of a nynorsk item, by keyboard
    page = M.page;
    const nnId = await find('Vollan');
    await page.goto(`${base}/inbox/${nnId}?lang=en`);
    ok(await tabTo('#f-saved'), 'Tab reaches the saved replies of the nynorsk item');
    const offered = await page.$$eval('#f-saved option', os => os.map(o => o.textContent));
    ok(offered.includes('Vegen til Vollan') && !offered.includes('Thanks for the tip'),
      'the nynorsk reply is offered, no English one', offered.join(' | '));
    await page.keyboard.type('Vegen til');
    ok(await page.$eval('#f-saved', s => s.selectedOptions[0].textContent) === 'Vegen til Vollan', 'typing picks it');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    ok((await page.inputValue('#f-rp-text')).includes('Brøytebilen kjem til Vollan'), '"Insert the saved reply" puts it in the reply box');
    ok(await focusedIs('#f-rp-text'), '…and moves the focus there');
    // a read-only view for someone who may not change the settings
    const S = await session(admin.replace(/^[^@]+/, 'siri.bakken'));
    page = S.page;
    await page.goto(`${base}/admin/inbox?lang=en`);
    ok(await page.$$eval('main form[action^="/admin/inbox"]', f => f.length) === 0, 'a channel editor sees the settings without forms');
    await axe('/admin/inbox read only');
    await S.ctx.close();
    // the channel's signature rule
    page = A.page;
    await page.goto(`${base}/channels?lang=en`);
    const xHref = await page.getAttribute('main a:text-is("@meldalkommune")', 'href');
    await page.goto(`${base}${xHref}?lang=en`);
    ok((await page.textContent('q.sig')).includes('Stab og service'), 'the channel page shows the example signature (its unit)');
    await page.selectOption('#f-sg-signature', 'first_name_role');
    await Promise.all([page.waitForURL(/signature=1/), page.click('form[action$="/reply-rule"] button')]);
    ok((await page.textContent('q.sig')).includes('Demo, systemansvarlig'), '…and after a change, the administrator\'s own line');
    await axe('a channel page with the signature rule');
    ok(consoleErrors.length === 0, 'no console errors (CSP violations included)', consoleErrors.join('\n'));
  } catch (e) {
    ok(false, 'the walk-through ran to the end', e.stack);
  } finally {
    if (A) await A.ctx.close().catch(() => {});
    if (M) await M.ctx.close().catch(() => {});
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
