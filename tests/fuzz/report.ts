import type { ClassReport, Violation } from './session';

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]! : 0;
}

function statusCounts(report: ClassReport): string {
  const order = (key: string) => (/^\d+$/.test(key) ? Number(key) : 1000);
  return (
    [...report.statuses]
      .sort(([a], [b]) => order(a) - order(b) || a.localeCompare(b))
      .map(([key, n]) => `${key}×${n}`)
      .join(' ') || '-'
  );
}

/** One line for the suite's output: count, statuses seen, and whether the class held. */
export function summaryLine(report: ClassReport): string {
  const sorted = [...report.latenciesMs].sort((a, b) => a - b);
  const restarted = report.restartedBecause ? ` (bot restarted first: ${report.restartedBecause})` : '';
  return (
    `${report.name}: ${report.sent}/${report.planned} sent, ${statusCounts(report)}; ` +
    `slowest answer ${Math.round(sorted.at(-1) ?? 0)} ms${restarted} — ${report.violations.length ? 'FAIL' : 'ok'}`
  );
}

/** Each kind of violation once: how many, the first in full, and the next few by name. */
export function violationSummary(violations: Violation[]): string[] {
  const byKind = new Map<string, Violation[]>();
  for (const v of violations) byKind.set(v.kind, [...(byKind.get(v.kind) ?? []), v]);
  return [...byKind].map(([kind, list]) => {
    // Requests that stall the server fail together with those that merely shared it: name the others too.
    const others = list.slice(1, 9).flatMap((v) => (v.request ? [v.request] : []));
    return `${kind}${list.length > 1 ? ` ×${list.length}, first` : ''}: ${list[0]!.text}${others.length ? `; also ${others.join(', ')}` : ''}`;
  });
}

/** The table `npm run fuzz` prints: requests, status counts, max and p99 latency per class. */
export function table(reports: ClassReport[]): string {
  const rows = reports.map((r) => {
    const sorted = [...r.latenciesMs].sort((a, b) => a - b);
    return [
      r.name,
      String(r.sent),
      statusCounts(r),
      String(Math.round(sorted.at(-1) ?? 0)),
      String(Math.round(percentile(sorted, 0.99))),
      r.violations.length ? `FAIL (${r.violations.length})` : 'ok',
    ];
  });
  const header = ['class', 'requests', 'statuses', 'max ms', 'p99 ms', 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 1 || i === 3 || i === 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
