// Device CSV for bulk import: header `imsi,ip,name,group,tags` (any order, ip required; tags separated
// by `;` or `|` inside the field). RFC 4180 quoting. Problems carry 1-based line numbers.
import type { DeviceInput } from './model.js';
import type { StoreProblem } from './store-error.js';

export const CSV_COLUMNS = ['imsi', 'ip', 'name', 'group', 'tags'] as const;
const MAX_ROWS = 100_000;

export interface CsvDevices {
  rows: { line: number; device: DeviceInput }[];
  problems: StoreProblem[];
}

export function parseDeviceCsv(text: string): CsvDevices {
  const problems: StoreProblem[] = [];
  const rows: CsvDevices['rows'] = [];
  const records = splitCsv(text.replace(/^\uFEFF/, ''), problems);
  if (records.length === 0) {
    problems.push({ path: 'line 1', problem: `empty file; expected a header (${CSV_COLUMNS.join(',')})` });
    return { rows, problems };
  }
  const header = records[0].fields.map((h) => h.trim().toLowerCase());
  const col = new Map<string, number>();
  header.forEach((h, i) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(h)) problems.push({ path: 'line 1', problem: `unknown column '${h}' (known: ${CSV_COLUMNS.join(', ')})` });
    else if (col.has(h)) problems.push({ path: 'line 1', problem: `column '${h}' appears twice` });
    else col.set(h, i);
  });
  if (!col.has('ip')) problems.push({ path: 'line 1', problem: "the header must have an 'ip' column" });
  if (problems.length) return { rows, problems };
  if (records.length - 1 > MAX_ROWS) {
    problems.push({ path: `line ${records[MAX_ROWS + 1].line}`, problem: `more than ${MAX_ROWS} devices in one import` });
    return { rows, problems };
  }
  for (const r of records.slice(1)) {
    if (r.fields.length === 1 && r.fields[0].trim() === '') continue; // blank line
    if (r.fields.length !== header.length) {
      problems.push({ path: `line ${r.line}`, problem: `has ${r.fields.length} fields, the header has ${header.length}` });
      continue;
    }
    const get = (name: string) => {
      const i = col.get(name);
      const v = i === undefined ? '' : r.fields[i].trim();
      return v === '' ? undefined : v;
    };
    const d: DeviceInput = { ip: get('ip') ?? '' };
    const imsi = get('imsi');
    const name = get('name');
    const group = get('group');
    const tags = get('tags');
    if (imsi !== undefined) d.imsi = imsi;
    if (name !== undefined) d.name = name;
    if (group !== undefined) d.group = group;
    if (tags !== undefined) d.tags = tags.split(/[;|]/).map((t) => t.trim()).filter((t) => t !== '');
    rows.push({ line: r.line, device: d });
  }
  return { rows, problems };
}

/** Splits into records of fields; `line` is where each record starts. */
function splitCsv(text: string, problems: StoreProblem[]): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let line = 1;
  let start = 1;
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const n = text.length;
  const endRecord = () => {
    fields.push(field);
    out.push({ line: start, fields });
    fields = [];
    field = '';
  };
  while (i < n) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += c;
    i++;
  }
  if (quoted) problems.push({ path: `line ${start}`, problem: 'unterminated quoted field' });
  if (field !== '' || fields.length > 0) endRecord();
  return out;
}
