// What the end-to-end tests share: starting server and browser once per file, opening the UI on an
// event, and talking to the API directly (to create events and to book behind a page's back).
import assert from 'node:assert/strict';
import { launchChromium } from './browser.mjs';
import { CHROMIUM_BIN, DIST_DIR, SERVER_BIN } from './paths.mjs';
import { startServer } from './server.mjs';

/** The issue's promise: every open map shows a change within 1 s. */
export const PROPAGATION_MS = 1_000;
/** Generous: a cold Chromium page on a busy 2-core machine. */
export const PAGE_READY_MS = 20_000;
export const DESKTOP = { viewport: { width: 1280, height: 900 } };

/** `[data-testid="seat-7"][data-status="BOOKED"]` */
export function seatSelector(seatId, status) {
  return `[data-testid="seat-${seatId}"]${status ? `[data-status="${status}"]` : ''}`;
}

/**
 * One server and one browser for a test file. A setup failure fails every test that calls
 * `ready()` (rather than cancelling them), so the runner counts failures and prints the cause.
 */
export function useServerAndBrowser({ before, after }) {
  const env = { server: undefined, browser: undefined, pageErrors: [], setupError: undefined };
  before(async () => {
    try {
      env.browser = await launchChromium(CHROMIUM_BIN);
      env.server = await startServer({ bin: SERVER_BIN, uiDir: DIST_DIR });
    } catch (error) {
      env.setupError = error;
    }
  });
  after(async () => {
    await env.browser?.close().catch(() => {});
    await env.server?.stop();
  });
  env.ready = () => {
    if (env.setupError) throw env.setupError;
    return { server: env.server, browser: env.browser };
  };
  return env;
}

/**
 * Opens the UI on `eventId` in a fresh browser context (its own storage, like another person at
 * another screen) and waits until the map is live and drawn.
 */
export async function openEventPage(env, eventId, { name, contextOptions = DESKTOP } = {}) {
  const { server, browser } = env.ready();
  const context = await browser.newContext(contextOptions);
  const page = await context.newPage();
  page.on('pageerror', (error) => env.pageErrors.push(`${name ?? 'page'}: ${error.message}`));
  await page.goto(`${server.baseUrl}/#event=${eventId}`, { timeout: PAGE_READY_MS });
  await waitLive(page, `page ${name ?? ''} never went live: does the server serve GET /api/v1/events/{id}/stream?`);
  await page.waitForSelector('button[data-seat-id]', { timeout: PAGE_READY_MS });
  return page;
}

export async function waitLive(page, why = 'the page never went live', timeout = PAGE_READY_MS) {
  try {
    await page.waitForSelector('[data-testid="connection-status"][data-state="live"]', { timeout });
  } catch (error) {
    throw new Error(`${why} (${error.message})`);
  }
}

export async function api(baseUrl, method, path, body) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export async function demoEvent(baseUrl) {
  const { body: events } = await api(baseUrl, 'GET', '/api/v1/events');
  assert.ok(Array.isArray(events) && events.length > 0, 'a fresh server has the demo event');
  return events.find((event) => event.seatCount === 100) ?? events[0];
}

/** Books through the API, not through any page: only the stream can tell the pages. */
export async function bookViaHttp(baseUrl, seatId, userId, strategy) {
  return api(baseUrl, 'POST', '/api/v1/bookings', { seatId, userId, ...(strategy ? { strategy } : {}) });
}

/** The first seat a page shows as available (in layout order), with its id and label. */
export async function firstAvailableSeat(page, which = 'first') {
  const seat = page.locator('button[data-status="AVAILABLE"]')[which]();
  const seatId = Number(await seat.getAttribute('data-seat-id'));
  const label = await seat.getAttribute('title');
  assert.ok(seatId > 0 && label, 'an available seat exists');
  return { seatId, label, locator: seat };
}
