// "Perfil do sujeito": the subject's registration data as the analysis
// profiled it — company data for a PJ, person data for a PF.
import { fmtDate } from "../format";
import type { Ctx } from "./common";

export function profileSection({ L, input }: Ctx): void {
  const p = input.analysis.subject_profile;
  L.heading("Perfil do sujeito", 2);
  if (p.type === "pj") {
    L.keyValue(
      [
        ["Razão social", p.razao_social ?? "—"],
        ["Nome fantasia", p.nome_fantasia ?? "—"],
        ["Situação cadastral", p.situacao_cadastral ?? "—"],
        ["Data de abertura", p.data_abertura ? fmtDate(p.data_abertura) : "—"],
        ["CNAE principal", p.cnae_principal ?? "—"],
        ["CNPJ", input.run.subject.document],
        ["Sócios no QSA", String(p.qsa?.length ?? 0)],
      ],
      130,
    );
    return;
  }
  L.keyValue(
    [
      ["Nome", p.nome ?? "—"],
      ["Data de nascimento", p.data_nascimento ? fmtDate(p.data_nascimento) : "—"],
      ["Situação cadastral", p.situacao_cadastral ?? "—"],
      ["Registro de óbito", p.obito === null || p.obito === undefined ? "—" : p.obito ? "Sim" : "Não"],
      ["CPF", input.run.subject.document],
    ],
    130,
  );
}
