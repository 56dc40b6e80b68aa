// The dashboard page: HTML, style and script, served as three files so the Content Security
// Policy can forbid inline script. The script writes server data with textContent and
// numeric attributes only, never as markup.

/** The page. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rx-openvpn dashboard</title>
<link rel="stylesheet" href="/dashboard.css">
</head>
<body data-phase="">
<main>
  <header>
    <h1>rx-openvpn</h1>
    <span id="phase" class="phase">loading</span>
  </header>
  <p id="detail" class="detail"></p>
  <dl>
    <dt>Tunnel address</dt><dd id="local">-</dd>
    <dt>Server</dt><dd id="remote">-</dd>
    <dt>Connected since</dt><dd id="since">-</dd>
    <dt>Received</dt><dd id="received">-</dd>
    <dt>Sent</dt><dd id="sent">-</dd>
  </dl>
  <figure>
    <svg id="chart" viewBox="0 0 300 100" preserveAspectRatio="none" role="img"
         aria-label="Traffic rate over the last minute">
      <line x1="0" y1="99.5" x2="300" y2="99.5" class="axis"></line>
      <polygon id="in-area" class="in" points=""></polygon>
      <polyline id="in-line" class="in" points=""></polyline>
      <polyline id="out-line" class="out" points=""></polyline>
    </svg>
    <figcaption>
      <span class="key in">in</span> <span id="in-rate">-</span>
      <span class="key out">out</span> <span id="out-rate">-</span>
      <span class="scale">top: <span id="scale">-</span></span>
    </figcaption>
  </figure>
  <div class="buttons">
    <button id="connect" type="button" disabled>Connect</button>
    <button id="disconnect" type="button" disabled>Disconnect</button>
  </div>
  <p id="link" class="link">connecting to the dashboard server</p>
</main>
<script src="/dashboard.js"></script>
</body>
</html>
`;

/** The page's style. */
export const DASHBOARD_CSS = `:root { color-scheme: light; font-family: system-ui, sans-serif; }
body { margin: 0; background: #f3f5f8; color: #1d2430; }
main { max-width: 34rem; margin: 2rem auto; padding: 1.5rem; background: #fff;
  border-radius: 0.75rem; box-shadow: 0 1px 4px rgb(0 0 0 / 12%); }
header { display: flex; align-items: center; justify-content: space-between; }
h1 { font-size: 1.25rem; margin: 0; }
.phase { font-weight: 600; padding: 0.25rem 0.75rem; border-radius: 1rem; background: #d9dee7; }
body[data-phase="connected"] .phase { background: #c9f0d3; color: #11612a; }
body[data-phase="connecting"] .phase, body[data-phase="reconnecting"] .phase,
body[data-phase="starting"] .phase, body[data-phase="stopping"] .phase {
  background: #fdeac4; color: #7a4d00; }
body[data-phase="failed"] .phase { background: #f8d0d0; color: #8a1414; }
.detail { min-height: 1.25rem; color: #566070; }
dl { display: grid; grid-template-columns: 9rem 1fr; gap: 0.35rem 1rem; }
dt { color: #566070; }
dd { margin: 0; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; }
svg { width: 100%; height: 8rem; background: #f8f9fb; border: 1px solid #e3e7ee; }
polyline { fill: none; stroke-width: 1.5; vector-effect: non-scaling-stroke; }
.axis { stroke: #c4cad4; stroke-width: 1; vector-effect: non-scaling-stroke; }
polyline.in { stroke: #1f6fd1; }
polygon.in { fill: rgb(31 111 209 / 15%); stroke: none; }
polyline.out { stroke: #d1661f; }
figcaption { font-size: 0.85rem; color: #566070; }
.key::before { content: ""; display: inline-block; width: 0.8rem; height: 0.2rem;
  margin-right: 0.3rem; vertical-align: middle; }
.key.in::before { background: #1f6fd1; }
.key.out::before { background: #d1661f; }
.scale { float: right; }
.buttons { display: flex; gap: 0.75rem; }
button { font: inherit; padding: 0.5rem 1.25rem; border-radius: 0.5rem; border: 0;
  background: #1f6fd1; color: #fff; cursor: pointer; }
button#disconnect { background: #5b6577; }
button:disabled { opacity: 0.4; cursor: default; }
.link { font-size: 0.8rem; color: #8a93a3; margin-bottom: 0; }
`;

/** The page's script: plain browser JavaScript, no libraries. */
export const DASHBOARD_SCRIPT = `'use strict';
const HISTORY_SAMPLES = 60;
const CHART_WIDTH = 300;
const CHART_HEIGHT = 100;
const RUNNING = ['starting', 'connecting', 'connected', 'reconnecting'];
const samples = [];

const element = (id) => document.getElementById(id);
const show = (id, text) => { element(id).textContent = text; };

const size = (bytes) => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return (unit === 0 ? String(value) : value.toFixed(1)) + ' ' + units[unit];
};
const rate = (bytesPerSecond) => size(Math.round(bytesPerSecond)) + '/s';

const detailOf = (state) => {
  switch (state.phase) {
    case 'connecting': return 'step ' + state.step;
    case 'reconnecting':
      return 'openvpn restarted (' + state.rawReason + '), attempt ' + state.attempt;
    case 'stopped': return 'openvpn has exited';
    case 'failed': return state.error.code + ': ' + state.error.message;
    default: return '';
  }
};

const duration = (ms) => {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return (minutes > 0 ? minutes + ' min ' : '') + (seconds % 60) + ' s';
};

let current;
const showDetail = () => {
  const connected = current !== undefined && current.phase === 'connected';
  show('detail', connected ? 'up for ' + duration(Date.now() - current.since) : detailOf(current));
};
setInterval(() => { if (current !== undefined) showDetail(); }, 1000);

const renderState = (state) => {
  current = state;
  document.body.dataset.phase = state.phase;
  show('phase', state.phase);
  showDetail();
  const connected = state.phase === 'connected';
  const local = connected ? [state.localIpv4, state.localIpv6].filter(Boolean).join(', ') : '';
  show('local', local || '-');
  show('remote', connected && state.remote ? state.remote.host + ':' + state.remote.port : '-');
  show('since', connected ? new Date(state.since).toLocaleTimeString() : '-');
  element('connect').disabled = RUNNING.includes(state.phase) || state.phase === 'stopping';
  element('disconnect').disabled = !RUNNING.includes(state.phase);
};

const linePoints = (pick, top) => {
  const step = CHART_WIDTH / (HISTORY_SAMPLES - 1);
  return samples.map((sample, index) => {
    const x = (index * step).toFixed(1);
    const y = (CHART_HEIGHT - (pick(sample) / top) * (CHART_HEIGHT - 5)).toFixed(1);
    return x + ',' + y;
  });
};

const plot = (top) => {
  const inbound = linePoints((s) => s.inBytesPerSecond, top);
  element('in-line').setAttribute('points', inbound.join(' '));
  const lastX = inbound.length === 0 ? '0' : inbound[inbound.length - 1].split(',')[0];
  const base = [lastX + ',' + CHART_HEIGHT, '0,' + CHART_HEIGHT];
  element('in-area').setAttribute('points', inbound.concat(base).join(' '));
  const outbound = linePoints((s) => s.outBytesPerSecond, top);
  element('out-line').setAttribute('points', outbound.join(' '));
};

const renderTraffic = (traffic) => {
  samples.push(traffic);
  if (samples.length > HISTORY_SAMPLES) samples.shift();
  show('received', size(traffic.bytesIn));
  show('sent', size(traffic.bytesOut));
  show('in-rate', rate(traffic.inBytesPerSecond));
  show('out-rate', rate(traffic.outBytesPerSecond));
  const rates = samples.flatMap((s) => [s.inBytesPerSecond, s.outBytesPerSecond]);
  const top = Math.max(1, ...rates);
  show('scale', rate(top));
  plot(top);
};

const post = async (path) => {
  try {
    const response = await fetch(path, { method: 'POST' });
    if (!response.ok) show('link', 'the server refused: HTTP ' + response.status);
  } catch (error) {
    show('link', 'the dashboard server cannot be reached');
  }
};

const events = new EventSource('/events');
events.addEventListener('open', () => show('link', 'live'));
events.addEventListener('error', () => show('link', 'reconnecting to the dashboard server'));
events.addEventListener('state', (event) => renderState(JSON.parse(event.data)));
events.addEventListener('traffic', (event) => renderTraffic(JSON.parse(event.data)));
element('connect').addEventListener('click', () => post('/connect'));
element('disconnect').addEventListener('click', () => post('/disconnect'));
`;
