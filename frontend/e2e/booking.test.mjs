// End to end: the built UI, served by the real boxoffice binary, in two Chromium pages. A booking in
// one page shows in the other within a second; a 500-user race for one seat has exactly one winner.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchChromium } from './support/browser.mjs';
import { ARTIFACTS_DIR, CHROMIUM_BIN, DIST_DIR, SERVER_BIN } from './support/paths.mjs';
import { startServer } from './support/server.mjs';

/** DESIGN.md promise 4: every open map shows a change within 1 s. */
const PROPAGATION_MS = 1_000;
const PAGE_READY_MS = 20_000;
const SIMULATION_MS = 120_000;

describe('boxoffice web UI against the real server', { timeout: 300_000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>> | undefined} */
  let server;
  /** @type {import('playwright-core').Browser | undefined} */
  let browser;
  /** @type {import('playwright-core').Page} */
  let pageA;
  /** @type {import('playwright-core').Page} */
  let pageB;
  const pageErrors = [];
  /** A setup failure fails every test (rather than cancelling them), so the runner counts failures. */
  let setupError;
  const ready = () => {
    if (setupError) throw setupError;
  };

  before(async () => {
    try {
      await setUp();
    } catch (error) {
      setupError = error;
    }
  });

  async function setUp() {
    browser = await launchChromium(CHROMIUM_BIN);
    server = await startServer({ bin: SERVER_BIN, uiDir: DIST_DIR });

    const events = await (await fetch(`${server.baseUrl}/api/v1/events`)).json();
    assert.ok(Array.isArray(events) && events.length > 0, 'a fresh server has the demo event');
    const demo = events.find((event) => event.seatCount === 100) ?? events[0];

    // Two browser contexts: two visitors with their own storage, like two people at two screens.
    const open = async (name) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
      await page.goto(`${server.baseUrl}/#event=${demo.id}`, { timeout: PAGE_READY_MS });
      try {
        await page.waitForSelector('[data-testid="connection-status"][data-state="live"]', { timeout: PAGE_READY_MS });
      } catch (error) {
        throw new Error(
          `page ${name} never went live: does the server serve GET /api/v1/events/{id}/stream? (${error.message})`,
        );
      }
      await page.waitForSelector('button[data-seat-id]', { timeout: PAGE_READY_MS });
      return page;
    };
    [pageA, pageB] = await Promise.all([open('A'), open('B')]);
  }

  after(async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
  });

  it('draws the demo event from its layout: 100 seats in rows A–J', async () => {
    ready();
    assert.equal(await pageA.locator('button[data-seat-id]').count(), 100);
    assert.equal(await pageA.getByTestId('seat-1').getAttribute('aria-label').then((l) => l?.startsWith('Seat A-1, ')), true);
    assert.match((await pageA.getByTestId('seat-100').getAttribute('aria-label')) ?? '', /^Seat J-10, .+, (available|booked)$/);
  });

  it('a booking in page A shows as booked in page B within 1 s, without reload', async () => {
    ready();
    const seat = pageA.locator('button[data-status="AVAILABLE"]').first();
    const seatId = await seat.getAttribute('data-seat-id');
    assert.ok(seatId, 'an available seat exists');
    await seat.click();
    await pageA.getByTestId('booking-user-id').fill('e2e-user-1');
    const booking = pageA.waitForResponse(
      (response) => response.url().endsWith('/api/v1/bookings') && response.request().method() === 'POST',
      { timeout: 10_000 },
    );
    await pageA.getByTestId('booking-submit').click();
    assert.equal((await booking).status(), 201);

    await pageB.waitForSelector(`[data-testid="seat-${seatId}"][data-status="BOOKED"]`, { timeout: PROPAGATION_MS });
    await pageA.waitForSelector(`[data-testid="seat-${seatId}"][data-status="BOOKED"]`, { timeout: PROPAGATION_MS });
    const toast = pageA.getByTestId('toast').filter({ hasText: 'booked for e2e-user-1' });
    await toast.waitFor({ timeout: 5_000 });
    assert.match(await toast.innerText(), /^Seat [A-J]-\d+ booked for e2e-user-1 \(booking #\d+\)/);
    assert.equal(await pageB.getByTestId(`seat-${seatId}`).isDisabled(), true);
  });

  it('500 simulated users racing for one seat: exactly 1 success and 499 conflicts', async () => {
    ready();
    const seat = pageA.locator('button[data-status="AVAILABLE"]').last();
    const seatId = await seat.getAttribute('data-seat-id');
    const label = await seat.getAttribute('title');
    assert.ok(seatId && label, 'another available seat exists');

    await pageA.getByTestId('sim-target').fill(label);
    await pageA.getByTestId('sim-target-resolved').filter({ hasText: `id ${seatId})` }).waitFor({ timeout: 2_000 });
    await pageA.getByTestId('sim-users').fill('500');
    await pageA.getByTestId('sim-strategy').selectOption('ACTOR');
    await pageA.getByTestId('sim-start').click();
    await pageA.waitForSelector('[data-testid="simulator"][data-state="done"]', { timeout: SIMULATION_MS });

    assert.equal(await pageA.getByTestId('sim-result-success').innerText(), '1');
    assert.equal(await pageA.getByTestId('sim-result-conflicts').innerText(), '499');
    assert.equal(await pageA.getByTestId('sim-result-errors').innerText(), '0');
    assert.equal(await pageA.getByTestId('sim-histogram-bar').count(), 20);

    await Promise.all(
      [pageA, pageB].map((page) =>
        page.waitForSelector(`[data-testid="seat-${seatId}"][data-status="BOOKED"]`, { timeout: PROPAGATION_MS }),
      ),
    );
    assert.equal(await pageB.getByTestId('count-booked').innerText(), '2');
    assert.equal(await pageB.getByTestId('count-available').innerText(), '98');
  });

  it('saves a screenshot of the seat map', async () => {
    ready();
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const file = path.join(ARTIFACTS_DIR, 'seatmap.png');
    await pageA.getByTestId('seat-map').screenshot({ path: file, timeout: 10_000 });
    assert.ok(fs.statSync(file).size > 1_000);
  });

  it('raised no uncaught errors in either page', () => {
    ready();
    assert.deepEqual(pageErrors, []);
  });
});
