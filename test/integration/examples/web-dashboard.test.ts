import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { copyFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { Lab } from '../lab/lab.js';
import { BUILD_TIMEOUT_MS, buildExamples, type BuiltExamples } from './support/built-examples.js';
import { ExampleBed, LINE_TIMEOUT_MS } from './support/example-bed.js';

const SOURCE = 'web-dashboard/main.ts';
const CHROMIUM = process.env['CHROMIUM_BIN'] ?? '/usr/bin/chromium';
// As root, in a closed network: no sandbox, and nothing that phones home.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** Set to 1 to refresh the screenshot the README shows. */
const UPDATE_SCREENSHOT = process.env['RX_OPENVPN_UPDATE_SCREENSHOT'] === '1';
const SCREENSHOT = fileURLToPath(
  new URL('../../../examples/web-dashboard/screenshot.png', import.meta.url),
);
/** Traffic samples on the chart before the screenshot: one a second. */
const CHART_POINTS = 8;
const TEST_TIMEOUT_MS = 120_000;
const POLL_MS = 100;

const bed = new ExampleBed('dashboard');
// The build outlives each test's teardown.
const buildLab = new Lab();
let built: BuiltExamples;
let browser: BrowserContext | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `chromium not found at ${CHROMIUM}: the dashboard test drives a real browser. ` +
        'Install it: apt-get update && apt-get install -y chromium (or set CHROMIUM_BIN)',
    );
  }
  built = await buildExamples(await buildLab.tempDir(), [SOURCE]);
}, BUILD_TIMEOUT_MS);
afterAll(() => buildLab.cleanup());
afterEach(async () => {
  try {
    await browser?.close();
    browser = undefined;
  } finally {
    await bed.teardown();
  }
});

/** Headless chromium with a fresh profile in a lab dir (removed by the teardown). */
const launchBrowser = async (): Promise<BrowserContext> => {
  browser = await chromium.launchPersistentContext(await bed.lab.tempDir(), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 640, height: 580 },
  });
  return browser;
};

/** Waits until the inbound traffic line of the chart has `count` points. */
const chartPoints = async (page: Page, count: number): Promise<void> => {
  const deadline = Date.now() + LINE_TIMEOUT_MS;
  for (;;) {
    const points = (await page.getAttribute('#in-line', 'points')) ?? '';
    if (points.split(' ').filter(Boolean).length >= count) return;
    if (Date.now() > deadline) throw new Error(`the chart has too few points: ${points}`);
    await sleep(POLL_MS);
  }
};

describe('examples/web-dashboard', () => {
  it(
    'connects to the demo server from the page and disconnects',
    async () => {
      const cacheHome = await bed.lab.tempDir();
      const { run } = await bed.start(built.script(SOURCE), ['--port', '0'], {
        XDG_CACHE_HOME: cacheHome,
      });
      const urlAt = await run.waitForLine(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/$/);
      const url = run.lines()[urlAt]!.slice('dashboard: '.length);

      const page = await (await launchBrowser()).newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(url);
      await page.waitForSelector('body[data-phase="idle"]', { timeout: LINE_TIMEOUT_MS });
      expect(await page.textContent('#phase')).toBe('idle');
      expect(await page.isDisabled('#disconnect')).toBe(true);

      await page.click('#connect');
      await page.waitForSelector('body[data-phase="connected"]', { timeout: LINE_TIMEOUT_MS });
      expect(await page.textContent('#remote')).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(await page.textContent('#detail')).toMatch(/^up for \d+ s$/);
      expect(await page.isDisabled('#connect')).toBe(true);
      await chartPoints(page, CHART_POINTS);
      expect(await page.textContent('#received')).toMatch(/^\d+(\.\d)? (B|KiB)$/);
      const screenshot = join(await bed.lab.tempDir(), 'screenshot.png');
      await page.screenshot({ path: screenshot, fullPage: true });
      expect((await stat(screenshot)).size).toBeGreaterThan(0);
      if (UPDATE_SCREENSHOT) await copyFile(screenshot, SCREENSHOT);

      await page.click('#disconnect');
      await page.waitForSelector('body[data-phase="stopped"]', { timeout: LINE_TIMEOUT_MS });
      expect(await page.isEnabled('#connect')).toBe(true);
      expect(pageErrors).toEqual([]);

      expect(await run.interrupted()).toEqual({ code: 0, signal: null });
      expect(run.stderr).toBe('');
    },
    TEST_TIMEOUT_MS,
  );
});
