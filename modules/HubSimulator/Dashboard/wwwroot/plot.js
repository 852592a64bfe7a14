'use strict';
// Draws one device's readings as SVG: temperature (left axis), humidity (right axis), the alert threshold as a
// dashed line, alert readings as red dots. No library: a polyline per series.
const Plot = (() => {
  const W = 760, H = 320, M = { left: 56, right: 60, top: 18, bottom: 44 };
  const plotW = W - M.left - M.right, plotH = H - M.top - M.bottom;

  const esc = s => String(s).replace(/[&<>"]/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  const fmtTime = ms => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

  // About five round steps between lo and hi.
  function ticks(lo, hi, count) {
    const raw = (hi - lo) / count, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map(f => f * mag).find(s => s >= raw) || raw;
    const out = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(+v.toFixed(6));
    return out;
  }

  // Round clock times (10 s, 1 min, 15 min, ...) about count apart.
  function timeTicks(t0, t1, count) {
    const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400].map(s => s * 1000);
    const step = steps.find(s => s >= (t1 - t0) / count) || steps[steps.length - 1];
    const out = [];
    for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) out.push(t);
    return out;
  }

  function draw(svg, points, threshold, thresholdSource) {
    svg.dataset.points = points.length;
    const alerts = points.filter(p => p.alert);
    svg.dataset.alerts = alerts.length;
    if (points.length === 0) {
      svg.innerHTML = `<text x="${W / 2}" y="${H / 2}" class="empty" text-anchor="middle">Waiting for readings…</text>`;
      return;
    }

    let t0 = points[0].t, t1 = points[points.length - 1].t;
    if (t1 - t0 < 10000) { t1 = t0 + 10000; }
    let lo = threshold, hi = threshold;
    for (const p of points) { if (p.temp < lo) lo = p.temp; if (p.temp > hi) hi = p.temp; }
    lo = Math.floor(lo - 1); hi = Math.ceil(hi + 1);
    const x = t => M.left + (t - t0) / (t1 - t0) * plotW;
    const yT = v => M.top + (hi - v) / (hi - lo) * plotH;
    const yH = v => M.top + (100 - v) / 100 * plotH;

    const parts = [];
    for (const v of ticks(lo, hi, 5)) {
      const y = yT(v).toFixed(1);
      parts.push(`<line class="grid" x1="${M.left}" x2="${M.left + plotW}" y1="${y}" y2="${y}"/>`,
        `<text class="tick" x="${M.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${v}</text>`);
    }
    for (const v of [0, 25, 50, 75, 100]) {
      parts.push(`<text class="tick hum" x="${M.left + plotW + 8}" y="${yH(v).toFixed(1)}" dominant-baseline="middle">${v}</text>`);
    }
    for (const t of timeTicks(t0, t1, 5)) {
      const xx = x(t).toFixed(1);
      parts.push(`<line class="grid" x1="${xx}" x2="${xx}" y1="${M.top}" y2="${M.top + plotH}"/>`,
        `<text class="tick" x="${xx}" y="${M.top + plotH + 16}" text-anchor="middle">${fmtTime(t)}</text>`);
    }
    parts.push(`<rect class="frame" x="${M.left}" y="${M.top}" width="${plotW}" height="${plotH}"/>`,
      `<text class="axis" x="${M.left + plotW / 2}" y="${H - 6}" text-anchor="middle">time (received)</text>`,
      `<text class="axis" transform="translate(14 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle">temperature (°C)</text>`,
      `<text class="axis hum" transform="translate(${W - 12} ${M.top + plotH / 2}) rotate(90)" text-anchor="middle">humidity (%RH)</text>`);

    const humidity = points.filter(p => p.hum != null).map(p => `${x(p.t).toFixed(1)},${yH(p.hum).toFixed(1)}`).join(' ');
    if (humidity) parts.push(`<polyline class="line hum" points="${humidity}"/>`);
    parts.push(`<polyline class="line temp" points="${points.map(p => `${x(p.t).toFixed(1)},${yT(p.temp).toFixed(1)}`).join(' ')}"/>`);

    const yThreshold = yT(threshold).toFixed(1);
    parts.push(`<line class="threshold" x1="${M.left}" x2="${M.left + plotW}" y1="${yThreshold}" y2="${yThreshold}"/>`,
      `<text class="threshold-label" x="${M.left + plotW - 6}" y="${yThreshold - 6}" text-anchor="end">alert threshold ${esc(threshold)} °C (${esc(thresholdSource)})</text>`);
    for (const p of alerts) {
      parts.push(`<circle class="alert-point" cx="${x(p.t).toFixed(1)}" cy="${yT(p.temp).toFixed(1)}" r="2.8"><title>${p.temp} °C at ${fmtTime(p.t)}: temperatureAlert=true</title></circle>`);
    }
    svg.innerHTML = parts.join('');
  }

  // Keeps a series bounded: past max points, the older half is thinned to one reading of each pair, the alert one
  // when the pair has one (so alerts stay visible).
  function thin(points, max) {
    if (points.length <= max) return points;
    const half = Math.floor(points.length / 4) * 2, older = [];
    for (let i = 0; i < half; i += 2) {
      older.push(points[i + 1].alert && !points[i].alert ? points[i + 1] : points[i]);
    }
    return older.concat(points.slice(half));
  }

  return { draw, thin, esc, fmtTime };
})();
