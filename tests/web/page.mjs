// SPDX-License-Identifier: Apache-2.0
// certreport tests: certreport serve's page (GET /) driven in Debian's headless chromium with
// puppeteer-core. One run: open the page, check its headers, walk it with the keyboard, enter
// the token, upload a submission (and an audit log), see the diagnostics, the scorecard and the
// previews, flip one answer and see the tier change, reset, download the PDF into --out.
// Prints one line per check ("ok   ..." / "FAIL ..."), then "N passed, M failed"; exits 1 on a
// failure. Every wait is bounded (puppeteer's timeouts, counted polls); none is a timing check.
//
// usage: node page.mjs --url URL --token TOKEN --submission FILE [--audit FILE] [--lang L]
//          --flip CODE=ANSWER --before TIER --after TIER --out DIR [--screenshot FILE]
import fs from 'node:fs';
import path from 'node:path';
import puppeteer from 'puppeteer-core';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['url', 'token', 'submission', 'flip', 'before', 'after', 'out'])
  if (!args[k]) {
    console.error('page.mjs: --' + k + ' is needed');
    process.exit(2);
  }
const lang = args.lang || 'en';
const [flipCode, flipAnswer] = args.flip.split('=');
const WAIT = { timeout: 60000 }; // a hang guard, not a limit anything is measured against

let passed = 0;
let failed = 0;
function check(name, ok, why) {
  if (ok) {
    passed++;
    console.log('ok   ' + lang + ': ' + name);
  } else {
    failed++;
    console.log('FAIL ' + lang + ': ' + name + (why !== undefined ? ' (' + why + ')' : ''));
  }
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--window-size=1200,1600'],
  headless: true,
  defaultViewport: { width: 1200, height: 1600 },
});
try {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));

  // ---- the page and its headers ----
  const resp = await page.goto(args.url + '/', { waitUntil: 'load' });
  const h = resp.headers();
  check('GET / is 200 text/html', resp.status() === 200 && /^text\/html/.test(h['content-type']), resp.status());
  check('a strict Content-Security-Policy', /default-src 'none'/.test(h['content-security-policy'] || '') &&
    /script-src 'self'/.test(h['content-security-policy']) && !/unsafe/.test(h['content-security-policy']));
  check('cache headers: ETag and no-cache', !!h.etag && h['cache-control'] === 'no-cache');
  await page.waitForSelector('body[data-ready="true"]', WAIT);
  const i18n = await page.evaluate(async () => (await fetch('/i18n.json')).json());
  const T = i18n[lang];

  if (lang !== 'en') {
    await page.select('#lang', lang);
    await page.waitForFunction((l) => document.documentElement.lang === l, WAIT, lang);
  }
  check('html lang is ' + lang, (await page.evaluate(() => document.documentElement.lang)) === lang);
  check('the heading is in ' + lang, (await page.$eval('h1', (e) => e.textContent)) === T.title);
  const catalog = await page.evaluate(async (l) => (await fetch('/v1/catalog?lang=' + l)).json(), lang);
  const tierName = (id) => catalog.tiers.find((x) => x.id === id).name;

  // ---- keyboard: Tab reaches every control of the form, focus is visible ----
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  const reached = [];
  let invisible = [];
  for (let i = 0; i < 14; i++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const e = document.activeElement;
      const s = getComputedStyle(e);
      return { id: e.id, outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 };
    });
    if (f.id) reached.push(f.id);
    if (f.id && !f.outline) invisible.push(f.id);
  }
  const want = ['lang', 'token', 'sub-file', 'sub-text', 'audit-file', 'audit-text', 'report-lang', 'go'];
  check('Tab reaches ' + want.join(', '), want.every((x) => reached.includes(x)), reached.join(' '));
  check('focus is visible on each (outline >= 2 px)', invisible.length === 0, invisible.join(' '));

  // ---- every control has a label ----
  const unlabelled = await page.evaluate(() =>
    Array.from(document.querySelectorAll('input, select, textarea, button'))
      .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label') && !e.textContent.trim())
      .map((e) => e.id || e.tagName));
  check('every control has a label', unlabelled.length === 0, unlabelled.join(' '));

  // ---- token, files, then "check and score" from the keyboard ----
  await page.type('#token', args.token);
  await (await page.$('#sub-file')).uploadFile(path.resolve(args.submission));
  if (args.audit) await (await page.$('#audit-file')).uploadFile(path.resolve(args.audit));
  await page.focus('#go');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#tier[data-tier]', WAIT);
  await page.waitForFunction(() => {
    const imgs = Array.from(document.querySelectorAll('#pages img'));
    return imgs.length > 0 && imgs.every((i) => i.complete);
  }, WAIT);
  const diag = await page.$eval('#diag', (e) => ({ hidden: e.hidden, valid: e.dataset.valid, text: e.textContent }));
  check('diagnostics shown: no errors', !diag.hidden && diag.valid === 'true', diag.text);
  check('diagnostics in ' + lang, diag.text.includes(T.diag_heading));
  const widths = await page.$$eval('#pages img', (l) => l.map((i) => i.naturalWidth));
  check('preview images loaded (naturalWidth > 0)', widths.length >= 1 && widths.every((w) => w > 0), widths.join(','));
  const before = await page.$eval('#tier', (e) => ({ id: e.dataset.tier, text: e.textContent }));
  check('scorecard tier ' + args.before, before.id === args.before && before.text === tierName(args.before),
    before.id + ' ' + before.text);
  const metBefore = Number(await page.$eval('#met', (e) => e.dataset.met));
  const areaRows = await page.$$eval('#areas tr', (l) => l.length);
  check('per-area rows, one per area', areaRows === catalog.areas.length, areaRows);
  const road = await page.$$eval('#roadmap li', (l) => l.map((x) => x.textContent));
  check('the roadmap names ' + tierName(args.after), road.some((x) => x.startsWith(tierName(args.after) + ':')), road.join(' | '));
  check('the live region says the tier', (await page.$eval('#status', (e) => e.getAttribute('aria-live') + ' ' + e.textContent))
    .includes(tierName(args.before)));
  check('no what-if badge yet', await page.$eval('#whatif-badge', (e) => e.hidden));

  // ---- keyboard again: from Download PDF, Tab reaches reset and the what-if's first select ----
  await page.focus('#download');
  const after1 = [];
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press('Tab');
    after1.push(await page.evaluate(() => document.activeElement.id));
  }
  const firstCode = 'wi-' + catalog.areas[0].criteria[0].code;
  check('Tab goes from Download PDF to Reset and ' + firstCode, after1.includes('reset') && after1.includes(firstCode),
    after1.join(' '));

  // ---- contrast of every visible text against its background ----
  const lowContrast = await page.evaluate(() => {
    const rgb = (s) => (s.match(/[\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
      const f = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const bgOf = (e) => {
      for (; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0.5)) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const bad = [];
    for (const e of document.querySelectorAll('body *')) {
      const own = Array.from(e.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
      if (!own || !e.getClientRects().length || getComputedStyle(e).visibility === 'hidden') continue;
      const fg = lum(rgb(getComputedStyle(e).color).slice(0, 3));
      const bg = lum(bgOf(e));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      if (ratio < 4.5) bad.push((e.id || e.tagName) + ' ' + ratio.toFixed(2));
    }
    return bad;
  });
  check('text contrast >= 4.5:1 everywhere', lowContrast.length === 0, lowContrast.slice(0, 8).join(', '));

  // ---- what-if: flip one answer, the tier changes at once ----
  const sel = '#wi-' + flipCode;
  check('the what-if lists the criteria with the city\'s answers', (await page.$$('#whatif-areas select')).length ===
    catalog.areas.reduce((n, a) => n + a.criteria.length, 0));
  check('the what-if is in ' + lang, (await page.$eval(sel, (e) => e.labels[0].textContent)).includes(
    catalog.areas.flatMap((a) => a.criteria).find((c) => c.code === flipCode).name));
  await page.focus(sel);
  await page.select(sel, flipAnswer);
  // bounded wait for the new tier; on a time-out the checks below say what the page shows
  await page.waitForFunction((t) => document.querySelector('#tier').dataset.tier === t, WAIT, args.after)
    .catch(() => {});
  const after = await page.evaluate(() => ({
    text: document.querySelector('#tier').textContent,
    met: Number(document.querySelector('#met').dataset.met),
    badge: !document.querySelector('#whatif-badge').hidden,
    status: document.querySelector('#status').textContent,
  }));
  check('flipping ' + flipCode + ' to ' + flipAnswer + ' gives ' + tierName(args.after), after.text === tierName(args.after), after.text);
  check('one more criterion met', after.met === metBefore + 1, metBefore + ' -> ' + after.met);
  check('marked what-if, not saved', after.badge && after.status.includes(tierName(args.after)), after.status);
  if (args.screenshot) await page.screenshot({ path: args.screenshot, fullPage: true });
  await page.click('#reset');
  await page.waitForFunction((t) => document.querySelector('#tier').dataset.tier === t, WAIT, args.before);
  check('reset: back to ' + args.before + ', no badge', await page.$eval('#whatif-badge', (e) => e.hidden));

  // ---- download the PDF (the files as given, not the what-if) ----
  fs.mkdirSync(args.out, { recursive: true });
  const cdp = await browser.target().createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: path.resolve(args.out) });
  await page.click('#download');
  let pdf = null;
  for (let i = 0; i < 600 && !pdf; i++) {
    // counted polls: the download is written by the browser, not this script
    const f = fs.readdirSync(args.out).find((x) => x.endsWith('.pdf'));
    if (f) pdf = path.join(args.out, f);
    else await new Promise((ok) => setTimeout(ok, 100));
  }
  check('the PDF is downloaded', !!pdf);
  if (pdf) {
    const head = fs.readFileSync(pdf).subarray(0, 5).toString('latin1');
    check('it starts with %PDF-', head === '%PDF-', head);
    console.log('pdf: ' + pdf);
  }
  check('no script errors on the page', errors.length === 0, errors.join(' | '));
} catch (e) {
  check('the run finished', false, String(e && e.stack ? e.stack.split('\n').slice(0, 3).join(' ') : e));
} finally {
  await browser.close();
}
console.log(passed + ' passed, ' + failed + ' failed');
process.exit(failed ? 1 : 0);
