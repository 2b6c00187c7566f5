// Start-up figures for BENCHMARKS.md, run in target/npm-e2e after `cargo xtask npm-e2e`:
//   node bench/startup.mjs [runs]
// For each way of starting the mock, the time from spawn to the first 200 from discovery (polled
// every 2 ms through the ready file), median of the runs.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { binaryPath } from 'thunderid-mock';

const runs = Number(process.argv[2] ?? 7);
const ways = {
  'npx thunderid-mock': ['npx', ['--no-install', 'thunderid-mock']],
  'node_modules/.bin/thunderid-mock (the launcher)': ['node_modules/.bin/thunderid-mock', []],
  'the platform binary itself': [binaryPath(), []],
};

async function once(command, args) {
  const dir = mkdtempSync(join(tmpdir(), 'thunderid-mock-bench-'));
  const readyFile = join(dir, 'ready.json');
  const started = performance.now();
  const child = spawn(command, [...args, '--port', '0', '--ready-file', readyFile], {
    stdio: 'ignore',
    detached: true,
  });
  const closed = new Promise((resolve) => child.once('close', resolve));
  try {
    for (;;) {
      try {
        const { localUrl } = JSON.parse(readFileSync(readyFile, 'utf8'));
        const response = await fetch(`${localUrl}/.well-known/openid-configuration`);
        if (response.status === 200) return performance.now() - started;
      } catch {
        await sleep(2);
      }
      if (performance.now() - started > 10000) throw new Error(`${command}: no discovery in 10 s`);
    }
  } finally {
    process.kill(-child.pid, 'SIGTERM');
    await closed;
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
for (const [name, [command, args]] of Object.entries(ways)) {
  const times = [];
  for (let i = 0; i < runs; i += 1) times.push(await once(command, args));
  console.log(`| ${name} | ${median(times).toFixed(0)} ms | ${Math.min(...times).toFixed(0)}–${Math.max(...times).toFixed(0)} ms |`);
}
