// What a new month of the registry changed for one monitored CNPJ (contract
// §18, "Monitoring"): its establishment's situação cadastral, and its
// company's QSA. Pure: two records of the same root in, the changes out, with
// the words an analyst reads (pt-BR). The QSA is compared through its digest
// first (record.ts), so an unchanged company costs no field comparison.
import type { CompanyRecord, PartnerRow } from "../registry/record";
import { digest53, establishmentOf, registryPartnerDocument, SITUACAO_LABELS } from "./registry";

export interface StatusChange {
  kind: "company_status_changed";
  /** Digest of the new situação (code, date, reason): one alert per state the establishment reaches. */
  record_hash: string;
  reasons: string[];
}

export interface QsaChange {
  kind: "qsa_changed";
  /** The new QSA's digest: one alert per QSA the company reaches. */
  record_hash: string;
  reasons: string[];
}

export type CompanyChange = StatusChange | QsaChange;

const situacao = (code: string | null) => (code === null ? "não informada" : `${SITUACAO_LABELS[code] ?? "código desconhecido"} (${code})`);

/** A partner as the analyst reads it: name, document as the file shows it (a PF's CPF masked), qualification code. */
function partnerLine(p: PartnerRow): string {
  const doc = registryPartnerDocument(p[2]);
  return [p[1] ?? "(sem nome)", doc ? `documento ${doc}` : null, p[3] ? `qualificação ${p[3]}` : null].filter(Boolean).join(", ");
}

/** A partner's identity across months: who, by which document, in which role (the entry date and age band may be corrected without a change of partner). */
const partnerKey = (p: PartnerRow) => JSON.stringify([p[0], p[1], p[2], p[3]]);

/**
 * The changes between the month that served (`before`) and the new one
 * (`after`) for `cnpj` (14 characters). A CNPJ the earlier month lacked
 * (enrolled before its first appearance) changes nothing: there is nothing to
 * compare with. One the new month lacks is a status change: it is no longer in
 * the Receita's register as published.
 */
export function companyChanges(cnpj: string, before: CompanyRecord | null, after: CompanyRecord | null, month: string): CompanyChange[] {
  const order = cnpj.slice(8, 12);
  const was = before ? establishmentOf(before, order) : undefined;
  if (!before || !was) return [];
  const out: CompanyChange[] = [];
  const now = after ? establishmentOf(after, order) : undefined;
  if (!now) {
    out.push({
      kind: "company_status_changed",
      record_hash: digest53(JSON.stringify(["absent", month])),
      reasons: [`situação cadastral: ${situacao(was[4])} → CNPJ ausente dos dados abertos de ${month}`],
    });
  } else if (was[4] !== now[4] || was[5] !== now[5]) {
    const since = now[5] ? ` desde ${now[5]}` : "";
    const reason = now[6] && now[6] !== "00" ? ` (motivo ${now[6]})` : "";
    out.push({
      kind: "company_status_changed",
      record_hash: digest53(JSON.stringify([now[4], now[5], now[6]])),
      reasons: [`situação cadastral: ${situacao(was[4])} → ${situacao(now[4])}${since}${reason}`],
    });
  }
  if (after && after.digest.qsa !== before.digest.qsa) {
    const old = new Set(before.partners.map(partnerKey));
    const cur = new Set(after.partners.map(partnerKey));
    const reasons = [
      ...after.partners.filter((p) => !old.has(partnerKey(p))).map((p) => `sócio incluído: ${partnerLine(p)}`),
      ...before.partners.filter((p) => !cur.has(partnerKey(p))).map((p) => `sócio excluído: ${partnerLine(p)}`),
    ];
    out.push({
      kind: "qsa_changed",
      record_hash: after.digest.qsa,
      // The same partners with another entry date or age band: the QSA changed, no one came or went.
      reasons: reasons.length > 0 ? reasons : ["QSA alterado: datas de entrada ou faixas etárias dos mesmos sócios"],
    });
  }
  return out;
}
