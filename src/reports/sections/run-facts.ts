// "Dados da execução": the run's own record — id, status, subject, template,
// external id, metadata, timestamps, credits and environment.
import { fmtDate, fmtInt } from "../format";
import type { Cell } from "../layout";
import { lookup, RUN_STATUS, SUBJECT_TYPE } from "../labels";
import type { Ctx } from "./common";

export function runFacts({ L, input }: Ctx): void {
  const { run } = input;
  const meta = Object.entries(run.metadata ?? {});
  const rows: [string, Cell][] = [
    ["Execução", run.id],
    ["Status", lookup(RUN_STATUS, run.status)],
    ["Sujeito", `${lookup(SUBJECT_TYPE, run.subject.type)} · ${run.subject.type === "pj" ? "CNPJ" : "CPF"} ${run.subject.document}`],
    ["Template", `${input.template.name} (${input.template.id}) · versão ${input.template.version}`],
    ["Identificador externo", run.external_id ?? run.flags?.external_id ?? "—"],
    ["Metadados", meta.length ? meta.map(([k, v]) => `${k} = ${v}`).join(" · ") : "—"],
    ["Criada em", fmtDate(run.created_at)],
    ["Iniciada em", fmtDate(run.started_at)],
    ["Concluída em", fmtDate(run.completed_at)],
    ["Créditos utilizados", fmtInt(run.credits_used)],
    ["Ambiente", run.livemode ? "Produção (livemode)" : "AMBIENTE DE TESTES (sandbox, dados simulados)"],
  ];
  if (run.parent_run_id) rows.push(["Execução de origem", run.parent_run_id]);
  L.heading("Dados da execução", 2);
  L.keyValue2(rows, 92, { size: 8 });
}
