// Per-flow columns the pipeline attaches to the flow table, indexed by flow index: which device the
// flow belongs to, which side is the device, and the flow's application.

export const AppMethod = { PORT: 0, DPI: 1, DNS_CACHE: 2, CATALOG: 3 } as const;
export const APP_METHOD_NAMES = ['port', 'dpi', 'dns-cache', 'catalog'] as const;
export type AppMethodName = (typeof APP_METHOD_NAMES)[number];

export class FlowAttributes {
  /** Device index, or -1 when the flow belongs to no device. */
  readonly device: Int32Array;
  /** 0 when side A (the first sender) is the device, 1 when side B is. */
  readonly deviceSide: Uint8Array;
  readonly app: Uint16Array;
  readonly appMethod: Uint8Array;

  constructor(capacity: number) {
    this.device = new Int32Array(capacity).fill(-1);
    this.deviceSide = new Uint8Array(capacity);
    this.app = new Uint16Array(capacity);
    this.appMethod = new Uint8Array(capacity);
  }

  bytesPerFlow(): number {
    return 4 + 1 + 2 + 1;
  }
}
