// How the report names and colours domain values: the pt-BR words for
// decisions, risk bands, run statuses, phases and rules shared by several
// sections, the tones (text and fill colours) that go with them, and the
// coloured chip cell built from both. Words used by a single section live in
// that section.
import type { Color } from "pdf-lib";
import type { OnHit, OperativeDecision, Phase, RiskBand, RunStatus, SourceStatus } from "../domain/types";
import { SOURCE_CATALOG } from "../sources/catalog";
import { C, type Cell } from "./layout";

const DECISION: Record<OperativeDecision, string> = {
  approved: "Aprovado",
  rejected: "Reprovado",
  review: "Revisão manual",
  hold: "Retido (hold)",
};
const BAND: Record<RiskBand, string> = { baixo: "Baixo", medio: "Médio", alto: "Alto" };
export const RUN_STATUS: Record<RunStatus, string> = {
  queued: "Na fila",
  running: "Em execução",
  em_analise: "Em análise",
  completed: "Concluída",
  partial: "Parcial",
  failed: "Falhou",
  cancelado: "Cancelada",
};
export const PHASE: Record<Phase, string> = { critical: "Crítica", important: "Importante", additional: "Adicional" };
export const ON_HIT: Record<OnHit, string> = { block: "Bloqueia", review: "Revisão", info: "Informativo" };
export const SUBJECT_TYPE: Record<string, string> = { pf: "Pessoa física", pj: "Pessoa jurídica" };

export type Tone = { fg: Color; bg: Color };
export function toneOf(kind: "good" | "warn" | "bad" | "hold" | "none"): Tone {
  switch (kind) {
    case "good":
      return { fg: C.green, bg: C.greenBg };
    case "warn":
      return { fg: C.amber, bg: C.amberBg };
    case "bad":
      return { fg: C.red, bg: C.redBg };
    case "hold":
      return { fg: C.orange, bg: C.orangeBg };
    default:
      return { fg: C.gray, bg: C.grayBg };
  }
}
export const decisionTone = (d: OperativeDecision | null | undefined): Tone =>
  toneOf(d === "approved" ? "good" : d === "review" ? "warn" : d === "rejected" ? "bad" : d === "hold" ? "hold" : "none");
export const bandTone = (b: RiskBand | null | undefined): Tone =>
  toneOf(b === "baixo" ? "good" : b === "medio" ? "warn" : b === "alto" ? "bad" : "none");
export const statusTone = (s: string): Tone =>
  toneOf(s === "VALID" ? "good" : s === "INVALID" ? "bad" : s === "ERROR" ? "hold" : "none");

/** Label from a table; unknown values are shown as they are, null/undefined as the fallback. */
export const lookup = <T extends string>(table: Record<T, string>, key: unknown, fallback = "—"): string =>
  typeof key === "string" && Object.hasOwn(table, key) ? table[key as T] : key == null ? fallback : String(key);

export const decisionLabel = (d: OperativeDecision | null | undefined) => lookup(DECISION, d, "Sem decisão");
export const bandLabel = (b: RiskBand | null | undefined) => lookup(BAND, b, "—");
export const statusCode = (s: SourceStatus | string | undefined) => (s ? String(s) : "—");

export const sourceLabel = (key: string): string =>
  key === "partner_runs"
    ? "Execuções dos sócios (QSA)"
    : Object.hasOwn(SOURCE_CATALOG, key)
      ? SOURCE_CATALOG[key as keyof typeof SOURCE_CATALOG].label
      : key;

export const chip = (text: string, tone: Tone): Cell => ({ text, bold: true, chip: { fill: tone.bg, color: tone.fg } });
