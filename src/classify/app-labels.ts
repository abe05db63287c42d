// Interned application labels ("TLS.aws-iot", "DNS", "MQTT") so flows carry a small number, not a
// string. The port-based names come first, so a port-app id is also its label id.
import { APP_NAMES } from './port-apps.js';

export class AppLabels {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];
  private readonly categories: (string | undefined)[] = [];

  constructor() {
    for (const n of APP_NAMES) this.intern(n);
  }

  intern(label: string, category?: string): number {
    let id = this.ids.get(label);
    if (id === undefined) {
      id = this.names.length;
      if (id > 0xffff) return 0; // table full: such flows show as Unknown rather than failing
      this.ids.set(label, id);
      this.names.push(label);
      this.categories.push(category);
    } else if (category && !this.categories[id]) {
      this.categories[id] = category;
    }
    return id;
  }

  name(id: number): string {
    return this.names[id] ?? 'Unknown';
  }

  category(id: number): string | undefined {
    return this.categories[id];
  }
}
