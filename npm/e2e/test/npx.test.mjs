// `npx thunderid-mock`, as a developer or Playwright's webServer runs it.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

test('npx thunderid-mock --version names the crate version', () => {
  const version = JSON.parse(
    readFileSync(new URL('../node_modules/thunderid-mock/package.json', import.meta.url)),
  ).version;
  const out = execFileSync(npx, ['--no-install', 'thunderid-mock', '--version'], { encoding: 'utf8' });
  assert.equal(out.trim(), `thunderid-mock ${version}`);
});

test('npx thunderid-mock serves discovery and stops on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'thunderid-mock-npx-'));
  const readyFile = join(dir, 'ready.json');
  const started = performance.now();
  // Its own process group, signalled as a whole as Ctrl-C and Playwright's webServer do: npm exec
  // does not pass on a SIGTERM sent to npm alone.
  const child = spawn(npx, ['--no-install', 'thunderid-mock', '--port', '0', '--ready-file', readyFile], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  let banner = '';
  child.stdout.on('data', (chunk) => {
    banner += chunk;
  });
  // 'close' comes once npx has exited and every holder of its stdout (the launcher, the binary)
  // has closed it: the whole tree is gone.
  const closed = new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  try {
    // Polls, like a user's `curl --retry` or Playwright's webServer `url`, until the first 200.
    let status;
    let ready;
    for (let i = 0; i < 2000 && status !== 200; i += 1) {
      try {
        ready ??= JSON.parse(readFileSync(readyFile, 'utf8'));
        status = (await fetch(`${ready.localUrl}/.well-known/openid-configuration`)).status;
      } catch {
        await sleep(5);
      }
    }
    const elapsed = performance.now() - started;
    assert.equal(status, 200);
    assert.match(banner, /^thunderid-mock listening on http:\/\/127\.0\.0\.1:\d+\n/);
    record('npxStartToDiscoveryMs', elapsed);
  } finally {
    process.kill(-child.pid, 'SIGTERM');
  }
  const { code, signal } = await closed;
  assert.ok(code === 0 || signal === 'SIGTERM', `exit code ${code}, signal ${signal}`);
  rmSync(dir, { recursive: true, force: true });
});

/** Figures for BENCHMARKS.md, collected by `cargo xtask npm-e2e`. */
function record(name, value) {
  const file = process.env.THUNDERID_E2E_FIGURES;
  if (!file) return;
  let figures = {};
  try {
    figures = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // the first figure
  }
  figures[name] = Math.round(value * 10) / 10;
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
}
