// Drives Debian's headless Chromium (playwright-core from tests/peers) on
// the status page: waits until the page shows connector ROW of flow FLOW
// with a read count, then until that count moves on its own (the page
// refreshes itself), saves a screenshot to PNG and prints what the page
// showed as one JSON line. Exits 1 on timeout or error.
// Usage: node status_page_peer.js URL FLOW ROW PNG
'use strict';
const path = require('path');
const { chromium } = require(require.resolve('playwright-core', { paths: [path.join(__dirname, '..', 'peers')] }));

const [url, flow, row, png] = process.argv.slice(2);
const key = flow + '::' + row;

(async () => {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const requested = [];
    page.on('request', (r) => requested.push(r.url()));
    const consoleErrors = [];
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    await page.goto(url);

    const readCount = () => page.evaluate((k) => {
      const cell = document.querySelector('tr[data-stage="' + CSS.escape(k) + '"] td.read');
      return cell && cell.textContent !== '' ? Number(cell.textContent) : null;
    }, key);
    await page.waitForFunction((k) => {
      const cell = document.querySelector('tr[data-stage="' + CSS.escape(k) + '"] td.read');
      return cell && Number(cell.textContent) > 0;
    }, key, { timeout: 20000 });
    const first = await readCount();
    // The page refreshes itself: the same cell moves without any action of ours.
    await page.waitForFunction(([k, n]) => {
      const cell = document.querySelector('tr[data-stage="' + CSS.escape(k) + '"] td.read');
      return cell && Number(cell.textContent) > n;
    }, [key, first], { timeout: 20000 });
    // A rate needs two refreshes; wait for one that is not the placeholder.
    await page.waitForFunction((k) => {
      const cell = document.querySelector('tr[data-stage="' + CSS.escape(k) + '"] td.read-rate');
      return cell && cell.textContent !== '' && cell.textContent !== '–';
    }, key, { timeout: 20000 });
    await page.waitForSelector('section.flow[data-flow="' + flow + '"] .graph svg', { timeout: 20000 });

    const shown = await page.evaluate(([f, k]) => {
      const section = document.querySelector('section.flow[data-flow="' + CSS.escape(f) + '"]');
      const cells = (sel) => [...section.querySelectorAll(sel)].map((e) => e.textContent);
      const rowCells = {};
      for (const td of document.querySelectorAll('tr[data-stage="' + CSS.escape(k) + '"] td'))
        rowCells[td.className] = td.textContent;
      return {
        instance: document.getElementById('instance').textContent,
        overall: document.getElementById('overall').textContent,
        flowStatus: section.querySelector('.flow-status').textContent,
        connectors: cells('table.connectors td.name'),
        pipelines: cells('table.pipelines td.name'),
        graphNodes: cells('.graph svg g[data-stage] > text:first-of-type'),
        graphRates: cells('.graph svg g[data-stage] text.rate'),
        row: rowCells,
      };
    }, [flow, key]);
    shown.firstRead = first;
    shown.requested = requested;
    shown.consoleErrors = consoleErrors;
    await page.screenshot({ path: png, fullPage: true });
    console.log(JSON.stringify(shown));
  } finally {
    await browser.close();
  }
})().catch((e) => { console.error(e.message); process.exit(1); });
