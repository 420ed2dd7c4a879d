// Headless Debian Chromium for browser tests and the dashboard benchmark, launched the one way that works on our
// machines (../shared/docs/STACK.md): playwright-core, /usr/bin/chromium, no background networking.
import { existsSync } from 'node:fs';
import type { BrowserContext } from 'playwright-core';

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
