// Headless Debian Chromium for browser tests and the dashboard benchmark, launched the one way that works on our
// machines (../shared/docs/STACK.md): playwright-core, /usr/bin/chromium, no background networking.
import { existsSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';
import { dashboardBuilt, DEFAULT_WEB_ROOT } from '../src/io/replay-server.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const haveChromium = (): boolean => existsSync(CHROMIUM);

/** A fresh browser with its profile in `profileDir`; close the context to stop it. */
export async function launchChromium(profileDir: string, viewport = { width: 1400, height: 860 }): Promise<BrowserContext> {
  const { chromium } = await import('playwright-core');
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, viewport, args: CHROMIUM_ARGS });
}

/** What a page under test did that it should not have: requests leaving our server, errors, and every request made. */
export interface PageWatch {
  leftTheMachine: string[];
  problems: string[];
  requested: string[];
}

/**
 * A new page of `context` that may reach only `origin`: any other request is refused and remembered in
 * `watch.leftTheMachine`; page errors and console errors/warnings go to `watch.problems` (SwiftShader's "GL Driver
 * Message" performance notes, and the messages `ignore` matches, are not the page's problems).
 */
export async function openOfflinePage(context: BrowserContext, origin: string, watch: PageWatch, ignore?: RegExp): Promise<import('playwright-core').Page> {
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin)) return route.continue();
    watch.leftTheMachine.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('request', (r) => watch.requested.push(r.url()));
  page.on('pageerror', (e) => watch.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (ignore?.test(m.text())) return;
    if (m.type() === 'error' || (m.type() === 'warning' && !m.text().includes('GL Driver Message'))) watch.problems.push(`${m.type()}: ${m.text()}`);
  });
  return page;
}

/**
 * Whether the dashboard's browser tests can run here (Debian Chromium installed, the page built into dist/web); when
 * not, says why on the console, so a skipped browser test is never silent.
 */
export function dashboardRunnable(): boolean {
  if (!haveChromium()) console.warn(`dashboard browser tests skipped: ${CHROMIUM} not found (Debian: apt-get install chromium)`);
  else if (!dashboardBuilt()) console.warn(`dashboard browser tests skipped: ${DEFAULT_WEB_ROOT} not built (npm run build)`);
  return haveChromium() && dashboardBuilt();
}

