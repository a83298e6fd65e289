// Which QSA partners of a company get a partner run (contract §5).
import type { QsaPartner, SourceResult, TemplateSnapshot } from "./types";

const isQsaPartner = (p: unknown): p is QsaPartner =>
  !!p &&
  typeof p === "object" &&
  typeof (p as QsaPartner).nome === "string" &&
  typeof (p as QsaPartner).documento === "string" &&
  typeof (p as QsaPartner).tipo === "string";

/** The QSA as the identity source reported it (empty when it did not answer). */
export function qsaOf(results: readonly SourceResult[]): QsaPartner[] {
  const cnpj = results.find((r) => r.source === "receita_federal_cnpj");
  const qsa = cnpj?.status === "ERROR" ? undefined : cnpj?.data?.qsa;
  return Array.isArray(qsa) ? qsa.filter(isQsaPartner) : [];
}

/**
 * Partners that get a child run: people (tipo "pf") whose full CPF is known
 * (masked CPFs from open data cannot be queried), each CPF once, in QSA order,
 * at most `max_partners`. None when the template has no partner runs or the
 * company was already rejected by a critical block.
 */
export function selectPartners(snapshot: TemplateSnapshot, results: readonly SourceResult[], blocked: boolean): QsaPartner[] {
  if (!snapshot.partner_runs || snapshot.subject_type !== "pj" || blocked) return [];
  const seen = new Set<string>();
  const out: QsaPartner[] = [];
  for (const p of qsaOf(results)) {
    const doc = p.documento.replace(/[.\-/\s]/g, "");
    if (p.tipo !== "pf" || !/^\d{11}$/.test(doc) || seen.has(doc)) continue;
    seen.add(doc);
    out.push({ ...p, documento: doc });
    if (out.length >= snapshot.partner_runs.max_partners) break;
  }
  return out;
}
