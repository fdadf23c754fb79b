// Drives VS Code (code-server in Debian's chromium, via playwright-core) through the
// eksa-mirror extension and prints what it saw as ONE JSON object on stdout. The pytest test
// (test_vscode_e2e.py) makes the assertions; this script only observes, in this order:
//   open the file -> squiggles -> Problems panel -> hover -> completion (then undo) ->
//   quick fix from Ctrl+. -> text and Problems afterwards.
// Progress goes to stderr. Exit code 0 when every step ran (not a verdict), 1 otherwise.
//
// Environment:
//   CS_URL          http://127.0.0.1:PORT/?folder=/path/to/workspace       (required)
//   FILE_NAME       file to open from the Explorer                          (cluster.yaml)
//   ARTIFACTS       directory for screenshots                               (required)
//   EXPECT_CODES    comma-separated diagnostic codes to wait for            (RM008,RM009)
//   HOVER_WORD      editor token to hover                                   (port)
//   FIX_CODE        diagnostic whose quick fix is applied                   (RM008)
//   FIX_LINE        regex of the line holding that diagnostic's value       (^\s*port:\s*443\s*$)
//   FIX_TOKEN       token on that line to put the cursor on                 (443)
//   FIX_TITLE       regex picking the code action to apply                  (^Quote)
//   CHROMIUM        browser executable                                      (/usr/bin/chromium)
//   SETTINGS_FILE   a settings.json VS Code watches (the workspace's .vscode/settings.json;
//                   code-server does not notice edits of the user file); when set, two more steps run:
//                   settings_live   add IGNORE_CODE to eksaMirror.ignore, wait for it to leave Problems
//                   missing_server  point eksaMirror.server.path at nothing, read the error
//                                   notification, press its "Open Settings" button
//   IGNORE_CODE     code to ignore in settings_live                          (RM009)
//   PATH_LINK       the eksa-mirror on code-server's PATH: removed before missing_server, which
//                   then also answers from the status bar item after the notification is gone
//   EXTHOST_LOGS    code-server's logs folder: before the click on the file, wait until its
//                   extension host has started (as in a window open for a few seconds), so the
//                   timeline measures the extension and its server, not code-server's start-up
//   LENS            when "1", one more step: lens   click "Check registry", wait for the
//                   "Clear check results" lens and the check's diagnostics
//
// The clock times (epoch ms) of the click on the file and of the first squiggle go to
// result.epoch, to be set against the extension's timeline in its output channel.
import { failure, openPage } from './harness.mjs';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const env = process.env;
const URL = env.CS_URL;
const FILE = env.FILE_NAME || 'cluster.yaml';
const ART = env.ARTIFACTS;
const EXPECT = (env.EXPECT_CODES || 'RM008,RM009').split(',').filter(Boolean);
const HOVER_WORD = env.HOVER_WORD || 'port';
const FIX_CODE = env.FIX_CODE || 'RM008';
const FIX_LINE = new RegExp(env.FIX_LINE || '^\\s*port:\\s*443\\s*$');
const FIX_TOKEN = env.FIX_TOKEN || '443';
const FIX_TITLE = new RegExp(env.FIX_TITLE || '^Quote');
const SETTINGS_FILE = env.SETTINGS_FILE;
const IGNORE_CODE = env.IGNORE_CODE || 'RM009';
const PATH_LINK = env.PATH_LINK;
const LENS = env.LENS === '1';
const EXTHOST_LOGS = env.EXTHOST_LOGS;

/** True once code-server's extension host has activated its start-up extensions. */
function extensionHostReady() {
  try {
    return readdirSync(EXTHOST_LOGS, { recursive: true })
      .filter((f) => String(f).endsWith('remoteexthost.log'))
      .some((f) => readFileSync(join(EXTHOST_LOGS, String(f)), 'utf8').includes('Eager extensions activated'));
  } catch {
    return false;
  }
}
if (!URL || !ART) {
  console.error('drive.mjs: CS_URL and ARTIFACTS are required');
  process.exit(2);
}
mkdirSync(ART, { recursive: true });

const t0 = Date.now();
const secs = () => Number(((Date.now() - t0) / 1000).toFixed(2));
const log = (...a) => console.error(`[${secs().toFixed(1)}s]`, ...a);
const result = { steps: {}, timings: {}, epoch: {}, screenshots: [], console_errors: [] };

async function step(name, fn) {
  const start = secs();
  try {
    result.steps[name] = { ok: true, ...(await fn()) };
  } catch (e) {
    result.steps[name] = { ok: false, error: failure(e) };
    log(`step ${name} FAILED: ${result.steps[name].error}`);
  }
  result.timings[name] = Number((secs() - start).toFixed(2));
  log(`step ${name} done`);
  return result.steps[name].ok;
}

const { browser, page } = await openPage(env);
page.on('console', (m) => {
  if (m.type() === 'error' && !/vsda|favicon|404/.test(m.text())) result.console_errors.push(m.text().slice(0, 300));
});
const editor = page.locator('.editor-instance .monaco-editor').first();

async function shot(name) {
  const path = join(ART, name);
  await page.screenshot({ path });
  result.screenshots.push(path);
}

/** The editor's rendered lines in order, with VS Code's non-breaking spaces made plain. */
async function editorLines() {
  return page.evaluate(() => {
    const lines = [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')];
    lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    return lines.map((l) => l.textContent.replace(/\u00a0/g, ' '));
  });
}

/** A token span on the first rendered line matching lineRe, whose text is exactly word. */
async function tokenOnLine(lineRe, word) {
  const handle = await page.evaluateHandle(({ src, word }) => {
    const re = new RegExp(src);
    const lines = [...document.querySelectorAll('.editor-instance .monaco-editor .view-lines .view-line')];
    for (const line of lines) {
      if (!re.test(line.textContent.replace(/\u00a0/g, ' '))) continue;
      for (const span of line.querySelectorAll('span > span')) {
        if (span.textContent.replace(/\u00a0/g, ' ').trim() === word) return span;
      }
    }
    return null;
  }, { src: lineRe.source, word });
  const el = handle.asElement();
  if (!el) throw new Error(`no token ${JSON.stringify(word)} on a line matching ${lineRe}`);
  return el;
}

/** The extension's status bar item. */
function statusItem() {
  return page.locator('.statusbar-item', { hasText: 'EKS-A Mirror' }).first();
}

async function problemRows() {
  return page.evaluate(() =>
    [...document.querySelectorAll('.markers-panel .monaco-list-row')].map((r) => ({
      text: r.innerText.replace(/\u00a0/g, ' '),
      aria: r.getAttribute('aria-label') || '',
    })),
  );
}

async function waitFor(predicate, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await predicate();
    if (last) return last;
    await page.waitForTimeout(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

let ok = true;
try {
  const opened = await step('open', async () => {
    await page.goto(URL, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    result.timings.workbench_at = secs();
    const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: FILE });
    await row.first().waitFor({ timeout: 60000 });
    if (EXTHOST_LOGS) {
      await waitFor(async () => extensionHostReady(), 60000, 'the extension host');
      result.epoch.extension_host_ready = Date.now();
    }
    result.epoch.file_click = Date.now();
    await row.first().click();
    await page.waitForSelector('.editor-instance .monaco-editor .view-lines', { timeout: 30000 });
    await waitFor(async () => (await editorLines()).some((l) => l.includes('registryMirrorConfiguration')), 20000, 'file text');
    result.timings.editor_open_at = secs();
    return {};
  });
  if (!opened) throw new Error('the file did not open');

  const squiggled = await step('squiggles', async () => {
    await page.waitForSelector(
      '.editor-instance .squiggly-error, .editor-instance .squiggly-warning, .editor-instance .squiggly-info',
      { timeout: 60000 },
    );
    result.timings.first_squiggle_at = secs();
    result.epoch.first_squiggle = Date.now();
    await page.waitForTimeout(300);
    return page.evaluate(() => {
      const count = (c) => document.querySelectorAll(`.editor-instance .${c}`).length;
      return {
        error: count('squiggly-error'),
        warning: count('squiggly-warning'),
        info: count('squiggly-info'),
        hint: count('squiggly-hint'),
      };
    });
  });

  await step('status_item', async () => {
    const item = statusItem();
    await waitFor(async () => /check/.test(await item.innerHTML().catch(() => '')), 15000, 'the running state');
    return { text: (await item.innerText()).trim(), aria: (await item.getAttribute('aria-label')) || '' };
  });

  if (squiggled) await step('problems', async () => {
    await page.locator('[id="status.problems"]').click();
    await page.waitForSelector('.markers-panel .monaco-list-row', { timeout: 20000 });
    try {
      await waitFor(async () => {
        const text = (await problemRows()).map((r) => r.text + ' ' + r.aria).join('\n');
        return EXPECT.every((c) => text.includes(c));
      }, 20000, `codes ${EXPECT.join(', ')} in the Problems panel`);
    } catch { /* report what is there; the test asserts */ }
    await page.waitForTimeout(300);
    // Put the keyboard focus back in the editor for the screenshot's cursor line.
    await shot('01-diagnostics-problems.png');
    return { rows: await problemRows(), status_bar: await page.locator('[id="status.problems"]').innerText() };
  });

  await step('hover', async () => {
    const token = await tokenOnLine(new RegExp(`^\\s*${HOVER_WORD}:`), HOVER_WORD);
    await token.hover();
    const hover = page.locator('.monaco-hover:not(.hidden)').first();
    await hover.waitFor({ state: 'visible', timeout: 15000 });
    const text = await waitFor(async () => {
      const t = (await hover.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
      return t.trim() && !/^Loading/.test(t.trim()) ? t : null;
    }, 15000, 'hover text');
    await page.waitForTimeout(300);
    await shot('02-hover.png');
    const markdown = await hover.innerHTML();
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
    return { text, has_markdown: /<(strong|code|em|a|p)\b/.test(markdown) };
  });

  await step('completion', async () => {
    const before = await editorLines();
    const token = await tokenOnLine(FIX_LINE, FIX_TOKEN);
    await token.click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.waitForTimeout(200);
    await page.keyboard.press('Control+Space');
    const rows = page.locator('.editor-widget.suggest-widget.visible .monaco-list-row');
    await rows.first().waitFor({ timeout: 15000 });
    await page.waitForTimeout(500); // let the list settle (it may re-filter once)
    const items = await page.evaluate(() =>
      [...document.querySelectorAll('.editor-widget.suggest-widget.visible .monaco-list-row')].map((r) => {
        const label = r.querySelector('.label-name');
        return { label: (label ? label.textContent : r.innerText).trim(), aria: r.getAttribute('aria-label') || '' };
      }),
    );
    await shot('03-completion.png');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+z');
    const restored = await waitFor(async () => {
      const now = await editorLines();
      return JSON.stringify(now) === JSON.stringify(before) ? now : null;
    }, 5000, 'undo of the completion line').then(() => true, () => false);
    return { items, restored };
  });

  await step('quickfix', async () => {
    const token = await tokenOnLine(FIX_LINE, FIX_TOKEN);
    await token.click();
    await page.waitForTimeout(300);
    await page.keyboard.press('Control+.');
    const widget = page.locator('.action-widget');
    await widget.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: 15000 });
    await page.waitForTimeout(300);
    const actions = await page.evaluate(() =>
      [...document.querySelectorAll('.action-widget .monaco-list-row')].map((r) => ({
        title: (r.getAttribute('aria-label') || r.innerText).trim(),
        kind: r.classList.contains('action') ? 'action' : 'header',
      })),
    );
    await shot('04-quickfix-menu.png');
    const chosen = actions.find((a) => a.kind === 'action' && FIX_TITLE.test(a.title));
    if (!chosen) throw new Error(`no code action matching ${FIX_TITLE} in ${JSON.stringify(actions)}`);
    // Keyboard, like a person: move the focus to the chosen action, then Enter. (Clicking
    // the row waits forever for it to be "stable" in this build.)
    const focused = () => page.evaluate(() => {
      const row = document.querySelector('.action-widget .monaco-list-row.focused');
      return row ? (row.getAttribute('aria-label') || row.innerText).trim() : null;
    });
    for (let i = 0; i < actions.length + 1 && (await focused()) !== chosen.title; i++) {
      await page.keyboard.press('ArrowDown');
      await page.waitForTimeout(100);
    }
    if ((await focused()) !== chosen.title) throw new Error(`could not focus the action ${chosen.title}`);
    await page.keyboard.press('Enter');
    const linesAfter = await waitFor(async () => {
      const lines = await editorLines();
      return lines.some((l) => FIX_LINE.test(l)) ? null : lines;
    }, 10000, 'the edit of the quick fix');
    let cleared = true;
    try {
      await waitFor(async () => !(await problemRows()).some((r) => (r.text + r.aria).includes(FIX_CODE)), 15000, `${FIX_CODE} to leave Problems`);
    } catch {
      cleared = false;
    }
    await page.waitForTimeout(300);
    await shot('05-after-quickfix.png');
    return { actions, chosen: chosen.title, lines_after: linesAfter, problems_after: await problemRows(), cleared };
  });

  const editSettings = (patch) => {
    let settings = {};
    try {
      settings = JSON.parse(readFileSync(SETTINGS_FILE, 'utf8'));
    } catch { /* not there yet */ }
    mkdirSync(dirname(SETTINGS_FILE), { recursive: true });
    writeFileSync(SETTINGS_FILE, JSON.stringify({ ...settings, ...patch }, null, 2));
  };

  // A settings change reaches the running server (workspace/didChangeConfiguration).
  if (SETTINGS_FILE) await step('settings_live', async () => {
    const before = await problemRows();
    editSettings({ 'eksaMirror.ignore': [IGNORE_CODE] });
    let cleared = true;
    try {
      await waitFor(async () => !(await problemRows()).some((r) => (r.text + r.aria).includes(IGNORE_CODE)), 15000, `${IGNORE_CODE} to leave Problems`);
    } catch {
      cleared = false;
    }
    return { before, after: await problemRows(), cleared };
  });

  // "Check registry" from the code lens: the check's diagnostics, and the "Clear check
  // results" lens that the server's workspace/codeLens/refresh makes appear.
  if (LENS) await step('lens', async () => {
    const lens = (title) => page.locator('.editor-instance .codelens-decoration a', { hasText: title }).first();
    await lens('Check registry').waitFor({ state: 'visible', timeout: 20000 });
    const before = await page.locator('.editor-instance .codelens-decoration a').allInnerTexts();
    await lens('Check registry').click();
    await lens('Clear check results').waitFor({ state: 'visible', timeout: 30000 });
    const after = await page.locator('.editor-instance .codelens-decoration a').allInnerTexts();
    let checked = true;
    try {
      await waitFor(async () => (await problemRows()).some((r) => (r.text + r.aria).includes('eksa-mirror-check')), 15000, 'the check in Problems');
    } catch {
      checked = false;
    }
    await page.waitForTimeout(300);
    await shot('06-check-registry-lens.png');
    return { before, after, checked, problems: await problemRows() };
  });

  // No server: one error notification saying what to install, with "Open Settings"; after
  // "Show Output" closes it, the status bar item still leads to the settings.
  if (SETTINGS_FILE) await step('missing_server', async () => {
    if (PATH_LINK) rmSync(PATH_LINK, { force: true });
    editSettings({ 'eksaMirror.server.path': '/nonexistent/eksa-mirror' });
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: 'eksa-mirror' }).first();
    await toast.waitFor({ state: 'visible', timeout: 20000 });
    await page.waitForTimeout(500);
    const messageEl = toast.locator('.notification-list-item-message');
    const message = (await messageEl.innerText()).replace(/\u00a0/g, ' ');
    const messageHtml = await messageEl.innerHTML();
    const buttons = await toast.locator('.monaco-button').allInnerTexts();
    const count = await page.locator('.notifications-toasts .notification-toast', { hasText: 'eksa-mirror language server was not found' }).count();
    await shot('07-missing-server.png');
    await toast.locator('.monaco-button', { hasText: 'Show Output' }).click();
    await toast.waitFor({ state: 'hidden', timeout: 10000 });
    const output = await waitFor(async () => {
      const text = await page.evaluate(() =>
        [...document.querySelectorAll('.part.panel .view-lines')].map((e) => e.textContent).join('\n'))
        .then((t) => t.replace(/\u00a0/g, ' '));
      return /PATH searched/.test(text) ? text : null;
    }, 15000, 'the output channel').catch(() => '');
    const item = statusItem();
    const statusAria = (await item.getAttribute('aria-label')) || '';
    await item.click();
    const picks = page.locator('.quick-input-widget .monaco-list-row');
    await picks.first().waitFor({ state: 'visible', timeout: 10000 });
    const menu = (await picks.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    await shot('08-status-menu.png');
    await picks.filter({ hasText: 'Open Settings' }).first().click();
    const settingsEditor = page.locator('.settings-editor');
    await settingsEditor.waitFor({ state: 'visible', timeout: 15000 });
    const firstSetting = page.locator('.settings-editor .setting-item-contents').first();
    await firstSetting.waitFor({ state: 'visible', timeout: 15000 });
    await page.waitForTimeout(500);
    const setting = (await firstSetting.innerText()).replace(/\u00a0/g, ' ');
    await shot('09-open-settings.png');
    return {
      message, message_has_code: /<code\b/.test(messageHtml), buttons: buttons.map((b) => b.trim()).filter(Boolean),
      count, output, status_aria: statusAria, menu, setting,
    };
  });
} catch (e) {
  ok = false;
  result.error = String(e);
} finally {
  for (const name of Object.keys(result.steps)) if (!result.steps[name].ok) ok = false;
  if (!ok) await shot('99-failure.png').catch(() => {});
  result.timings.total = secs();
  await browser.close().catch(() => {});
}
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
process.exit(ok ? 0 : 1);
