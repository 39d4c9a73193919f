// The refpoint dashboard: state from the REST API, kept live by the event stream.
//
// Consistency: a fresh start opens the stream without `since`; its `stream.caughtUp` names
// the cursor where live events begin. Only then are the resources listed, and every event
// received meanwhile is buffered and applied on top of the lists, in order. Events carry
// whole resources, so the result is the state at the newest event, with nothing missed.
// A dropped connection resumes with `since=` the last cursor received (no gap, no
// duplicate; cursors already applied are skipped anyway). `stream.gone` (close 4410) means
// the history moved past our cursor: everything is listed again from scratch.
'use strict';

(() => {
  const TOKEN_KEY = 'refpoint.token';
  const JOB_PAGE = 1000;
  const JOB_PAGES_MAX = 20;
  const FINISHED_JOBS_KEPT = 300;
  const SEEN_CURSORS_KEPT = 4096;
  const BACKOFF_MIN_MS = 250;
  const BACKOFF_MAX_MS = 5000;

  const state = {
    systems: new Map(), // name -> system
    collections: new Map(), // id -> collection
    rps: new Map(), // id -> reference point
    crps: new Map(), // id -> collection reference point
    jobs: new Map(), // id -> job
  };

  let cursor = null; // the last cursor received (or of the last stream.caughtUp)
  const seen = new Set(); // cursors applied, oldest first (bounded)
  let generation = 0; // a full restart makes every older load and socket stale
  let loading = false; // lists not installed yet: events are buffered
  let loadInFlight = false;
  let buffer = [];
  let ws = null;
  let backoff = BACKOFF_MIN_MS;
  let reconnectTimer = null;
  let renderQueued = false;

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- HTTP

  class ApiError extends Error {
    constructor(status, detail, title) {
      super(detail);
      this.status = status;
      this.title = title || '';
    }
  }

  /** The server's refusal as it said it: status, title and its `detail` verbatim. */
  function describe(err) {
    if (!(err instanceof ApiError) || err.status === 0) return err.message;
    return `${err.status}${err.title ? ' ' + err.title : ''}: ${err.message}`;
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY) || '';
  }

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (token()) headers.Authorization = 'Bearer ' + token();
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'the server cannot be reached');
    }
    const text = await res.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (e) {
      data = null;
    }
    if (!res.ok) {
      const detail = data && typeof data.detail === 'string' ? data.detail : text || res.statusText;
      throw new ApiError(res.status, detail, data && typeof data.title === 'string' ? data.title : res.statusText);
    }
    return data;
  }

  const enc = encodeURIComponent;

  async function listJobs() {
    const jobs = [];
    let after = null;
    for (let page = 0; page < JOB_PAGES_MAX; ++page) {
      const q = new URLSearchParams({ limit: String(JOB_PAGE) });
      if (after) q.set('after', after);
      const data = await api('GET', '/api/v1/jobs?' + q);
      jobs.push(...data.items);
      if (!data.next) return jobs;
      after = data.next;
    }
    // Too many to list: the oldest pages are in; make sure every unfinished job is too.
    const running = await api('GET', `/api/v1/jobs?state=running&limit=${JOB_PAGE}`);
    return jobs.concat(running.items);
  }

  async function eachLimited(items, limit, fn) {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await fn(items[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  }

  /** Lists of one resource that may vanish meanwhile (404 = it has none now). */
  async function itemsOf(path) {
    try {
      return (await api('GET', path)).items;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return [];
      throw e;
    }
  }

  async function loadAll() {
    const [systems, collections, jobs] = await Promise.all([
      api('GET', '/api/v1/systems'),
      api('GET', '/api/v1/collections'),
      listJobs(),
    ]);
    const rps = [];
    const crps = [];
    await Promise.all([
      eachLimited(systems.items, 4, async (s) =>
        rps.push(...(await itemsOf(`/api/v1/systems/${enc(s.name)}/reference-points`)))),
      eachLimited(collections.items, 2, async (c) =>
        crps.push(...(await itemsOf(`/api/v1/collections/${enc(c.id)}/reference-points`)))),
    ]);
    return { systems: systems.items, collections: collections.items, jobs, rps, crps };
  }

  function install(snapshot) {
    for (const map of Object.values(state)) map.clear();
    for (const s of snapshot.systems) state.systems.set(s.name, s);
    for (const c of snapshot.collections) state.collections.set(c.id, c);
    for (const j of snapshot.jobs) state.jobs.set(j.id, j);
    for (const r of snapshot.rps) state.rps.set(r.id, r);
    for (const r of snapshot.crps) state.crps.set(r.id, r);
  }

  // ---------------------------------------------------------------- events

  function remember(c) {
    seen.add(c);
    if (seen.size > SEEN_CURSORS_KEPT) seen.delete(seen.values().next().value);
  }

  const isFinished = (job) => job.jobState !== 4 && job.jobState !== 6;

  /** A job learnt from an answer rather than the stream: never let it undo newer news. */
  function offerJob(job) {
    const known = state.jobs.get(job.id);
    if (!known || (!isFinished(known) && isFinished(job))) state.jobs.set(job.id, job);
    scheduleRender();
  }

  function applyEvent(ev) {
    if (ev.cursor !== undefined) {
      if (seen.has(ev.cursor)) return;
      remember(ev.cursor);
    }
    const [family, action] = String(ev.type).split('.');
    switch (family) {
      case 'job':
        if (ev.job) state.jobs.set(ev.job.id, ev.job);
        break;
      case 'referencePoint':
        if (!ev.referencePoint) break;
        if (action === 'deleted') state.rps.delete(ev.referencePoint.id);
        else state.rps.set(ev.referencePoint.id, ev.referencePoint);
        break;
      case 'collectionReferencePoint':
        if (!ev.collectionReferencePoint) break;
        if (action === 'deleted') state.crps.delete(ev.collectionReferencePoint.id);
        else state.crps.set(ev.collectionReferencePoint.id, ev.collectionReferencePoint);
        break;
      case 'system':
        if (!ev.system) break;
        if (action === 'deleted') state.systems.delete(ev.system.name);
        else state.systems.set(ev.system.name, ev.system);
        break;
      case 'collection':
        if (!ev.collection) break;
        if (action === 'deleted') state.collections.delete(ev.collection.id);
        else state.collections.set(ev.collection.id, ev.collection);
        break;
      default:
        break;
    }
    scheduleRender();
  }

  // ---------------------------------------------------------------- connection

  function setConnection(kind, text) {
    const el = $('connection');
    el.dataset.state = kind;
    setText($('connection-text'), text);
  }

  function closeSocket() {
    clearTimeout(reconnectTimer);
    reconnectTimer = null;
    const old = ws;
    ws = null;
    if (old) old.close(1000);
  }

  /** Lists everything again, from a fresh subscription. */
  function restart() {
    generation += 1;
    closeSocket();
    cursor = null;
    seen.clear();
    loading = true;
    loadInFlight = false;
    buffer = [];
    connect();
  }

  function scheduleReconnect(why) {
    clearTimeout(reconnectTimer);
    const delay = Math.round(backoff * (1 + Math.random() * 0.2));
    backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
    setConnection('offline', `${why}: retrying in ${(delay / 1000).toFixed(1)} s`);
    const gen = generation;
    reconnectTimer = setTimeout(() => {
      if (gen !== generation) return;
      if (cursor === null) restart();
      else connect();
    }, delay);
  }

  /** Checks the server (and the token) over HTTP, then opens the stream from `cursor`. */
  async function connect() {
    const gen = generation;
    setConnection('connecting', cursor === null ? 'Connecting…' : 'Reconnecting…');
    try {
      await api('GET', '/api/v1/jobs?limit=1');
    } catch (e) {
      if (gen !== generation) return;
      if (e.status === 401) return needToken(e.message);
      return scheduleReconnect(e.status ? describe(e) : 'Server unreachable');
    }
    if (gen !== generation) return;
    const q = new URLSearchParams();
    if (cursor !== null) q.set('since', cursor);
    if (token()) q.set('access_token', token());
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = q.toString();
    const socket = new WebSocket(`${scheme}//${location.host}/api/v1/events${query ? '?' + query : ''}`);
    ws = socket;
    let gone = false;
    socket.onmessage = (message) => {
      if (socket !== ws) return;
      let ev;
      try {
        ev = JSON.parse(message.data);
      } catch (e) {
        return;
      }
      if (ev.type === 'stream.gone') {
        gone = true;
        return;
      }
      if (ev.type === 'stream.caughtUp') {
        cursor = ev.cursor;
        backoff = BACKOFF_MIN_MS;
        setConnection('live', 'Live');
        setText($('cursor'), String(cursor));
        if (loading && !loadInFlight) load(gen);
        return;
      }
      if (ev.cursor !== undefined) {
        cursor = ev.cursor;
        setText($('cursor'), String(cursor));
      }
      if (loading) buffer.push(ev);
      else applyEvent(ev);
    };
    socket.onclose = (close) => {
      if (socket !== ws) return;
      ws = null;
      if (gone || close.code === 4410) {
        setConnection('connecting', 'Event history moved on: reloading…');
        restart();
        return;
      }
      const why = close.code === 4408 ? 'Fell behind the stream' : 'Disconnected';
      scheduleReconnect(why);
    };
  }

  async function load(gen) {
    loadInFlight = true;
    try {
      const snapshot = await loadAll();
      if (gen !== generation) return;
      install(snapshot);
      const pending = buffer;
      buffer = [];
      loading = false;
      for (const ev of pending) applyEvent(ev);
      scheduleRender();
    } catch (e) {
      if (gen !== generation) return;
      if (e.status === 401) return needToken(e.message);
      showNotice('Could not list the resources: ' + describe(e));
      if (ws) ws.close(); // reconnects, then lists again
    } finally {
      if (gen === generation) loadInFlight = false;
    }
  }

  function needToken(reason) {
    generation += 1;
    closeSocket();
    setConnection('auth', 'Token needed');
    setText($('auth-reason'), token() ? `The server refused the token: ${reason}` : 'This server needs a bearer token.');
    $('auth').hidden = false;
    $('auth-token').focus();
  }

  // ---------------------------------------------------------------- actions

  function showNotice(text) {
    setText($('notice-text'), text);
    $('notice').hidden = false;
  }

  async function take(event) {
    event.preventDefault();
    const out = $('take-result');
    const [kind, id] = ($('take-target').value || '').split(/:(.*)/s);
    if (!id) {
      out.dataset.kind = 'error';
      setText(out, 'Choose a machine or a collection first.');
      return;
    }
    const body = { type: $('take-type').value, consistencyLevel: $('take-consistency').value };
    const name = $('take-name').value.trim();
    if (name) body.elementName = name;
    const path = kind === 'collection' ? `/api/v1/collections/${enc(id)}/reference-points`
      : `/api/v1/systems/${enc(id)}/reference-points`;
    const button = $('take-submit');
    button.disabled = true;
    try {
      const job = await api('POST', path, body);
      offerJob(job);
      out.dataset.kind = 'ok';
      setText(out, `Job ${job.id} started for ${targetName(job.target)}.`);
      out.dataset.jobId = job.id;
    } catch (e) {
      out.dataset.kind = 'error';
      delete out.dataset.jobId;
      setText(out, 'Refused — ' + describe(e));
    } finally {
      button.disabled = false;
    }
  }

  async function act(button) {
    const { action, id } = button.dataset;
    button.disabled = true;
    try {
      if (action === 'cancel') {
        offerJob(await api('POST', `/api/v1/jobs/${enc(id)}/cancel`));
      } else if (action === 'destroy-rp') {
        offerJob(await api('DELETE', `/api/v1/reference-points/${enc(id)}`));
      } else if (action === 'destroy-crp') {
        offerJob(await api('DELETE', `/api/v1/reference-point-collections/${enc(id)}`));
      }
    } catch (e) {
      const what = action === 'cancel' ? `Cancelling job ${id}` : `Destroying reference point ${id}`;
      showNotice(`${what} was refused — ${describe(e)}`);
    } finally {
      button.disabled = false;
    }
  }

  // ---------------------------------------------------------------- rendering

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') el.className = v;
      else if (k.startsWith('data-')) el.dataset[k.slice(5).replace(/-(.)/g, (_, c) => c.toUpperCase())] = v;
      else el.setAttribute(k, v);
    }
    for (const c of children) el.append(c);
    return el;
  }

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function setAttr(el, name, value) {
    if (value === null || value === undefined) {
      if (el.hasAttribute(name)) el.removeAttribute(name);
    } else if (el.getAttribute(name) !== String(value)) {
      el.setAttribute(name, String(value));
    }
  }

  /** Keeps `container`'s children one per item, in order, reusing them by key. */
  function reconcile(container, items, keyOf, create, update) {
    const existing = new Map();
    for (const el of container.children) existing.set(el.dataset.key, el);
    let prev = null;
    for (const item of items) {
      const key = keyOf(item);
      let el = existing.get(key);
      if (el) existing.delete(key);
      else {
        el = create(item);
        el.dataset.key = key;
      }
      update(el, item);
      const want = prev ? prev.nextElementSibling : container.firstElementChild;
      if (el !== want) container.insertBefore(el, want);
      prev = el;
    }
    for (const el of existing.values()) el.remove();
  }

  const time = (iso) => (iso ? Date.parse(iso.replace(/(\.\d{3})\d+/, '$1')) : NaN);

  function clock(iso) {
    const t = time(iso);
    return Number.isNaN(t) ? '' : new Date(t).toLocaleTimeString([], { hour12: false });
  }

  function span(ms) {
    if (!(ms >= 0)) return '';
    if (ms < 1000) return `${Math.round(ms)} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(1)} s`;
    const m = Math.floor(ms / 60000);
    return `${m} min ${Math.round((ms % 60000) / 1000)} s`;
  }

  function timing(job, now) {
    const submitted = time(job.submittedAt);
    const started = time(job.startedAt);
    const finished = time(job.finishedAt);
    const parts = [`submitted ${clock(job.submittedAt)}`];
    if (!Number.isNaN(started)) {
      parts.push(`waited ${span(started - submitted)}`);
      parts.push(`${Number.isNaN(finished) ? 'running' : 'ran'} ${span((Number.isNaN(finished) ? now : finished) - started)}`);
    } else if (!Number.isNaN(finished)) {
      parts.push(`ended after ${span(finished - submitted)}`);
    } else {
      parts.push(`waiting ${span(now - submitted)}`);
    }
    return parts.join(' · ');
  }

  function targetName(target) {
    const s = state.systems.get(target);
    if (s) return s.elementName || s.name;
    const c = state.collections.get(target);
    if (c) return c.elementName || c.id;
    return target;
  }

  const JOB_TYPES = {
    createReferencePoint: 'Take',
    destroyReferencePoint: 'Destroy',
    createCollectionReferencePoint: 'Take (collection)',
    destroyCollectionReferencePoint: 'Destroy (collection)',
  };

  const STATE_LABELS = {
    running: 'running',
    shuttingDown: 'shutting down',
    completed: 'completed',
    terminated: 'terminated',
    killed: 'killed',
    exception: 'failed',
  };

  const byNewest = (a, b) => time(b.submittedAt) - time(a.submittedAt) || (a.id < b.id ? 1 : -1);
  const byOldest = (a, b) => -byNewest(a, b);

  function progressCell(label) {
    return h('div', { class: 'bar' },
      h('progress', { max: '100', value: '0', 'aria-label': label }),
      h('span', { class: 'pct', 'data-field': 'pct' }, '0%'));
  }

  function updateProgress(cell, job) {
    const progress = cell.querySelector('progress');
    const pct = Math.max(0, Math.min(100, Number(job.percentComplete) || 0));
    setAttr(progress, 'value', pct);
    setAttr(progress, 'aria-valuetext', `${pct}%`);
    setText(cell.querySelector('.pct'), `${pct}%`);
  }

  /** Waiting for its machine (or, for a collection job, for its members' queues). */
  const isWaiting = (job) => job.status === 'Queued' || job.status === 'Reserving members';

  function stateBadge(el, job) {
    const waiting = isWaiting(job);
    setAttr(el, 'class', `badge state-${waiting ? 'queued' : job.state}`);
    setText(el, waiting ? job.status.toLowerCase() : STATE_LABELS[job.state] || job.state);
  }

  function createJobRow(job) {
    const short = job.id.slice(0, 8);
    return h('tr', { 'data-job-id': job.id },
      h('td', {}, h('span', { 'data-field': 'type' }), ' ', h('code', { title: job.id }, short)),
      h('td', { 'data-field': 'target' }),
      h('td', {}, h('span', { 'data-field': 'state' }), h('span', { class: 'status', 'data-field': 'status' })),
      h('td', { 'data-field': 'progress' }, progressCell(`Progress of job ${short}`)),
      h('td', { class: 'timing', 'data-field': 'timing' }),
      h('td', { class: 'error', 'data-field': 'error' }),
      h('td', { 'data-field': 'actions' },
        h('button', { type: 'button', class: 'danger', 'data-action': 'cancel', 'data-id': job.id,
          'aria-label': `Cancel job ${short}` }, 'Cancel')));
  }

  function updateJobRow(row, job, now) {
    const f = (name) => row.querySelector(`[data-field="${name}"]`);
    row.dataset.state = job.state;
    setText(f('type'), JOB_TYPES[job.type] || job.type);
    setText(f('target'), targetName(job.target));
    stateBadge(f('state'), job);
    const shown = f('state').textContent.toLowerCase();
    const status = job.status && job.status.toLowerCase() !== shown &&
      job.status.toLowerCase() !== job.state.toLowerCase() ? job.status : '';
    setText(f('status'), status);
    updateProgress(f('progress'), job);
    setText(f('timing'), timing(job, now));
    const error = job.error ? job.error.description || job.error.summary || `error ${job.error.code}` : '';
    setText(f('error'), error);
    setAttr(f('error'), 'title', job.error ? job.error.summary : null);
    f('actions').querySelector('button').hidden = isFinished(job) || job.cancellable === false;
  }

  function pruneJobs() {
    const finished = [...state.jobs.values()].filter(isFinished).sort(byNewest);
    for (const job of finished.slice(FINISHED_JOBS_KEPT)) state.jobs.delete(job.id);
  }

  function renderJobs(now) {
    pruneJobs();
    const jobs = [...state.jobs.values()].sort(byNewest);
    reconcile($('jobs-body'), jobs, (j) => j.id, createJobRow, (row, j) => updateJobRow(row, j, now));
    $('jobs-empty').hidden = jobs.length > 0;
    const running = jobs.filter((j) => !isFinished(j)).length;
    setText($('jobs-count'), `(${running} running, ${jobs.length} shown)`);
  }

  function renderTargets() {
    const systems = [...state.systems.values()].sort((a, b) => (a.elementName || '').localeCompare(b.elementName || ''));
    const collections = [...state.collections.values()].sort((a, b) => (a.elementName || '').localeCompare(b.elementName || ''));
    const option = (value) => h('option', { value });
    reconcile($('take-machines'), systems, (s) => `system:${s.name}`, (s) => option(`system:${s.name}`),
      (el, s) => setText(el, `${s.elementName || s.name}`));
    reconcile($('take-collections'), collections, (c) => `collection:${c.id}`, (c) => option(`collection:${c.id}`),
      (el, c) => setText(el, `${c.elementName || c.id} (${c.members.length} machines)`));
    $('take-collections').hidden = collections.length === 0;
  }

  /** The machine's queue: what runs on it now and what waits behind it, oldest first. */
  function queueOf(system) {
    const mine = [];
    for (const job of state.jobs.values()) {
      if (isFinished(job)) continue;
      if (job.target === system.name) mine.push(job);
      else {
        const c = state.collections.get(job.target);
        if (c && c.members.includes(system.name)) mine.push(job);
      }
    }
    mine.sort(byOldest);
    return [...mine.filter((j) => !isWaiting(j)), ...mine.filter(isWaiting)];
  }

  function createQueueItem(job) {
    return h('li', { 'data-job-id': job.id },
      h('span', { class: 'what', 'data-field': 'what' }),
      h('span', { 'data-field': 'state' }),
      progressCell(`Progress of job ${job.id.slice(0, 8)}`));
  }

  function updateQueueItem(li, job, system) {
    li.dataset.role = isWaiting(job) ? 'waiting' : 'running';
    const via = job.target === system.name ? '' : ` via ${targetName(job.target)}`;
    setText(li.querySelector('[data-field="what"]'),
      `${JOB_TYPES[job.type] || job.type}${via} ${job.id.slice(0, 8)}`);
    stateBadge(li.querySelector('[data-field="state"]'), job);
    updateProgress(li.querySelector('.bar'), job);
  }

  function createRpItem(rp, action) {
    return h('li', {},
      h('span', { class: 'what', 'data-field': 'what' }),
      h('span', { class: 'meta', 'data-field': 'meta' }),
      h('button', { type: 'button', class: 'danger', 'data-action': action, 'data-id': rp.id,
        'aria-label': `Destroy reference point ${rp.elementName || rp.id}` }, 'Destroy'));
  }

  function updateRpItem(li, rp, extra) {
    setText(li.querySelector('[data-field="what"]'), rp.elementName || rp.id.slice(0, 8));
    const meta = [rp.type.toUpperCase(), rp.consistencyLevel, clock(rp.createdAt)];
    if (extra) meta.push(extra);
    setText(li.querySelector('[data-field="meta"]'), meta.filter(Boolean).join(' · '));
    setAttr(li.querySelector('[data-field="what"]'), 'title', rp.id);
  }

  function createSystemCard(system) {
    const title = `machine-${system.name}`;
    return h('article', { class: 'card', 'data-system': system.name, 'aria-labelledby': title },
      h('h3', { id: title, 'data-field': 'name' }),
      h('p', { class: 'meta', 'data-field': 'meta' }),
      h('h4', {}, 'Queue'),
      h('ol', { class: 'queue', 'data-field': 'queue' }),
      h('p', { class: 'empty', 'data-field': 'idle' }, 'Idle.'),
      h('h4', { 'data-field': 'rp-title' }, 'Reference points'),
      h('ul', { class: 'rps', 'data-field': 'rps' }),
      h('p', { class: 'empty', 'data-field': 'no-rps' }, 'None.'));
  }

  function updateSystemCard(card, system) {
    const f = (name) => card.querySelector(`[data-field="${name}"]`);
    setText(f('name'), system.elementName || system.name);
    const disks = system.disks || [];
    const tracked = disks.filter((d) => d.changeTracking).length;
    setText(f('meta'), [system.name, system.node ? `node ${system.node}` : '', system.enabledState,
      system.replicationEnabled ? 'replication on' : 'replication off',
      `${disks.length} disk${disks.length === 1 ? '' : 's'} (${tracked} tracked)`]
      .filter(Boolean).join(' · '));
    const queue = queueOf(system);
    reconcile(f('queue'), queue, (j) => j.id, createQueueItem, (li, j) => updateQueueItem(li, j, system));
    f('idle').hidden = queue.length > 0;
    const rps = [...state.rps.values()].filter((r) => r.systemId === system.name)
      .sort((a, b) => time(b.createdAt) - time(a.createdAt));
    setText(f('rp-title'), `Reference points (${rps.length})`);
    reconcile(f('rps'), rps, (r) => r.id, (r) => createRpItem(r, 'destroy-rp'),
      (li, r) => updateRpItem(li, r, r.collectionReferencePointId ? 'collection member' : ''));
    f('no-rps').hidden = rps.length > 0;
  }

  function createCollectionCard(c) {
    const title = `collection-${c.id}`;
    return h('article', { class: 'card', 'data-collection': c.id, 'aria-labelledby': title },
      h('h3', { id: title, 'data-field': 'name' }),
      h('p', { class: 'meta', 'data-field': 'meta' }),
      h('h4', { 'data-field': 'rp-title' }, 'Reference points'),
      h('ul', { class: 'rps', 'data-field': 'rps' }),
      h('p', { class: 'empty', 'data-field': 'no-rps' }, 'None.'));
  }

  function updateCollectionCard(card, c) {
    const f = (name) => card.querySelector(`[data-field="${name}"]`);
    setText(f('name'), c.elementName || c.id);
    const members = c.members.map(targetName);
    setText(f('meta'), [c.id, c.node ? `node ${c.node}` : '',
      members.length ? members.join(', ') : 'no members'].filter(Boolean).join(' · '));
    const crps = [...state.crps.values()].filter((r) => r.collectionId === c.id)
      .sort((a, b) => time(b.createdAt) - time(a.createdAt));
    setText(f('rp-title'), `Reference points (${crps.length})`);
    reconcile(f('rps'), crps, (r) => r.id, (r) => createRpItem(r, 'destroy-crp'),
      (li, r) => updateRpItem(li, r, `${r.memberIds.length} members`));
    f('no-rps').hidden = crps.length > 0;
  }

  function render() {
    renderQueued = false;
    const now = Date.now();
    renderTargets();
    renderJobs(now);
    const systems = [...state.systems.values()].sort((a, b) => (a.elementName || '').localeCompare(b.elementName || ''));
    reconcile($('machines'), systems, (s) => s.name, createSystemCard, updateSystemCard);
    $('machines-empty').hidden = systems.length > 0;
    setText($('machines-count'), `(${systems.length})`);
    const collections = [...state.collections.values()].sort((a, b) => (a.elementName || '').localeCompare(b.elementName || ''));
    reconcile($('collections'), collections, (c) => c.id, createCollectionCard, updateCollectionCard);
    $('collections-empty').hidden = collections.length > 0;
    setText($('collections-count'), `(${collections.length})`);
  }

  function scheduleRender() {
    if (renderQueued) return;
    renderQueued = true;
    // A hidden tab gets no animation frames: render on a timer then.
    if (document.hidden) setTimeout(render, 250);
    else requestAnimationFrame(render);
  }

  // ---------------------------------------------------------------- start

  document.addEventListener('DOMContentLoaded', () => {
    $('take-form').addEventListener('submit', take);
    $('auth-form').addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $('auth-token').value.trim());
      $('auth-token').value = '';
      $('auth').hidden = true;
      restart();
    });
    $('notice-close').addEventListener('click', () => {
      $('notice').hidden = true;
    });
    document.addEventListener('click', (event) => {
      const button = event.target.closest('button[data-action]');
      if (button) act(button);
    });
    // Elapsed times of running jobs move on even without events.
    setInterval(() => {
      if (!loading && [...state.jobs.values()].some((j) => !isFinished(j))) scheduleRender();
    }, 1000);
    restart();
  });
})();
