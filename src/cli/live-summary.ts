// One-line live summary for the demo: devices online, packets/s, top applications.
import type { Pipeline } from '../pipeline/worker.js';
import type { DeviceDirectory } from '../control/devices/device-directory.js';

export function liveSummary(pipeline: Pipeline, devices: DeviceDirectory) {
  let lastFrames = 0;
  let lastMs = Date.now();
  return {
    line(): string {
      const now = Date.now();
      const frames = pipeline.stats.frames;
      const pps = ((frames - lastFrames) * 1000) / Math.max(1, now - lastMs);
      lastFrames = frames;
      lastMs = now;
      const online = new Set<number>();
      const appBytes = new Map<string, number>();
      const f = pipeline.flows;
      const a = pipeline.attrs;
      f.forEachActive((idx) => {
        if (a.device[idx] >= 0) online.add(a.device[idx]);
        const name = pipeline.classify.labels.name(a.app[idx]);
        appBytes.set(name, (appBytes.get(name) ?? 0) + f.bytesAB(idx) + f.bytesBA(idx));
      });
      const top = [...appBytes.entries()]
        .sort((x, y) => y[1] - x[1])
        .slice(0, 5)
        .map(([n, b]) => `${n} ${formatBytes(b)}`)
        .join(', ');
      return `devices online ${online.size}/${devices.count} | ${Math.round(pps)} packets/s | flows ${f.stats.active} | reports ${pipeline.inspection.reportsEmitted} | top apps: ${top || '-'}`;
    },
  };
}

function formatBytes(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(1)} GB`;
  if (b >= 1e6) return `${(b / 1e6).toFixed(1)} MB`;
  if (b >= 1e3) return `${(b / 1e3).toFixed(1)} kB`;
  return `${b} B`;
}
