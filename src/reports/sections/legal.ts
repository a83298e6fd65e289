// "Processos judiciais e mandados" (completo): every process and warrant in
// the `data.processos` / `data.mandados` of the subject's and the partners'
// source results, in one table.
import type { SourceResult } from "../../domain/types";
import { fmtValue } from "../format";
import { C } from "../layout";
import type { Ctx } from "./common";

interface LegalItem {
  origin: string;
  source: string;
  kind: string;
  number: string;
  details: string;
}

/** Processes and warrants listed in the sources' `data.processos` / `data.mandados`. */
const legalItems = (origin: string, results: SourceResult[]): LegalItem[] => {
  const out: LegalItem[] = [];
  for (const r of results) {
    for (const [key, kind] of [
      ["mandados", "Mandado"],
      ["processos", "Processo"],
    ] as const) {
      const list = r.data?.[key];
      if (!Array.isArray(list)) continue;
      for (const item of list) {
        if (item && typeof item === "object" && !Array.isArray(item)) {
          const o = item as Record<string, unknown>;
          const numKey = ["numero", "numero_processo", "numero_mandado", "id"].find((k) => o[k] != null);
          out.push({
            origin,
            source: r.source,
            kind,
            number: numKey ? fmtValue(o[numKey]) : "—",
            details: Object.entries(o)
              .filter(([k]) => k !== numKey)
              .map(([k, v]) => `${k.replace(/_/g, " ")}: ${fmtValue(v)}`)
              .join(" · "),
          });
        } else {
          out.push({ origin, source: r.source, kind, number: fmtValue(item), details: "" });
        }
      }
    }
  }
  return out;
};

export function legalSection({ L, input }: Ctx): void {
  const items = [
    ...legalItems("Sujeito", input.results),
    ...input.partners.flatMap((p) => legalItems(`Sócio: ${p.summary.name}`, p.results ?? [])),
  ];
  L.heading("Processos judiciais e mandados", 1);
  L.paragraph(
    "Registros retornados pelas fontes judiciais (mandados de prisão, execuções penais, processos) para o sujeito e para os sócios consultados.",
    { size: 8.5, color: C.muted, after: 6 },
  );
  if (!items.length) {
    L.paragraph("Nenhum processo ou mandado foi retornado pelas fontes consultadas.", { size: 9 });
    return;
  }
  L.table(
    [
      { header: "Origem", width: 95 },
      { header: "Tipo / fonte", width: 110 },
      { header: "Número", width: 120 },
      { header: "Detalhes", width: 0 },
    ],
    items.map((it) => [it.origin, { text: it.kind, bold: true, sub: it.source }, it.number, it.details || "—"]),
    { size: 7.8, maxLines: 10 },
  );
}
