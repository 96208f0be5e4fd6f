// Starts the real boxoffice binary on a free loopback port with a fresh SQLite database, waits until
// it is ready, and stops it again. No fake server: the test checks the UI against the real engine.
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
 * @param {{ bin: string, uiDir: string }} options
 * @returns {Promise<{ baseUrl: string, logs: () => string, stop: () => Promise<void> }>}
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
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
  let output = '';
  const collect = (chunk) => {
    output = (output + chunk.toString()).slice(-LOG_TAIL_CHARS * 4);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve(exited);
    });
  });
  // Never leave a server behind, even if the test runner dies on an uncaught error.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const logs = () => output.slice(-LOG_TAIL_CHARS);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (exited === null) {
      child.kill('SIGTERM');
      const stopped = await Promise.race([exitPromise, sleep(STOP_GRACE_MS, 'timeout')]);
      if (stopped === 'timeout') {
        child.kill('SIGKILL');
        await exitPromise;
      }
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited !== null) {
      await stop();
      throw new Error(
        `boxoffice exited before it was ready (${JSON.stringify(exited)}); command: ${bin} ${args.join(' ')}\n${logs()}`,
      );
    }
    try {
      const response = await fetch(`${baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      const tail = logs();
      await stop();
      throw new Error(`boxoffice was not ready within ${READY_TIMEOUT_MS / 1000} s at ${baseUrl}/health/ready\n${tail}`);
    }
    await sleep(200);
  }
  return { baseUrl, logs, stop };
}
