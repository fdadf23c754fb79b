// Drives VS Code (code-server, Debian's chromium, playwright-core) through the attacker's spec
// in a workspace that is not trusted yet, and prints what it saw as ONE JSON object on stdout;
// test_vscode_trust.py makes the assertions. In this order:
//   untrusted: the lens, the Problems panel (no RM023: git did not run), "Check registry"
//              (no question, the check's diagnostics), the credentials the attacker has;
//   trust granted (Manage Workspace Trust -> Trust): the lens again, RM023 (git ran);
//   "Check registry": the question (text, buttons) -> "Check without credentials";
//   "Check registry": the question -> "Send credentials".
// After each step the count of requests with credentials the attacker logged (ATTACKER_LOG,
// one JSON line per request) goes to the result. Progress on stderr; exit 0 when every
// step ran (not a verdict).
//
// Environment: CS_URL, ARTIFACTS, CHROMIUM, ATTACKER_LOG, GIT_LOG (a file the fake git on
// code-server's PATH appends its arguments to), FILE_NAME (cluster.yaml).
import { failure, openPage } from './harness.mjs';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const env = process.env;
const FILE = env.FILE_NAME || 'cluster.yaml';
const ART = env.ARTIFACTS;
mkdirSync(ART, { recursive: true });
const t0 = Date.now();
const log = (...a) => console.error(`[${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);
const result = { steps: {}, screenshots: [] };

const credentialsSent = () => {
  if (!existsSync(env.ATTACKER_LOG)) return { requests: 0, credentials: 0 };
  const lines = readFileSync(env.ATTACKER_LOG, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return { requests: lines.length, credentials: lines.filter((l) => l.credentials).length };
};
const gitRuns = () => (existsSync(env.GIT_LOG) ? readFileSync(env.GIT_LOG, 'utf8').split('\n').filter(Boolean) : []);

async function step(name, fn) {
  try {
    result.steps[name] = { ok: true, ...(await fn()), attacker: credentialsSent(), git: gitRuns() };
  } catch (e) {
    result.steps[name] = { ok: false, error: failure(e) };
    log(`step ${name} FAILED: ${result.steps[name].error}`);
  }
  log(`step ${name} done`);
  return result.steps[name].ok;
}

const { browser, page } = await openPage(env);

async function shot(name) {
  const path = join(ART, name);
  await page.screenshot({ path });
  result.screenshots.push(path);
}

async function waitFor(predicate, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    const value = await predicate();
    if (value) return value;
    await page.waitForTimeout(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

const lenses = () => page.locator('.editor-instance .codelens-decoration a').allInnerTexts();
const checkLens = () => page.locator('.editor-instance .codelens-decoration a', { hasText: 'Check registry' }).first();
const problems = () =>
  page.evaluate(() =>
    [...document.querySelectorAll('.markers-panel .monaco-list-row')].map(
      (r) => `${r.innerText.replace(/\u00a0/g, ' ')} | ${r.getAttribute('aria-label') || ''}`,
    ),
  );
const question = () =>
  page.locator('.notifications-toasts .notification-toast', { hasText: 'send REGISTRY_USERNAME' }).first();

/** Clicks "Check registry" and, when a question comes, reads it and presses `answer`. */
async function checkRegistry(answer) {
  await checkLens().click();
  if (!answer) return {};
  const toast = question();
  await toast.waitFor({ state: 'visible', timeout: 20000 });
  await page.waitForTimeout(300);
  const message = (await toast.locator('.notification-list-item-message').innerText()).replace(/\u00a0/g, ' ');
  const buttons = (await toast.locator('.monaco-button').allInnerTexts()).map((b) => b.trim()).filter(Boolean);
  const before = credentialsSent();
  await shot(`trust-question-${answer.split(' ')[0].toLowerCase()}.png`);
  await toast.locator('.monaco-button', { hasText: answer }).first().click();
  await toast.waitFor({ state: 'hidden', timeout: 10000 });
  return { message, buttons, attacker_while_asking: before };
}

let ok = true;
try {
  await step('open', async () => {
    await page.goto(env.CS_URL, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE });
    await row.first().waitFor({ timeout: 60000 });
    await row.first().click();
    await page.waitForSelector('.editor-instance .monaco-editor .view-lines', { timeout: 30000 });
    await checkLens().waitFor({ state: 'visible', timeout: 60000 });
    await page.locator('[id="status.problems"]').click();
    await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: 20000 });
    await page.waitForTimeout(3000); // RM023 would be there by now if git had run
    const restricted = await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).count();
    await shot('trust-01-untrusted.png');
    return { lenses: await lenses(), problems: await problems(), restricted_mode: restricted > 0 };
  });

  await step('untrusted_check', async () => {
    await checkRegistry(null);
    await waitFor(async () => (await problems()).some((p) => p.includes('not sent to')), 30000, 'the check in Problems');
    await page.waitForTimeout(500);
    await shot('trust-02-untrusted-check.png');
    return { problems: await problems(), questions: await question().count() };
  });

  await step('grant_trust', async () => {
    await page.keyboard.press('F1');
    await page.keyboard.type('Manage Workspace Trust');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Manage Workspace Trust' }).first().click();
    const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trust.waitFor({ state: 'visible', timeout: 20000 });
    await trust.click();
    await page.locator('.tabs-container .tab', { hasText: FILE }).first().click();
    const title = await waitFor(async () => {
      const texts = await lenses();
      return texts.find((t) => t.startsWith('Check registry') && !t.includes('not trusted'));
    }, 30000, 'the lens of a trusted workspace');
    await waitFor(async () => (await problems()).some((p) => p.includes('RM023')), 30000, 'RM023 (git ran)');
    await shot('trust-03-trusted.png');
    return { lenses: await lenses(), title, problems: await problems() };
  });

  await step('without_credentials', async () => {
    const asked = await checkRegistry('Check without credentials');
    await waitFor(async () => (await problems()).some((p) => p.includes('you chose to check without credentials')), 30000, 'the check without credentials');
    return { ...asked, problems: await problems() };
  });

  await step('send', async () => {
    const asked = await checkRegistry('Send credentials');
    await waitFor(async () => credentialsSent().credentials > 0, 30000, 'the credentials at the attacker');
    await waitFor(async () => (await problems()).some((p) => p.includes('rejected the credentials')), 30000, 'the check with credentials');
    await shot('trust-04-sent.png');
    return { ...asked, problems: await problems() };
  });
} catch (e) {
  ok = false;
  result.error = String(e);
} finally {
  for (const name of Object.keys(result.steps)) if (!result.steps[name].ok) ok = false;
  if (!ok) await shot('trust-99-failure.png').catch(() => {});
  await browser.close().catch(() => {});
}
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
process.exit(ok ? 0 : 1);
