// Reads the server's live event stream (SSE) with fetch, so the key goes in a header; reconnects.
import { authHeaders } from './api.js';
import type { LiveEvent } from './types.js';

export function subscribeLive(gatewayId: string, onEvent: (e: LiveEvent) => void, onState: (connected: boolean) => void): () => void {
  let stopped = false;
  let ctrl: AbortController | null = null;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const connect = async () => {
    ctrl = new AbortController();
    try {
      const r = await fetch(`/v1/gateways/${encodeURIComponent(gatewayId)}/live`, { headers: { ...authHeaders(), accept: 'text/event-stream' }, signal: ctrl.signal });
      if (!r.ok || !r.body) throw new Error(`live stream: HTTP ${r.status}`);
      onState(true);
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let cut: number;
        while ((cut = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).trimStart())
            .join('\n');
          if (data) onEvent(JSON.parse(data) as LiveEvent);
        }
      }
    } catch {
      // aborted or the connection dropped: reconnect below unless stopped
    }
    onState(false);
    if (!stopped) retry = setTimeout(connect, 2000);
  };
  void connect();
  return () => {
    stopped = true;
    clearTimeout(retry);
    ctrl?.abort();
  };
}
