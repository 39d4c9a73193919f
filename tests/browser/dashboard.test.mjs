// The dashboard in a real browser: headless Chromium (Debian's) driven by playwright-core
// against a real refpointd with bearer tokens on and a slow sim backend.
//
//   node tests/browser/dashboard.test.mjs REFPOINTD_BINARY [SCREENSHOT.png]
//
// The first scenario logs in through the page's token form, takes a reference point from the page and
// watches its bar reach 100%, queues two long jobs on one machine and cancels the running
// one, shows the server's refusal verbatim, kills refpointd (SIGKILL) mid-job and restarts it
// on the same port and database (the page resumes and shows the job interrupted by the
// restart, without a reload and without a gap), and finally restarts it on an empty database
// (the page gets stream.gone and lists everything again). The second runs two cluster nodes:
// the page, on one, takes a reference point of a machine of the other and follows its job to
// the end through the events the first node copies. Every wait is bounded; every process it
// starts is killed by PID at the end.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const sourceDir = path.resolve(here, '..', '..');
const webDir = path.join(sourceDir, 'web');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
  '--disable-background-networking'];
const TOKEN = 'browser-test-token';

const refpointd = process.argv[2] || process.env.REFPOINTD;
const screenshot = path.resolve(process.argv[3] || process.env.DASHBOARD_SCREENSHOT ||
  path.join(sourceDir, 'build', 'dashboard.png'));

/** playwright-core from web/node_modules (installed by scripts/setup.sh), or a clear failure. */
function loadPlaywright() {
  const require = createRequire(path.join(webDir, 'package.json'));
  try {
    return require('playwright-core');
  } catch (e) {
    throw new Error(`playwright-core is not installed in ${webDir}/node_modules ` +
      `(run scripts/setup.sh, which runs npm ci there): ${e.message}`);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or undefined once `ms` passed; the timer never outlives it. */
async function bounded(promise, ms) {
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(resolve, ms); });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `probe` until it answers something truthy; fails naming `what` after `timeoutMs`. */
async function until(what, probe, timeoutMs = 20000, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await sleep(everyMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

// ------------------------------------------------------------------ refpointd

const servers = [];

/** Starts refpointd; resolves once it prints its listening line, with the port it took. */
function startServer({ config, db, inventory, port, extra = [] }) {
  const args = ['--config', config, '--db', db, '--inventory', inventory,
    '--listen', `127.0.0.1:${port}`, ...extra];
  const child = spawn(refpointd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { child, port: 0, log: '' };
  servers.push(server);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`refpointd did not start:\n${server.log}`)), 20000);
    const onData = (chunk) => {
      server.log += chunk.toString();
      const match = /refpointd listening on http:\/\/[^\s]*:(\d+)/.exec(server.log);
      if (match && !server.port) {
        server.port = Number(match[1]);
        clearTimeout(timer);
        resolve(server);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => {
      if (!server.port) {
        clearTimeout(timer);
        reject(new Error(`refpointd exited (${code ?? signal}) before listening:\n${server.log}`));
      }
    });
  });
}

/** SIGKILL by PID, then waits (bounded) until the process is gone. */
async function kill(server) {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  process.kill(server.child.pid, 'SIGKILL');
  await bounded(exited, 5000);
}

async function api(port, method, route, body) {
  const res = await fetch(`http://127.0.0.1:${port}${route}`, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

// ------------------------------------------------------------------ the page

async function jobRow(page, id) {
  return page.evaluate((jobId) => {
    const row = document.querySelector(`#jobs-body tr[data-job-id="${jobId}"]`);
    if (!row) return null;
    const field = (name) => row.querySelector(`[data-field="${name}"]`).textContent.trim();
    const bar = row.querySelector('progress');
    return {
      state: row.dataset.state,
      value: Number(bar.value),
      pct: field('pct'),
      label: field('state'),
      error: field('error'),
      cancel: !row.querySelector('button[data-action="cancel"]').hidden,
    };
  }, id);
}

async function queueOf(page, machine) {
  return page.evaluate((name) => {
    const card = [...document.querySelectorAll('#machines article')]
      .find((c) => c.querySelector('h3').textContent === name);
    if (!card) return null;
    return [...card.querySelectorAll('.queue li')].map((li) => ({ id: li.dataset.jobId, role: li.dataset.role }));
  }, machine);
}

const connection = (page) => page.evaluate(() => document.getElementById('connection').dataset.state);

/** Fills and submits the page's form; answers the id of the job it started. */
async function takeFromPage(page, target, { type = 'rct', consistency = 'application', name = '' } = {}) {
  const before = await page.getAttribute('#take-result', 'data-job-id');
  await page.selectOption('#take-target', { label: target });
  await page.selectOption('#take-type', type);
  await page.selectOption('#take-consistency', consistency);
  await page.fill('#take-name', name);
  await page.click('#take-submit');
  return until(`a job for ${target}`, async () => {
    const id = await page.getAttribute('#take-result', 'data-job-id');
    return id && id !== before ? id : null;
  }, 10000);
}

/** Waits until the job's row is completed, its bar at 100% after showing progress between;
 * answers the final row and the bar values seen. */
async function followToCompletion(page, id, what) {
  const seen = new Set();
  const done = await until(`${what} to complete`, async () => {
    const row = await jobRow(page, id);
    if (row) seen.add(row.value);
    return row && row.state === 'completed' ? row : null;
  }, 30000, 40);
  assert.equal(done.value, 100);
  assert.ok([...seen].some((v) => v > 0 && v < 100), `intermediate progress shown (${[...seen]})`);
  return { done, seen };
}

// ------------------------------------------------------------------ the scenario

test('dashboard in headless Chromium against a real refpointd', { timeout: 170000 }, async () => {
  assert.ok(refpointd && existsSync(refpointd),
    `refpointd binary not found (${refpointd}): pass it as the first argument`);
  assert.ok(existsSync(CHROMIUM),
    `${CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium package`);
  const { chromium } = loadPlaywright();

  const dir = mkdtempSync(path.join(tmpdir(), 'refpoint-browser-'));
  const config = path.join(dir, 'refpointd.toml');
  writeFileSync(config, [
    '[server]', `auth_tokens = ["${TOKEN}"]`,
    '[backend.sim]', 'bytes_per_second = 2000000', 'progress_interval_ms = 50',
    '[jobs]', 'time_before_removal_s = 3600', '',
  ].join('\n'));
  const machine = (n, elementName, sizeBytes, replicationEnabled) => ({
    name: `0B5E0000-0000-4000-8000-00000000000${n}`, elementName, replicationEnabled,
    disks: [{ id: 'os', backend: 'sim', sizeBytes, changeTracking: true }],
  });
  const systems = [
    machine(1, 'quick', 4_000_000, true), // 2 s per reference point
    machine(2, 'slow', 400_000_000, false), // 200 s
    machine(3, 'steady', 60_000_000, true), // 30 s
  ];
  const inventory = path.join(dir, 'inventory.json');
  writeFileSync(inventory, JSON.stringify({ systems }));
  const db = path.join(dir, 'refpoint.db');

  let browser;
  const started = Date.now();
  const step = (what) => console.log(`# ${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);
  try {
    let server = await startServer({ config, db, inventory, port: 0 });
    const port = server.port;
    const col = await api(port, 'POST', '/api/v1/collections',
      { elementName: 'quick+steady', members: [systems[0].name, systems[2].name] });
    assert.equal(col.status, 201, JSON.stringify(col.body));

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 30000 });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(20000);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    let loads = 0;
    page.on('load', () => { loads += 1; });

    // The page asks for the token, keeps it and goes live.
    await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load' });
    await page.waitForSelector('#auth:not([hidden])');
    assert.equal(await connection(page), 'auth');
    await page.fill('#auth-token', TOKEN);
    await page.press('#auth-token', 'Enter');
    await until('the stream to go live', async () => (await connection(page)) === 'live');
    await page.waitForSelector('#machines article h3:text-is("steady")');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('refpoint.token')), TOKEN);
    assert.ok(await page.evaluate(() =>
      [...document.querySelectorAll('input, select')].every((e) => e.labels.length > 0)),
    'every form control has a label');
    step('live after the token form');

    // A reference point taken from the page: its bar moves and reaches 100%.
    const quickJob = await takeFromPage(page, 'quick', { name: 'from-the-page' });
    const { done, seen } = await followToCompletion(page, quickJob, 'the quick job');
    assert.equal(done.pct, '100%');
    await page.waitForSelector('[data-system] .rps li:has-text("from-the-page")');
    step(`quick job completed, bar values seen: ${[...seen].length}`);

    // The server's refusal, verbatim: no log-based reference point without replication.
    const refusal = await api(port, 'POST', `/api/v1/systems/${systems[1].name}/reference-points`, { type: 'log' });
    assert.equal(refusal.status, 409);
    await page.selectOption('#take-target', { label: 'slow' });
    await page.selectOption('#take-type', 'log');
    await page.click('#take-submit');
    await until('the refusal', async () =>
      (await page.textContent('#take-result')).includes(refusal.body.detail));
    assert.equal(await page.getAttribute('#take-result', 'data-kind'), 'error');

    // Two long jobs on one machine: the queue shows one running and one waiting; cancel the first.
    const first = await takeFromPage(page, 'slow', { type: 'rct' });
    const second = await takeFromPage(page, 'slow', { type: 'rct', consistency: 'crash' });
    await until('slow\'s queue: one running, one waiting', async () => {
      const q = await queueOf(page, 'slow');
      return q && q.length === 2 && q[0].id === first && q[0].role === 'running' &&
        q[1].id === second && q[1].role === 'waiting';
    });
    await page.click(`#jobs-body tr[data-job-id="${first}"] button[data-action="cancel"]`);
    const cancelled = await until('the first slow job to be terminated', async () => {
      const row = await jobRow(page, first);
      return row && row.state === 'terminated' ? row : null;
    });
    assert.equal(cancelled.cancel, false);
    await until('the second slow job to run', async () => {
      const q = await queueOf(page, 'slow');
      return q && q.length === 1 && q[0].id === second && q[0].role === 'running';
    });
    step('cancelled a running job from the page');

    // Kill refpointd mid-job and restart it on the same port and database.
    await until('the second slow job to make progress', async () => ((await jobRow(page, second)) || {}).value >= 1);
    await page.evaluate(() => { window.__sameDocument = true; });
    await kill(server);
    step('refpointd killed');
    await until('the page to notice', async () => (await connection(page)) === 'offline', 15000);
    server = await startServer({ config, db, inventory, port });
    step('refpointd restarted');
    await until('the page to reconnect', async () => (await connection(page)) === 'live', 20000);
    const interrupted = await until('the interrupted job to show its end', async () => {
      const row = await jobRow(page, second);
      return row && row.state === 'exception' ? row : null;
    }, 10000);
    assert.equal(interrupted.error, 'interrupted by restart');
    assert.equal(interrupted.label, 'failed');
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
    assert.equal(loads, 1, 'the page was loaded once');
    step('page resumed after the restart');

    // No gap: the page shows every stored job exactly as the server has it.
    const stored = (await api(port, 'GET', '/api/v1/jobs?limit=1000')).body.items;
    for (const job of stored) {
      const row = await jobRow(page, job.id);
      assert.ok(row, `job ${job.id} is shown`);
      assert.equal(row.state, job.state, `job ${job.id} state`);
      assert.equal(row.value, job.percentComplete, `job ${job.id} progress`);
    }

    // A screenshot with work in progress: a collection job and a machine job on its member.
    const collectionJob = await takeFromPage(page, 'quick+steady (2 machines)', { type: 'rct' });
    const steadyJob = await takeFromPage(page, 'steady', { type: 'log', name: 'behind-the-collection' });
    await until('the steady job to wait behind the collection', async () => {
      const q = await queueOf(page, 'steady');
      return q && q.length === 2 && q[0].id === collectionJob && q[1].id === steadyJob &&
        q[1].role === 'waiting';
    });
    await until('the collection job to be well on its way', async () =>
      ((await jobRow(page, collectionJob)) || {}).value >= 20, 20000);
    mkdirSync(path.dirname(screenshot), { recursive: true });
    await page.screenshot({ path: screenshot, fullPage: true });
    step(`screenshot at ${screenshot}`);

    // A database the page's cursor never came from: stream.gone, then everything listed anew.
    await kill(server);
    rmSync(db, { force: true });
    rmSync(`${db}-wal`, { force: true });
    rmSync(`${db}-shm`, { force: true });
    server = await startServer({ config, db, inventory, port });
    await until('the page to list the empty server', async () => page.evaluate(() =>
      document.getElementById('connection').dataset.state === 'live' &&
      document.querySelectorAll('#jobs-body tr').length === 0 &&
      document.querySelectorAll('#collections article').length === 0 &&
      document.querySelectorAll('#machines article').length === 3), 20000);
    assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload after stream.gone');
    step('page relisted after stream.gone');

    assert.deepEqual(pageErrors, [], 'no script errors');
  } finally {
    if (browser) await bounded(browser.close(), 10000);
    for (const s of servers) await kill(s);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a dashboard on one cluster node follows a job of another', { timeout: 90000 }, async () => {
  const { chromium } = loadPlaywright();
  const dir = mkdtempSync(path.join(tmpdir(), 'refpoint-browser-cluster-'));
  const config = path.join(dir, 'refpointd.toml');
  writeFileSync(config, [
    '[server]', `auth_tokens = ["${TOKEN}"]`,
    '[backend.sim]', 'bytes_per_second = 20000000', 'progress_interval_ms = 50', '',
  ].join('\n'));
  const far = {
    name: '0B5E0000-0000-4000-8000-0000000000C1', elementName: 'far', replicationEnabled: false,
    disks: [{ id: 'os', backend: 'sim', sizeBytes: 60_000_000, changeTracking: true }], // 3 s
  };
  const inventoryC = path.join(dir, 'c.json');
  writeFileSync(inventoryC, JSON.stringify({ systems: [far] }));
  const inventoryB = path.join(dir, 'b.json');
  writeFileSync(inventoryB, JSON.stringify({ systems: [] }));
  const node = (name, inventory, peers) => startServer({
    config, db: path.join(dir, `${name}.db`), inventory, port: 0,
    extra: ['--node', name, '--cluster-listen', '127.0.0.1:0', ...peers],
  });

  let browser;
  const first = servers.length;
  try {
    const c = await node('c', inventoryC, []);
    const cAddress = /cluster listening on (\S+)/.exec(c.log)[1];
    const b = await node('b', inventoryB, ['--peer', cAddress]);
    await until('node b to list c\'s machine', async () => {
      const listed = await api(b.port, 'GET', '/api/v1/systems');
      return listed.status === 200 && listed.body.items.some((s) => s.name === far.name && s.node === 'c');
    });

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 30000 });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.setDefaultTimeout(20000);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`http://127.0.0.1:${b.port}/`, { waitUntil: 'load' });
    await page.fill('#auth-token', TOKEN);
    await page.press('#auth-token', 'Enter');
    await until('the stream to go live', async () => (await connection(page)) === 'live');
    await page.waitForSelector('#machines article h3:text-is("far")');
    assert.match(await page.textContent(`[data-system="${far.name}"] [data-field="meta"]`), /node c/);

    // Taken through b, run on c, followed on b's page from c's copied events.
    const job = await takeFromPage(page, 'far', { name: 'across-nodes' });
    await followToCompletion(page, job, 'the job on c, on b\'s page');
    await page.waitForSelector(`[data-system="${far.name}"] .rps li:has-text("across-nodes")`);
    const onC = await api(c.port, 'GET', `/api/v1/jobs/${job}`);
    assert.equal(onC.body.state, 'completed', 'the job ran on c');
    assert.deepEqual(pageErrors, [], 'no script errors');
  } finally {
    if (browser) await bounded(browser.close(), 10000);
    for (const s of servers.slice(first)) await kill(s);
    rmSync(dir, { recursive: true, force: true });
  }
});
