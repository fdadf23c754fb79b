// What the code-server drivers (drive.mjs, trust.mjs) share: the headless Chromium page they
// drive, and how a failed step is written in their JSON result.
import { chromium } from 'playwright-core';

// Headless Chromium (CHROMIUM, else Debian's) and one page at the size the screenshots use.
export async function openPage(env) {
  const browser = await chromium.launch({
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  return { browser, page };
}

// The first six lines of what a step threw.
export const failure = (e) => String(e && e.message ? e.message : e).split('\n').slice(0, 6).join('\n');
