// What a new month changed for a monitored CNPJ (src/domain/company-changes.ts): the
// establishment's situação, the company's QSA, and the cases with nothing to
// compare.
import { describe, expect, it } from "vitest";
import { companyChanges } from "../../src/domain/company-changes";
import { toRecord, type EstablishmentRow, type Grouped, type PartnerRow } from "../../src/registry/record";

const CNPJ = "12345678000195";

function est(situacao: string, since: string, motivo = "00", order = "0001"): EstablishmentRow {
  return [order, CNPJ.slice(12), "1", null, situacao, since, motivo, null, null, "2001-01-01", "6204000", [], "RUA", "A", "1", null, "CENTRO", "70000000", "DF", "9701", null, null];
}
const partner = (name: string, doc: string, qual = "49", since = "2010-01-01", band = "5"): PartnerRow => ["2", name, doc, qual, since, null, null, null, null, band];

function record(establishments: EstablishmentRow[], partners: PartnerRow[]) {
  const g: Grouped = { company: ["EMPRESA TESTE LTDA", "2062", "49", 1000, "01", null], establishments, partners, simples: null };
  return toRecord(CNPJ.slice(0, 8), g);
}

const ana = partner("ANA SOUZA", "***123456**");
const bia = partner("BIA LIMA", "***654321**", "22");

describe("companyChanges", () => {
  it("the same record → nothing", () => {
    const r = record([est("02", "2001-01-01")], [ana]);
    expect(companyChanges(CNPJ, r, record([est("02", "2001-01-01")], [ana]), "2026-09")).toEqual([]);
  });

  it("ATIVA → BAIXADA: one company_status_changed in words, keyed by the new state", () => {
    const [change, ...rest] = companyChanges(CNPJ, record([est("02", "2001-01-01")], [ana]), record([est("08", "2026-09-15", "01")], [ana]), "2026-09");
    expect(rest).toEqual([]);
    expect(change).toMatchObject({ kind: "company_status_changed", reasons: ["situação cadastral: ATIVA (02) → BAIXADA (08) desde 2026-09-15 (motivo 01)"] });
    // Another date of the same situação is another state; the same state again is the same key.
    const again = companyChanges(CNPJ, record([est("02", "2001-01-01")], [ana]), record([est("08", "2026-09-15", "01")], [ana]), "2026-10");
    expect(again[0].record_hash).toBe(change.record_hash);
    const later = companyChanges(CNPJ, record([est("02", "2001-01-01")], [ana]), record([est("08", "2026-10-01", "01")], [ana]), "2026-10");
    expect(later[0].record_hash).not.toBe(change.record_hash);
  });

  it("only another establishment of the root changed → nothing for this CNPJ", () => {
    const before = record([est("02", "2001-01-01"), est("02", "2005-01-01", "00", "0002")], [ana]);
    const after = record([est("02", "2001-01-01"), est("08", "2026-09-01", "01", "0002")], [ana]);
    expect(companyChanges(CNPJ, before, after, "2026-09")).toEqual([]);
  });

  it("the CNPJ gone from the new month → a status change saying so", () => {
    expect(companyChanges(CNPJ, record([est("02", "2001-01-01")], [ana]), null, "2026-09")).toEqual([
      expect.objectContaining({ kind: "company_status_changed", reasons: ["situação cadastral: ATIVA (02) → CNPJ ausente dos dados abertos de 2026-09"] }),
    ]);
  });

  it("not in the earlier month → nothing to compare", () => {
    expect(companyChanges(CNPJ, null, record([est("08", "2026-09-15")], [ana]), "2026-09")).toEqual([]);
  });

  it("a partner in, another out → one qsa_changed naming both; the same partners with another entry date → qsa_changed without anyone in or out", () => {
    const [change] = companyChanges(CNPJ, record([est("02", "2001-01-01")], [ana]), record([est("02", "2001-01-01")], [bia]), "2026-09");
    expect(change).toMatchObject({
      kind: "qsa_changed",
      reasons: ["sócio incluído: BIA LIMA, documento ***654321**, qualificação 22", "sócio excluído: ANA SOUZA, documento ***123456**, qualificação 49"],
    });
    const redated = companyChanges(CNPJ, record([est("02", "2001-01-01")], [ana]), record([est("02", "2001-01-01")], [partner("ANA SOUZA", "***123456**", "49", "2011-02-02")]), "2026-09");
    expect(redated).toEqual([expect.objectContaining({ kind: "qsa_changed", reasons: ["QSA alterado: datas de entrada ou faixas etárias dos mesmos sócios"] })]);
  });

  it("a partner the file shows with its 'no document' or foreigner marker is named without a document, as the company lookup shows it", () => {
    const [change] = companyChanges(
      CNPJ,
      record([est("02", "2001-01-01")], [ana]),
      record([est("02", "2001-01-01")], [ana, partner("CARLA NUNES", "***000000**", "22"), partner("JOHN SMITH", "***999999**", "22")]),
      "2026-09",
    );
    expect(change.reasons).toEqual(["sócio incluído: CARLA NUNES, qualificação 22", "sócio incluído: JOHN SMITH, qualificação 22"]);
  });
});
