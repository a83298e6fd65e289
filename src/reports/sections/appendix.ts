// "Apêndice: integridade e dados de geração" (completo, last): the SHA-256 of
// the stored result, and how, when and by which renderer the report was made.
import { fmtDate } from "../format";
import { C } from "../layout";
import { type Ctx, REPORT_RENDERER_VERSION } from "./common";

export function appendix({ L, input }: Ctx): void {
  L.heading("Apêndice: integridade e dados de geração", 1, 200);
  L.paragraph(
    "O hash abaixo identifica o resultado armazenado da execução: recalculá-lo sobre o resultado obtido pela API confirma que este relatório descreve exatamente aquele resultado. O relatório é gerado uma única vez por execução e modo e não é alterado depois.",
    { size: 8.5, color: C.muted, after: 6 },
  );
  L.keyValue(
    [
      ["SHA-256 do resultado", { text: input.resultHash || "—", bold: true }],
      ["Execução", input.run.id],
      ["Modo do relatório", input.mode],
      ["Gerado em", `${fmtDate(input.generatedAt)} (${input.generatedAt})`],
      ["Versão da análise", input.analysisVersion ?? "—"],
      ["Template", `${input.template.id} · versão ${input.template.version}`],
      ["Ambiente", input.run.livemode ? "Produção (livemode: true)" : "AMBIENTE DE TESTES (livemode: false)"],
      ["Tenant", input.tenantName],
      ["Execuções de sócios incluídas", String(input.partners.length)],
      ["Gerador", `kycert-edge report renderer ${REPORT_RENDERER_VERSION} (pdf-lib) · fonte Noto Sans (SIL OFL 1.1)`],
    ],
    150,
  );
}
