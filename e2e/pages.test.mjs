// Plenary's pages in a real browser (Debian's chromium, driven by playwright-core):
// the public and secretariat flows, a keyboard-only pass, axe-core with the WCAG 2.1 A and
// AA rules on every page kind (wide and phone width), and a screenshot of each page kind
// under target/screenshots/.
//
// Run by .ci/run after the Rust tests: `npm ci && npm test` in e2e/. The plenary
// binary is target/release/plenary or target/debug/plenary (or $PLENARY_BIN).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const shots = join(root, 'target', 'screenshots');
const USERNAME = 'sec.browser';
const PASSWORD = 'a long browser-test passphrase';
const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
// Accounts the secretariat creates through the API for the negotiation flows.
const DELEGATE = { username: 'delegate.bra', password: 'a long delegate passphrase', roles: [{ role: 'delegate', member: 'bra' }] };
const CHAIR = { username: 'chair.ah-int', password: 'a long chair passphrase', roles: [{ role: 'chair', group: 'pp-14.adhoc-internet' }] };

let server;
let dataDir;
let browser;
let base;

function binary() {
  const candidates = [
    process.env.PLENARY_BIN,
    join(root, 'target', 'release', 'plenary'),
    join(root, 'target', 'debug', 'plenary'),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no plenary binary among ${candidates.join(', ')}: build it first`);
  return found;
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function waitReady(url, ms = 30000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`plenary did not become ready at ${url}`);
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  const bin = binary();
  dataDir = mkdtempSync(join(tmpdir(), 'plenary-browser-'));
  const made = spawnSync(
    bin,
    ['admin', '--data-dir', dataDir, 'create-secretariat', '--username', USERNAME,
      '--display-name', 'Browser test secretariat'],
    { input: `${PASSWORD}\n`, encoding: 'utf8' },
  );
  assert.equal(made.status, 0, `create-secretariat failed: ${made.stderr}`);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ['demo', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, '--log', 'warn'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitReady(base);
  await createAccounts([DELEGATE, CHAIR]);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function fresh(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  return { context, page };
}

/** The secretariat signs in through the API and creates accounts with the given roles. */
async function createAccounts(accounts) {
  const signedIn = await fetch(`${base}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USERNAME, password: PASSWORD }),
  });
  const body = await signedIn.text();
  assert.equal(signedIn.status, 201, `the secretariat signs in: ${body}`);
  const cookie = signedIn.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = JSON.parse(body);
  for (const a of accounts) {
    const made = await fetch(`${base}/api/v1/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf },
      body: JSON.stringify({ username: a.username, display_name: a.username, password: a.password, roles: a.roles }),
    });
    assert.equal(made.status, 201, `account ${a.username}: ${await made.text()}`);
  }
}

async function signIn(page, username = USERNAME, password = PASSWORD) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  await assertVisible(page.getByText(`Signed in as`), 'the signed-in state');
}

async function assertVisible(locator, what) {
  assert.ok(await locator.first().isVisible(), `${what} should be visible`);
}

/** Checks a page against axe-core's WCAG 2.1 A and AA rules and that it names its language. */
async function accessible(page, kind) {
  const lang = await page.evaluate(() => document.documentElement.lang);
  assert.equal(lang, 'en', `${kind}: <html lang> must be set`);
  const result = await new AxeBuilder({ page }).withTags(WCAG).analyze();
  const found = result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  assert.deepEqual(found, [], `${kind}: axe found WCAG 2.1 A/AA violations:\n${found.join('\n')}`);
}

async function shoot(page, kind) {
  await page.screenshot({ path: join(shots, `${kind}.png`), fullPage: true });
}

test('a public reader finds Resolution 102 and compares two revisions', async () => {
  const { context, page } = await fresh();
  await page.goto(base);
  await page.getByRole('link', { name: 'Plenipotentiary Conference 2014' }).click();
  await page.getByRole('link', { name: 'Resolution 102' }).click();
  await assertVisible(page.getByRole('heading', { level: 1, name: /ITU's role with regard to international public policy issues pertaining to the Internet/ }), 'the title of Resolution 102');
  // Every provision has an anchor to cite.
  const anchor = page.locator('#p-resolves\\.1 a.label');
  assert.equal(await anchor.getAttribute('href'), '#p-resolves.1');
  // Compare the two revisions (the form proposes the previous one against this one).
  await page.getByLabel('From', { exact: true }).selectOption({ label: 'Resolution 102 (Rev. Guadalajara, 2010)' });
  await page.getByLabel('To', { exact: true }).selectOption({ label: 'Resolution 102 (Rev. Busan, 2014)' });
  await page.getByRole('button', { name: 'Compare' }).click();
  await assertVisible(
    page.getByRole('heading', { level: 1, name: 'What changed from Resolution 102 (Rev. Guadalajara, 2010) to Resolution 102 (Rev. Busan, 2014)' }),
    'the comparison heading',
  );
  const inserted = await page.locator('.redline ins').count();
  const deleted = await page.locator('.redline del').count();
  assert.ok(inserted > 0 && deleted > 0, `the redline shows insertions (${inserted}) and deletions (${deleted})`);
  assert.match(await page.locator('.summary-line').innerText(), /modified/);
  await context.close();
});

test('the public sees a restricted document\'s reason but not its content', async () => {
  const { context, page } = await fresh();
  await page.goto(`${base}/conferences/pp-14/restrictions`);
  await assertVisible(page.getByRole('cell', { name: /Names identifiable participants together with their health needs/ }), 'the justification in the register');
  await page.getByRole('link', { name: 'ADM/2' }).click();
  await assertVisible(page.getByRole('heading', { name: 'Restricted document' }), 'the restriction notice');
  await assertVisible(page.getByText(/personal data of identifiable individuals/), 'the reason');
  await assertVisible(page.getByText(/2\d\d\d-\d\d-\d\d: the document becomes public then/), 'the review date');
  const html = await page.content();
  assert.ok(!html.includes('Requests for medical assistance'), 'the withheld title must not be on the page');
  assert.ok(!html.includes('Illustrative restricted content'), 'the content must not be on the page');
  await page.goto(`${base}/documents/pp-14.adm-1`);
  assert.ok((await page.content()).includes('Security arrangements at the conference venue'), 'a title that is not withheld shows');
  assert.ok(!(await page.content()).includes('Illustrative restricted content'), 'the content of ADM/1 must not show');
  await context.close();
});

test('the secretariat signs in and restricts a document, with errors next to the field', async () => {
  const { context, page } = await fresh();
  await signIn(page);
  await page.goto(`${base}/documents/pp-14.dt-1`);
  await page.getByLabel(/commercial confidentiality/).check();
  await page.getByLabel(/Justification/).fill('Too short.');
  await page.getByLabel(/Decided by/).fill('Secretary-General');
  const review = new Date(Date.now() + 90 * 86400000).toISOString().slice(0, 10);
  await page.getByLabel(/Review date/).fill(review);
  await page.getByRole('button', { name: 'Restrict the document' }).click();
  const error = page.locator('#e-justification');
  await assertVisible(error, 'the error next to the justification');
  assert.match(await error.innerText(), /at least 30 characters/);
  assert.equal(await page.getByLabel(/Justification/).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel(/Decided by/).inputValue(), 'Secretary-General', 'the form keeps what was typed');
  await accessible(page, 'document-restrict-error');
  await shoot(page, 'document-restrict-error');
  await page.getByLabel(/Justification/).fill('Gives the negotiating positions that a vendor shared in confidence with the secretariat.');
  await page.getByRole('button', { name: 'Restrict the document' }).click();
  await page.waitForURL(`${base}/documents/pp-14.dt-1`);
  await assertVisible(page.getByRole('heading', { name: 'Restricted document' }), 'the restriction notice');
  await assertVisible(page.getByText(/You see its content because you work for the secretariat/), 'the secretariat note');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(`${base}/documents/pp-14.dt-1`);
  assert.ok(!(await page.content()).includes('the meetings of the committees week by week'), 'signed out, the content is withheld');
  await page.goto(`${base}/conferences/pp-14/restrictions`);
  await assertVisible(page.getByRole('cell', { name: /negotiating positions that a vendor shared in confidence/ }), 'the new register entry');
  await context.close();
});

test('a form posted from elsewhere (no CSRF token) changes nothing', async () => {
  const { context, page } = await fresh();
  await signIn(page);
  const res = await page.request.post(`${base}/documents/pp-14.main-2/restrict`, {
    form: { reason: 'personal_data', justification: 'x'.repeat(40), decided_by: 'Someone', review_on: '2099-01-01' },
  });
  assert.equal(res.status(), 403);
  await page.goto(`${base}/documents/pp-14.main-2`);
  assert.equal(await page.getByRole('heading', { name: 'Restricted document' }).count(), 0);
  await context.close();
});

test('a delegate signs in and submits a proposal, with errors next to the field', async () => {
  const { context, page } = await fresh();
  await signIn(page, DELEGATE.username, DELEGATE.password);
  await page.goto(`${base}/conferences/pp-14`);
  await page.getByRole('link', { name: 'Proposals', exact: true }).click();
  await page.getByRole('link', { name: 'Submit a proposal' }).click();
  // Start from the latest text of Resolution 133.
  await page.getByLabel('Start from the latest text of').selectOption('itu.res-133');
  await page.getByRole('button', { name: 'Load its text' }).click();
  const text = await page.getByLabel(/^Text/).inputValue();
  assert.match(text, /internationalized \(multilingual\) domain names/, 'the form holds the latest text');
  assert.equal(await page.getByLabel(/^Sponsors/).inputValue(), 'BRA', 'the delegate\'s own member sponsors');
  // Without a group, the refusal is next to the group field and nothing else is lost.
  await page.getByLabel(/^Title/).fill('Brazil: universal acceptance in Resolution 133');
  const amended = text.replace('so that the views of all regions are heard;', 'so that the views of all regions, and of all language communities, are heard;');
  assert.notEqual(amended, text, 'the paragraph to amend is in the text');
  await page.getByLabel(/^Text/).fill(amended);
  await page.getByLabel(/^Reasons/).fill('invites-member-states.1: to include language communities');
  await page.getByRole('button', { name: 'Submit the proposal' }).click();
  const error = page.locator('#e-group');
  await assertVisible(error, 'the error next to the group');
  assert.equal(await page.getByLabel(/^Group to consider it/).getAttribute('aria-invalid'), 'true');
  assert.equal(await page.getByLabel(/^Title/).inputValue(), 'Brazil: universal acceptance in Resolution 133', 'the form keeps what was typed');
  await accessible(page, 'proposal-form-error');
  await shoot(page, 'proposal-form-error');
  await page.getByLabel(/^Group to consider it/).selectOption('pp-14.com5');
  await page.getByRole('button', { name: 'Submit the proposal' }).click();
  await page.waitForURL(/\/proposals\/pp-14\.main-\d+$/);
  await assertVisible(page.getByRole('heading', { level: 1, name: 'Brazil: universal acceptance in Resolution 133' }), 'the proposal\'s title');
  const row = page.locator('table.amendments tbody tr');
  assert.equal(await row.count(), 1, 'one amendment');
  assert.match(await row.first().innerText(), /MOD\s+invites-member-states\.1\s+to include language communities/);
  assert.ok(await page.locator('.redline ins').count() > 0, 'the redline shows the inserted words');
  await accessible(page, 'proposal');
  await shoot(page, 'proposal');
  const symbol = (await page.locator('.citation').first().innerText()).replace('Proposal ', '');
  await page.goto(`${base}/conferences/pp-14/proposals`);
  await assertVisible(page.getByRole('link', { name: symbol }), 'the new proposal in the list');
  await context.close();
});

test('a chair resolves a bracket and the draft page shows it', async () => {
  const { context, page } = await fresh();
  // Signed out, the draft shows its bracket with sponsors but no forms.
  await page.goto(`${base}/conferences/pp-14/drafts`);
  await page.getByRole('link', { name: /^Resolution 133/ }).click();
  await page.waitForURL(`${base}/drafts/pp-14.dt-res-133`);
  await assertVisible(page.locator('.bracket .sponsors', { hasText: 'APT' }), 'the sponsors of an alternative');
  assert.equal(await page.getByRole('heading', { name: "Chair's work" }).count(), 0, 'no forms for the public');
  await signIn(page, CHAIR.username, CHAIR.password);
  await page.goto(`${base}/drafts/pp-14.dt-res-133`);
  const brackets = Number((await page.locator('.counts strong').innerText()).match(/^(\d+) bracket/)[1]);
  assert.ok(brackets >= 1, `the draft has an open bracket (${brackets})`);
  const form = page.locator('form.resolve').first();
  const legend = await form.locator('legend').innerText();
  const id = legend.match(/bracket (b\d+)/)[1];
  // Nothing chosen: the refusal shows above the forms and the bracket stays.
  await form.getByRole('button', { name: `Resolve bracket ${id}` }).click();
  await assertVisible(page.locator('#e-resolve'), 'the error above the forms');
  assert.match(await page.locator('#e-resolve').innerText(), /choose the alternative/);
  await accessible(page, 'draft-chair-error');
  const chosen = (await form.locator('label').first().innerText()).replace(/^[A-Z, ]+: /, '');
  await page.locator('form.resolve').first().locator('input[type=radio]').first().check();
  await page.locator('form.resolve').first().getByRole('button', { name: `Resolve bracket ${id}` }).click();
  await page.waitForURL(`${base}/drafts/pp-14.dt-res-133`);
  assert.equal(await page.locator(`#b-${id}`).count(), 0, 'the bracket is gone from the text');
  assert.match(await page.locator('.counts strong').innerText(), new RegExp(`^${brackets - 1} bracket`));
  assert.ok((await page.locator('.text').innerText()).includes(chosen.trim()), `the chosen words are in the text: ${chosen}`);
  assert.match(await page.locator('ol.versions li').first().innerText(), /revised, by chair\.ah-int in pp-14\.adhoc-internet/);
  // The recorded-vote form, opened.
  await page.locator('details.vote summary').click();
  await accessible(page, 'draft-chair');
  await shoot(page, 'draft-chair');
  // The earlier version is still there, bracket and all.
  await page.locator('ol.versions li').nth(1).getByRole('link', { name: /^Event / }).click();
  await assertVisible(page.locator(`#b-${id}`), 'the bracket in the earlier version');
  await context.close();
});

test('the record of Resolution 102 tells the truth: Brazil\'s withdrawal names only its words, each bracket has its history, and no page shows notation', async () => {
  const { context, page } = await fresh();
  await page.goto(`${base}/drafts/pp-14.dt-res-102`);
  const withdrawn = page.locator('ul.withdrawals').first();
  const said = await withdrawn.innerText();
  assert.match(said, /PP14\/3/);
  assert.match(said, /right to privacy/, 'Brazil\'s privacy paragraph left the text');
  assert.match(said, /protection of privacy and personal data/, 'Brazil\'s wording of instructs 3 left the text');
  assert.doesNotMatch(said, /affordable/, 'CITEL\'s paragraph on affordable connectivity is not Brazil\'s');
  assert.equal(await withdrawn.locator('li li').count(), 2, `only Brazil's two wordings: ${said}`);
  // CITEL's paragraph stays in the text, under its own label and name.
  const recognizingC = page.locator('#p-recognizing\\.c\\:citel');
  assert.match(await recognizingC.innerText(), /^c\)\s+proposed by CITEL: the need for affordable/);
  // Each bracket's own history, step by step.
  const history = page.locator('section.bracket-history');
  assert.equal(await history.count(), 4, 'four brackets, each with its history');
  const steps = await history.allInnerTexts();
  assert.match(steps[0], /Opened by the compilation of PP14\/1 \(RCC\), PP14\/2 \(CITEL\), PP14\/3 \(BRA\)/);
  assert.match(steps[0], /Resolved: the group chose the wording of CITEL/);
  assert.match(steps[2], /Closed when PP14\/3 \(BRA\) was withdrawn: the wording of CITEL stands/);
  assert.match(steps[3], /Opened on agreed text for USA, who object/);
  assert.match(steps[3], /at meeting pp-14\.adhoc-internet\.3/);
  await accessible(page, 'draft-record');
  await shoot(page, 'draft-record');
  await context.close();
  // No page reachable from the home page shows notation or footnote markup.
  const seen = new Set();
  const queue = ['/'];
  const found = [];
  while (queue.length > 0 && seen.size < 500) {
    const path = queue.shift();
    if (seen.has(path)) continue;
    seen.add(path);
    const res = await fetch(`${base}${path}`);
    if (!(res.headers.get('content-type') || '').includes('text/html')) continue;
    const html = await res.text();
    for (const mark of ['{#', '[^', '[{']) {
      const at = html.indexOf(mark);
      if (at >= 0) found.push(`${path}: ${mark} in …${html.slice(Math.max(0, at - 60), at + 60)}…`);
    }
    for (const [, href] of html.matchAll(/href="(\/[^"#?]*(?:\?[^"#]*)?)/g)) {
      const link = href.replaceAll('&amp;', '&');
      if (!link.startsWith('/api') && !link.startsWith('/sign') && !seen.has(link)) queue.push(link);
    }
  }
  assert.ok(seen.size > 50, `the crawl reached the site (${seen.size} pages)`);
  assert.deepEqual(found, [], `notation on pages:\n${found.join('\n')}`);
});

/** Presses Tab until the focused element's text matches, then returns it. */
async function tabTo(page, pattern, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return {
        text: el.id && el.tagName === 'INPUT' ? `#${el.id}` : (el.innerText || el.value || el.getAttribute('aria-label') || '').trim(),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
      };
    });
    if (pattern.test(focused.text)) {
      assert.ok(focused.outline, `the focused "${focused.text}" must show a visible focus outline`);
      return;
    }
  }
  throw new Error(`no focusable element matching ${pattern} within ${max} Tab presses`);
}

test('the main flows work with the keyboard alone', async () => {
  const { context, page } = await fresh();
  await page.goto(base);
  // The first Tab reaches the skip link, which moves focus to the content.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
  assert.ok(await page.locator('.skip-link').isVisible(), 'the focused skip link is visible');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  await tabTo(page, /^Plenipotentiary Conference 2014$/);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${base}/conferences/pp-14`);
  await tabTo(page, /^Resolution 102$/, 200);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${base}/instruments/itu.res-102`);
  await tabTo(page, /^Compare$/, 200);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/instruments\/itu\.res-102\/compare\?from=itu\.res-102\.guadalajara-2010&to=itu\.res-102\.busan-2014/);
  // Find a document through the filters.
  await page.goto(`${base}/conferences/pp-14/documents`);
  await tabTo(page, /^Show documents$/);
  await page.focus('#f-kind');
  await page.keyboard.press('ArrowDown');
  await tabTo(page, /^Show documents$/);
  await page.keyboard.press('Enter');
  await page.waitForURL(/kind=contribution/);
  assert.match(await page.locator('.count').innerText(), /^Documents 1 to \d+ of \d+\.$/);
  const kinds = await page.locator('table.doclist tbody td:nth-child(3)').allInnerTexts();
  assert.ok(kinds.length > 0 && kinds.every((k) => k === 'Contribution'), `only contributions: ${kinds}`);
  // Sign in with the keyboard.
  await page.goto(base);
  await tabTo(page, /^Sign in$/);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${base}/sign-in`);
  await tabTo(page, /^#username$/);
  await page.keyboard.type(USERNAME);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${base}/`);
  await assertVisible(page.getByText('Signed in as'), 'the signed-in state');
  await context.close();
});

const PAGE_KINDS = [
  ['home', '/'],
  ['conference', '/conferences/pp-14'],
  ['group', '/groups/pp-14.wg-pl'],
  ['group-closed', '/groups/pp-14.adhoc-internet'],
  ['documents', '/conferences/pp-14/documents'],
  ['documents-filtered', '/conferences/pp-14/documents?kind=contribution&group=pp-14.wg-pl'],
  ['documents-filter-error', '/conferences/pp-14/documents?kind=memo&from=yesterday'],
  ['document', '/documents/pp-14.main-1'],
  ['document-restricted', '/documents/pp-14.adm-2'],
  ['restriction-register', '/conferences/pp-14/restrictions'],
  ['instrument', '/instruments/itu.res-102'],
  ['instrument-earlier-revision', '/instruments/itu.res-102?rev=itu.res-102.guadalajara-2010'],
  ['compare', '/instruments/itu.res-102/compare?from=itu.res-102.guadalajara-2010&to=itu.res-102.busan-2014'],
  ['instrument-provenance', '/instruments/itu.res-102?provenance=1'],
  ['proposals', '/conferences/pp-14/proposals'],
  ['proposal-withdrawn', '/proposals/pp-14.main-3'],
  ['drafts', '/conferences/pp-14/drafts'],
  ['draft', '/drafts/pp-14.dt-res-130'],
  ['draft-open-only', '/drafts/pp-14.dt-res-130?open=1'],
  ['draft-adopted', '/drafts/pp-14.dt-res-102'],
  ['report', '/reports/pp-14.main-4'],
  ['follow-ups', '/conferences/pp-14/follow-ups'],
  ['sign-in', '/sign-in'],
  ['not-found', '/documents/pp-14.main-999'],
];

test('every page kind passes axe-core (WCAG 2.1 A and AA), wide and at phone width', async () => {
  for (const viewport of [{ width: 1280, height: 900 }, { width: 375, height: 740 }]) {
    const { context, page } = await fresh(viewport);
    const suffix = viewport.width < 600 ? '-phone' : '';
    for (const [kind, path] of PAGE_KINDS) {
      await page.goto(`${base}${path}`);
      await accessible(page, `${kind}${suffix}`);
      await shoot(page, `${kind}${suffix}`);
      // Nothing is wider than the screen at phone width (the page does not scroll sideways).
      if (suffix) {
        const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
        assert.ok(!wide, `${kind}: the page scrolls sideways at phone width`);
      }
    }
    await context.close();
  }
  // Pages of a signed-in secretariat: the restrict form.
  const { context, page } = await fresh();
  await signIn(page);
  await page.goto(`${base}/documents/pp-14.main-2`);
  await accessible(page, 'document-secretariat');
  await shoot(page, 'document-secretariat');
  await page.goto(`${base}/documents/pp-14.adm-2`);
  await accessible(page, 'document-secretariat-lift');
  await shoot(page, 'document-secretariat-lift');
  await page.goto(`${base}/conferences/pp-14/documents/new`);
  await accessible(page, 'publish-form');
  await shoot(page, 'publish-form');
  await context.close();
  // A delegate's proposal form.
  const delegate = await fresh();
  await signIn(delegate.page, DELEGATE.username, DELEGATE.password);
  await delegate.page.goto(`${base}/conferences/pp-14/proposals/new?instrument=itu.res-102`);
  await accessible(delegate.page, 'proposal-form');
  await shoot(delegate.page, 'proposal-form');
  await delegate.context.close();
});

test('pages answer 304 to a client that has them', async () => {
  const first = await fetch(`${base}/instruments/itu.res-102`);
  const etag = first.headers.get('etag');
  assert.ok(etag, 'the page has an ETag');
  const again = await fetch(`${base}/instruments/itu.res-102`, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
});

test('the feeds parse as Atom and the calendars as iCalendar (feedparser, icalendar)', () => {
  const paths = [
    '/conferences/pp-14/feed.atom',
    '/conferences/pp-14/kinds/contribution/feed.atom',
    '/conferences/pp-14/kinds/information/feed.atom',
    '/groups/pp-14.wg-pl/feed.atom',
    '/groups/pp-14.adhoc-internet/feed.atom',
    '/conferences/pp-14/meetings.ics',
    '/groups/pp-14.wg-pl/meetings.ics',
  ];
  const run = spawnSync(process.env.PYTHON || 'python3', [join(here, 'check_feeds.py'), base, ...paths], { encoding: 'utf8' });
  assert.equal(run.status, 0, `feed checks failed:\n${run.stdout}${run.stderr}`);
  assert.equal(run.stdout.trim().split('\n').filter((l) => l.startsWith('ok')).length, paths.length, run.stdout);
});
