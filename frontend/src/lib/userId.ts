// The booking user id, validated exactly as the API does (1–64 of [A-Za-z0-9._:@-]) so a typo is
// caught before a round trip, and remembered so a person types it once.

const USER_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,64}$/;
const STORAGE_KEY = 'boxoffice.userId';

export function validateUserId(value: string): string | null {
  if (value.length === 0) return 'Enter a user id.';
  if (value.length > 64) return 'A user id has at most 64 characters.';
  if (!USER_ID_PATTERN.test(value)) return 'Use only letters, digits and . _ : @ -';
  return null;
}

export function loadUserId(storage: Pick<Storage, 'getItem'> | undefined = safeStorage()): string {
  try {
    return storage?.getItem(STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

export function saveUserId(value: string, storage: Pick<Storage, 'setItem'> | undefined = safeStorage()): void {
  try {
    storage?.setItem(STORAGE_KEY, value);
  } catch {
    // Private mode or a full quota: remembering is a convenience, booking still works.
  }
}

function safeStorage(): Storage | undefined {
  try {
    return typeof localStorage === 'undefined' ? undefined : localStorage;
  } catch {
    return undefined;
  }
}
