// The CSV of a bulk enrolment (contract §17), read at the byte level: the
// delimiter, quotes and line breaks are ASCII in UTF-8 and ISO-8859-1 alike, so
// records are found without decoding, each field is decoded alone, and every
// record knows the byte offset where it ends — the checkpoint an import step
// resumes from — and the line it starts on, which a rejected row is reported by.
// No I/O.
import { latin1ToString } from "../screening/parsers/stream";
import type { TextEncoding } from "../screening/types";

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** A record longer than this is rejected as a row (and skipped to the next line break), not parsed. */
export const MAX_RECORD_BYTES = 64 * 1024;

export interface CsvRecord {
  /** Line (1-based) the record starts on. */
  line: number;
  fields: string[];
}

export interface CsvChunk {
  records: CsvRecord[];
  /** How many records there were (also when they were not decoded). */
  count: number;
  /** Records longer than MAX_RECORD_BYTES, skipped (reported as rejected rows). */
  oversized: number[];
  /** Bytes of `buf` consumed: up to the end of the last complete record (and its line break). */
  consumed: number;
  /** The line the next record starts on. */
  nextLine: number;
}

export type Decode = (bytes: Uint8Array) => string;

const utf8 = new TextDecoder("utf-8");
/** How a field's bytes become text in the file's encoding (found over the whole file when it was received). */
export const decoderFor = (encoding: TextEncoding): Decode => (encoding === "latin1" ? latin1ToString : (b) => utf8.decode(b));

interface FieldRange {
  start: number;
  end: number;
  /** Index of the closing quote of a quoted field, -1 when unquoted. */
  close: number;
}

function fieldText(buf: Uint8Array, f: FieldRange, decode: Decode): string {
  if (f.close < 0) return decode(buf.subarray(f.start, f.end));
  // Inside the quotes ("" is one quote), then anything written after the closing quote, leniently.
  const inner = decode(buf.subarray(f.start + 1, f.close)).replace(/""/g, '"');
  return f.close + 1 < f.end ? inner + decode(buf.subarray(f.close + 1, f.end)) : inner;
}

/**
 * Records of `buf` from its start (a record boundary). `final`: `buf` ends the
 * file, so a last record without a line break counts; otherwise a record cut
 * off by the end of `buf` is left for the next chunk (not consumed). Blank
 * lines are skipped. `decode` null: records are only counted, not kept.
 */
export function readCsvChunk(buf: Uint8Array, o: { delimiter: number; line: number; final: boolean; decode: Decode | null }): CsvChunk {
  const records: CsvRecord[] = [];
  const oversized: number[] = [];
  let count = 0;
  const n = buf.length;
  let line = o.line;
  let consumed = 0;
  let nextLine = line;
  let i = 0;
  record: while (i < n) {
    const recStart = i;
    const recLine = line;
    const fields: FieldRange[] = [];
    let fieldStart = i;
    let close = -1;
    let inQuotes = false;
    for (;;) {
      if (i - recStart > MAX_RECORD_BYTES) {
        // Skip to the next line break, whatever the quotes say; a chunk holds many of these, or the file is broken.
        let j = buf.indexOf(LF, i);
        if (j < 0 && !o.final) break record;
        j = j < 0 ? n : j + 1;
        oversized.push(recLine);
        line = recLine + countBreaks(buf, recStart, j);
        i = j;
        consumed = i;
        nextLine = line;
        continue record;
      }
      if (i >= n) {
        if (!o.final) break record;
        // End of file: the last record, without a line break.
        fields.push({ start: fieldStart, end: n, close: inQuotes ? n : close });
        i = n;
        break;
      }
      const c = buf[i];
      if (inQuotes) {
        if (c === QUOTE) {
          if (i + 1 >= n && !o.final) break record;
          if (buf[i + 1] === QUOTE) {
            i += 2;
            continue;
          }
          inQuotes = false;
          close = i;
          i++;
          continue;
        }
        if (c === LF || (c === CR && buf[i + 1] !== LF)) line++;
        i++;
        continue;
      }
      if (c === o.delimiter) {
        fields.push({ start: fieldStart, end: i, close });
        i++;
        fieldStart = i;
        close = -1;
        continue;
      }
      if (c === LF || c === CR) {
        fields.push({ start: fieldStart, end: i, close });
        if (c === CR) {
          if (i + 1 >= n && !o.final) break record;
          i += buf[i + 1] === LF ? 2 : 1;
        } else i++;
        line++;
        break;
      }
      if (c === QUOTE && i === fieldStart) inQuotes = true;
      i++;
    }
    consumed = i;
    nextLine = line;
    const blank = fields.length === 1 && fields[0].end === fields[0].start;
    if (blank) continue;
    count++;
    if (o.decode) records.push({ line: recLine, fields: fields.map((f) => fieldText(buf, f, o.decode!)) });
  }
  return { records, count, oversized, consumed, nextLine };
}

function countBreaks(buf: Uint8Array, from: number, to: number): number {
  let lines = 0;
  for (let k = from; k < to; k++) if (buf[k] === LF || (buf[k] === CR && buf[k + 1] !== LF)) lines++;
  return lines;
}

/**
 * The delimiter of a header line (`,` or `;`): the one that splits it into the
 * most fields outside quotes; a header with neither is one column.
 */
export function sniffDelimiter(headerLine: Uint8Array): number {
  let commas = 0;
  let semicolons = 0;
  let inQuotes = false;
  for (const c of headerLine) {
    if (c === QUOTE) inQuotes = !inQuotes;
    else if (!inQuotes && c === 0x2c) commas++;
    else if (!inQuotes && c === 0x3b) semicolons++;
  }
  return semicolons > commas ? 0x3b : 0x2c;
}

/** Text of a CSV cell for the errors file: quoted when it holds the delimiter, a quote or a line break. */
export const csvCell = (v: string): string => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
