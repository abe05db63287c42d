// A uPlot line chart that follows its data; series values are rates (bit/s unless told).
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { bits } from '../format.js';

export interface ChartProps {
  title: string;
  t: number[];
  series: { label: string; values: number[]; color: string }[];
  format?: (v: number) => string;
  height?: number;
}

export function Chart({ title, t, series, format = bits, height = 220 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join('|');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height,
      series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, value: (_u: uPlot, v: number | null) => (v == null ? '-' : format(v)) }))],
      axes: [{}, { size: 90, values: (_u: uPlot, vals: number[]) => vals.map((v) => format(v)) }],
      scales: { x: { time: true } },
      legend: { live: true },
    };
    plot.current = new uPlot(opts, [t, ...series.map((s) => s.values)], el);
    const onResize = () => plot.current?.setSize({ width: Math.max(300, el.clientWidth), height });
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      plot.current?.destroy();
      plot.current = null;
    };
    // Rebuilt only when the set of series changes; data updates go through setData below.
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData([t, ...series.map((s) => s.values)]);
  }, [t, series]);

  return (
    <section class="card chart">
      <h3>{title}</h3>
      {t.length === 0 ? <p class="muted">waiting for data…</p> : null}
      <div ref={box} />
    </section>
  );
}
