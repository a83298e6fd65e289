// "Quadro societário (QSA): resumo" (PJ only): the QSA members joined with
// their own partner runs, a count by decision and one table row per member.
// The join (qsaMembers) is shared with the QSA graph of the completo.
import { C } from "../layout";
import { nameKey } from "../../domain/names";
import { bandLabel, chip, decisionLabel, decisionTone } from "../labels";
import type { ReportInput, ReportPartner } from "../types";
import type { Ctx } from "./common";

export interface QsaMember {
  nome: string;
  documento: string;
  qualificacao: string;
  run_id: string | null;
  partner?: ReportPartner;
}

/**
 * QSA members from the profile joined with their partner runs (a partner
 * screened on the lists, which has no run, by its masked CPF and name);
 * partners missing from the profile are appended.
 */
export const qsaMembers = (input: ReportInput): QsaMember[] => {
  const p = input.analysis.subject_profile;
  const byRun = new Map(input.partners.filter((x) => x.summary.run_id).map((x) => [x.summary.run_id, x]));
  const listed = input.partners.filter((x) => !x.summary.run_id);
  const used = new Set<ReportPartner>();
  const out: QsaMember[] = [];
  if (p.type === "pj") {
    for (const m of p.qsa ?? []) {
      const partner = m.run_id
        ? byRun.get(m.run_id)
        : listed.find((x) => !used.has(x) && x.summary.document === m.documento && nameKey(x.summary.name) === nameKey(m.nome));
      if (partner) used.add(partner);
      out.push({ ...m, partner });
    }
  }
  for (const x of input.partners) {
    if (used.has(x)) continue;
    out.push({
      nome: x.summary.name,
      documento: x.summary.document,
      qualificacao: x.summary.qualificacao,
      run_id: x.summary.run_id,
      partner: x,
    });
  }
  return out;
};

export const partnerOperative = (m: QsaMember) => {
  const s = m.partner?.summary;
  return s ? (s.operative_decision ?? s.decision) : null;
};

export function qsaSummary({ L, input }: Ctx): void {
  if (input.run.subject.type !== "pj") return;
  const members = qsaMembers(input);
  L.heading("Quadro societário (QSA): resumo", 2, 130);
  if (!members.length) {
    L.paragraph("A Receita Federal não informou sócios para esta empresa.", { size: 9 });
    return;
  }
  const counts = { approved: 0, review: 0, rejected: 0, hold: 0, other: 0 };
  for (const m of members) {
    const d = partnerOperative(m);
    if (d === "approved" || d === "review" || d === "rejected" || d === "hold") counts[d]++;
    else counts.other++;
  }
  L.paragraph(
    `${members.length} sócio(s): ${counts.approved} aprovado(s), ${counts.review} em revisão, ${counts.rejected} reprovado(s), ${counts.hold} retido(s), ${counts.other} sem decisão ou sem execução própria.`,
    { size: 8.5, color: C.muted },
  );
  L.table(
    [
      { header: "Sócio", width: 0 },
      { header: "Documento", width: 90 },
      { header: "Qualificação", width: 110 },
      { header: "Decisão", width: 90 },
      { header: "Faixa", width: 55 },
    ],
    members.map((m) => {
      const s = m.partner?.summary;
      const d = partnerOperative(m);
      return [
        { text: m.nome, sub: m.run_id ?? (s?.screened_by === "lists" ? "triado nas listas (CPF mascarado)" : "sem execução própria") },
        m.documento,
        m.qualificacao,
        s ? chip(decisionLabel(d), decisionTone(d)) : "—",
        s ? bandLabel(s.risk_band) : "—",
      ];
    }),
    { size: 8, maxLines: 3 },
  );
}
