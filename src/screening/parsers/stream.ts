// Streaming building blocks for the list parsers: byte sniffing, text decoding,
// a CSV tokenizer, a single-file ZIP reader and an XML record collector. Every
// helper consumes chunks as they come and keeps only the current row/record,
// so a list of tens of MB never sits whole in memory (Workers: 128 MB).
// No Node built-ins: everything here runs in workerd as in Node.
import { Inflate } from "fflate";
import { SaxesParser } from "saxes";
import type { ByteSource } from "../types";

export type ContentKind = "zip" | "xml" | "csv";

/**
 * Tells what a list file is from its first bytes: the CGU URLs may answer a ZIP
 * or the bare CSV, and an override URL may point at any of the three.
 */
export function sniff(firstBytes: Uint8Array): ContentKind {
  const b = firstBytes;
  if (b.length >= 2 && b[0] === 0x50 && b[1] === 0x4b) return "zip"; // "PK"
  let i = 0;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) i = 3; // UTF-8 BOM
  while (i < b.length && (b[i] === 0x20 || b[i] === 0x09 || b[i] === 0x0a || b[i] === 0x0d)) i++;
  if (b[i] === 0x3c) return "xml"; // "<"
  return "csv";
}

/** Re-chunks nothing; just guarantees at least `n` bytes (or the whole input) in the first chunk, for sniffing. */
export async function peek(src: ByteSource, n: number): Promise<{ head: Uint8Array; rest: ByteSource }> {
  const it = src[Symbol.asyncIterator]();
  const parts: Uint8Array[] = [];
  let len = 0;
  let done = false;
  while (len < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    parts.push(r.value);
    len += r.value.length;
  }
  const head = concat(parts, len);
  const rest: ByteSource = {
    async *[Symbol.asyncIterator]() {
      if (head.length) yield head;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) return;
        yield r.value;
      }
    },
  };
  return { head, rest };
}

export function concat(parts: Uint8Array[], len?: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const total = len ?? parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** The bytes of the single file inside a ZIP when the input is one, else the input itself. */
export async function* unzipIfZip(src: ByteSource): AsyncGenerator<Uint8Array> {
  const { head, rest } = await peek(src, 4);
  if (sniff(head) === "zip") yield* unzipFirstFile(rest);
  else yield* rest;
}

// ---------------------------------------------------------------------------
// Text decoding

/** UTF-8, streaming (multi-byte characters split across chunks are kept whole); a leading BOM is dropped. */
export async function* decodeUtf8(src: ByteSource): AsyncGenerator<string> {
  const dec = new TextDecoder("utf-8");
  for await (const chunk of src) {
    const s = dec.decode(chunk, { stream: true });
    if (s) yield s;
  }
  const tail = dec.decode();
  if (tail) yield tail;
}

// Windows-1252 for 0x80–0x9F: files labelled ISO-8859-1 in Brazil are written by
// tools that use cp1252 (curly quotes, en dash); in true ISO-8859-1 that range
// is C1 control codes that never occur in text, so reading cp1252 loses nothing.
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** ISO-8859-1 (read as Windows-1252), one byte per character: no state across chunks. Hand-rolled so it does not depend on the runtime's legacy encodings. */
export function latin1ToString(bytes: Uint8Array): string {
  let out = "";
  const codes = new Array<number>(Math.min(bytes.length, 8192));
  for (let start = 0; start < bytes.length; start += 8192) {
    const end = Math.min(bytes.length, start + 8192);
    codes.length = end - start;
    for (let i = start; i < end; i++) {
      const b = bytes[i];
      codes[i - start] = b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] : b;
    }
    out += String.fromCharCode.apply(null, codes);
  }
  return out;
}

export async function* decodeLatin1(src: ByteSource): AsyncGenerator<string> {
  for await (const chunk of src) if (chunk.length) yield latin1ToString(chunk);
}

/**
 * Official files say little about their charset. Decided on the first 64 KiB:
 * a BOM or non-ASCII bytes that are valid UTF-8 → UTF-8; non-ASCII bytes that
 * are not → ISO-8859-1; plain ASCII → `fallback`. The CGU and MTE files are
 * ISO-8859-1, but a re-exported copy may be UTF-8 (and OFAC's the reverse).
 */
export async function* decodeAuto(src: ByteSource, fallback: "latin1" | "utf-8"): AsyncGenerator<string> {
  const { head, rest } = await peek(src, 65536);
  let enc = fallback;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) enc = "utf-8";
  else if (hasNonAscii(head)) enc = isValidUtf8Prefix(head) ? "utf-8" : "latin1";
  yield* enc === "utf-8" ? decodeUtf8(rest) : decodeLatin1(rest);
}

function hasNonAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) return true;
  return false;
}

function isValidUtf8Prefix(b: Uint8Array): boolean {
  // A multi-byte sequence cut at the end of the sample is not an error.
  let end = b.length;
  for (let k = 1; k <= 3 && end - k >= 0; k++) {
    const c = b[end - k];
    if (c >= 0xc0) {
      end -= k;
      break;
    }
    if (c < 0x80) break;
  }
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(b.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// CSV

/**
 * RFC 4180-ish tokenizer, fed string chunks of any size: quoted fields may hold
 * the delimiter, line breaks and doubled quotes; CRLF, LF and CR end a row
 * (also when split across chunks). Lenient where real files are sloppy: a quote
 * inside an unquoted field, or text after a closing quote, is kept as text.
 * Blank lines are dropped.
 */
/** Longest quoted field accepted; OFAC Remarks stop at 1,000 characters, CGU fields are shorter still. */
export const MAX_CSV_FIELD = 1_000_000;

export class CsvTokenizer {
  private field = "";
  private row: string[] = [];
  private inQuotes = false;
  private quoteSeen = false; // a quote inside a quoted field: closing, or the first of a doubled pair
  private skipLf = false;
  private fieldStarted = false;

  constructor(private readonly delimiter: string) {
    if (delimiter.length !== 1) throw new Error("CSV delimiter must be one character");
  }

  push(chunk: string, out: string[][]): void {
    const d = this.delimiter.charCodeAt(0);
    const n = chunk.length;
    let i = 0;
    if (this.skipLf && n > 0) {
      if (chunk.charCodeAt(0) === 10) i = 1;
      this.skipLf = false;
    }
    while (i < n) {
      if (this.inQuotes) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (chunk.charCodeAt(i) === 34) {
            this.field += '"';
            i++;
            continue;
          }
          this.inQuotes = false; // the quote closed the field; fall through to unquoted handling
          continue;
        }
        const q = chunk.indexOf('"', i);
        if (q < 0) {
          this.field += chunk.slice(i);
          this.checkField();
          return;
        }
        this.field += chunk.slice(i, q);
        this.checkField();
        this.quoteSeen = true;
        i = q + 1;
        continue;
      }
      const c = chunk.charCodeAt(i);
      if (c === d) {
        this.endField();
        i++;
      } else if (c === 10 || c === 13) {
        this.endRow(out);
        i++;
        if (c === 13) {
          if (i < n) {
            if (chunk.charCodeAt(i) === 10) i++;
          } else this.skipLf = true;
        }
      } else if (c === 34 && !this.fieldStarted) {
        this.inQuotes = true;
        this.fieldStarted = true;
        i++;
      } else {
        // Plain run up to the next special character.
        let j = i + 1;
        while (j < n) {
          const cj = chunk.charCodeAt(j);
          if (cj === d || cj === 10 || cj === 13) break;
          j++;
        }
        this.field += chunk.slice(i, j);
        this.fieldStarted = true;
        i = j;
      }
    }
  }

  /** Call once at the end of input. */
  end(out: string[][]): void {
    this.quoteSeen = false;
    this.inQuotes = false;
    if (this.fieldStarted || this.row.length) this.endRow(out);
  }

  private checkField(): void {
    // An unbalanced quote would otherwise swallow the rest of the file into one field.
    if (this.field.length > MAX_CSV_FIELD) throw new Error("csv: a quoted field runs past 1,000,000 characters (unbalanced quote?)");
  }

  private endField(): void {
    this.row.push(this.field);
    this.field = "";
    this.fieldStarted = false;
  }

  private endRow(out: string[][]): void {
    this.endField();
    const row = this.row;
    this.row = [];
    if (row.length === 1 && row[0] === "") return; // blank line
    out.push(row);
  }
}

export async function* csvRows(text: AsyncIterable<string>, delimiter: string): AsyncGenerator<string[]> {
  const tok = new CsvTokenizer(delimiter);
  let out: string[][] = [];
  for await (const chunk of text) {
    tok.push(chunk, out);
    if (out.length) {
      const rows = out;
      out = [];
      yield* rows;
    }
  }
  tok.end(out);
  yield* out;
}

// ---------------------------------------------------------------------------
// ZIP: the first file of an archive, inflated as it streams

const SIG_LOCAL = 0x04034b50;

function u16(b: Uint8Array, o: number): number {
  return b[o] | (b[o + 1] << 8);
}
function u32(b: Uint8Array, o: number): number {
  return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
}

/**
 * Yields the uncompressed bytes of the first file entry (directories skipped),
 * telling `onEntry` its name first.
 * Reads local headers only, so it needs no seeking: sizes come from the header
 * or its ZIP64 extra; when the writer streamed the archive (sizes in a trailing
 * data descriptor), the DEFLATE stream's own end marks the end of the file and
 * whatever follows (descriptor, central directory) is ignored by the inflater.
 * Only stored (0) and DEFLATE (8) entries exist in the CGU files.
 */
export async function* unzipFirstFile(src: ByteSource, onEntry?: (name: string) => void): AsyncGenerator<Uint8Array> {
  const it = src[Symbol.asyncIterator]();
  let buf: Uint8Array = new Uint8Array(0);
  let eof = false;
  const fill = async (n: number): Promise<boolean> => {
    const parts: Uint8Array[] = [buf];
    let len = buf.length;
    while (len < n && !eof) {
      const r = await it.next();
      if (r.done) eof = true;
      else {
        parts.push(r.value);
        len += r.value.length;
      }
    }
    buf = concat(parts, len);
    return len >= n;
  };

  for (;;) {
    if (!(await fill(30)) || u32(buf, 0) !== SIG_LOCAL) throw new Error("zip: no file entry found");
    const flags = u16(buf, 6);
    const method = u16(buf, 8);
    let csize = u32(buf, 18);
    const nameLen = u16(buf, 26);
    const extraLen = u16(buf, 28);
    if (flags & 1) throw new Error("zip: encrypted entries are not supported");
    if (!(await fill(30 + nameLen + extraLen))) throw new Error("zip: truncated local header");
    const nameBytes = buf.subarray(30, 30 + nameLen);
    const isDir = nameLen > 0 && nameBytes[nameLen - 1] === 0x2f;
    if (csize === 0xffffffff) {
      // ZIP64: the extra field 0x0001 holds uncompressed then compressed size (8 bytes each).
      let p = 30 + nameLen;
      const end = p + extraLen;
      while (p + 4 <= end) {
        const id = u16(buf, p);
        const size = u16(buf, p + 2);
        if (id === 1 && size >= 16) csize = u32(buf, p + 12) + u32(buf, p + 16) * 2 ** 32;
        p += 4 + size;
      }
    }
    const hasDescriptor = (flags & 8) !== 0;
    if (!isDir) onEntry?.(latin1ToString(nameBytes));
    buf = buf.subarray(30 + nameLen + extraLen);

    if (isDir && !hasDescriptor) {
      // Directory entries carry no data.
      if (!(await fill(csize))) throw new Error("zip: truncated entry");
      buf = buf.subarray(csize);
      continue;
    }
    if (method !== 0 && method !== 8) throw new Error(`zip: unsupported compression method ${method}`);
    if (method === 0 && hasDescriptor) throw new Error("zip: stored entry without sizes is not supported");

    if (method === 0) {
      let left = csize;
      while (left > 0) {
        if (!buf.length) {
          if (!(await fill(1))) throw new Error("zip: truncated entry");
        }
        const take = Math.min(left, buf.length);
        yield buf.subarray(0, take);
        buf = buf.subarray(take);
        left -= take;
      }
      return;
    }

    const pending: Uint8Array[] = [];
    const inflater = new Inflate((data) => {
      if (data.length) pending.push(data);
    });
    if (!hasDescriptor) {
      let left = csize;
      for (;;) {
        if (!buf.length && left > 0 && !(await fill(1))) throw new Error("zip: truncated entry");
        const take = Math.min(left, buf.length);
        left -= take;
        inflater.push(buf.subarray(0, take), left === 0);
        buf = buf.subarray(take);
        yield* pending.splice(0);
        if (left === 0) return;
      }
    }
    // Streamed archive: the sizes follow the data, so feed everything; the
    // inflater stops at the end of the DEFLATE stream and ignores the rest.
    if (buf.length) inflater.push(buf, false);
    buf = new Uint8Array(0);
    yield* pending.splice(0);
    while (!eof) {
      const r = await it.next();
      if (r.done) break;
      inflater.push(r.value, false);
      yield* pending.splice(0);
    }
    inflater.push(new Uint8Array(0), true); // throws on a truncated DEFLATE stream
    yield* pending.splice(0);
    return;
  }
}

// ---------------------------------------------------------------------------
// XML: whole records (one sanctioned subject each), one at a time

export interface XNode {
  /** Local name (namespace prefix dropped). */
  name: string;
  attrs: Record<string, string>;
  children: XNode[];
  /** Direct text content, concatenated. */
  text: string;
}

export function xChild(n: XNode | undefined, name: string): XNode | undefined {
  return n?.children.find((c) => c.name === name);
}
export function xChildren(n: XNode | undefined, name: string): XNode[] {
  return n ? n.children.filter((c) => c.name === name) : [];
}
/** Trimmed text of the first child with that name ("" when absent). */
export function xText(n: XNode | undefined, name: string): string {
  return xChild(n, name)?.text.trim() ?? "";
}
/** Every descendant with that name, depth first. */
export function xFind(n: XNode, name: string, out: XNode[] = []): XNode[] {
  for (const c of n.children) {
    if (c.name === name) out.push(c);
    xFind(c, name, out);
  }
  return out;
}

function localName(qname: string): string {
  const i = qname.indexOf(":");
  return i < 0 ? qname : qname.slice(i + 1);
}

/** Elements one record may hold; the largest real ones (EU subjects with dozens of aliases and addresses) have a few hundred. */
export const MAX_XML_RECORD_NODES = 50_000;

/**
 * Yields each element whose local name is in `recordNames` as a small tree
 * (at any depth; records do not nest). Text and elements outside records are
 * dropped as they stream by.
 */
export async function* xmlRecords(src: ByteSource, recordNames: ReadonlySet<string>): AsyncGenerator<XNode> {
  const parser = new SaxesParser({ position: false });
  const done: XNode[] = [];
  const stack: XNode[] = [];
  let nodes = 0;
  parser.on("opentag", (tag) => {
    const name = localName(tag.name);
    if (!stack.length && !recordNames.has(name)) return;
    const attrs: Record<string, string> = {};
    for (const [k, v] of Object.entries(tag.attributes as Record<string, string>)) attrs[localName(k)] = v;
    const node: XNode = { name, attrs, children: [], text: "" };
    // A record that never closes (a truncated or malformed file) must not grow without bound.
    if (!stack.length) nodes = 0;
    else if (++nodes > MAX_XML_RECORD_NODES) throw new Error(`xml: a <${stack[0].name}> record holds more than ${MAX_XML_RECORD_NODES} elements`);
    if (stack.length) stack[stack.length - 1].children.push(node);
    stack.push(node);
  });
  parser.on("text", (t) => {
    if (stack.length) stack[stack.length - 1].text += t;
  });
  parser.on("cdata", (t) => {
    if (stack.length) stack[stack.length - 1].text += t;
  });
  parser.on("closetag", () => {
    if (!stack.length) return;
    const node = stack.pop()!;
    if (!stack.length) done.push(node);
  });
  parser.on("error", (e) => {
    throw e;
  });
  for await (const text of decodeUtf8(src)) {
    parser.write(text);
    if (done.length) yield* done.splice(0);
  }
  parser.close();
  yield* done.splice(0);
}

// ---------------------------------------------------------------------------
// Small pure helpers shared by the parsers

/** FNV-1a 32-bit, hex: short stable keys from row content (no crypto needed, no async). */
export function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/** "dd/mm/yyyy" → "yyyy-mm-dd"; anything else (blank, "Não informada", "Sem informação") → null. */
export function brDate(s: string | undefined): string | null {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(s ?? "");
  if (!m) return null;
  const d = +m[1];
  const mo = +m[2];
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return null;
  return `${m[3]}-${m[2].padStart(2, "0")}-${m[1].padStart(2, "0")}`;
}

/** Collapses runs of whitespace and trims. */
export function clean(s: string | undefined): string {
  return (s ?? "").replace(/\s+/g, " ").trim();
}

/** Upper case without accents, for matching header names written with or without them. */
export function headerKey(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/^\ufeff/, "")
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, " ")
    .trim();
}

export function pushUnique<T>(arr: T[], v: T): void {
  if (!arr.includes(v)) arr.push(v);
}

export function pushAlias(aliases: { name: string; weak?: boolean }[], primary: string, name: string, weak: boolean): void {
  const n = clean(name);
  if (!n || n === primary) return;
  const existing = aliases.find((a) => a.name === n);
  if (existing) {
    if (!weak && existing.weak) delete existing.weak; // strong wins
    return;
  }
  aliases.push(weak ? { name: n, weak: true } : { name: n });
}
