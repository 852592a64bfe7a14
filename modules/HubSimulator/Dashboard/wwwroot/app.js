'use strict';
// The dashboard: lists and plot from /dashboard/summary, /dashboard/history and the live feed /dashboard/events;
// actions through the admin API. Rendering is batched (at most every RENDER_MS) so thousands of messages a second
// cost one redraw; every collection is bounded.
(() => {
  const MAX_POINTS = 1200, MAX_ROWS = 100, MAX_RECENT = 50, HISTORY = 2000, RENDER_MS = 250;
  const $ = id => document.getElementById(id);
  const esc = Plot.esc;
  const state = {
    summary: { devices: [], certificateAuthorities: [], messageCount: 0 },
    series: new Map(),   // deviceId -> [{t, temp, hum, alert}]
    recent: new Map(),   // deviceId -> newest messages of that device
    rows: [],            // newest messages of all devices
    selected: null,
    popCa: null,         // the CA just uploaded: chosen for the next proof-of-possession steps
    dirty: new Set(),
    renderTimer: 0,
  };

  // ---- data -------------------------------------------------------------------------------------------
  // live: a message the summary has not counted yet (history is already in its counts).
  function addMessage(m, live) {
    if (m.temperature != null) {
      const series = state.series.get(m.deviceId) || [];
      series.push({ t: Date.parse(m.receivedAt), temp: m.temperature, hum: m.humidity, alert: m.temperatureAlert === true });
      state.series.set(m.deviceId, Plot.thin(series, MAX_POINTS));
    }
    state.rows.unshift(m);
    if (state.rows.length > MAX_ROWS) state.rows.length = MAX_ROWS;
    const recent = state.recent.get(m.deviceId) || [];
    recent.unshift(m);
    if (recent.length > MAX_RECENT) recent.length = MAX_RECENT;
    state.recent.set(m.deviceId, recent);
    const device = live && state.summary.devices.find(d => d.deviceId === m.deviceId);
    if (device) { device.messageCount++; device.lastMessageAt = m.receivedAt; }
    if (live) state.summary.messageCount++;
    if (m.deviceId === state.selected) state.dirty.add('plot');
    markDirty('messages', 'devices');
  }

  function markDirty(...parts) {
    parts.forEach(p => state.dirty.add(p));
    if (!state.renderTimer) state.renderTimer = setTimeout(render, RENDER_MS);
  }

  // ---- rendering ----------------------------------------------------------------------------------------
  function render() {
    state.renderTimer = 0;
    const dirty = state.dirty;
    state.dirty = new Set();
    if (dirty.has('devices')) renderDevices();
    if (dirty.has('plot')) renderPlot();
    if (dirty.has('messages')) renderMessages();
    if (dirty.has('cas')) renderCas();
  }

  function renderDevices() {
    const filter = $('device-filter').value.trim().toLowerCase();
    const devices = state.summary.devices;
    const connected = devices.filter(d => d.connected).length;
    $('totals').textContent = `${devices.length} devices · ${connected} connected · ${state.summary.messageCount} messages`;
    $('devices').tBodies[0].innerHTML = devices.filter(d => !filter || d.deviceId.toLowerCase().includes(filter)).map(d => `
      <tr data-device="${esc(d.deviceId)}" class="${d.deviceId === state.selected ? 'selected' : ''}">
        <td class="id">${esc(d.deviceId)}</td>
        <td>${d.authentication === 'CaSigned' ? 'CA signed' : 'self-signed'}</td>
        <td><span class="dot ${d.connected ? 'on' : 'off'}"></span>${d.connected ? 'connected' : 'offline'}</td>
        <td class="mono">${esc(d.modelId || '—')}</td>
        <td class="num">${d.messageCount}</td>
        <td>${d.lastMessageAt ? Plot.fmtTime(Date.parse(d.lastMessageAt)) : '—'}</td>
      </tr>`).join('');
    if (state.selected) renderTitle();
  }

  function selectedDevice() { return state.summary.devices.find(d => d.deviceId === state.selected); }

  function renderTitle() {
    const d = selectedDevice();
    $('device-title').textContent = d ? `${d.deviceId} · ${d.connected ? 'connected' : 'offline'}` : state.selected;
  }

  function renderPlot() {
    const d = selectedDevice();
    const threshold = d ? d.alertThreshold : 30, source = d ? d.alertThresholdSource : 'default';
    const sourceText = { reported: 'twin reported', desired: 'twin desired', default: 'module default' }[source] || source;
    Plot.draw($('plot'), state.series.get(state.selected) || [], threshold, sourceText);
    $('plot-legend').innerHTML = `<span class="key temp"></span>temperature <span class="key hum"></span>humidity
      <span class="key threshold"></span>alert threshold <span class="key alert"></span>temperatureAlert = true`;
  }

  function renderMessages() {
    const rows = $('only-selected').checked ? (state.recent.get(state.selected) || []) : state.rows;
    const bag = props => Object.entries(props).map(([k, v]) =>
      `<span class="prop${k === 'temperatureAlert' && v === 'true' ? ' alert' : ''}">${esc(k)}=${esc(v)}</span>`).join(' ');
    $('messages').tBodies[0].innerHTML = rows.map(m => `
      <tr class="${m.temperatureAlert ? 'alert' : ''}">
        <td>${Plot.fmtTime(Date.parse(m.receivedAt))}</td>
        <td class="id">${esc(m.deviceId)}</td>
        <td>${bag(m.systemProperties)}</td>
        <td>${bag(Object.fromEntries(m.applicationProperties.map(p => [p.key, p.value])))}</td>
        <td class="mono body">${esc(m.body)}</td>
      </tr>`).join('');
  }

  function renderCas() {
    const cas = state.summary.certificateAuthorities;
    $('cas').tBodies[0].innerHTML = cas.map(ca => `
      <tr data-ca="${esc(ca.name)}">
        <td class="id">${esc(ca.name)}</td><td>${esc(ca.subject)}</td>
        <td><span class="badge ${ca.status === 'Verified' ? 'ok' : 'warn'}">${ca.status}</span></td>
        <td class="mono">${esc(ca.verificationCode || '—')}</td>
      </tr>`).join('');
    const select = $('pop-ca'), chosen = state.popCa || select.value;
    select.innerHTML = cas.map(ca => `<option>${esc(ca.name)}</option>`).join('');
    if (cas.some(ca => ca.name === chosen)) select.value = chosen;
    state.popCa = null;
  }

  // ---- the feed -----------------------------------------------------------------------------------------
  function applySummary(summary) {
    state.summary = summary;
    markDirty('devices', 'cas', 'plot');
    const first = summary.devices.find(d => d.connected) || summary.devices[0];
    if (!state.selected && first) select(first.deviceId);
  }

  async function connectFeed() {
    const feed = new EventSource('/dashboard/events');
    let pending = [];   // live messages that arrive while the history loads
    feed.addEventListener('summary', e => applySummary(JSON.parse(e.data)));
    feed.addEventListener('message', e => {
      const m = JSON.parse(e.data);
      if (pending) pending.push(m); else addMessage(m, true);
    });
    feed.onopen = () => setFeedState('live', 'live');
    feed.onerror = () => setFeedState('down', 'reconnecting…');
    const history = await (await fetch(`/dashboard/history?limit=${HISTORY}`)).json();
    history.forEach(m => addMessage(m, false));
    const last = history.length ? history[history.length - 1].receivedAt : '';
    pending.filter(m => m.receivedAt > last).forEach(m => addMessage(m, true));
    pending = null;
  }

  function setFeedState(kind, text) {
    const el = $('feed-state');
    el.dataset.state = kind;
    el.textContent = text;
  }

  // ---- actions (the admin API) ----------------------------------------------------------------------------
  async function call(method, url, body) {
    const response = await fetch(url, {
      method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON: shown as text */ }
    return { status: response.status, ok: response.ok, json, text };
  }

  function show(el, ok, status, text) {
    el.className = `answer ${ok ? 'ok' : 'error'}`;
    el.dataset.status = status;
    el.textContent = text;
  }

  function parseJson(text, el) {
    try { return { value: JSON.parse(text) }; } catch (e) { show(el, false, 'invalid', `Not sent: not JSON (${e.message}).`); return null; }
  }

  const pretty = v => JSON.stringify(v, null, 2);
  const device = () => encodeURIComponent(state.selected);

  async function loadTwin() {
    const answer = await call('GET', `/devices/${device()}/twin`);
    $('twin-view').textContent = answer.ok ? pretty(answer.json) : `HTTP ${answer.status}: ${answer.text}`;
  }

  async function sendDesired(e) {
    e.preventDefault();
    const el = $('twin-answer'), patch = parseJson($('twin-patch').value, el);
    if (!patch) return;
    const answer = await call('PATCH', `/devices/${device()}/twin/desired`, patch.value);
    if (answer.ok) {
      $('twin-view').textContent = pretty(answer.json);
      show(el, true, answer.status, `Hub answered ${answer.status}: desired $version ${answer.json.desired.$version}, pushed to the device.`);
      applySummary((await call('GET', '/dashboard/summary')).json);
    } else {
      show(el, false, answer.status, `Hub answered ${answer.status}: ${answer.json?.error || answer.text}`);
    }
  }

  async function invokeMethod(e) {
    e.preventDefault();
    const el = $('method-answer'), payload = parseJson($('method-payload').value, el);
    if (!payload) return;
    const name = $('method-name').value.trim();
    show(el, true, 'pending', `Calling ${name}…`);
    const answer = await call('POST', `/devices/${device()}/methods/${encodeURIComponent(name)}`,
      { payload: payload.value, timeoutSeconds: Number($('method-timeout').value) || 10 });
    if (!answer.ok) {
      // The hub's own refusals come as HTTP statuses; the device's answer (any status) comes inside a 200.
      const meaning = { 404: 'the device is not connected', 504: 'the device did not answer in time' }[answer.status];
      const who = meaning ? `Hub answered ${answer.status} (${meaning})` : `Hub answered HTTP ${answer.status}`;
      show(el, false, answer.status, `${who}\n${answer.json?.error || answer.text}`);
      return;
    }
    const { status, payload: result } = answer.json;
    show(el, status >= 200 && status < 300, status, `Device answered ${status}\n${pretty(result)}`);
  }

  async function sendC2d(e) {
    e.preventDefault();
    const el = $('c2d-answer'), properties = parseJson($('c2d-properties').value || '{}', el);
    if (!properties) return;
    const answer = await call('POST', `/devices/${device()}/messages/devicebound`, { body: $('c2d-body').value, properties: properties.value });
    show(el, answer.ok, answer.status, answer.ok ? `Hub answered ${answer.status}: queued as ${answer.json.messageId}.`
      : `Hub answered ${answer.status}: ${answer.json?.error || answer.text}`);
  }

  function caAction(formId, answerId, request, describe) {
    $(formId).addEventListener('submit', async e => {
      e.preventDefault();
      const el = $(answerId), answer = await request();
      show(el, answer.ok, answer.status, answer.ok ? describe(answer.json) : `Hub answered ${answer.status}: ${answer.json?.error || answer.text}`);
      if (answer.ok) applySummary((await call('GET', '/dashboard/summary')).json);
    });
  }

  function select(deviceId) {
    state.selected = deviceId;
    ['twin-send', 'method-invoke', 'c2d-send'].forEach(id => { $(id).disabled = false; });
    ['twin-answer', 'method-answer', 'c2d-answer'].forEach(id => { $(id).textContent = ''; $(id).className = 'answer'; });
    renderTitle();
    markDirty('devices', 'plot', 'messages');
    loadTwin();
  }

  // ---- wiring -------------------------------------------------------------------------------------------
  $('devices').addEventListener('click', e => {
    const row = e.target.closest('tr[data-device]');
    if (row) select(row.dataset.device);
  });
  $('device-filter').addEventListener('input', () => markDirty('devices'));
  $('only-selected').addEventListener('change', () => markDirty('messages'));
  $('twin-form').addEventListener('submit', sendDesired);
  $('method-form').addEventListener('submit', invokeMethod);
  $('c2d-form').addEventListener('submit', sendC2d);
  caAction('ca-upload-form', 'ca-upload-answer',
    () => call('POST', '/cas', { name: $('ca-name').value.trim(), certificatePem: $('ca-pem').value }),
    ca => { state.popCa = ca.name; return `Uploaded '${ca.name}': ${ca.status}. Next: get a verification code.`; });
  caAction('ca-code-form', 'ca-code-answer',
    () => call('POST', `/cas/${encodeURIComponent($('pop-ca').value)}/verification-code`),
    code => code.verificationCode);
  caAction('ca-verify-form', 'ca-verify-answer',
    () => call('POST', `/cas/${encodeURIComponent($('pop-ca').value)}/verify`, { certificatePem: $('ca-proof').value }),
    ca => `'${ca.name}' is ${ca.status}: devices it signed may connect.`);
  renderPlot();
  connectFeed();
})();
