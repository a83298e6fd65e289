// Personal documents never leave the run's Durable Object in clear: before a
// run's results are stored in D1 (and so served by /detail and printed in
// reports), every CPF in provider payloads is replaced by its mask — not only
// the subject's and its partners', but anyone's a provider happens to return
// (a co-defendant in a lawsuit, a relative in a PEP record, a donor). CNPJs are
// public registry identifiers and stay.
//
// What counts as a CPF:
//  - a CPF-shaped value with a valid check digit: 11 digits as 3-3-3-2 groups,
//    each separator optional and one of `.`, `-` or white space
//    (529.982.247-25, 529 982 247 25, 529982247-25, 52998224725), standing on
//    its own: not glued to more digits (a CNPJ, a phone or protocol number is
//    not cut open), nor the tail/head of a longer dotted or dashed number;
//  - a known CPF (the caller's list), in any of those formats and wherever it
//    occurs, check digit or not: sandbox test CPFs such as 000.000.001-91 may
//    fail the check-digit rule, and the subject's own CPF must never survive,
//    even glued to other characters.
import { maskCpf, validateCpf } from "./documents";

/** Separator allowed between the groups of a CPF. */
const SEP = "[.\\s-]?";

/**
 * A CPF-shaped run on its own: no digit (or digit + `.`/`-`) right before it,
 * no digit (or `.`/`-` + digit) right after it. White space is a boundary, so
 * a list of spaced CPFs is still read one by one.
 */
const SHAPED = new RegExp(`(?<!\\d|\\d[.-])\\d{3}${SEP}\\d{3}${SEP}\\d{3}${SEP}\\d{2}(?!\\d|[.-]\\d)`, "g");

const digitsOf = (s: string) => s.replace(/\D/g, "");

/** A known CPF in any of the accepted formats. */
const knownPattern = (cpfs: readonly string[]): RegExp | null => {
  const targets = [...new Set(cpfs.filter((c) => /^\d{11}$/.test(c)))];
  if (targets.length === 0) return null;
  const one = (c: string) => [c.slice(0, 3), c.slice(3, 6), c.slice(6, 9), c.slice(9)].join(SEP);
  return new RegExp(targets.map(one).join("|"), "g");
};

const textScrubber = (cpfs: readonly string[]) => {
  const known = knownPattern(cpfs);
  return (s: string): string => {
    // Known CPFs first, anywhere; then every stand-alone CPF-shaped value whose
    // check digits hold (repeated digits such as 111.111.111-11 are not CPFs).
    const afterKnown = known ? s.replace(known, (m) => maskCpf(digitsOf(m))) : s;
    return afterKnown.replace(SHAPED, (m) => {
      const digits = digitsOf(m);
      return validateCpf(digits).ok ? maskCpf(digits) : m;
    });
  };
};

/** `text` with every CPF (see above) replaced by ***.456.789-**. */
export function redactCpfText(text: string, cpfs: readonly string[] = []): string {
  return textScrubber(cpfs)(text);
}

/**
 * Deep copy of `value` with each CPF replaced by ***.456.789-**: in strings
 * (values and object keys, raw payload text included) and in 11-digit
 * integers (a provider may send a CPF as a JSON number). `cpfs` are the
 * documents known to the run (subject, partners), masked however they appear.
 * Never mutates the input.
 */
export function redactCpfs<T>(value: T, cpfs: readonly string[] = []): T {
  const scrub = textScrubber(cpfs);
  const known = new Set(cpfs);
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return scrub(v);
    if (typeof v === "number" && Number.isSafeInteger(v) && v >= 1e10) {
      const digits = String(v);
      return digits.length === 11 && (known.has(digits) || validateCpf(digits).ok) ? maskCpf(digits) : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/**
 * Logs never carry a document: CPFs in any format are masked, then any other
 * CPF/CNPJ-looking digit run (10+ digits and separators) is blanked.
 */
export const redactForLog = (message: string): string => redactCpfText(message).replace(/\d[\d.\-/]{9,}\d/g, "***");
