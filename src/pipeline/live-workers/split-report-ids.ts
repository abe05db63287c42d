// A device whose tunnel traffic comes from several outer endpoints is split across live workers, and
// each worker reports its part under the same record id (`<gateway>:<interval end>:<device ip>`).
// Outputs treat the id as the record's identity (an index keyed by it would keep only one part), so
// the second and later parts of an interval get `<id>:part<n>`. Ids are remembered per interval end,
// for the last few intervals only (workers close an interval within a second or two of each other).
import type { InspectionReportOut } from '../../export/inspection/report-builder.js';

const KEEP_INTERVALS = 4;

export class SplitReportIds {
  private readonly byInterval = new Map<number, Map<string, number>>();
  /** Reports renamed so far (parts of split devices). */
  renamed = 0;

  /** Gives r a unique record id among the reports of its interval (changes r only when it is a later part). */
  claim(r: InspectionReportOut): void {
    let ids = this.byInterval.get(r.timestamp);
    if (!ids) {
      ids = new Map();
      this.byInterval.set(r.timestamp, ids);
      if (this.byInterval.size > KEEP_INTERVALS) {
        const oldest = Math.min(...this.byInterval.keys());
        this.byInterval.delete(oldest);
      }
    }
    const seen = ids.get(r.recordId) ?? 0;
    ids.set(r.recordId, seen + 1);
    if (seen > 0) {
      r.recordId = `${r.recordId}:part${seen + 1}`;
      this.renamed++;
    }
  }
}
