// End to end: the map is drawn from the event's own layout (an event created here with two sections
// of different shapes), and the page works on a phone-width screen.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { api, demoEvent, openEventPage, seatSelector, useServerAndBrowser } from './support/app.mjs';
import { ARTIFACTS_DIR } from './support/paths.mjs';

/** Two sections of different shapes: 3 rows of 8, then 2 rows of 5. */
const HALL = {
  name: 'E2E Hall',
  sections: [
    { name: 'Stalls', rows: 3, seatsPerRow: 8 },
    { name: 'Balcony', rows: 2, seatsPerRow: 5 },
  ],
};
const ROW_LETTERS = 'ABCDEFGHIJ';

/** iPhone 12–15 class screen, as a phone browser presents it (meta viewport honoured, touch). */
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };

describe('seat map layout and phone width against the real server', { timeout: 300_000 }, () => {
  const env = useServerAndBrowser({ before, after });

  it('draws a two-section event exactly as its layout says: headings, row labels, seats per row', async () => {
    const { server } = env.ready();
    const created = await api(server.baseUrl, 'POST', '/api/v1/events', HALL);
    assert.equal(created.status, 201, `admin POST /api/v1/events from loopback: ${JSON.stringify(created.body)}`);
    const eventId = created.body.id;
    const { body: seats } = await api(server.baseUrl, 'GET', `/api/v1/events/${eventId}/seats`);
    assert.equal(seats.length, 34);

    const page = await openEventPage(env, eventId, { name: 'hall' });
    assert.ok((await page.getByTestId('event-name').innerText()).startsWith(HALL.name));
    assert.equal(await page.getByTestId('seat-total').innerText(), '34 seats');
    assert.equal(await page.locator('button[data-seat-id]').count(), 34);
    assert.equal(await page.getByTestId('count-available').innerText(), '34');

    // What is drawn, read back from the DOM: sections in order, each with its rows and seat labels.
    const drawn = await page.getByTestId('seat-section').evaluateAll((sections) =>
      sections.map((section) => ({
        title: section.querySelector('[data-testid="section-title"]')?.textContent,
        rows: [...section.querySelectorAll('[data-testid="seat-row"]')].map((row) => ({
          label: row.querySelector('[data-testid="row-label"]')?.textContent,
          seats: [...row.querySelectorAll('button[data-seat-id]')].map((b) => b.getAttribute('title')),
        })),
      })),
    );
    const expected = HALL.sections.map((section) => ({
      title: section.name,
      rows: Array.from({ length: section.rows }, (_, r) => ({
        label: ROW_LETTERS[r],
        seats: Array.from({ length: section.seatsPerRow }, (_, n) => `${ROW_LETTERS[r]}-${n + 1}`),
      })),
    }));
    assert.deepEqual(drawn, expected);

    // Every seat the server lists is a button labelled with its seat, section and status.
    for (const seat of seats) {
      assert.equal(
        await page.getByTestId(`seat-${seat.seatId}`).getAttribute('aria-label'),
        `Seat ${seat.seatNumber}, ${seat.section}, available`,
      );
    }
    // The rows of the two sections sit side by side with different widths, each centred under the stage.
    const widths = await page.getByTestId('seat-row').evaluateAll((rows) => rows.map((row) => row.children.length));
    assert.deepEqual(widths, [10, 10, 10, 7, 7]); // seats plus the two row labels

    // A booking in the balcony shows in the balcony: row labels repeat, seat ids do not.
    const balconyB3 = seats.find((s) => s.section === 'Balcony' && s.seatNumber === 'B-3');
    const booked = await api(server.baseUrl, 'POST', '/api/v1/bookings', { seatId: balconyB3.seatId, userId: 'hall-1' });
    assert.equal(booked.status, 201);
    await page.waitForSelector(seatSelector(balconyB3.seatId, 'BOOKED'), { timeout: 1_000 });
    assert.equal(await page.getByTestId('count-booked').innerText(), '1');
    const stallsB3 = seats.find((s) => s.section === 'Stalls' && s.seatNumber === 'B-3');
    assert.equal(await page.getByTestId(`seat-${stallsB3.seatId}`).getAttribute('data-status'), 'AVAILABLE');
    await page.context().close();
  });

  it('works at phone width (390×844): map and simulator reachable, no sideways scrolling of the page', async () => {
    const { server } = env.ready();
    const eventId = (await demoEvent(server.baseUrl)).id;
    const page = await openEventPage(env, eventId, { name: 'phone', contextOptions: PHONE });

    const overflow = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      bodyScrollWidth: document.body.scrollWidth,
    }));
    assert.equal(overflow.clientWidth, 390, 'the meta viewport makes the layout viewport the phone width');
    assert.ok(
      overflow.scrollWidth <= overflow.clientWidth && overflow.bodyScrollWidth <= overflow.clientWidth,
      `the document does not scroll sideways: ${JSON.stringify(overflow)}`,
    );

    // Every part of the page fits the screen's width (the seats may scroll inside their own box).
    for (const testId of ['connection-status', 'event-picker', 'seat-map-panel', 'seat-map', 'simulator', 'sim-start']) {
      const element = page.getByTestId(testId);
      await element.scrollIntoViewIfNeeded({ timeout: 5_000 });
      assert.equal(await element.isVisible(), true, `${testId} is visible`);
      const box = await element.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390 + 0.5, `${testId} fits within 390 px: ${JSON.stringify(box)}`);
    }
    const scroller = await page.getByTestId('seat-map-scroll').evaluate((el) => ({
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
      overflowX: getComputedStyle(el).overflowX,
    }));
    assert.equal(scroller.overflowX, 'auto', 'a map wider than the phone scrolls inside its own box');
    // The demo's rows of 10 fit a phone without scrolling at all (larger maps scroll inside the box).
    assert.ok(scroller.scrollWidth <= scroller.clientWidth, `rows of 10 seats fit: ${JSON.stringify(scroller)}`);

    // Seats are big enough to tap, and a tap opens a booking form that fits the screen.
    const seat = page.locator('button[data-status="AVAILABLE"]').first();
    await seat.scrollIntoViewIfNeeded();
    const seatBox = await seat.boundingBox();
    assert.ok(seatBox && seatBox.width >= 24 && seatBox.height >= 24, `seat tap target ${JSON.stringify(seatBox)}`);
    await seat.tap();
    const form = page.getByTestId('booking-form');
    await form.waitFor({ timeout: 2_000 });
    const formBox = await form.boundingBox();
    assert.ok(formBox && formBox.x >= 0 && formBox.x + formBox.width <= 390 && formBox.y + formBox.height <= 844, JSON.stringify(formBox));
    await page.getByTestId('booking-cancel').tap();
    await form.waitFor({ state: 'detached', timeout: 2_000 });

    // The simulator's controls are reachable and usable by touch.
    await page.getByTestId('sim-target').scrollIntoViewIfNeeded();
    await page.getByTestId('sim-target').tap();
    await page.getByTestId('sim-target').fill('J-10');
    await page.getByTestId('sim-target-resolved').waitFor({ timeout: 2_000 });
    assert.equal(await page.getByTestId('sim-start').isEnabled(), true);

    fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
    const file = path.join(ARTIFACTS_DIR, 'seatmap-phone.png');
    await page.getByTestId('seat-map-panel').scrollIntoViewIfNeeded();
    await page.getByTestId('seat-map-panel').screenshot({ path: file, timeout: 10_000 });
    assert.ok(fs.statSync(file).size > 1_000);
    await page.context().close();
  });

  it('raised no uncaught errors', () => {
    env.ready();
    assert.deepEqual(env.pageErrors, []);
  });
});
