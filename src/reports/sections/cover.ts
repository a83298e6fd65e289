// Top of page 1: the report title (mode) and the subject line (type, name,
// CPF/CNPJ), at most two lines.
import { C, CONTENT_W, MARGIN_X } from "../layout";
import { lookup, SUBJECT_TYPE } from "../labels";
import type { Ctx } from "./common";

export function titleBlock({ L, input }: Ctx): void {
  const { run } = input;
  const title = `Relatório de due diligence KYC — ${input.mode === "completo" ? "completo" : "resumido"}`;
  L.y -= 20;
  L.draw(L.fit(title, CONTENT_W, { font: "bold", size: 17 }), MARGIN_X, L.y, { font: "bold", size: 17, color: C.brand });
  L.y -= 16;
  const p = input.analysis.subject_profile;
  const name = p.type === "pj" ? (p.razao_social ?? p.nome_fantasia) : p.nome;
  const docLabel = run.subject.type === "pj" ? "CNPJ" : "CPF";
  const subtitle = `${lookup(SUBJECT_TYPE, run.subject.type)}${name ? ` · ${name}` : ""} · ${docLabel} ${run.subject.document}`;
  for (const line of L.wrap(subtitle, CONTENT_W, { size: 10.5 }).slice(0, 2)) {
    L.draw(line, MARGIN_X, L.y, { size: 10.5 });
    L.y -= 14;
  }
  L.y -= 6;
}
