// "Regras acionadas": the template rules the run triggered (source, check,
// on_hit and the effect it had on the decision). Absent when none fired.
import { chip, lookup, ON_HIT, sourceLabel, toneOf } from "../labels";
import type { Ctx } from "./common";

const EFFECT: Record<string, string> = {
  block: "Bloqueio (reprovação)",
  review: "Revisão manual",
  info: "Informativo",
  hold: "Retenção (hold)",
};

export function triggeredRules({ L, input }: Ctx): void {
  const rules = input.run.triggered_rules ?? [];
  if (!rules.length) return;
  L.heading("Regras acionadas", 2);
  const effectTone = (e: string) =>
    toneOf(e === "block" ? "bad" : e === "review" ? "warn" : e === "hold" ? "hold" : "none");
  L.table(
    [
      { header: "Fonte", width: 0 },
      { header: "Verificação", width: 120 },
      { header: "Regra (on_hit)", width: 80 },
      { header: "Efeito", width: 110 },
    ],
    rules.map((r) => [
      { text: sourceLabel(r.source), sub: r.source },
      r.check ?? "—",
      lookup(ON_HIT, r.on_hit),
      chip(lookup(EFFECT, r.effect), effectTone(r.effect)),
    ]),
  );
}
