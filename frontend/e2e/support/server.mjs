// Starts the real boxoffice binary on a free loopback port with a fresh SQLite database, waits until
// it is ready, and stops it again. No fake server: the tests check the UI against the real engine.
// The process can also be stopped and started again on the same port and database while pages stay
// open, which is how the reconnect test takes the server away.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const LOG_TAIL_CHARS = 4_000;

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = /** @type {net.AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * @typedef {object} Server
 * @property {string} baseUrl
 * @property {() => string} logs the tail of the server's output, across restarts
 * @property {() => Promise<void>} stopProcess SIGTERM (then SIGKILL) the process; keeps the database
 * @property {() => Promise<void>} startProcess start it again on the same port and database, wait until ready
 * @property {() => Promise<void>} stop stop for good and delete the database
 */

/**
 * @param {{ bin: string, uiDir: string }} options
 * @returns {Promise<Server>}
 */
export async function startServer({ bin, uiDir }) {
  if (!fs.existsSync(bin)) {
    throw new Error(
      `boxoffice binary not found at ${bin}: build it with \`cargo build\` in the repository root, or set BOXOFFICE_BIN.`,
    );
  }
  if (!fs.existsSync(path.join(uiDir, 'index.html'))) {
    throw new Error(`${uiDir}/index.html not found: build the UI with \`npm run build\` in frontend/ first.`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'boxoffice-e2e-'));
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const args = [
    'serve',
    '--listen',
    `127.0.0.1:${port}`,
    '--database-url',
    `sqlite://${path.join(dataDir, 'e2e.db')}`,
    '--ui-dir',
    uiDir,
  ];
  let output = '';
  const logs = () => output.slice(-LOG_TAIL_CHARS);

  /** The running process, or null between stopProcess and startProcess. */
  let current = null;

  const spawnOnce = () => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    const collect = (chunk) => {
      output = (output + chunk.toString()).slice(-LOG_TAIL_CHARS * 4);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const state = { child, exited: null, exitPromise: null };
    state.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        state.exited = { code, signal };
        resolve(state.exited);
      });
    });
    // Never leave a server behind, even if the test runner dies on an uncaught error.
    state.killOnExit = () => child.kill('SIGKILL');
    process.once('exit', state.killOnExit);
    return state;
  };

  const stopProcess = async () => {
    const state = current;
    current = null;
    if (state === null) return;
    process.removeListener('exit', state.killOnExit);
    if (state.exited === null) {
      state.child.kill('SIGTERM');
      // Unref'd: a pending grace timer must not keep the test process alive after a quick exit.
      const stopped = await Promise.race([state.exitPromise, sleep(STOP_GRACE_MS, 'timeout', { ref: false })]);
      if (stopped === 'timeout') {
        state.child.kill('SIGKILL');
        await state.exitPromise;
      }
    }
  };

  const stop = async () => {
    await stopProcess();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const startProcess = async () => {
    if (current !== null) throw new Error('boxoffice is already running');
    current = spawnOnce();
    const state = current;
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (state.exited !== null) {
        await stopProcess();
        throw new Error(
          `boxoffice exited before it was ready (${JSON.stringify(state.exited)}); command: ${bin} ${args.join(' ')}\n${logs()}`,
        );
      }
      try {
        const response = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
        if (response.status === 200) return;
      } catch {
        // Not listening yet.
      }
      if (Date.now() > deadline) {
        await stopProcess();
        throw new Error(`boxoffice was not ready within ${READY_TIMEOUT_MS / 1000} s at ${baseUrl}/health/ready\n${logs()}`);
      }
      await sleep(100);
    }
  };

  try {
    await startProcess();
  } catch (error) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  return { baseUrl, logs, stopProcess, startProcess, stop };
}
