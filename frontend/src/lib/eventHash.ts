// The selected event lives in the URL hash (`#event=3`) so a reload or a shared link keeps it, and
// the server needs no route for it.

export function parseEventHash(hash: string): number | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const raw = params.get('event');
  if (raw === null || !/^\d+$/.test(raw)) return null;
  const id = Number(raw);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export function formatEventHash(eventId: number): string {
  return `#event=${eventId}`;
}

/** The event to show: the one in the URL if it exists, else the first. */
export function chooseEvent(fromUrl: number | null, eventIds: readonly number[]): number | null {
  if (fromUrl !== null && eventIds.includes(fromUrl)) return fromUrl;
  return eventIds[0] ?? null;
}
