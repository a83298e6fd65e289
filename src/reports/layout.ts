// Flowing-page layout on top of pdf-lib: a cursor that moves down the page,
// wrapped paragraphs, tables whose rows never split (header repeated on the
// next page), keep-together blocks. Pure: draws into a PDFDocument it is given.
import { type Color, type PDFDocument, type PDFFont, PDFName, type RGB, rgb } from "pdf-lib";
import type { FontFace } from "./font";

export const PAGE_W = 595.28; // A4
export const PAGE_H = 841.89;
export const MARGIN_X = 42;
export const CONTENT_W = PAGE_W - 2 * MARGIN_X;
/** Lowest y body content may reach (the footer lives below). */
export const CONTENT_BOTTOM = 50;

export const C = {
  text: rgb(0.12, 0.13, 0.16),
  muted: rgb(0.42, 0.45, 0.5),
  rule: rgb(0.8, 0.82, 0.86),
  headFill: rgb(0.91, 0.93, 0.96),
  zebra: rgb(0.975, 0.98, 0.99),
  keyFill: rgb(0.955, 0.96, 0.975),
  brand: rgb(0.11, 0.25, 0.45),
  white: rgb(1, 1, 1),
  green: rgb(0.12, 0.53, 0.3),
  greenBg: rgb(0.89, 0.96, 0.91),
  amber: rgb(0.72, 0.47, 0.02),
  amberBg: rgb(0.99, 0.95, 0.85),
  red: rgb(0.75, 0.15, 0.15),
  redBg: rgb(0.99, 0.9, 0.9),
  orange: rgb(0.85, 0.36, 0.04),
  orangeBg: rgb(1, 0.93, 0.86),
  gray: rgb(0.45, 0.47, 0.5),
  grayBg: rgb(0.93, 0.94, 0.95),
  sandbox: rgb(0.86, 0.33, 0.0),
} as const;

export const REPLACEMENT = "\uFFFD";

/**
 * Makes any string drawable with the embedded font: NFC, control characters
 * and bidi overrides (spoofing) become U+FFFD, invisible joiners and variation
 * selectors are dropped, anything the font has no glyph for becomes U+FFFD.
 * Never throws, whatever the input (lone surrogates included).
 */
export const sanitize = (face: FontFace, input: unknown): string => {
  let s: string;
  try {
    s = typeof input === "string" ? input : input === null || input === undefined ? "" : String(input);
  } catch {
    return REPLACEMENT;
  }
  // Fast path: printable ASCII only.
  if (/^[\x20-\x7e]*$/.test(s)) return s;
  try {
    s = s.normalize("NFC");
  } catch {
    // normalize() does not throw on lone surrogates in V8, but stay defensive.
  }
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x200b || cp === 0x200c || cp === 0x200d || cp === 0x2060 || cp === 0xfeff) continue;
    if ((cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef)) continue;
    if (cp === 0xad) continue; // soft hyphen: invisible unless at a break
    if (cp >= 0xd800 && cp <= 0xdfff) out += REPLACEMENT; // lone surrogate
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) out += REPLACEMENT;
    else if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0x200e || cp === 0x200f)
      out += REPLACEMENT;
    else if (cp === 0x2028 || cp === 0x2029) out += REPLACEMENT;
    else if (face.has(cp)) out += ch;
    else out += REPLACEMENT;
  }
  return out;
};


// ---------------------------------------------------------------- canvas

export type FontKey = "regular" | "bold";
const FONT_RES: Record<FontKey, string> = { regular: "F1", bold: "F2" };

/** Short, locale-free number for content streams. */
const n = (v: number): string => {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
};
const rgbOp = (c: Color, op: "rg" | "RG"): string => {
  const k = c as RGB;
  return `${n(k.red)} ${n(k.green)} ${n(k.blue)} ${op}`;
};

/**
 * Glyph encoding with a per-document cache per character. pdf-lib's
 * encodeText lays out every string with fontkit; the report font has no
 * GSUB/GPOS (see scripts/gen-report-font.mjs), so a string's glyphs are exactly
 * its characters' glyphs and one lookup per distinct character is enough. The
 * single-character encodeText call also registers the glyph for subsetting.
 */
export class GlyphEncoder {
  private readonly cache = { regular: new Map<string, string>(), bold: new Map<string, string>() };
  constructor(private readonly pdfFonts: Record<FontKey, PDFFont>) {}

  hex(text: string, font: FontKey): string {
    const cache = this.cache[font];
    let out = "";
    for (const ch of text) {
      let h = cache.get(ch);
      if (h === undefined) {
        h = this.pdfFonts[font].encodeText(ch).asString();
        cache.set(ch, h);
      }
      out += h;
    }
    return out;
  }
}

export interface RectOpts {
  x: number;
  y: number;
  width: number;
  height: number;
  color?: Color;
  borderColor?: Color;
  borderWidth?: number;
}
export interface LineOpts {
  start: { x: number; y: number };
  end: { x: number; y: number };
  thickness?: number;
  color?: Color;
}

/**
 * One page's content, written straight as PDF operators. Drawing through
 * pdf-lib's PDFPage builds several operator objects per call, which was most
 * of the render time of a 20-partner report.
 */
export class Canvas {
  readonly ops: string[] = [];
  constructor(private readonly enc: GlyphEncoder | null) {}

  drawText(text: string, o: { x: number; y: number; size: number; font: FontKey; color: Color }): void {
    if (!this.enc || !text) return;
    this.ops.push(
      `BT /${FONT_RES[o.font]} ${n(o.size)} Tf ${rgbOp(o.color, "rg")} ${n(o.x)} ${n(o.y)} Td <${this.enc.hex(text, o.font)}> Tj ET`,
    );
  }

  drawRectangle(o: RectOpts): void {
    if (!this.enc) return;
    const path = `${n(o.x)} ${n(o.y)} ${n(o.width)} ${n(o.height)} re`;
    const stroke = o.borderColor && (o.borderWidth ?? 1) > 0;
    if (o.color && stroke)
      this.ops.push(`q ${rgbOp(o.color, "rg")} ${rgbOp(o.borderColor!, "RG")} ${n(o.borderWidth ?? 1)} w ${path} B Q`);
    else if (o.color) this.ops.push(`q ${rgbOp(o.color, "rg")} ${path} f Q`);
    else if (stroke) this.ops.push(`q ${rgbOp(o.borderColor!, "RG")} ${n(o.borderWidth ?? 1)} w ${path} S Q`);
  }

  drawLine(o: LineOpts): void {
    if (!this.enc) return;
    this.ops.push(
      `q ${rgbOp(o.color ?? C.text, "RG")} ${n(o.thickness ?? 1)} w ${n(o.start.x)} ${n(o.start.y)} m ${n(o.end.x)} ${n(o.end.y)} l S Q`,
    );
  }

  drawCircle(o: { x: number; y: number; size: number; color: Color }): void {
    if (!this.enc) return;
    const { x, y } = o;
    const r = o.size;
    const k = r * 0.5523;
    this.ops.push(
      `q ${rgbOp(o.color, "rg")} ${n(x + r)} ${n(y)} m ${n(x + r)} ${n(y + k)} ${n(x + k)} ${n(y + r)} ${n(x)} ${n(y + r)} c ` +
        `${n(x - k)} ${n(y + r)} ${n(x - r)} ${n(y + k)} ${n(x - r)} ${n(y)} c ${n(x - r)} ${n(y - k)} ${n(x - k)} ${n(y - r)} ${n(x)} ${n(y - r)} c ` +
        `${n(x + k)} ${n(y - r)} ${n(x + r)} ${n(y - k)} ${n(x + r)} ${n(y)} c f Q`,
    );
  }
}

/** zlib-wrapped deflate (PDF FlateDecode) with the runtime's native compressor (Workers and Node both have CompressionStream). */
const deflate = async (bytes: Uint8Array): Promise<Uint8Array> => {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
};

/** Writes the canvases into the document as pages (fonts F1/F2, one compressed content stream each). */
export async function writePages(doc: PDFDocument, canvases: Canvas[], fonts: Record<FontKey, PDFFont>): Promise<void> {
  const ascii = new TextEncoder();
  const bodies = await Promise.all(canvases.map((c) => deflate(ascii.encode(c.ops.join("\n")))));
  canvases.forEach((_, i) => {
    const page = doc.addPage([PAGE_W, PAGE_H]);
    page.node.setFontDictionary(PDFName.of(FONT_RES.regular), fonts.regular.ref);
    page.node.setFontDictionary(PDFName.of(FONT_RES.bold), fonts.bold.ref);
    const stream = doc.context.stream(bodies[i], { Filter: "FlateDecode" });
    page.node.addContentStream(doc.context.register(stream));
  });
}


export interface TextStyle {
  font?: "regular" | "bold";
  size?: number;
  color?: Color;
}

export type Cell =
  | string
  | {
      text: string;
      bold?: boolean;
      color?: Color;
      /** Colored pill behind the text (status chips). */
      chip?: { fill: Color; color: Color };
      size?: number;
      /** Secondary text under the main text (smaller, muted). */
      sub?: string;
    };

export interface Column {
  header: string;
  /** Width in points; one column may be 0 = take the remaining width. */
  width: number;
  align?: "left" | "right" | "center";
}

export interface TableOptions {
  size?: number;
  /** Key/value tables: first column shaded, no header row. */
  keyValue?: boolean;
  /** Max wrapped lines per cell; longer text ends with "…". */
  maxLines?: number;
  zebra?: boolean;
  /** Columns shaded and bold as keys (default: the first one in key/value tables). */
  keyColumns?: number[];
}

/** Tables up to this height (pt) are never split across pages. */
const KEEP_TABLE_MAX = 260;

const LINE = 1.32; // line height factor

interface LaidCell {
  lines: { t: string; style: TextStyle }[];
  chip?: { fill: Color; color: Color };
}

export class Layout {
  readonly pages: Canvas[] = [];
  page!: Canvas;
  y = 0;
  /** Dry-run depth: while > 0 nothing is drawn and page breaks are only counted. */
  private dry = 0;
  private dryBreaks = 0;
  private static readonly NULL_CANVAS = new Canvas(null);

  constructor(
    readonly fonts: Record<FontKey, FontFace>,
    private readonly encoder: GlyphEncoder,
    /** Top of the body area (below header and banner). */
    readonly top: number,
  ) {}

  clean(s: unknown): string {
    return sanitize(this.fonts.regular, s);
  }

  newPage(): void {
    this.y = this.top;
    if (this.dry) {
      this.dryBreaks++;
      return;
    }
    this.page = new Canvas(this.encoder);
    this.pages.push(this.page);
  }

  /** True when the current page is still empty. */
  get atTop(): boolean {
    return this.y >= this.top - 0.01;
  }

  get available(): number {
    return this.y - CONTENT_BOTTOM;
  }

  /** Starts a new page unless `h` points still fit. */
  ensure(h: number): void {
    if (this.y - h < CONTENT_BOTTOM && !this.atTop) this.newPage();
  }

  gap(h: number): void {
    if (!this.atTop) this.y -= h;
  }

  /**
   * Height `fn` takes when laid out from the top of an empty page, or
   * Infinity when it does not fit on one page. Nothing is drawn.
   */
  measure(fn: () => void): number {
    const saved = { page: this.page, y: this.y, breaks: this.dryBreaks };
    this.dry++;
    this.page = Layout.NULL_CANVAS;
    this.y = this.top;
    try {
      fn();
      return this.dryBreaks > saved.breaks ? Infinity : this.top - this.y;
    } finally {
      this.dry--;
      this.page = saved.page;
      this.y = saved.y;
      this.dryBreaks = saved.breaks;
    }
  }

  /** Lays out `fn` on one page: moves to a new page first when it does not fit here but fits on an empty page. */
  keepTogether(fn: () => void, gapBefore = 14): void {
    const h = this.measure(fn);
    if (Number.isFinite(h) && h + gapBefore > this.available && !this.atTop) this.newPage();
    fn();
  }

  width(text: string, style: TextStyle = {}): number {
    return this.fonts[style.font ?? "regular"].widthOf(text, style.size ?? 9);
  }

  /** Draws already-clean text at an absolute position (baseline). */
  draw(text: string, x: number, y: number, style: TextStyle = {}, page: Canvas = this.page): void {
    if (!text) return;
    page.drawText(text, { x, y, size: style.size ?? 9, font: style.font ?? "regular", color: style.color ?? C.text });
  }

  /** Cleans and shortens text with "…" so it fits `maxW`. */
  fit(raw: unknown, maxW: number, style: TextStyle = {}): string {
    const text = this.clean(raw);
    if (this.width(text, style) <= maxW) return text;
    const face = this.fonts[style.font ?? "regular"];
    const size = style.size ?? 9;
    const ell = face.widthOf("…", size);
    let w = 0;
    let out = "";
    for (const ch of text) {
      const cw = face.widthOf(ch, size);
      if (w + cw + ell > maxW) break;
      out += ch;
      w += cw;
    }
    return out + "…";
  }

  /** Cleans and wraps text into lines no wider than maxW (long words break anywhere). */
  wrap(raw: unknown, maxW: number, style: TextStyle = {}): string[] {
    const text = this.clean(raw);
    const face = this.fonts[style.font ?? "regular"];
    const size = style.size ?? 9;
    const space = face.widthOf(" ", size);
    const lines: string[] = [];
    let line = "";
    let lineW = 0;
    for (const word of text.split(" ")) {
      const ww = face.widthOf(word, size);
      if (line && lineW + space + ww <= maxW) {
        line += " " + word;
        lineW += space + ww;
        continue;
      }
      if (line || lines.length || word) {
        if (line) lines.push(line);
        line = "";
        lineW = 0;
      }
      if (ww <= maxW) {
        line = word;
        lineW = ww;
        continue;
      }
      // Word longer than the line: break it, after "_", "/", "-" or "." when
      // one is on the line (identifiers, paths), else between any characters.
      for (const ch of word) {
        const cw = face.widthOf(ch, size);
        if (lineW + cw > maxW && line) {
          const cut = Math.max(line.lastIndexOf("_"), line.lastIndexOf("/"), line.lastIndexOf("-"), line.lastIndexOf("."));
          if (cut > 0 && cut < line.length - 1) {
            lines.push(line.slice(0, cut + 1));
            line = line.slice(cut + 1);
            lineW = face.widthOf(line, size);
          } else {
            lines.push(line);
            line = "";
            lineW = 0;
          }
        }
        line += ch;
        lineW += cw;
      }
    }
    if (line || lines.length === 0) lines.push(line);
    return lines;
  }

  lineHeight(size = 9): number {
    return size * LINE;
  }

  /** A wrapped paragraph that may continue on the next page line by line. */
  paragraph(raw: unknown, style: TextStyle & { indent?: number; after?: number } = {}): void {
    const size = style.size ?? 9;
    const indent = style.indent ?? 0;
    const lh = this.lineHeight(size);
    for (const line of this.wrap(raw, CONTENT_W - indent, style)) {
      this.ensure(lh);
      this.y -= lh;
      this.draw(line, MARGIN_X + indent, this.y + size * 0.28, style);
    }
    this.y -= style.after ?? 4;
  }

  /** Section title with a rule; kept together with `keep` points of what follows. */
  heading(raw: unknown, level: 1 | 2 | 3 = 1, keep = 70): void {
    const size = level === 1 ? 14 : level === 2 ? 11.5 : 10;
    const lines = this.wrap(raw, CONTENT_W, { font: "bold", size });
    const lh = this.lineHeight(size);
    const before = level === 1 ? 14 : 10;
    const h = before + lines.length * lh + (level === 1 ? 8 : 4);
    this.ensure(h + keep);
    this.gap(before);
    for (const line of lines) {
      this.y -= lh;
      this.draw(line, MARGIN_X, this.y + size * 0.25, { font: "bold", size, color: level === 3 ? C.text : C.brand });
    }
    if (level === 1) {
      this.y -= 4;
      this.page.drawLine({
        start: { x: MARGIN_X, y: this.y },
        end: { x: MARGIN_X + CONTENT_W, y: this.y },
        thickness: 1.2,
        color: C.brand,
      });
      this.y -= 6;
    } else this.y -= 4;
  }

  private resolveWidths(cols: Column[]): number[] {
    const fixed = cols.reduce((a, c) => a + c.width, 0);
    const flex = cols.filter((c) => c.width === 0).length;
    const rest = Math.max(0, CONTENT_W - fixed);
    return cols.map((c) => (c.width === 0 ? rest / Math.max(1, flex) : c.width));
  }

  private layoutCell(cell: Cell, w: number, size: number, maxLines: number): LaidCell {
    const c = typeof cell === "string" ? { text: cell } : cell;
    const main: TextStyle = { font: c.bold ? "bold" : "regular", size: c.size ?? size, color: c.color };
    const sub: TextStyle = { font: "regular", size: (c.size ?? size) - 1, color: C.muted };
    const pad = c.chip ? 4 : 0;
    const inner = w - 8 - pad * 2;
    let lines: { t: string; style: TextStyle }[] = this.wrap(c.text, inner, main).map((t) => ({ t, style: main }));
    if (c.sub) lines.push(...this.wrap(c.sub, inner, sub).map((t) => ({ t, style: sub })));
    if (lines.length > maxLines) {
      lines = lines.slice(0, maxLines);
      const last = lines[maxLines - 1];
      last.t = this.fit(last.t + " …", inner, last.style);
      if (!last.t.endsWith("…")) last.t += "…";
    }
    return { lines, chip: c.chip };
  }

  /**
   * A table. Rows are atomic: a row that does not fit moves to the next page
   * and the header row is drawn again there. Rows taller than a page are cut
   * to fit (ending in "…").
   */
  table(columns: Column[], rows: Cell[][], opts: TableOptions = {}): void {
    const size = opts.size ?? 8.5;
    const widths = this.resolveWidths(columns);
    const lh = this.lineHeight(size);
    const padY = size < 8.5 ? 2.8 : 3.5;
    const keyCols = new Set(opts.keyColumns ?? (opts.keyValue ? [0] : []));
    const pageRoom = this.top - CONTENT_BOTTOM - 40;
    const maxLines = Math.min(opts.maxLines ?? 60, Math.floor((pageRoom - 2 * padY) / lh));
    const headerCells = !opts.keyValue
      ? columns.map((c, i) => this.layoutCell({ text: c.header, bold: true }, widths[i], size, 3))
      : null;
    const headerH = headerCells ? Math.max(...headerCells.map((h) => h.lines.length)) * lh + 2 * padY : 0;

    const drawHeader = () => {
      if (!headerCells) return;
      this.page.drawRectangle({ x: MARGIN_X, y: this.y - headerH, width: CONTENT_W, height: headerH, color: C.headFill });
      let x = MARGIN_X;
      headerCells.forEach((hc, i) => {
        hc.lines.forEach((l, j) => {
          this.draw(l.t, this.alignX(l.t, x, widths[i], columns[i].align, l.style), this.y - padY - (j + 1) * lh + size * 0.3, {
            ...l.style,
            color: C.text,
          });
        });
        x += widths[i];
      });
      this.y -= headerH;
    };

    const laid = rows.map((row) => {
      const cells = columns.map((_, i) =>
        this.layoutCell(row[i] ?? "", widths[i], size, keyCols.has(i) ? 4 : maxLines),
      );
      const h = Math.max(...cells.map((c) => c.lines.length)) * lh + 2 * padY;
      return { cells, h };
    });

    if (!laid.length) return;
    // Small tables stay on one page; longer ones keep the header with their first rows.
    const total = headerH + laid.reduce((a, r) => a + r.h, 0);
    this.ensure(total <= KEEP_TABLE_MAX ? total : headerH + laid.slice(0, 3).reduce((a, r) => a + r.h, 0));
    drawHeader();
    laid.forEach((row, r) => {
      if (this.y - row.h < CONTENT_BOTTOM) {
        this.newPage();
        drawHeader();
      }
      const top = this.y;
      if (keyCols.size) {
        let kx = MARGIN_X;
        widths.forEach((w, i) => {
          if (keyCols.has(i)) this.page.drawRectangle({ x: kx, y: top - row.h, width: w, height: row.h, color: C.keyFill });
          kx += w;
        });
      } else if ((opts.zebra ?? true) && r % 2 === 1) {
        this.page.drawRectangle({ x: MARGIN_X, y: top - row.h, width: CONTENT_W, height: row.h, color: C.zebra });
      }
      let x = MARGIN_X;
      row.cells.forEach((cell, i) => {
        if (cell.chip) {
          const tw = Math.max(...cell.lines.map((l) => this.width(l.t, l.style)));
          const chH = cell.lines.length * lh + 1;
          const cx = this.alignX("", x, widths[i], columns[i].align, {}, tw + 8);
          this.page.drawRectangle({ x: cx, y: top - padY - chH + 0.5, width: tw + 8, height: chH, color: cell.chip.fill });
        }
        const pad = cell.chip ? 4 : 0;
        cell.lines.forEach((l, j) => {
          const lx = this.alignX(l.t, x + pad, widths[i] - pad * 2, columns[i].align, l.style);
          this.draw(l.t, lx, top - padY - (j + 1) * lh + size * 0.3, {
            ...l.style,
            font: keyCols.has(i) ? "bold" : l.style.font,
            color: cell.chip ? cell.chip.color : (l.style.color ?? C.text),
          });
        });
        x += widths[i];
      });
      this.page.drawLine({
        start: { x: MARGIN_X, y: top - row.h },
        end: { x: MARGIN_X + CONTENT_W, y: top - row.h },
        thickness: 0.4,
        color: C.rule,
      });
      this.y -= row.h;
    });
    this.y -= 8;
  }

  private alignX(text: string, x: number, w: number, align: Column["align"], style: TextStyle, tw?: number): number {
    const width = tw ?? this.width(text, style);
    if (align === "right") return x + w - 4 - width;
    if (align === "center") return x + (w - width) / 2;
    return x + 4;
  }

  keyValue(rows: [string, Cell][], keyWidth = 150, opts: TableOptions = {}): void {
    this.table(
      [
        { header: "", width: keyWidth },
        { header: "", width: 0 },
      ],
      rows.map(([k, v]) => [k, v]),
      { ...opts, keyValue: true },
    );
  }

  /** Key/value pairs two per row (compact fact sheets). */
  keyValue2(rows: [string, Cell][], keyWidth = 95, opts: TableOptions = {}): void {
    const grid: Cell[][] = [];
    for (let i = 0; i < rows.length; i += 2) grid.push([rows[i][0], rows[i][1], rows[i + 1]?.[0] ?? "", rows[i + 1]?.[1] ?? ""]);
    this.table(
      [
        { header: "", width: keyWidth },
        { header: "", width: 0 },
        { header: "", width: keyWidth },
        { header: "", width: 0 },
      ],
      grid,
      { ...opts, keyValue: true, keyColumns: [0, 2] },
    );
  }

  /** A bordered box with wrapped text, kept on one page when it fits. */
  callout(title: string, body: string[], colors: { border: Color; fill: Color; title: Color }, size = 9): void {
    const innerW = CONTENT_W - 20;
    const lh = this.lineHeight(size);
    const titleLines = this.wrap(title, innerW, { font: "bold", size: size + 1 });
    const bodyLines = body.map((p) => this.wrap(p, innerW, { size }));
    const h =
      12 + titleLines.length * this.lineHeight(size + 1) + bodyLines.reduce((a, l) => a + l.length * lh + 3, 0) + 6;
    if (h > this.top - CONTENT_BOTTOM) {
      // Taller than a page: plain paragraphs instead of a box.
      this.paragraph(title, { font: "bold", size: size + 1, color: colors.title });
      for (const p of body) this.paragraph(p, { size });
      return;
    }
    this.ensure(h);
    const top = this.y;
    this.page.drawRectangle({
      x: MARGIN_X,
      y: top - h,
      width: CONTENT_W,
      height: h,
      color: colors.fill,
      borderColor: colors.border,
      borderWidth: 1,
    });
    this.page.drawRectangle({ x: MARGIN_X, y: top - h, width: 4, height: h, color: colors.border });
    let y = top - 8;
    for (const l of titleLines) {
      y -= this.lineHeight(size + 1);
      this.draw(l, MARGIN_X + 12, y + 3, { font: "bold", size: size + 1, color: colors.title });
    }
    for (const para of bodyLines) {
      for (const l of para) {
        y -= lh;
        this.draw(l, MARGIN_X + 12, y + 2.5, { size });
      }
      y -= 3;
    }
    this.y = top - h - 8;
  }
}
