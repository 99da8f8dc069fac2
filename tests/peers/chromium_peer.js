// Drives Debian's headless Chromium through playwright-core: opens the page
// at URL (served from localhost), waits until it shows the WebSocket reply,
// prints the page's DOM and exits 0; exits 1 on timeout or error.
// Usage: node chromium_peer.js URL
'use strict';
const { chromium } = require('playwright-core');

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(process.argv[2]);
    await page.waitForFunction(
      () => ['done', 'error'].includes(document.getElementById('status').textContent),
      null, { timeout: 20000 });
    console.log(await page.content());
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
