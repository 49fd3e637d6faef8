import uPlot from '/vendor/uplot/uPlot.esm.js';
import { h } from './dom.js';

const BLUE = '#2563eb';
const GREEN = '#16a34a';
const RED = '#dc2626';

/** Vertical lines at switches and rollbacks, with their label, drawn over the plot. */
function markerPlugin(getMarkers) {
  return {
    hooks: {
      draw: (u) => {
        const { ctx } = u;
        const { top, height } = u.bbox;
        for (const m of getMarkers()) {
          const x = u.valToPos(m.t / 1000, 'x', true);
          if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
          ctx.save();
          ctx.strokeStyle = m.kind === 'rollback' ? RED : '#475569';
          ctx.lineWidth = 2 * devicePixelRatio;
          ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + height);
          ctx.stroke();
          ctx.fillStyle = ctx.strokeStyle;
          ctx.font = `${11 * devicePixelRatio}px system-ui, sans-serif`;
          ctx.fillText(m.label, x + 4 * devicePixelRatio, top + 12 * devicePixelRatio);
          ctx.restore();
        }
      },
    },
  };
}

const two = (n) => String(n).padStart(2, '0');
/** 24-hour HH:MM:SS, whatever the browser's locale would do with a time. */
function clock(sec) {
  const d = new Date(sec * 1000);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

function columns(points, pick) {
  return [points.map((p) => p.t / 1000), ...pick.map((f) => points.map(f))];
}

const RATE = [
  (p) => p.colors.blue.rps,
  (p) => p.colors.green.rps,
  (p) => {
    const c = [p.colors.blue, p.colors.green].filter((x) => x.errorRate !== null);
    const n = c.reduce((a, x) => a + x.rps, 0);
    return n > 0 ? (c.reduce((a, x) => a + x.errorRate * x.rps, 0) / n) * 100 : null;
  },
];
const LAT = ['blue', 'green'].flatMap((c) => ['p50Ms', 'p95Ms', 'p99Ms'].map((q) => (p) => p.colors[c][q]));

/** Live req/s, error rate and P50/P95/P99 per color; `push` adds a point without a reload. */
export class TrafficChart {
  constructor(el, points, markers, width) {
    this.points = points.slice();
    this.markers = markers;
    const w = Math.max(280, width);
    const plugin = markerPlugin(() => this.markers);
    const xAxis = {
      space: 80,
      // Whole seconds at least: sub-second ticks would repeat the same label.
      incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600],
      values: (_u, ticks) => ticks.map(clock),
    };
    const common = {
      width: w,
      height: 190,
      plugins: [plugin],
      legend: { live: true },
      cursor: { drag: { x: false } },
    };
    const rateEl = h('div', { class: 'chart', 'aria-label': 'Requests per second and error rate' });
    const latEl = h('div', { class: 'chart', 'aria-label': 'Latency percentiles per color' });
    el.replaceChildren(
      h('h3', {}, 'Requests/s and error rate'),
      rateEl,
      h('h3', {}, 'Latency (ms)'),
      latEl,
      this.points.length === 0
        ? h('p', { class: 'muted small', id: 'traffic-empty' }, 'Waiting for traffic…')
        : '',
    );
    this.rate = new uPlot(
      {
        ...common,
        scales: { pct: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        series: [
          {},
          {
            label: 'blue req/s',
            stroke: BLUE,
            width: 2,
            points: { show: false },
            value: (_u, v) => (v == null ? '–' : v.toFixed(1)),
          },
          {
            label: 'green req/s',
            stroke: GREEN,
            width: 2,
            points: { show: false },
            value: (_u, v) => (v == null ? '–' : v.toFixed(1)),
          },
          {
            label: 'errors %',
            stroke: RED,
            width: 1.5,
            dash: [4, 3],
            points: { show: false },
            scale: 'pct',
            value: (_u, v) => (v == null ? '–' : `${v.toFixed(2)}%`),
          },
        ],
        axes: [
          xAxis,
          { label: 'req/s', size: 50 },
          { side: 1, scale: 'pct', label: 'errors %', grid: { show: false } },
        ],
      },
      columns(this.points, RATE),
      rateEl,
    );
    const lat = (color, q, stroke, dash) => ({
      label: `${color} ${q}`,
      stroke,
      width: q === 'p50' ? 2 : 1.5,
      dash,
      spanGaps: false,
      points: { show: false },
      value: (_u, v) => (v == null ? '–' : `${v.toFixed(1)} ms`),
    });
    this.lat = new uPlot(
      {
        ...common,
        series: [
          {},
          lat('blue', 'p50', BLUE),
          lat('blue', 'p95', '#60a5fa', [6, 3]),
          lat('blue', 'p99', '#93c5fd', [2, 3]),
          lat('green', 'p50', GREEN),
          lat('green', 'p95', '#4ade80', [6, 3]),
          lat('green', 'p99', '#86efac', [2, 3]),
        ],
        axes: [xAxis, { label: 'ms', size: 50 }],
      },
      columns(this.points, LAT),
      latEl,
    );
  }

  push(point) {
    this.points.push(point);
    if (this.points.length > 300) this.points.shift();
    document.getElementById('traffic-empty')?.remove();
    this.rate.setData(columns(this.points, RATE));
    this.lat.setData(columns(this.points, LAT));
  }

  setMarkers(markers) {
    this.markers = markers;
    this.rate.redraw();
    this.lat.redraw();
  }

  resize(width) {
    const w = Math.max(280, width);
    this.rate.setSize({ width: w, height: 190 });
    this.lat.setSize({ width: w, height: 190 });
  }

  destroy() {
    this.rate.destroy();
    this.lat.destroy();
  }
}
