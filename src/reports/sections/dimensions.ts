// "Risco por dimensão": one row per risk dimension (identity, sanctions, PEP,
// judicial, …) with its band, score, findings count and sources.
import type { Dimension } from "../../domain/types";
import { fmtInt } from "../format";
import { bandLabel, bandTone, chip, lookup } from "../labels";
import type { Ctx } from "./common";

const DIMENSION: Record<Dimension, string> = {
  identidade: "Identidade",
  sancoes: "Sanções",
  pep: "Pessoa exposta politicamente",
  judicial: "Judicial",
  trabalhista: "Trabalhista",
  integridade: "Integridade",
  reputacional: "Reputacional",
  societario: "Societário",
};

export function dimensionsSection({ L, input }: Ctx): void {
  const dims = input.analysis.dimensions ?? [];
  if (!dims.length) return;
  L.heading("Risco por dimensão", 2);
  L.table(
    [
      { header: "Dimensão", width: 0 },
      { header: "Faixa", width: 70 },
      { header: "Score", width: 50, align: "right" },
      { header: "Achados", width: 55, align: "right" },
      { header: "Fontes", width: 170 },
    ],
    dims.map((d) => [
      lookup(DIMENSION, d.dimension),
      chip(bandLabel(d.risk_band), bandTone(d.risk_band)),
      fmtInt(d.score),
      fmtInt(d.findings_count),
      d.sources?.length ? d.sources.join(", ") : "—",
    ]),
    { size: 8 },
  );
}
