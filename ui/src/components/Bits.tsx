// Small building blocks: a stat card, a bar cell, a table of totals.
import type { ComponentChildren } from 'preact';
import type { Total } from '../aggregate.js';
import { bytes, count } from '../format.js';

export function Stat({ label, value, hint, testId }: { label: string; value: ComponentChildren; hint?: string; testId?: string }) {
  return (
    <div class="card stat" data-testid={testId}>
      <div class="stat-label">{label}</div>
      <div class="stat-value">{value}</div>
      {hint ? <div class="muted">{hint}</div> : null}
    </div>
  );
}

export function Bar({ part, whole }: { part: number; whole: number }) {
  const pct = whole > 0 ? Math.max(1, Math.round((part * 100) / whole)) : 0;
  return (
    <div class="bar">
      <div class="bar-fill" style={{ width: `${pct}%` }} />
    </div>
  );
}

export function TotalsTable({ title, rows, keyLabel, testId, link }: { title: string; rows: Total[]; keyLabel: string; testId?: string; link?: (t: Total) => string }) {
  const max = rows.reduce((m, r) => Math.max(m, r.bytes), 0);
  return (
    <section class="card" data-testid={testId}>
      <h3>{title}</h3>
      {rows.length === 0 ? (
        <p class="muted">no traffic reported yet</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{keyLabel}</th>
              <th class="num">up</th>
              <th class="num">down</th>
              <th class="num">devices</th>
              <th class="wide" />
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <td>{link ? <a href={link(r)}>{r.label}</a> : r.label}</td>
                <td class="num">{bytes(r.up)}</td>
                <td class="num">{bytes(r.down)}</td>
                <td class="num">{count(r.devices)}</td>
                <td class="wide">
                  <Bar part={r.bytes} whole={max} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
