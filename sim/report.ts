import type { SimulationRun } from './engine.js';
import type { SimulationResult } from './types.js';

const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

export interface Row {
  policy: string;
  instanceHours: string;
  xOracle: string;
  unmet: string;
  p95Wait: string;
  actions: string;
  killed: string;
  wall: string;
}

function tableRows(results: readonly SimulationResult[]): Row[] {
  return results.map((r) => ({
    policy: r.policy,
    instanceHours: fmt(r.instanceHours),
    xOracle: `${fmt(r.instanceHours / r.oracleInstanceHours, 2)}×`,
    unmet: `${fmt(r.unmetCpuHours)} (${fmt((100 * r.unmetCpuHours) / Math.max(r.demandCpuHours, 1e-9), 2)}%)`,
    p95Wait: `${fmt(r.pendingSecondsP95, 0)} s`,
    actions: `${r.scaleOutActions} out / ${r.scaleInActions} in`,
    killed: String(r.tasksKilled),
    wall: `${fmt(r.wallSeconds)} s`,
  }));
}

const HEADERS: Record<keyof Row, string> = {
  policy: 'policy', instanceHours: 'instance-hours', xOracle: '× oracle', unmet: 'unmet cpu-h (% of demand)',
  p95Wait: 'p95 wait', actions: 'actions', killed: 'tasks killed', wall: 'wall',
};

/** A plain-text table for the terminal, with the oracle bound and the static peak underneath. */
export function comparisonTable(results: readonly SimulationResult[]): string {
  const rows = tableRows(results);
  const keys = Object.keys(HEADERS) as Array<keyof Row>;
  const width = (k: keyof Row) => Math.max(HEADERS[k].length, ...rows.map((r) => r[k].length));
  const line = (cells: Record<keyof Row, string>) => keys.map((k, i) => (i === 0 ? cells[k].padEnd(width(k)) : cells[k].padStart(width(k)))).join('  ');
  const first = results[0];
  const footer = first
    ? `\n${first.trace}: window ${fmt(first.windowSeconds / 3600, 0)} h, demand ${fmt(first.demandCpuHours)} cpu-h, oracle ${fmt(first.oracleInstanceHours)} instance-h, static peak ${fmt(first.staticPeakInstanceHours)} instance-h`
    : '';
  return [line(HEADERS), ...rows.map(line)].join('\n') + footer;
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** One SVG line chart; series share the x axis (hours). */
function chart(title: string, unit: string, lines: Array<{ label: string; color: string; points: Array<[number, number]> }>): string {
  const W = 900, H = 220, L = 56, R = 12, T = 24, B = 30;
  const xs = lines.flatMap((l) => l.points.map((p) => p[0]));
  const ys = lines.flatMap((l) => l.points.map((p) => p[1]));
  const xMax = Math.max(1e-9, ...xs);
  const yMax = Math.max(1, ...ys) * 1.05;
  const x = (v: number) => L + ((W - L - R) * v) / xMax;
  const y = (v: number) => H - B - ((H - T - B) * v) / yMax;
  const grid = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = yMax * f;
    return `<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/><text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v, 0)}</text>`;
  });
  const hours = Math.ceil(xMax / 24) > 1 ? 24 : 6;
  const ticks: string[] = [];
  for (let h = 0; h <= xMax; h += hours) ticks.push(`<text x="${x(h).toFixed(1)}" y="${H - 10}" text-anchor="middle">${h} h</text>`);
  const paths = lines.map((l) => {
    const d = l.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    return `<path d="${d}" fill="none" stroke="${l.color}" stroke-width="1.4"/>`;
  });
  const legend = lines.map((l, i) => `<rect x="${L + 8 + i * 150}" y="6" width="12" height="3" fill="${l.color}"/><text x="${L + 24 + i * 150}" y="11">${escapeHtml(l.label)}</text>`);
  return `<figure><figcaption>${escapeHtml(title)} <span class="unit">(${escapeHtml(unit)})</span></figcaption><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtml(title)}">${grid.join('')}${ticks.join('')}${paths.join('')}${legend.join('')}</svg></figure>`;
}

function htmlTable(results: readonly SimulationResult[]): string {
  const keys = Object.keys(HEADERS) as Array<keyof Row>;
  return `<table><thead><tr>${keys.map((k) => `<th>${escapeHtml(HEADERS[k])}</th>`).join('')}</tr></thead><tbody>${tableRows(results)
    .map((r) => `<tr>${keys.map((k) => `<td>${escapeHtml(r[k])}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function policyCharts({ result, series }: SimulationRun): string {
  const h = (t: number) => t / 3600;
  return `<section><h3>${escapeHtml(result.policy)} <small>${escapeHtml(result.trace)}</small></h3>${chart('Demand and capacity', 'cpus', [
    { label: 'demand (zero wait)', color: '#6b7280', points: series.map((p) => [h(p.t), p.demandCpus]) },
    { label: 'registered capacity', color: '#2563eb', points: series.map((p) => [h(p.t), p.capacityCpus]) },
  ])}${chart('Instances and pending tasks', 'count', [
    { label: 'instances (billed)', color: '#059669', points: series.map((p) => [h(p.t), p.instances]) },
    { label: 'pending tasks', color: '#dc2626', points: series.map((p) => [h(p.t), p.pendingTasks]) },
  ])}</section>`;
}

/** A self-contained HTML report: per trace, the comparison table, then demand, capacity and pending per policy. */
export function renderReport(runs: readonly SimulationRun[], options: { title: string }): string {
  const traces = [...new Set(runs.map((r) => r.result.trace))];
  const body = traces.map((trace) => {
    const group = runs.filter((r) => r.result.trace === trace);
    const r = group[0]!.result;
    const basis = `<p>Window ${fmt(r.windowSeconds / 3600, 0)} h; demand ${fmt(r.demandCpuHours)} cpu-hours; perfect-foresight bound ${fmt(r.oracleInstanceHours)} instance-hours; static peak ${fmt(r.staticPeakInstanceHours)} instance-hours.</p>`;
    return `<h2>${escapeHtml(trace)}</h2>${basis}${htmlTable(group.map((g) => g.result))}${group.map(policyCharts).join('')}`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title><style>
body{font:14px system-ui,sans-serif;margin:24px;color:#111827;max-width:960px}h1{font-size:20px}h2{font-size:18px;margin-top:32px;border-bottom:2px solid #111827}h3{font-size:15px;margin-top:24px}small{color:#6b7280;font-weight:normal}
table{border-collapse:collapse;margin:12px 0}th,td{white-space:nowrap;padding:4px 10px;border-bottom:1px solid #e5e7eb;text-align:right}th:first-child,td:first-child{text-align:left}
figure{margin:8px 0}figcaption{font-weight:600;margin-bottom:4px}.unit{color:#6b7280;font-weight:normal}svg{width:100%;height:auto;font-size:11px;fill:#374151}
</style></head><body><h1>${escapeHtml(options.title)}</h1>${body.join('')}</body></html>
`;
}
