import { accessSync, constants } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

/** Debian's Chromium (installed by .ci/run); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** What to install, in one line, when there is no browser to drive (README "Prerequisites"). */
export function missingBrowser(path: string): Error | undefined {
  try {
    accessSync(path, constants.X_OK);
    return undefined;
  } catch {
    const err = new Error(
      `Browser tests need Chromium, and ${path} is not there: install it with ` +
        '`sudo apt-get install -y chromium` (Debian, Ubuntu), or set CHROMIUM_PATH to a ' +
        'Chromium or Chrome binary.',
    );
    // One line, not a launch stack trace: the stack would only point at this file.
    err.stack = err.message;
    return err;
  }
}

/**
 * Headless Chromium as this machine allows it: no sandbox (root), and none of the background
 * networking that a closed network refuses.
 */
export async function launchChromium(): Promise<Browser> {
  const missing = missingBrowser(CHROMIUM);
  if (missing) {
    throw missing;
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}
