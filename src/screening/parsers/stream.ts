// Streaming building blocks for the list parsers: byte sniffing, text decoding,
// a CSV tokenizer, a single-file ZIP reader and an XML record collector. Every
// helper consumes chunks as they come and keeps only the current row/record,
// so a list of tens of MB never sits whole in memory (Workers: 128 MB).
// No Node built-ins: everything here runs in workerd as in Node.
import { Inflate } from "fflate";
import { SaxesParser, type SaxesTagPlain } from "saxes";
import type { ByteSource, TextEncoding } from "../types";

/**
 * A file the service will not read: past a size cap (a zip bomb, a field or a
 * record that grows without bound) or in an encoding it cannot tell. The
 * message is pt-BR: the ingest records it as the refresh's last_error.
 */
export class FileRefused extends Error {
  override name = "FileRefused";
}

/**
 * How far a list file may grow while it is read. Each cap bounds the memory one
 * parse holds (Workers: 128 MB per isolate) whatever the file says; the real
 * lists stay far below them (reference/lists.md: the largest CSV field is an
 * OFAC remark of 1,000 characters, the largest record an EU subject of a few
 * hundred elements, ZIPs inflate about 6×).
 */
export interface ReadLimits {
  /** Bytes one ZIP entry may inflate to. */
  inflatedBytes: number;
  /** Inflated ÷ compressed bytes, checked once `ratioAfterBytes` have inflated. */
  inflateRatio: number;
  ratioAfterBytes: number;
  /** Characters of one CSV field, one XML text node or one XML token (a tag with its attributes, a comment). */
  fieldChars: number;
  /** Characters of one CSV row or one XML record. */
  recordChars: number;
  /** Fields of one CSV row. */
  rowFields: number;
  /** Elements of one XML record. */
  recordNodes: number;
  /** What the OFAC parser keeps in memory from ALT, ADD and COMMENTS to join them to the main file: characters, plus 100 a row for its bookkeeping. */
  joinedChars: number;
}

export const READ_LIMITS: Readonly<ReadLimits> = {
  // The download cap (ingest.ts maxFileBytes): zipping a file never lets more through.
  inflatedBytes: 256 * 1024 * 1024,
  // Text compresses about 5–10×, a zip bomb about 1,000×.
  inflateRatio: 100,
  ratioAfterBytes: 16 * 1024 * 1024,
  fieldChars: 100_000,
  // A D1 row holds 2 MB, a staged batch 512 KiB.
  recordChars: 1_000_000,
  rowFields: 1_000,
  // The largest real records (EU subjects with dozens of aliases and addresses) have a few hundred.
  recordNodes: 50_000,
  // Today's full SDN keeps about 6 million.
  joinedChars: 24_000_000,
};

export type ZipLimits = Pick<ReadLimits, "inflatedBytes" | "inflateRatio" | "ratioAfterBytes">;

/** Numbers as an admin reads them in last_error: 1.000.000. */
const count = (n: number) => n.toLocaleString("pt-BR");

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
export async function* unzipIfZip(src: ByteSource, limits: ZipLimits = READ_LIMITS): AsyncGenerator<Uint8Array> {
  const { head, rest } = await peek(src, 4);
  if (sniff(head) === "zip") yield* unzipFirstFile(rest, limits);
  else yield* rest;
}

// ---------------------------------------------------------------------------
// Text decoding

/**
 * Strict streaming decoding in any encoding the runtime's TextDecoder knows:
 * multi-byte characters split across chunks are kept whole, a leading BOM is
 * dropped, and a byte the encoding cannot hold refuses the file instead of
 * turning into U+FFFD — a file read in the wrong encoding must fail, never
 * load garbled names.
 */
async function* decodeStrict(src: ByteSource, dec: TextDecoder): AsyncGenerator<string> {
  let offset = 0;
  let size = 0;
  const refuse = (): never => {
    throw new FileRefused(`o arquivo não é ${dec.encoding.toUpperCase()} válido: byte inválido entre os bytes ${count(offset)} e ${count(offset + size)}`);
  };
  for await (const chunk of src) {
    size = chunk.length;
    let s = "";
    try {
      s = dec.decode(chunk, { stream: true });
    } catch {
      refuse();
    }
    offset += size;
    if (s) yield s;
  }
  size = 0;
  let tail = "";
  try {
    tail = dec.decode();
  } catch {
    refuse();
  }
  if (tail) yield tail;
}

/** UTF-8, strict (decodeStrict). */
export function decodeUtf8(src: ByteSource): AsyncGenerator<string> {
  return decodeStrict(src, new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }));
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
 * A CSV's text. `known` is the encoding found over the whole file
 * (textEncodingOf, run by the ingest over the stored file before it parses).
 * Without it (a file read once: tests, benchmarks) the first 64 KiB decide: a
 * BOM or non-ASCII bytes that are valid UTF-8 → UTF-8; non-ASCII bytes that
 * are not → ISO-8859-1; plain ASCII → `fallback`. UTF-8 is decoded strictly,
 * so a later byte that is not UTF-8 refuses the file rather than garbling it.
 * The CGU and MTE files are ISO-8859-1, but a re-exported copy may be UTF-8
 * (and OFAC's the reverse).
 */
export async function* decodeAuto(src: ByteSource, fallback: "latin1" | "utf-8", known?: TextEncoding): AsyncGenerator<string> {
  if (known) {
    yield* known === "latin1" ? decodeLatin1(src) : decodeUtf8(src);
    return;
  }
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
  const census = new EncodingCensus();
  census.push(b);
  // A multi-byte sequence cut at the end of the sample is not an error.
  return census.invalid === 0;
}

/**
 * What the bytes of a text file say about its encoding, counted as they stream
 * by (constant memory): valid multi-byte UTF-8 sequences (RFC 3629: no
 * overlong forms, no surrogates), bytes no UTF-8 sequence explains, NUL bytes.
 */
export class EncodingCensus {
  /** Valid multi-byte UTF-8 sequences, and the offset of the first one. */
  utf8 = 0;
  firstUtf8 = -1;
  /** Broken or impossible UTF-8 sequences, and the offset of the first one. */
  invalid = 0;
  firstInvalid = -1;
  nul = 0;
  firstNul = -1;
  bytes = 0;
  private need = 0;
  private lo = 0x80;
  private hi = 0xbf;
  private start = 0;

  push(b: Uint8Array): void {
    for (let i = 0; i < b.length; i++) {
      const c = b[i];
      if (this.need > 0) {
        if (c >= this.lo && c <= this.hi) {
          this.lo = 0x80;
          this.hi = 0xbf;
          if (--this.need === 0) {
            if (this.utf8++ === 0) this.firstUtf8 = this.start;
          }
          continue;
        }
        // The sequence broke off: its lead byte was not UTF-8; `c` starts afresh.
        this.broken(this.start);
      }
      if (c < 0x80) {
        if (c === 0 && this.nul++ === 0) this.firstNul = this.bytes + i;
        continue;
      }
      this.start = this.bytes + i;
      if (c >= 0xc2 && c <= 0xdf) this.need = 1;
      else if (c === 0xe0) this.expect(2, 0xa0, 0xbf);
      else if (c === 0xed) this.expect(2, 0x80, 0x9f);
      else if (c >= 0xe1 && c <= 0xef) this.need = 2;
      else if (c === 0xf0) this.expect(3, 0x90, 0xbf);
      else if (c >= 0xf1 && c <= 0xf3) this.need = 3;
      else if (c === 0xf4) this.expect(3, 0x80, 0x8f);
      else this.broken(this.start);
    }
    this.bytes += b.length;
  }

  /** At the end of the file: a sequence still open is broken. */
  end(): void {
    if (this.need > 0) this.broken(this.start);
  }

  private expect(need: number, lo: number, hi: number): void {
    this.need = need;
    this.lo = lo;
    this.hi = hi;
  }

  private broken(at: number): void {
    this.need = 0;
    this.lo = 0x80;
    this.hi = 0xbf;
    if (this.invalid++ === 0) this.firstInvalid = at;
  }

  /**
   * The one encoding that reads the whole file: UTF-8 when every byte belongs
   * to a valid sequence ("ascii" when none is above 0x7F: any reading gives
   * the same text); ISO-8859-1 when the non-ASCII bytes are not UTF-8. Latin-1
   * text makes a valid UTF-8 pair only by accident (an accented capital before
   * a symbol such as "º"), so a few such pairs — at most 2, or 1 % of the
   * non-ASCII characters — still read as ISO-8859-1; more means two encodings
   * in one file, and NUL bytes mean UTF-16 or a binary file: refused.
   */
  verdict(): TextEncoding {
    if (this.nul > 0) throw new FileRefused(`o arquivo tem bytes nulos (UTF-16 ou arquivo binário?): o primeiro no byte ${count(this.firstNul)}`);
    if (this.invalid === 0) return this.utf8 > 0 ? "utf-8" : "ascii";
    if (this.utf8 <= Math.max(2, (this.utf8 + this.invalid) / 100)) return "latin1";
    throw new FileRefused(
      `o arquivo mistura codificações: ${count(this.utf8)} caracteres em UTF-8 (o primeiro no byte ${count(this.firstUtf8)}) e ` +
        `${count(this.invalid)} bytes que não são UTF-8 (o primeiro no byte ${count(this.firstInvalid)}); nenhuma codificação lê o arquivo inteiro`,
    );
  }
}

/** The encoding of a whole text file, in one streaming pass (EncodingCensus.verdict). */
export async function textEncodingOf(src: ByteSource): Promise<TextEncoding> {
  const census = new EncodingCensus();
  for await (const chunk of src) census.push(chunk);
  census.end();
  return census.verdict();
}

/**
 * The encoding an XML file declares (XML 1.0 §4.3.3 and Appendix F): a
 * byte-order mark first (UTF-8, UTF-16 LE/BE), else "<?xml" spelled in UTF-16
 * without one, else the declaration's `encoding`, else UTF-8. Returned as a
 * TextDecoder label.
 */
export function xmlEncodingOf(head: Uint8Array): string {
  const b = head;
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return "utf-8";
  if (b[0] === 0xff && b[1] === 0xfe) return "utf-16le";
  if (b[0] === 0xfe && b[1] === 0xff) return "utf-16be";
  if (b[0] === 0x3c && b[1] === 0x00 && b[2] === 0x3f && b[3] === 0x00) return "utf-16le";
  if (b[0] === 0x00 && b[1] === 0x3c && b[2] === 0x00 && b[3] === 0x3f) return "utf-16be";
  const decl = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([A-Za-z][A-Za-z0-9._-]*)\1/.exec(latin1ToString(b.subarray(0, 512)));
  return decl ? decl[2].toLowerCase() : "utf-8";
}

/** An XML file's text, decoded strictly in the encoding it declares (xmlEncodingOf); an encoding the runtime does not know is refused. */
export async function* decodeXml(src: ByteSource): AsyncGenerator<string> {
  const { head, rest } = await peek(src, 512);
  const label = xmlEncodingOf(head);
  let dec: TextDecoder;
  try {
    dec = new TextDecoder(label, { fatal: true, ignoreBOM: false });
  } catch {
    throw new FileRefused(`codificação declarada no XML não suportada: "${label}"`);
  }
  yield* decodeStrict(rest, dec);
}

// ---------------------------------------------------------------------------
// CSV

/**
 * RFC 4180-ish tokenizer, fed string chunks of any size: quoted fields may hold
 * the delimiter, line breaks and doubled quotes; CRLF, LF and CR end a row
 * (also when split across chunks). Lenient where real files are sloppy: a quote
 * inside an unquoted field, or text after a closing quote, is kept as text.
 * Blank lines are dropped. Bounded (READ_LIMITS): a field, a row's characters
 * and its fields past their caps refuse the file, quoted or not — an
 * unbalanced quote or a file without line breaks would otherwise hold the rest
 * of the file in memory.
 */
export class CsvTokenizer {
  private field = "";
  private row: string[] = [];
  private rowChars = 0;
  private inQuotes = false;
  private quoteSeen = false; // a quote inside a quoted field: closing, or the first of a doubled pair
  private skipLf = false;
  private fieldStarted = false;

  constructor(
    private readonly delimiter: string,
    private readonly limits: Pick<ReadLimits, "fieldChars" | "recordChars" | "rowFields"> = READ_LIMITS,
  ) {
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
        this.checkField();
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
    const max = this.limits.fieldChars;
    if (this.field.length <= max) return;
    throw new FileRefused(
      this.inQuotes
        ? `um campo entre aspas do CSV passa de ${count(max)} caracteres (aspas sem fechar?)`
        : `um campo do CSV passa de ${count(max)} caracteres`,
    );
  }

  private endField(): void {
    this.rowChars += this.field.length;
    if (this.rowChars > this.limits.recordChars) throw new FileRefused(`uma linha do CSV passa de ${count(this.limits.recordChars)} caracteres`);
    if (this.row.length >= this.limits.rowFields) throw new FileRefused(`uma linha do CSV tem mais de ${count(this.limits.rowFields)} campos`);
    this.row.push(this.field);
    this.field = "";
    this.fieldStarted = false;
  }

  private endRow(out: string[][]): void {
    this.endField();
    const row = this.row;
    this.row = [];
    this.rowChars = 0;
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
 * Compressed bytes handed to the inflater at once: one push inflates at most
 * ~1,032× its input, so ≤ 4.3 MB sit between two checks of the caps (16 KiB
 * held 17 MB; measured cost of the smaller pushes: none, bench/README.md).
 */
const INFLATE_SLICE = 4 * 1024;

/**
 * Yields the uncompressed bytes of the first file entry (directories skipped),
 * telling `onEntry` its name first.
 * Reads local headers only, so it needs no seeking: sizes come from the header
 * or its ZIP64 extra; when the writer streamed the archive (sizes in a trailing
 * data descriptor), the DEFLATE stream's own end marks the end of the file and
 * whatever follows (descriptor, central directory) is ignored by the inflater.
 * Only stored (0) and DEFLATE (8) entries exist in the CGU files.
 * The sizes a header claims are not trusted: the bytes actually inflated are
 * counted, and past `limits` (absolute, and by ratio to the compressed bytes
 * read) the file is refused — a zip bomb stops after a few MB.
 */
export async function* unzipFirstFile(src: ByteSource, limits: ZipLimits = READ_LIMITS, onEntry?: (name: string) => void): AsyncGenerator<Uint8Array> {
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
      if (csize > limits.inflatedBytes) throw new FileRefused(`o arquivo dentro do ZIP passa de ${count(limits.inflatedBytes)} bytes`);
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
    let inflated = 0;
    let compressed = 0;
    const inflater = new Inflate((data) => {
      if (data.length) pending.push(data);
      inflated += data.length;
    });
    /** Inflates `bytes` a slice at a time, checking the caps and handing the output on after each slice. */
    const inflate = function* (bytes: Uint8Array, final: boolean): Generator<Uint8Array> {
      for (let o = 0; o < bytes.length || (final && o === 0); o += INFLATE_SLICE) {
        const slice = bytes.subarray(o, o + INFLATE_SLICE);
        compressed += slice.length;
        inflater.push(slice, final && o + INFLATE_SLICE >= bytes.length);
        if (inflated > limits.inflatedBytes) throw new FileRefused(`o arquivo dentro do ZIP passa de ${count(limits.inflatedBytes)} bytes descompactado`);
        if (inflated > limits.ratioAfterBytes && inflated > compressed * limits.inflateRatio) {
          throw new FileRefused(
            `o ZIP descompacta mais de ${count(limits.inflateRatio)} vezes o seu tamanho (${count(inflated)} bytes de ${count(compressed)}): parece uma bomba de descompactação`,
          );
        }
        yield* pending.splice(0);
      }
    };
    if (!hasDescriptor) {
      let left = csize;
      for (;;) {
        if (!buf.length && left > 0 && !(await fill(1))) throw new Error("zip: truncated entry");
        const take = Math.min(left, buf.length);
        left -= take;
        const slice = buf.subarray(0, take);
        buf = buf.subarray(take);
        yield* inflate(slice, left === 0);
        if (left === 0) return;
      }
    }
    // Streamed archive: the sizes follow the data, so feed everything; the
    // inflater stops at the end of the DEFLATE stream and ignores the rest.
    const rest = buf;
    buf = new Uint8Array(0);
    yield* inflate(rest, false);
    while (!eof) {
      const r = await it.next();
      if (r.done) break;
      yield* inflate(r.value, false);
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

type XmlLimits = Pick<ReadLimits, "fieldChars" | "recordChars" | "recordNodes">;

/** Characters handed to saxes at once: the token cap holds to within this much. */
const XML_SLICE = 16 * 1024;

type SaxesEvent = Parameters<SaxesParser["on"]>[0];
const COUNTED_EVENTS: SaxesEvent[] = ["opentag", "closetag", "text", "cdata", "comment"];

interface Handlers {
  opentag?: (tag: SaxesTagPlain) => void;
  text?: (text: string) => void;
  cdata?: (text: string) => void;
  closetag?: () => void;
}

/**
 * A saxes parser fed through `write`, which refuses a file whose current token
 * (a text run, a tag with its attributes, a comment, a CDATA section…) passes
 * `fieldChars`: saxes buffers a token whole until it ends, so text or blanks
 * without a '<' would otherwise grow without bound, inside a record or not.
 * The events below count as the end of a token; a run of those without one (a
 * doctype, processing instructions) is bounded as one token. Only these five
 * handlers: saxes keeps each as a property added to the parser, and with all
 * ten of them V8 turned it into a slow dictionary (the EU file parsed 3 ×
 * slower).
 */
function boundedSaxes(limits: XmlLimits, handlers: Handlers) {
  const parser = new SaxesParser({ position: false });
  let events = 0;
  let sinceEvent = 0;
  for (const e of COUNTED_EVENTS) {
    const handler = (handlers as Record<string, ((arg: never) => void) | undefined>)[e];
    parser.on(e, (handler ? (arg: never) => (events++, handler(arg)) : () => void events++) as never);
  }
  parser.on("error", (e) => {
    throw e;
  });
  return {
    write(text: string): void {
      for (let o = 0; o < text.length; o += XML_SLICE) {
        const slice = text.slice(o, o + XML_SLICE);
        const before = events;
        parser.write(slice);
        sinceEvent = events === before ? sinceEvent + slice.length : 0;
        if (sinceEvent > limits.fieldChars) throw new FileRefused(`um texto ou uma marcação do XML passa de ${count(limits.fieldChars)} caracteres`);
      }
    },
    close(): void {
      parser.close();
    },
  };
}

/**
 * Yields each element whose local name is in `recordNames` as a small tree
 * (at any depth; records do not nest). Text and elements outside records are
 * dropped as they stream by. The text is decoded in the encoding the file
 * declares (decodeXml). A record's elements, its characters and each text
 * node are bounded (READ_LIMITS): a record that never closes (a truncated or
 * malformed file) must not grow without bound.
 */
export async function* xmlRecords(src: ByteSource, recordNames: ReadonlySet<string>, limits: XmlLimits = READ_LIMITS): AsyncGenerator<XNode> {
  const done: XNode[] = [];
  const stack: XNode[] = [];
  let nodes = 0;
  let chars = 0;
  const grow = (n: number) => {
    chars += n;
    if (chars > limits.recordChars) throw new FileRefused(`um registro <${stack[0].name}> do XML passa de ${count(limits.recordChars)} caracteres`);
  };
  const addText = (t: string) => {
    if (!stack.length) return;
    const node = stack[stack.length - 1];
    node.text += t;
    if (node.text.length > limits.fieldChars) throw new FileRefused(`o texto de um <${node.name}> do XML passa de ${count(limits.fieldChars)} caracteres`);
    grow(t.length);
  };
  const parser = boundedSaxes(limits, {
    opentag: (tag: SaxesTagPlain) => {
      const name = localName(tag.name);
      if (!stack.length && !recordNames.has(name)) return;
      const attrs: Record<string, string> = {};
      let size = name.length;
      for (const [k, v] of Object.entries(tag.attributes)) {
        attrs[localName(k)] = v;
        size += k.length + v.length;
      }
      const node: XNode = { name, attrs, children: [], text: "" };
      if (!stack.length) {
        nodes = 0;
        chars = 0;
      } else if (++nodes > limits.recordNodes) throw new FileRefused(`um registro <${stack[0].name}> do XML tem mais de ${count(limits.recordNodes)} elementos`);
      if (stack.length) stack[stack.length - 1].children.push(node);
      stack.push(node);
      grow(size);
    },
    text: addText,
    cdata: addText,
    closetag: () => {
      if (!stack.length) return;
      const node = stack.pop()!;
      if (!stack.length) done.push(node);
    },
  });
  for await (const text of decodeXml(src)) {
    parser.write(text);
    if (done.length) yield* done.splice(0);
  }
  parser.close();
  yield* done.splice(0);
}

/** The first element of an XML file (its root) and its attributes, reading no further than its start tag; null when the file has none. */
export async function xmlRoot(src: ByteSource, limits: XmlLimits = READ_LIMITS): Promise<{ name: string; attrs: Record<string, string> } | null> {
  let root: { name: string; attrs: Record<string, string> } | null = null;
  const parser = boundedSaxes(limits, {
    opentag: (tag: SaxesTagPlain) => {
      if (root) return;
      const attrs: Record<string, string> = {};
      for (const [k, v] of Object.entries(tag.attributes)) attrs[localName(k)] = v;
      root = { name: localName(tag.name), attrs };
    },
  });
  const text = decodeXml(src)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const r = await text.next();
      if (r.done || root) break;
      parser.write(r.value);
      if (root) break;
    }
    return root;
  } finally {
    // Stops the decoder (and the stream under it) once the root is known.
    await text.return?.(undefined);
  }
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
