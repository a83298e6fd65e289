import { describe, expect, it } from "vitest";
import { weighEvidence } from "../screening/match";
import { bucketRanges, BUCKETS, checkBirthDate, checkSubject, externalIdForErrors, hashToken, importColumns, matchKind, subjectQuery } from "./monitoring";

const opts = { today: "2026-12-07", allowSandbox: false, knownLists: ["un_sc", "cgu_pep"] };

describe("monitoring rules", () => {
  it("an external_id that is a CPF is refused (never kept in clear), and shown masked in the errors CSV; any other id is kept", () => {
    const r = checkSubject({ document: "529.982.247-25", name: "Maria da Silva", external_id: "111.444.777-35" }, opts);
    expect(r).toEqual({ ok: false, problems: [{ field: "external_id", reason: expect.stringContaining("não pode ser um CPF") }] });
    expect(externalIdForErrors("111.444.777-35")).toBe("***.444.777-**");
    expect(externalIdForErrors("cliente-42")).toBe("cliente-42");
    const ok = checkSubject({ document: "529.982.247-25", name: "Maria da Silva", external_id: "11144477736" }, opts);
    expect(ok.ok && ok.subject.externalId).toBe("11144477736"); // 11 digits, but not a CPF (check digits)
  });

  it("a subject is checked and normalised: the document's kind, its masked form and visible digits, dates, nationality, gender", () => {
    const r = checkSubject({ document: "529.982.247-25", name: "  Maria   da Silva ", birth_date: "17/05/1980", nationality: "br", gender: "feminino" }, opts);
    expect(r).toEqual({
      ok: true,
      subject: {
        type: "pf",
        document: "52998224725",
        masked: "***.982.247-**",
        cpfVisible: "982247",
        cnpj: null,
        cnpjRoot: null,
        name: "Maria da Silva",
        birthDate: "1980-05-17",
        nationality: "BR",
        gender: "F",
        externalId: null,
        lists: null,
      },
    });
    const pj = checkSubject({ document: "12.ABC.345/01DE-35", name: "Empresa Alfanumérica" }, opts);
    expect(pj.ok && [pj.subject.type, pj.subject.cnpj, pj.subject.cnpjRoot]).toEqual(["pj", "12ABC34501DE35", "12ABC345"]);
  });

  it("every problem is named with its field", () => {
    const r = checkSubject({ document: "111", name: "", birth_date: "2027", nationality: "XYZ", gender: "Z", lists: ["nope"] }, opts);
    expect(r.ok ? [] : r.problems.map((p) => p.field)).toEqual(["document", "name", "birth_date", "nationality", "gender", "lists"]);
  });

  it("birth dates: real dates at any precision, never in the future", () => {
    expect(checkBirthDate("1980", "2026-12-07")).toBe("1980");
    expect(checkBirthDate("1980-02", "2026-12-07")).toBe("1980-02");
    expect(checkBirthDate("2024-02-29", "2026-12-07")).toBe("2024-02-29");
    expect(checkBirthDate("2023-02-29", "2026-12-07")).toBeNull();
    expect(checkBirthDate("2026-12-08", "2026-12-07")).toBeNull();
    expect(checkBirthDate("1800", "2026-12-07")).toBeNull();
  });

  it("an import header names document and name (English or Portuguese), each once", () => {
    expect(importColumns(["\ufeffDocumento", "Nome", "Data de nascimento", "outra"])).toEqual({ ok: true, columns: { document: 0, name: 1, birth_date: 2 } });
    expect(importColumns(["cpf", "nome"]).ok).toBe(false);
    expect(importColumns(["document", "name", "nome"]).ok).toBe(false);
  });

  it("a keyed hash as a token: no digit, so it never agrees with a masked CPF's six digits by accident", () => {
    const token = hashToken("0123456789abcdef".repeat(4));
    expect(token).toMatch(/^[a-p]{64}$/);
    const q = subjectQuery({ docType: "pf", docHash: "0123456789abcdef".repeat(4), cpfVisible: "982247", cnpj: null, name: "X", birthDate: null, nationality: null, gender: null });
    // Against a listed full CPF mapped to the same token: the CPF agrees; against masked digits: those agree.
    expect(weighEvidence(q, { entity_type: "person", birth_dates: [], nationalities: [], documents: [{ kind: "cpf", value: token }] }).document).toBe("cpf");
    expect(weighEvidence(q, { entity_type: "person", birth_dates: [], nationalities: [], documents: [{ kind: "cpf_masked", value: "982247" }] }).document).toBe("cpf_masked");
    const other = weighEvidence(q, { entity_type: "person", birth_dates: [], nationalities: [], documents: [{ kind: "cpf_masked", value: "111111" }] });
    expect(other.contradiction).toEqual({ kind: "document", document: "cpf_masked" });
  });

  it("match kinds: created the first time, updated on another record, nothing on the same record", () => {
    expect(matchKind([], "h1")).toBe("match_created");
    expect(matchKind(["h1"], "h2")).toBe("match_updated");
    expect(matchKind(["h1", "h2"], "h1")).toBeNull();
  });

  it("bucket ranges cover every bucket once", () => {
    for (const n of [1, 3, 7, 1000]) {
      const ranges = bucketRanges(n);
      expect(ranges).toHaveLength(n);
      expect(ranges[0][0]).toBe(0);
      expect(ranges.at(-1)![1]).toBe(BUCKETS);
      for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1]);
    }
  });
});
