// End to end: the built UI, served by the real boxoffice binary, in two Chromium pages on the demo
// event. A booking in one page shows in the other within a second (by mouse and by keyboard); the
// toasts tell a conflict, a network failure and a busy server apart; a 500-user race for one seat
// has exactly one winner; a REDIS run on a server without Redis shows the server's reason.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  PROPAGATION_MS,
  api,
  bookViaHttp,
  demoEvent,
  firstAvailableSeat,
  openEventPage,
  seatSelector,
  useServerAndBrowser,
} from './support/app.mjs';
import { ARTIFACTS_DIR } from './support/paths.mjs';

const SIMULATION_MS = 120_000;
const TOAST_MS = 5_000;

const isBookingPost = (response) =>
  response.url().endsWith('/api/v1/bookings') && response.request().method() === 'POST';

/** What the focused element is, for keyboard assertions. */
const focused = (page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return {
      testId: el?.getAttribute('data-testid') ?? null,
      seatId: el?.getAttribute('data-seat-id') ? Number(el.getAttribute('data-seat-id')) : null,
      label: el?.getAttribute('aria-label') ?? null,
      inDialog: el?.closest('[data-testid="booking-form"]') !== null,
    };
  });

/** A toast's message, without its dismiss button. */
const toastText = (toast) => toast.getByTestId('toast-text').innerText();

/** "12 ms", "3.4 ms", "1,234 ms" → milliseconds. */
const parseMs = (text) => {
  const match = /^([\d,.]+) ms$/.exec(text.trim());
  assert.ok(match, `"${text}" is a duration in ms`);
  return Number(match[1].replaceAll(',', ''));
};

async function runSimulator(page, { label, seatId, users, strategy }) {
  await page.getByTestId('sim-target').fill(label);
  await page.getByTestId('sim-target-resolved').filter({ hasText: `id ${seatId})` }).waitFor({ timeout: 2_000 });
  await page.getByTestId('sim-users').fill(String(users));
  await page.getByTestId('sim-strategy').selectOption(strategy);
  await page.getByTestId('sim-start').click();
  await page.waitForSelector('[data-testid="simulator"][data-state="done"]', { timeout: SIMULATION_MS });
  const text = async (testId) => (await page.getByTestId(testId).innerText()).trim();
  return {
    success: await text('sim-result-success'),
    conflicts: await text('sim-result-conflicts'),
    errors: await text('sim-result-errors'),
    text,
  };
}

describe('booking in the web UI against the real server', { timeout: 300_000 }, () => {
  const env = useServerAndBrowser({ before, after });
  /** @type {import('playwright-core').Page} */
  let pageA;
  /** @type {import('playwright-core').Page} */
  let pageB;
  let eventId;
  let baseUrl;

  before(async () => {
    if (env.setupError) return;
    try {
      baseUrl = env.server.baseUrl;
      eventId = (await demoEvent(baseUrl)).id;
      [pageA, pageB] = await Promise.all([
        openEventPage(env, eventId, { name: 'A' }),
        openEventPage(env, eventId, { name: 'B' }),
      ]);
    } catch (error) {
      env.setupError = error;
    }
  });

  const bookedInBoth = (seatId) =>
    Promise.all(
      [pageA, pageB].map((page) => page.waitForSelector(seatSelector(seatId, 'BOOKED'), { timeout: PROPAGATION_MS })),
    );

  it('draws the demo event from its layout: 100 labelled seat buttons in rows A–J', async () => {
    env.ready();
    assert.equal(await pageA.locator('button[data-seat-id]').count(), 100);
    assert.match((await pageA.getByTestId('seat-1').getAttribute('aria-label')) ?? '', /^Seat A-1, [^,]+, available$/);
    assert.match((await pageA.getByTestId('seat-100').getAttribute('aria-label')) ?? '', /^Seat J-10, [^,]+, available$/);
    const rows = await pageA.getByTestId('seat-row').evaluateAll((els) => els.map((el) => el.dataset.rowLabel));
    assert.deepEqual(rows, ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J']);
  });

  it('a booking in page A (click, form, submit) shows as booked in page B within 1 s, without reload', async () => {
    env.ready();
    const { seatId, locator } = await firstAvailableSeat(pageA);
    await locator.click();
    await pageA.getByTestId('booking-user-id').fill('e2e-user-1');
    const booking = pageA.waitForResponse(isBookingPost, { timeout: 10_000 });
    await pageA.getByTestId('booking-submit').click();
    assert.equal((await booking).status(), 201);

    await bookedInBoth(seatId);
    const toast = pageA.locator('[data-testid="toast"][data-reason="booked"]').filter({ hasText: 'e2e-user-1' });
    await toast.waitFor({ timeout: TOAST_MS });
    assert.match(await toast.innerText(), /^Seat [A-J]-\d+ booked for e2e-user-1 \(booking #\d+\)/);
    // Booked seats stay focusable for the keyboard and screen readers, but say they are unavailable.
    assert.equal(await pageB.getByTestId(`seat-${seatId}`).getAttribute('aria-disabled'), 'true');
    assert.match((await pageB.getByTestId(`seat-${seatId}`).getAttribute('aria-label')) ?? '', /, booked$/);
    // Clicking a booked seat opens nothing.
    await pageB.getByTestId(`seat-${seatId}`).click({ force: true });
    assert.equal(await pageB.getByTestId('booking-form').count(), 0);
  });

  it('books with the keyboard alone: Tab to the map, arrow to a seat, Enter, type, Enter', async () => {
    env.ready();
    await pageA.getByTestId('event-picker').focus();
    await pageA.keyboard.press('Tab');
    let now = await focused(pageA);
    // The map's single Tab stop is the seat focused last (the one booked by mouse above).
    assert.match(now.label ?? '', /^Seat A-\d+, /, `Tab from the event picker lands on a seat in row A, not ${JSON.stringify(now)}`);
    const start = now.seatId;

    await pageA.keyboard.press('ArrowDown');
    now = await focused(pageA);
    assert.ok(now.seatId !== null && now.seatId !== start, `ArrowDown moves to another seat: ${JSON.stringify(now)}`);
    assert.match(now.label ?? '', /^Seat B-\d+, [^,]+, available$/);
    const seatId = now.seatId;

    await pageA.keyboard.press('Enter');
    await pageA.getByTestId('booking-form').waitFor({ timeout: 2_000 });
    assert.equal((await focused(pageA)).testId, 'booking-user-id', 'the form opens with the user id field focused');
    // While the dialog is open the page behind it is inert: Tab cannot wander onto the map.
    assert.equal(await pageA.getByTestId('seat-map').evaluate((el) => el.closest('[inert]') !== null), true);
    await pageA.keyboard.press('ControlOrMeta+A');
    await pageA.keyboard.type('kbd-user');
    await pageA.keyboard.press('Tab');
    await pageA.keyboard.press('Tab');
    assert.equal((await focused(pageA)).testId, 'booking-submit');

    const booking = pageA.waitForResponse(isBookingPost, { timeout: 10_000 });
    await pageA.keyboard.press('Enter');
    const response = await booking;
    assert.equal(response.status(), 201);
    assert.equal(JSON.parse(response.request().postData() ?? '{}').userId, 'kbd-user');
    await bookedInBoth(seatId);

    // Focus returns to the seat, and the next Tab leaves the map (one Tab stop for all its seats).
    await pageA.waitForFunction((id) => document.activeElement?.getAttribute('data-seat-id') === String(id), seatId, {
      timeout: 2_000,
    });
    await pageA.keyboard.press('Tab');
    assert.equal((await focused(pageA)).testId, 'sim-target');
  });

  it('toasts tell apart a seat already taken, an unreachable server and a busy one; the form allows a retry', async () => {
    env.ready();
    const bookingsRoute = '**/api/v1/bookings';

    // 1. Someone else books the seat (for real, on the server) just before this page's request arrives.
    const taken = await firstAvailableSeat(pageA);
    await taken.locator.click();
    await pageA.getByTestId('booking-user-id').fill('toast-user');
    let otherStatus = 0;
    await pageA.route(
      bookingsRoute,
      async (route) => {
        otherStatus = (await bookViaHttp(baseUrl, taken.seatId, 'faster-user')).status;
        await route.continue();
      },
      { times: 1 },
    );
    let response = pageA.waitForResponse(isBookingPost, { timeout: 10_000 });
    await pageA.getByTestId('booking-submit').click();
    assert.equal((await response).status(), 409);
    assert.equal(otherStatus, 201);
    const takenToast = pageA.locator('[data-testid="toast"][data-reason="taken"]');
    await takenToast.waitFor({ timeout: TOAST_MS });
    assert.equal(await toastText(takenToast), `Seat ${taken.label} is already taken. Please pick another seat.`);
    await pageA.getByTestId('booking-form').waitFor({ state: 'detached', timeout: 2_000 });
    await pageA.waitForSelector(seatSelector(taken.seatId, 'BOOKED'), { timeout: PROPAGATION_MS });

    // 2. The request never reaches the server.
    const seat = await firstAvailableSeat(pageA, 'last');
    await seat.locator.click();
    await pageA.getByTestId('booking-user-id').fill('toast-user');
    await pageA.route(bookingsRoute, (route) => route.abort('connectionrefused'), { times: 1 });
    await pageA.getByTestId('booking-submit').click();
    const unreachable = pageA.locator('[data-testid="toast"][data-reason="unreachable"]');
    await unreachable.waitFor({ timeout: TOAST_MS });
    assert.match(await toastText(unreachable), /^Could not reach the server: the booking of seat [A-J]-\d+ is not confirmed\./);
    assert.doesNotMatch(await toastText(unreachable), /taken/);
    assert.equal(await pageA.getByTestId('booking-submit').isEnabled({ timeout: 2_000 }), true, 'the form stays open for a retry');

    // 3. The server is overloaded and says when to come back.
    await pageA.route(
      bookingsRoute,
      (route) =>
        route.fulfill({
          status: 503,
          headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '3' },
          body: JSON.stringify({
            type: 'urn:boxoffice:problem:overloaded',
            title: 'Overloaded',
            status: 503,
            detail: 'too many requests in flight',
            code: 'OVERLOADED',
            instance: '/api/v1/bookings',
          }),
        }),
      { times: 1 },
    );
    await pageA.getByTestId('booking-submit').click();
    const busy = pageA.locator('[data-testid="toast"][data-reason="busy"]');
    await busy.waitFor({ timeout: TOAST_MS });
    assert.equal(await toastText(busy), `The server is busy, so seat ${seat.label} was not booked. Please try again in 3 s.`);

    // 4. Trying again works.
    response = pageA.waitForResponse(isBookingPost, { timeout: 10_000 });
    await pageA.getByTestId('booking-submit').click();
    assert.equal((await response).status(), 201);
    await pageA.locator('[data-testid="toast"][data-reason="booked"]').filter({ hasText: 'toast-user' }).waitFor({ timeout: TOAST_MS });
    await bookedInBoth(seat.seatId);
    await pageA.unroute(bookingsRoute);
  });

  it('a REDIS run on a server without Redis counts every request as another error and shows why', async () => {
    env.ready();
    const { seatId, label } = await firstAvailableSeat(pageA);
    const probe = await bookViaHttp(baseUrl, seatId, 'redis-probe', 'REDIS');
    assert.equal(probe.status, 422, `the e2e server runs without Redis, so REDIS should answer 422, not ${probe.status}`);
    assert.equal(probe.body.code, 'INVALID_REQUEST');

    const result = await runSimulator(pageA, { label, seatId, users: 20, strategy: 'REDIS' });
    assert.deepEqual([result.success, result.conflicts, result.errors], ['0', '0', '20']);
    const group = pageA.locator('[data-testid="sim-result-error-group"][data-status="422"][data-code="INVALID_REQUEST"]');
    assert.equal(await group.count(), 1);
    const groupText = await group.innerText();
    assert.ok(groupText.includes('× 20'), groupText);
    assert.ok(groupText.includes(probe.body.detail), `the server's words "${probe.body.detail}" are shown: ${groupText}`);
    const { body: seats } = await api(baseUrl, 'GET', `/api/v1/events/${eventId}/seats`);
    assert.equal(
      await pageA.getByTestId(`seat-${seatId}`).getAttribute('data-status'),
      'AVAILABLE',
      `seat ${label} (${seatId}) stays available; server says ${JSON.stringify(seats.find((s) => s.seatId === seatId))}`,
    );
  });

  it('500 simulated users racing for one seat: exactly 1 success and 499 conflicts; the seat turns red in both pages', async () => {
    env.ready();
    const { seatId, label } = await firstAvailableSeat(pageA, 'last');
    const result = await runSimulator(pageA, { label, seatId, users: 500, strategy: 'ACTOR' });
    assert.deepEqual([result.success, result.conflicts, result.errors], ['1', '499', '0']);

    // Real measurements: as many latencies as requests, p50 ≤ p99, a positive duration and rate.
    const counts = await pageA
      .getByTestId('sim-histogram-bar')
      .evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute('data-count'))));
    assert.equal(counts.length, 20);
    assert.equal(
      counts.reduce((sum, n) => sum + n, 0),
      500,
    );
    const p50 = parseMs(await result.text('sim-result-p50'));
    const p99 = parseMs(await result.text('sim-result-p99'));
    assert.ok(p50 > 0 && p50 <= p99, `p50 ${p50} ≤ p99 ${p99}`);
    assert.ok(parseMs(await result.text('sim-result-duration')) > 0);
    assert.match(await result.text('sim-result-throughput'), /^[\d,]+ req\/s$/);
    // Over HTTP/1.1 the browser has 6 connections and the live map holds one: 5 requests in flight.
    assert.equal(await result.text('sim-in-flight'), '5');
    console.log(
      `simulator: 500 users → ${result.success} success, ${result.conflicts} conflicts, ${result.errors} other; ` +
        `duration ${await result.text('sim-result-duration')}, ${await result.text('sim-result-throughput')}, p50 ${p50} ms, p99 ${p99} ms`,
    );

    // The seat turns red through the stream, in the page that ran the simulator and in the other.
    await bookedInBoth(seatId);
    const { body: event } = await api(baseUrl, 'GET', `/api/v1/events/${eventId}`);
    for (const page of [pageA, pageB]) {
      assert.equal(await page.getByTestId('count-booked').innerText(), String(event.booked));
      assert.equal(await page.getByTestId('count-available').innerText(), String(event.available));
    }
  });

  it('saves screenshots of the seat map panel (legend and live counts included) and of the simulator', async () => {
    env.ready();
    // Earlier outcomes' toasts would cover the panels in the pictures.
    // (Clicked in one go inside the page: a toast may time out on its own between two clicks.)
    await pageA.evaluate(() => {
      for (const dismiss of document.querySelectorAll('[data-testid="toast"] button[aria-label="Dismiss"]')) {
        /** @type {HTMLButtonElement} */ (dismiss).click();
      }
    });
    await pageA.getByTestId('toast').first().waitFor({ state: 'detached', timeout: 2_000 });
    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const file = path.join(ARTIFACTS_DIR, 'seatmap.png');
    const panel = pageA.getByTestId('seat-map-panel');
    // The screenshot must show what the map means, not only the seats.
    for (const part of ['count-available', 'count-booked', 'count-held', 'seat-map']) {
      assert.equal(await panel.getByTestId(part).count(), 1, `${part} is inside the screenshot`);
    }
    await panel.screenshot({ path: file, timeout: 10_000 });
    assert.ok(fs.statSync(file).size > 1_000);
    const simulator = path.join(ARTIFACTS_DIR, 'simulator.png');
    await pageA.getByTestId('simulator').screenshot({ path: simulator, timeout: 10_000 });
    assert.ok(fs.statSync(simulator).size > 1_000);
  });

  it('raised no uncaught errors in either page', () => {
    env.ready();
    assert.deepEqual(env.pageErrors, []);
  });
});
