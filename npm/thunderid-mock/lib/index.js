'use strict';
// startMock(): the thunderid-mock binary as a child process, and a handle over its control plane
// (/__mock/*) for test runners. No dependencies beyond Node's own modules.

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const { binaryPath } = require('./binary.js');

/** How much of the binary's output is kept for error messages. */
const OUTPUT_TAIL = 16 * 1024;

/** Servers still running, stopped if the Node process exits without stopping them. */
const running = new Set();
let exitHookInstalled = false;

async function startMock(options = {}) {
  const {
    port = 0,
    bind,
    fixtures,
    publicUrl,
    tls = false,
    args = [],
    env,
    binary = binaryPath(),
    startTimeoutMs = 15000,
    stdio = 'pipe',
  } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`startMock: port must be an integer in 0..65535, not ${port}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'thunderid-mock-'));
  const readyFile = path.join(dir, 'ready.json');
  const argv = ['--port', String(port), '--ready-file', readyFile];
  if (bind) argv.push('--bind', bind);
  if (fixtures) argv.push('--fixtures', path.resolve(fixtures));
  if (publicUrl) argv.push('--public-url', publicUrl);
  if (tls) argv.push('--tls');
  argv.push(...args);

  const child = spawn(binary, argv, {
    stdio: ['ignore', stdio, stdio],
    env: { ...process.env, ...env },
    windowsHide: true,
  });
  const output = captureOutput(child);
  installExitHook();
  running.add(child);
  child.once('exit', () => running.delete(child));

  let ready;
  try {
    ready = await waitUntilReady(child, readyFile, startTimeoutMs, output);
  } catch (error) {
    child.kill('SIGKILL');
    removeDir(dir);
    throw error;
  }
  return createHandle(child, ready, dir);
}

/** Keep the tail of stdout and stderr (the banner, a fixture error) for error messages. */
function captureOutput(child) {
  let text = '';
  const keep = (chunk) => {
    text = (text + chunk.toString('utf8')).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { text: () => text };
}

function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/**
 * Resolve with the ready file's contents once the binary has written it (it does so after binding
 * and before printing its banner); reject if the binary exits or the time runs out first.
 */
function waitUntilReady(child, readyFile, timeoutMs, output) {
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error, value) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      clearTimeout(deadline);
      child.off('exit', onExit);
      child.off('error', onError);
      child.stdout?.off('data', check);
      if (error) reject(error);
      else resolve(value);
    };
    const check = () => {
      let text;
      try {
        text = fs.readFileSync(readyFile, 'utf8');
      } catch {
        return;
      }
      try {
        finish(null, JSON.parse(text));
      } catch (error) {
        finish(new Error(`thunderid-mock wrote an unreadable ready file: ${error.message}`));
      }
    };
    const onExit = (code, signal) => {
      const how = signal ? `signal ${signal}` : `code ${code}`;
      finish(new Error(`thunderid-mock exited with ${how} before it was ready${describe(output)}`));
    };
    const onError = (error) => {
      finish(new Error(`thunderid-mock cannot run: ${error.message}`));
    };
    const poll = setInterval(check, 5);
    const deadline = setTimeout(() => {
      finish(new Error(`thunderid-mock was not ready within ${timeoutMs} ms${describe(output)}`));
    }, timeoutMs);
    child.once('exit', onExit);
    child.once('error', onError);
    // The ready file is written before the banner: the first output means it is there.
    child.stdout?.on('data', check);
  });
}

function describe(output) {
  const text = output.text().trim();
  return text ? `:\n${text}` : '';
}

function createHandle(child, ready, dir) {
  const ca = ready.tlsCertificate ? fs.readFileSync(ready.tlsCertificate) : undefined;
  const control = (method, pathAndQuery, body) =>
    request(ready.localUrl + pathAndQuery, method, body, ca);
  let stopping;

  const handle = {
    baseUrl: ready.baseUrl,
    issuer: ready.issuer,
    localUrl: ready.localUrl,
    port: ready.port,
    pid: child.pid,
    tlsCertificate: ready.tlsCertificate,
    discoveryUrl: `${ready.baseUrl}/.well-known/openid-configuration`,

    stop() {
      stopping ??= stopChild(child).finally(() => removeDir(dir));
      return stopping;
    },

    async reset() {
      await control('POST', '/__mock/reset');
    },

    clock: {
      async now() {
        return (await control('GET', '/__mock/clock')).now;
      },
      async advance(seconds) {
        if (!Number.isInteger(seconds) || seconds < 0) {
          throw new TypeError(`clock.advance: seconds must be a non-negative integer, not ${seconds}`);
        }
        return (await control('POST', '/__mock/clock', { advanceSeconds: seconds })).now;
      },
    },

    outbox(recipient) {
      return control('GET', `/__mock/outbox${query({ recipient })}`);
    },

    async lastCodeSentTo(recipient) {
      const messages = await handle.outbox(recipient);
      for (let i = messages.length - 1; i >= 0; i -= 1) {
        if (messages[i].code != null) return messages[i].code;
      }
      return undefined;
    },

    async requests(filter = {}) {
      const { path: only, method, status } = typeof filter === 'string' ? { path: filter } : filter;
      const entries = await control('GET', `/__mock/requests${query({ path: only })}`);
      return entries.filter(
        (entry) =>
          (method === undefined || entry.method === method.toUpperCase()) &&
          (status === undefined || entry.status === status),
      );
    },

    stats() {
      return control('GET', '/__mock/stats');
    },

    faults: {
      add(rule) {
        return control('POST', '/__mock/faults', rule);
      },
      list() {
        return control('GET', '/__mock/faults');
      },
      async remove(id) {
        await control('DELETE', `/__mock/faults/${encodeURIComponent(id)}`);
      },
      async clear() {
        await control('DELETE', '/__mock/faults');
      },
    },

    keys: {
      list() {
        return control('GET', '/__mock/keys');
      },
      add(key) {
        return control('POST', '/__mock/keys', key);
      },
      rotate(alg) {
        return control('POST', '/__mock/keys/rotate', alg === undefined ? {} : { alg });
      },
      activate(kid) {
        return control('POST', `/__mock/keys/${encodeURIComponent(kid)}/activate`);
      },
      retire(kid) {
        return control('POST', `/__mock/keys/${encodeURIComponent(kid)}/retire`);
      },
      async staleJwks(fetches) {
        if (!Number.isInteger(fetches) || fetches < 0) {
          throw new TypeError(`keys.staleJwks: fetches must be a non-negative integer, not ${fetches}`);
        }
        await control('POST', '/__mock/keys/stale-jwks', { fetches });
      },
      fetches() {
        return control('GET', '/__mock/keys/fetches');
      },
    },
  };
  if (typeof Symbol.asyncDispose === 'symbol') {
    handle[Symbol.asyncDispose] = handle.stop;
  }
  return handle;
}

/** SIGTERM (the binary shuts down gracefully), SIGKILL after 5 s. */
function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function removeDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

function query(params) {
  const pairs = Object.entries(params).filter(([, value]) => value !== undefined && value !== null);
  return pairs.length ? `?${new URLSearchParams(pairs)}` : '';
}

/** One control-plane call: JSON in, JSON (or nothing, for 204) out; anything but 2xx throws. */
function request(url, method, body, ca) {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = { accept: 'application/json' };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  return new Promise((resolve, reject) => {
    const req = transport.request(target, { method, headers, ca, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode < 200 || res.statusCode > 299) {
          const error = new Error(`${method} ${target.pathname} answered ${res.statusCode}: ${text}`);
          error.status = res.statusCode;
          error.body = text;
          reject(error);
          return;
        }
        try {
          resolve(text === '' ? undefined : JSON.parse(text));
        } catch (error) {
          reject(new Error(`${method} ${target.pathname} answered non-JSON: ${error.message}`));
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

module.exports = { startMock, binaryPath };
