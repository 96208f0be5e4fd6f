// Launches Debian's Chromium through playwright-core. Never a downloaded browser: this machine (and
// CI) has no internet, and playwright-core ships none.
import fs from 'node:fs';
import { chromium } from 'playwright-core';

export async function launchChromium(executablePath) {
  try {
    fs.accessSync(executablePath, fs.constants.X_OK);
  } catch {
    throw new Error(
      `Chromium not found at ${executablePath}: install Debian's package with \`apt-get install -y chromium\` (or set CHROMIUM_BIN).`,
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    // Without the background-networking flags Chromium keeps trying to reach Google's hosts, which
    // this machine's closed network refuses.
    args: [
      '--no-sandbox',
      '--headless',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
    timeout: 30_000,
  });
}
