// The report font: Noto Sans Regular/Bold subset (see scripts/gen-report-font.mjs).
// The bytes live base64-encoded in font-data.ts so one plain import works in
// the Worker bundle, workerd tests, node tests and the benchmark alike (no
// wrangler Data rule or Vite/tsx loader needed). Decoded and parsed once per
// isolate; the parsed fontkit face gives the renderer glyph coverage and
// advance widths without going through pdf-lib's per-call text layout.
import fontkit from "@pdf-lib/fontkit";
import { NOTO_SANS_BOLD, NOTO_SANS_REGULAR } from "./font-data";

export interface FontFace {
  /** TTF bytes to hand to pdf-lib's embedFont. */
  bytes: Uint8Array;
  /** True when the font has a glyph for the code point. */
  has(cp: number): boolean;
  /** Advance width of one code point in 1/1000 em (0 when not covered). */
  advance(cp: number): number;
  /** Width of a string at a size, in points (same result as pdf-lib's widthOfTextAtSize for this font). */
  widthOf(text: string, size: number): number;
}

const decodeBase64 = (b64: string): Uint8Array => {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
};

const makeFace = (b64: string): FontFace => {
  const bytes = decodeBase64(b64);
  const font = fontkit.create(bytes);
  const scale = 1000 / font.unitsPerEm;
  // A cmap may map code points to glyph 0 (.notdef), e.g. the 0xFFFF sentinel
  // of format 4 subtables: those are not covered.
  const covered = new Set<number>(font.characterSet.filter((cp) => font.glyphForCodePoint(cp).id !== 0));
  const widths = new Map<number, number>();
  const advance = (cp: number): number => {
    let w = widths.get(cp);
    if (w === undefined) {
      w = covered.has(cp) ? font.glyphForCodePoint(cp).advanceWidth * scale : 0;
      widths.set(cp, w);
    }
    return w;
  };
  return {
    bytes,
    has: (cp) => covered.has(cp),
    advance,
    widthOf(text, size) {
      let total = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.codePointAt(i)!;
        if (c > 0xffff) i++;
        total += advance(c);
      }
      return (total * size) / 1000;
    },
  };
};

let cached: { regular: FontFace; bold: FontFace } | undefined;

export const reportFonts = (): { regular: FontFace; bold: FontFace } =>
  (cached ??= { regular: makeFace(NOTO_SANS_REGULAR), bold: makeFace(NOTO_SANS_BOLD) });
