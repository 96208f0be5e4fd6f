// Where the end-to-end test finds what it drives. Every path can be overridden by the environment.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const FRONTEND_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST_DIR = path.join(FRONTEND_DIR, 'dist');
export const ARTIFACTS_DIR = path.join(FRONTEND_DIR, 'e2e', 'artifacts');
export const SERVER_BIN = path.resolve(FRONTEND_DIR, process.env.BOXOFFICE_BIN ?? '../target/debug/boxoffice');
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
