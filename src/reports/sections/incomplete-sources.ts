// "Fontes sem resposta": the sources the analysis lists as incomplete (error
// or timeout), with the reason. Absent when every source answered.
import { sourceLabel } from "../labels";
import type { Ctx } from "./common";

export function incompleteSection({ L, input }: Ctx): void {
  const inc = input.analysis.incomplete_sources ?? [];
  if (!inc.length) return;
  L.heading("Fontes sem resposta", 2);
  L.table(
    [
      { header: "Fonte", width: 0 },
      { header: "Motivo", width: 220 },
    ],
    inc.map((i) => [{ text: sourceLabel(i.source), sub: i.source }, i.reason]),
  );
}
