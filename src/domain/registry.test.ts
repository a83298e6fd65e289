import { describe, expect, it } from "vitest";
import {
  birthYearRange,
  cleanText,
  extractionDateOf,
  implausibility,
  maskCpfsInName,
  padCode,
  parseCep,
  parseControlRows,
  parseMoney,
  parseRegistryDate,
  visibleCpfDigits,
} from "./registry";

describe("registry field rules (reference §7)", () => {
  it("dates: zero, empty and impossible ones are null", () => {
    expect(parseRegistryDate("20210221", 2027)).toBe("2021-02-21");
    for (const raw of ["", "0", "00000000", "2021221", "4100813", "02021221", "41000813", "20210230", "20230229", "20211301", "1967010 ", "20281231"]) {
      expect(parseRegistryDate(raw, 2027), raw).toBeNull();
    }
    expect(parseRegistryDate("20240229", 2027)).toBe("2024-02-29");
    expect(parseRegistryDate("2024\u00000229", 2027)).toBe("2024-02-29"); // a NUL byte is dropped first
  });

  it("CEP: 7 digits get their leading zero back; junk is null", () => {
    expect(parseCep("1310100")).toBe("01310100");
    expect(parseCep("71010866")).toBe("71010866");
    for (const raw of ["0", "       0", "", "00000000", "123456", "ABC12345"]) expect(parseCep(raw), raw).toBeNull();
  });

  it("text: NUL bytes dropped, blank runs collapsed, trimmed, empty → null", () => {
    expect(cleanText("SALA\u000012")).toBe("SALA12");
    expect(cleanText("  SALA  01  ")).toBe("SALA 01");
    expect(cleanText("GAMA LTDA \\")).toBe("GAMA LTDA \\");
    expect(cleanText("  ")).toBeNull();
  });

  it("codes keep (or get back) their leading zeros", () => {
    expect(padCode("2", 2)).toBe("02");
    expect(padCode("0111301", 7)).toBe("0111301");
    expect(padCode("", 2)).toBeNull();
    expect(parseMoney("1061004829,23")).toBe(1061004829.23);
    expect(parseMoney("-5,00")).toBe(-5);
    expect(parseMoney("1.000,00")).toBeNull();
  });

  it("an entrepreneur's CPF in a name is masked, bare or punctuated; a CNPJ root or a longer number is not", () => {
    expect(maskCpfsInName("FRANCISCO MARQUES 21152720643")).toBe("FRANCISCO MARQUES ***527206**");
    expect(maskCpfsInName("ANA 211.527.206-43 ME")).toBe("ANA ***527206** ME");
    expect(maskCpfsInName("12.345.678 JOSE DA SILVA")).toBe("12.345.678 JOSE DA SILVA");
    expect(maskCpfsInName("LOJA 11222333000181")).toBe("LOJA 11222333000181");
  });

  it("visible CPF digits of a masked document; the file's none and foreign markers have none", () => {
    expect(visibleCpfDigits("***225023**")).toBe("225023");
    expect(visibleCpfDigits("***000000**")).toBeNull();
    expect(visibleCpfDigits("***999999**")).toBeNull();
    expect(visibleCpfDigits("11222333000181")).toBeNull();
  });

  it("an age band's birth years on the extraction date", () => {
    expect(birthYearRange("5", "2026-08-08")).toEqual({ from: 1975, to: 1985 });
    expect(birthYearRange("1", "2026-08-08")).toEqual({ from: 2013, to: 2026 });
    expect(birthYearRange("9", "2026-08-08")).toEqual({ from: 1906, to: 1945 });
    expect(birthYearRange("0", "2026-08-08")).toBeNull();
  });

  it("the extraction date of a member token, within the month's decade", () => {
    expect(extractionDateOf("D60808", "2026-08")).toBe("2026-08-08");
    expect(extractionDateOf("D51231", "2026-01")).toBe("2025-12-31");
    expect(extractionDateOf("D61340", "2026-08")).toBeNull();
  });
});

describe("plausibility of a new month", () => {
  const counts = { companies: 1000, establishments: 1100, partners: 900 };
  const ok = [{ row: { cnpj_root: "00000000", razao_social_prefix: "BANCO DO BRASIL" }, found: "BANCO DO BRASIL SA" }];
  it("within the drop, controls present → plausible", () => {
    expect(implausibility({ companies: 960, establishments: 1100, partners: 900 }, counts, 0.05, ok)).toBeNull();
    expect(implausibility(counts, null, 0.05, ok)).toBeNull();
  });
  it("a drop past the limit in any count, an empty month, a missing or renamed control row → the reason", () => {
    expect(implausibility({ ...counts, partners: 800 }, counts, 0.05, ok)).toBe(
      "Queda de 11.1% em sócios (900 → 800) em relação ao mês em uso; o limite é 5.0%.",
    );
    expect(implausibility({ companies: 0, establishments: 0, partners: 0 }, null, 0.05, [])).toBe("O mês não tem nenhuma empresa.");
    expect(implausibility(counts, counts, 0.05, [{ row: ok[0].row, found: null }])).toMatch(/^Linha de controle ausente/);
    expect(implausibility(counts, counts, 0.05, [{ row: ok[0].row, found: "OUTRO NOME" }])).toMatch(/^Linha de controle divergente/);
  });
  it("control rows from configuration", () => {
    expect(parseControlRows(undefined)?.map((c) => c.cnpj_root)).toEqual(["00000000", "33000167", "00360305"]);
    expect(parseControlRows("")).toEqual([]);
    expect(parseControlRows("75462958=Secretaria")).toEqual([{ cnpj_root: "75462958", razao_social_prefix: "SECRETARIA" }]);
    expect(parseControlRows("123=X")).toBeNull();
  });
});
