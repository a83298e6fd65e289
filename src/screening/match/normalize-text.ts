import { ASCII_BLOCKS } from "./ascii-table";

/**
 * normalizeName's steps with the transliteration given: normalize.ts binds them
 * to any-ascii (in kycert-edge-engine, which screens, and in the Node tools);
 * the API Worker's list ingest binds them to ASCII_BLOCKS, any-ascii's own
 * output for the alphabetic scripts below U+3000, and asks the engine only for
 * the few names in CJK ideographs, kana or Hangul syllables. The table keeps
 * any-ascii's 212 KiB gzip out of the API Worker (test/node/ascii-table.test.ts
 * checks it equals any-ascii code point by code point).
 */
export function normalizeNameWith(input: string, toAscii: (s: string) => string): string {
  let s = input.normalize("NFKD").replace(/\p{M}+/gu, "");
  // any-ascii spells syllabic scripts in CamelCase syllables ("BeiLaKe"); lower-casing joins them into one word.
  s = toAscii(s).toLowerCase();
  s = s.replace(/&/g, " and ");
  // Apostrophes, and the ayn/hamza marks the transliteration writes as ' or `, sit inside words: "Ba'asyir" = "Baasyir".
  s = s.replace(/['`^]+/g, "");
  // Dotted initialisms are one word: "A.B.C." / "J.-C." / "L.P.".
  s = s.replace(/(?<![a-z0-9])[a-z](?:\.[ \t-]*[a-z](?![a-z0-9]))+\.?/g, (m) => m.replace(/[^a-z]/g, ""));
  s = s.replace(/[^a-z0-9]+/g, " ").trim();
  return s;
}

const split: string[][] = [];

/** any-ascii's transliteration of `s`, or null when a code point lies beyond the table (U+3000 and up). */
export function tableAscii(s: string): string | null {
  let out = "";
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (cp <= 0x7f) {
      out += c;
      continue;
    }
    const blockNum = cp >>> 8;
    if (blockNum >= ASCII_BLOCKS.length) return null;
    const entries = (split[blockNum] ??= ASCII_BLOCKS[blockNum].split("\t"));
    out += entries[cp & 0xff] ?? "";
  }
  return out;
}

/** normalizeName(input) without any-ascii, or null when the name needs it (see normalizeNameWith). */
export function normalizeNameByTable(input: string): string | null {
  let covered = true;
  const out = normalizeNameWith(input, (s) => {
    const ascii = tableAscii(s);
    covered = ascii !== null;
    return ascii ?? "";
  });
  return covered ? out : null;
}
