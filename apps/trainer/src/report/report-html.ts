/**
 * `report.html`: one file that opens offline. uPlot (a small, well-kept canvas charting library)
 * and its stylesheet are inlined, and the data sits in a `<script type="application/json">`
 * block, so the file can be mailed, archived or opened from a CI artifact without a network.
 * Charts: training and evaluation loss, the learning rate, metrics per epoch; the confusion
 * matrix and the tables are plain HTML, readable even with scripts off.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { formatShare } from '../share';
import type { ReportData } from './report-data';

/** The id of the JSON data block (tests and tools read the data back from it). */
export const REPORT_DATA_ID = 'graft-report-data';

let uplotCache: { js: string; css: string } | undefined;

/** uPlot's minified build and stylesheet, from the installed package. */
function uplotAssets(): { js: string; css: string } {
  if (!uplotCache) {
    const require = createRequire(import.meta.url);
    const dist = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8');
    uplotCache = { js: dist('uPlot.iife.min.js'), css: dist('uPlot.min.css') };
  }
  return uplotCache;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`). */
const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** Keeps a script body from closing its element early. */
const scriptText = (code: string) => code.replace(/<\/(script)/gi, '<\\/$1');

function formatValue(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : Math.abs(v) < 1e-3 && v !== 0 ? v.toExponential(2) : v.toFixed(4);
  if (v === null || v === undefined) return '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function table(rows: [string, unknown][]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(formatValue(v))}</td></tr>`).join('')}</table>`;
}

function confusionTable(cm: NonNullable<ReportData['confusionMatrix']>): string {
  const max = Math.max(1, ...cm.matrix.flat());
  const head = `<tr><th>true ↓ / predicted →</th>${cm.labels.map((l) => `<th>${escapeHtml(l)}</th>`).join('')}</tr>`;
  const body = cm.matrix
    .map((row, i) => {
      const cells = row
        .map((n, j) => {
          const alpha = (0.12 + 0.78 * (n / max)).toFixed(2);
          const hue = i === j ? '34,139,84' : '200,60,60';
          return `<td style="background:rgba(${hue},${alpha})">${n}</td>`;
        })
        .join('');
      return `<tr><th>${escapeHtml(cm.labels[i] ?? String(i))}</th>${cells}</tr>`;
    })
    .join('');
  return `<table class="cm">${head}${body}</table>`;
}

function cards(data: ReportData): string {
  const items: [string, string][] = [];
  for (const key of ['accuracy', 'f1', 'loss'])
    if (data.final[key] !== undefined)
      items.push([key === 'f1' ? 'F1' : key, key === 'loss' ? data.final[key].toFixed(4) : `${(data.final[key] * 100).toFixed(1)}%`]);
  if (data.model.parameters !== undefined) {
    const trainable = data.model.trainableParameters ?? data.model.parameters;
    const percent = data.method?.percent ?? (100 * trainable) / Math.max(1, data.model.parameters);
    items.push([`trainable parameters${data.method ? ` (${data.method.name})` : ''}`, `${trainable.toLocaleString('en-US')} (${formatShare(percent)})`]);
  }
  if (data.timing?.trainSeconds !== undefined) items.push(['training time', `${data.timing.trainSeconds.toFixed(1)} s`]);
  if (data.timing?.samplesPerSecond !== undefined) items.push(['throughput', `${data.timing.samplesPerSecond.toFixed(1)} samples/s`]);
  return `<div class="cards">${items.map(([k, v]) => `<div class="card"><div class="v">${escapeHtml(v)}</div><div class="k">${escapeHtml(k)}</div></div>`).join('')}</div>`;
}

/** The inline script that draws the charts from the data block. */
const DRAW = `
(function () {
  var data = JSON.parse(document.getElementById('${REPORT_DATA_ID}').textContent);
  var width = Math.min(720, document.body.clientWidth - 40);
  var palette = ['#1f6feb', '#d73a49', '#2da44e', '#bf8700', '#8250df', '#0a7ea4'];
  function chart(id, title, xLabel, x, series) {
    var el = document.getElementById(id);
    if (!x.length) { el.textContent = 'no data'; return; }
    var opts = { title: title, width: width, height: 260, scales: { x: { time: false } },
      // small values (learning rates) in scientific notation, so the axis does not read 0, 0, 0
      axes: [{ label: xLabel }, { size: 64, values: function (u, vals) { return vals.map(function (v) {
        return v === 0 ? '0' : Math.abs(v) < 0.01 ? v.toExponential(1) : String(+v.toFixed(3)); }); } }],
      series: [{ label: xLabel }].concat(series.map(function (s, i) {
        return { label: s.label, stroke: palette[i % palette.length], width: 1.5, spanGaps: true, points: { show: s.points } };
      })) };
    new uPlot(opts, [x].concat(series.map(function (s) { return s.values; })), el);
  }
  // training loss and evaluation loss share the step axis; uPlot.join aligns them (gaps where one has no point)
  var t = data.train, e = data.evals.filter(function (p) { return p.metrics.loss !== undefined; });
  var joined = uPlot.join([[t.map(function (p) { return p.step; }), t.map(function (p) { return p.loss; })],
                           [e.map(function (p) { return p.step; }), e.map(function (p) { return p.metrics.loss; })]]);
  chart('chart-loss', 'Loss', 'step', joined[0], [{ label: 'training loss', values: joined[1] }, { label: 'evaluation loss', values: joined[2], points: true }]);
  var lr = t.filter(function (p) { return p.learningRate !== undefined; });
  chart('chart-lr', 'Learning rate', 'step', lr.map(function (p) { return p.step; }), [{ label: 'learning rate', values: lr.map(function (p) { return p.learningRate; }) }]);
  var names = [];
  data.evals.forEach(function (p) { Object.keys(p.metrics).forEach(function (k) {
    if (k !== 'loss' && !/runtime|per_second|samples|steps/.test(k) && names.indexOf(k) < 0) names.push(k); }); });
  chart('chart-metrics', 'Evaluation metrics per epoch', 'epoch', data.evals.map(function (p, i) { return p.epoch !== undefined ? p.epoch : i + 1; }),
    names.map(function (k) { return { label: k, values: data.evals.map(function (p) { return p.metrics[k] !== undefined ? p.metrics[k] : null; }), points: true }; }));
})();
`;

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, Segoe UI, sans-serif; margin: 24px; color: #1f2328; max-width: 980px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 28px 0 8px; }
.sub { color: #59636e; margin-bottom: 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { border: 1px solid #d1d9e0; border-radius: 8px; padding: 10px 14px; min-width: 120px; }
.card .v { font-size: 20px; font-weight: 600; } .card .k { color: #59636e; font-size: 12px; }
table { border-collapse: collapse; } th, td { padding: 4px 10px; border: 1px solid #d1d9e0; text-align: left; }
table.kv th { background: #f6f8fa; font-weight: 500; } table.cm td { text-align: right; min-width: 60px; font-variant-numeric: tabular-nums; }
.charts > div { margin: 8px 0 16px; }
footer { margin-top: 32px; color: #59636e; font-size: 12px; }
`;

/** The whole report as one self-contained HTML document. */
export function renderReportHtml(data: ReportData): string {
  const { js, css } = uplotAssets();
  const model = data.model;
  const modelRows: [string, unknown][] = [
    ['model', model.path],
    ['architecture', model.architecture],
    ['model type', model.modelType],
    ['parameters', model.parameters],
    ['trainable parameters', model.trainableParameters],
    ...(data.method
      ? ([
          ['method', data.method.name],
          ['trainable share', formatShare(data.method.percent)],
          ...Object.entries(data.method.settings ?? {})
            .filter(([k]) => k !== 'method')
            .map(([k, v]): [string, unknown] => [`${data.method?.name} ${k}`, typeof v === 'object' && v !== null ? JSON.stringify(v) : v]),
        ] as [string, unknown][])
      : []),
  ];
  const finalRows = Object.entries(data.final).map(([k, v]): [string, unknown] => [k, v]);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(data.title)}</title>
<style>${css}</style>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(data.title)}</h1>
<div class="sub">${escapeHtml(data.createdAt)} · ${escapeHtml(
    Object.entries(data.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
  )}</div>
${cards(data)}
<h2>Curves</h2>
<div class="charts"><div id="chart-loss"></div><div id="chart-lr"></div><div id="chart-metrics"></div></div>
${data.confusionMatrix ? `<h2>Confusion matrix (evaluation set)</h2>${confusionTable(data.confusionMatrix)}` : ''}
<h2>Result</h2>
${finalRows.length ? table(finalRows) : '<p>no evaluation</p>'}
<h2>Model</h2>
${table(modelRows.filter(([, v]) => v !== undefined))}
<h2>Data</h2>
${table(Object.entries(data.data))}
<h2>Hyperparameters</h2>
${table(Object.entries(data.hyperparameters))}
<footer>Written by the graft CLI. Charts drawn with uPlot (MIT), inlined so this file works offline.</footer>
<script type="application/json" id="${REPORT_DATA_ID}">${scriptJson(data)}</script>
<script>${scriptText(js)}</script>
<script>${scriptText(DRAW)}</script>
</body>
</html>
`;
}

/** Reads the data block back out of a report (for tests and tools). */
export function readReportData(html: string): ReportData {
  const m = html.match(new RegExp(`<script type="application/json" id="${REPORT_DATA_ID}">([\\s\\S]*?)</script>`));
  if (!m) throw new Error('not a graft report: no data block');
  return JSON.parse(m[1]) as ReportData;
}
