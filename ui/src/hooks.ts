// Data loading that follows the live stream: `tick` changes when new reports may exist.
import { useEffect, useState } from 'preact/hooks';
import { get } from './api.js';

export interface Loaded<T> {
  data: T | null;
  error: string | null;
}

/** GETs path now and again whenever tick or path changes; keeps the last data while reloading. */
export function useApi<T>(path: string | null, tick: number): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: null, error: null });
  useEffect(() => {
    if (path === null) return;
    let live = true;
    get<T>(path).then(
      (data) => live && setState({ data, error: null }),
      (e: unknown) => live && setState((s) => ({ data: s.data, error: (e as Error).message })),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);
  return state;
}

/** A time that only moves when tick does (so queries with `from` change together with new data). */
export function windowStart(tick: number, minutes: number): number {
  void tick;
  return Math.floor((Date.now() - minutes * 60_000) / 1000) * 1000;
}
