// Personal documents never leave the run's Durable Object in clear: before a
// run's results are stored in D1 (and so served by /detail and printed in
// reports), every occurrence of a known CPF — the subject's and its partners' —
// is replaced by its mask. CNPJs are public registry identifiers and stay.
import { maskCpf } from "./documents";

const formatted = (cpf: string) => `${cpf.slice(0, 3)}.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-${cpf.slice(9)}`;

/** Deep copy of `value` with each CPF (bare or formatted) replaced by ***.456.789-**. */
export function redactCpfs<T>(value: T, cpfs: readonly string[]): T {
  const targets = [...new Set(cpfs.filter((c) => /^\d{11}$/.test(c)))];
  if (targets.length === 0) return value;
  const pattern = new RegExp(targets.flatMap((c) => [formatted(c).replace(/\./g, "\\."), c]).join("|"), "g");
  const scrub = (s: string) => s.replace(pattern, (m) => maskCpf(m.replace(/\D/g, "")));
  const walk = (v: unknown): unknown => {
    if (typeof v === "string") return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
