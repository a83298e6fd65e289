import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  SANDBOX_TEST_DOCUMENTS,
  cnpjCheckDigits,
  cpfCheckDigits,
  formatCnpj,
  isSandboxTestDocument,
  maskCpf,
  maskDocument,
  normalizeDocument,
  validateCnpj,
  validateCpf,
} from "./documents";

type Kind = "cpf" | "cnpj";
const validate = (kind: Kind, raw: string) => (kind === "cpf" ? validateCpf(raw) : validateCnpj(raw));

// Every vector of reference/documents.md, with the exact message expected for invalid ones.
const VECTORS: { kind: Kind; raw: string; valid: boolean; message?: string }[] = [
  // Valid CPF
  ...["529.982.247-25", "52998224725", "111.444.777-35", "000.000.001-91", "222.333.666-38", "390.533.447-05", "987.654.321-00", "100.000.000-19"].map(
    (raw) => ({ kind: "cpf" as const, raw, valid: true }),
  ),
  // Invalid CPF
  { kind: "cpf", raw: "529.982.247-24", valid: false, message: "CPF com dígitos verificadores inválidos." },
  { kind: "cpf", raw: "123.456.789-00", valid: false, message: "CPF com dígitos verificadores inválidos." },
  { kind: "cpf", raw: "111.111.111-11", valid: false, message: "CPF com todos os dígitos repetidos não é válido." },
  { kind: "cpf", raw: "000.000.000-00", valid: false, message: "CPF com todos os dígitos repetidos não é válido." },
  { kind: "cpf", raw: "999.999.999-99", valid: false, message: "CPF com todos os dígitos repetidos não é válido." },
  { kind: "cpf", raw: "5299822472", valid: false, message: "CPF deve ter 11 dígitos (recebido: 10)." },
  { kind: "cpf", raw: "529982247255", valid: false, message: "CPF deve ter 11 dígitos (recebido: 12)." },
  { kind: "cpf", raw: "52998224X25", valid: false, message: "CPF deve conter apenas dígitos." },
  // Valid numeric CNPJ
  ...["11.222.333/0001-81", "11222333000181", "11.444.777/0001-61", "12.345.678/0001-95", "42.318.949/0001-84", "44.038.188/0001-32", "00.000.000/0001-91", "19.131.243/0001-97", "90.021.382/0001-22"].map(
    (raw) => ({ kind: "cnpj" as const, raw, valid: true }),
  ),
  // Invalid numeric CNPJ
  { kind: "cnpj", raw: "11.222.333/0001-80", valid: false, message: "CNPJ com dígitos verificadores inválidos." },
  { kind: "cnpj", raw: "00.000.000/0000-00", valid: false, message: "CNPJ com todos os dígitos repetidos não é válido." },
  { kind: "cnpj", raw: "11.111.111/1111-11", valid: false, message: "CNPJ com todos os dígitos repetidos não é válido." },
  { kind: "cnpj", raw: "1222333000181", valid: false, message: "CNPJ deve ter 14 caracteres (recebido: 13)." },
  // Valid alphanumeric CNPJ
  ...["12.ABC.345/01DE-35", "12ABC34501DE35", "12abc34501de35", "ABCDEFGHIJKL80", "A1.B2C.3D4/E5F6-68", "AB.12C.D34/0001-84", "ZZ.ZZZ.ZZZ/0001-91", "00.000.000/ABCD-02", "1A.2B3.C4D/0001-79"].map(
    (raw) => ({ kind: "cnpj" as const, raw, valid: true }),
  ),
  // Invalid alphanumeric CNPJ
  { kind: "cnpj", raw: "12.ABC.345/01DE-36", valid: false, message: "CNPJ com dígitos verificadores inválidos." },
  { kind: "cnpj", raw: "12.ABC.345/01DE-00", valid: false, message: "CNPJ com dígitos verificadores inválidos." },
  { kind: "cnpj", raw: "ABCDEFGHIJKL81", valid: false, message: "CNPJ com dígitos verificadores inválidos." },
  { kind: "cnpj", raw: "A1B2C3D4E5F600", valid: false, message: "CNPJ com dígitos verificadores inválidos." },
  {
    kind: "cnpj",
    raw: "AAAAAAAAAAAAAA",
    valid: false,
    message: "Os dois últimos caracteres do CNPJ (dígitos verificadores) devem ser numéricos.",
  },
  {
    kind: "cnpj",
    raw: "12ABC34501DEAB",
    valid: false,
    message: "Os dois últimos caracteres do CNPJ (dígitos verificadores) devem ser numéricos.",
  },
  { kind: "cnpj", raw: "12ABC34501D$35", valid: false, message: "CNPJ com caractere inválido: '$'." },
];

describe("documents.md vectors", () => {
  it.each(VECTORS)("$kind $raw → valid=$valid", ({ kind, raw, valid, message }) => {
    const r = validate(kind, raw);
    if (valid) {
      expect(r).toEqual({ ok: true, value: normalizeDocument(raw) });
    } else {
      expect(r).toEqual({ ok: false, message });
    }
  });

  it("covers all 45 vectors of documents.md (16 CPF, 13 numeric CNPJ, 16 alphanumeric CNPJ)", () => {
    expect(VECTORS).toHaveLength(45);
  });

  it("never echoes the document (or any 3+ digit run of it) in a message", () => {
    for (const { kind, raw, valid } of VECTORS) {
      if (valid) continue;
      const r = validate(kind, raw);
      if (r.ok) throw new Error("expected invalid");
      expect(r.message).not.toMatch(/\d{3,}/);
      expect(r.message).not.toContain(normalizeDocument(raw));
    }
  });
});

describe("normalizeDocument", () => {
  it("strips . - / and white space, uppercases", () => {
    expect(normalizeDocument(" 12.abc.345/01de-35\t")).toBe("12ABC34501DE35");
    expect(normalizeDocument("529 982 247\n25")).toBe("52998224725");
  });
  it("keeps other characters for the validator to reject", () => {
    expect(normalizeDocument("529_982")).toBe("529_982");
  });
});

describe("other messages", () => {
  it("empty input reports the length", () => {
    expect(validateCpf("")).toEqual({ ok: false, message: "CPF deve ter 11 dígitos (recebido: 0)." });
    expect(validateCnpj("")).toEqual({ ok: false, message: "CNPJ deve ter 14 caracteres (recebido: 0)." });
  });
  it("all ten repeated-digit strings are rejected", () => {
    for (let d = 0; d <= 9; d++) {
      expect(validateCpf(String(d).repeat(11)).ok).toBe(false);
      expect(validateCnpj(String(d).repeat(14))).toEqual({
        ok: false,
        message: "CNPJ com todos os dígitos repetidos não é válido.",
      });
    }
  });
  it("a non-printable character is named by code point", () => {
    expect(validateCnpj("12ABC34501D\u000735")).toEqual({ ok: false, message: "CNPJ com caractere inválido: U+0007." });
  });
});

describe("sandbox test documents", () => {
  // Which fixtures pass the check-digit rule (computed; see the comment in documents.ts).
  const PASSES_DV: Record<string, boolean> = {
    "00000000191": true,
    "00000000281": false,
    "00000000372": false,
    "00000000453": false,
    "00000000544": false,
    "00000000634": false,
    "00000000725": false,
    "00000000806": false,
    "00000000987": false,
    "00000001082": true,
    "00000000000191": true,
    "00000000000276": false,
    "00000000000357": false,
    // sandbox.md lists it among the additions that "pass", but its DV is 34, not 38.
    "00000000000438": false,
  };

  it("lists exactly the fixtures of sandbox.md", () => {
    expect([...SANDBOX_TEST_DOCUMENTS.pf, ...SANDBOX_TEST_DOCUMENTS.pj].sort()).toEqual(Object.keys(PASSES_DV).sort());
  });

  it.each(SANDBOX_TEST_DOCUMENTS.pf.map((d) => [d]))("CPF %s is recognised; DV rule as listed", (doc) => {
    expect(isSandboxTestDocument("pf", doc)).toBe(true);
    expect(isSandboxTestDocument("pj", doc)).toBe(false);
    expect(validateCpf(doc).ok).toBe(PASSES_DV[doc]);
  });

  it.each(SANDBOX_TEST_DOCUMENTS.pj.map((d) => [d]))("CNPJ %s is recognised; DV rule as listed", (doc) => {
    expect(isSandboxTestDocument("pj", doc)).toBe(true);
    expect(isSandboxTestDocument("pf", doc)).toBe(false);
    expect(validateCnpj(doc).ok).toBe(PASSES_DV[doc]);
  });

  it("recognises only normalised values", () => {
    expect(isSandboxTestDocument("pf", "000.000.002-81")).toBe(false);
    expect(isSandboxTestDocument("pf", normalizeDocument("000.000.002-81"))).toBe(true);
    expect(isSandboxTestDocument("pf", "52998224725")).toBe(false);
  });
});

describe("masking and formatting", () => {
  it("maskCpf shows digits 4–9 only", () => {
    expect(maskCpf("52998224725")).toBe("***.982.247-**");
    expect(maskCpf("00000000191")).toBe("***.000.001-**");
    expect(maskCpf("123")).toBe("***.***.***-**");
  });
  it("formatCnpj formats numeric and alphanumeric CNPJs in full", () => {
    expect(formatCnpj("11222333000181")).toBe("11.222.333/0001-81");
    expect(formatCnpj("12ABC34501DE35")).toBe("12.ABC.345/01DE-35");
  });
  it("maskDocument masks CPF, formats CNPJ", () => {
    expect(maskDocument("pf", "52998224725")).toBe("***.982.247-**");
    expect(maskDocument("pj", "11222333000181")).toBe("11.222.333/0001-81");
  });
});

describe("check digits (property)", () => {
  const DIGITS = "0123456789";
  const ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  const digit = fc.constantFrom(...DIGITS.split(""));
  const alnum = fc.constantFrom(...ALNUM.split(""));
  const base9 = fc.array(digit, { minLength: 9, maxLength: 9 }).map((a) => a.join(""));
  const base12 = fc.array(alnum, { minLength: 12, maxLength: 12 }).map((a) => a.join(""));

  // Independent oracle for the mod-11 scheme's blind spot. A single substitution in
  // the base leaves both check digits unchanged exactly when, at each stage, the
  // weighted sum's remainder mod 11 is unchanged (value difference × weight ≡ 0,
  // e.g. alphanumeric characters 11 apart such as '6'/'A') or stays inside {0, 1}
  // (both map to DV 0). So "any change is detected" is false for ~0.2% of CPF and
  // ~7% of alphanumeric CNPJ base substitutions; the property asserts exactly that.
  const rem = (chars: string, weights: number[]) =>
    chars.split("").reduce((acc, c, i) => acc + (c.charCodeAt(0) - 48) * weights[i], 0) % 11;
  const sameDv = (a: number, b: number) => a === b || (a < 2 && b < 2);
  const blindSpot = (doc: string, mutated: string, n: number, w1: number[], w2: number[]) => {
    const dv1 = doc[n];
    return (
      sameDv(rem(doc.slice(0, n), w1), rem(mutated.slice(0, n), w1)) &&
      sameDv(rem(doc.slice(0, n) + dv1, w2), rem(mutated.slice(0, n) + dv1, w2))
    );
  };
  const CPF_W1 = [10, 9, 8, 7, 6, 5, 4, 3, 2];
  const CPF_W2 = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2];
  const CNPJ_W1 = [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
  const CNPJ_W2 = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
  const repeated = (s: string) => /^(.)\1*$/.test(s);

  it("CPF: base + computed DVs is valid; a one-digit change is invalid outside the mod-11 blind spot", () => {
    fc.assert(
      fc.property(base9, fc.nat(10), fc.integer({ min: 1, max: 9 }), (base, pos, delta) => {
        const cpf = base + cpfCheckDigits(base);
        expect(validateCpf(cpf).ok).toBe(!repeated(cpf));
        const mutated = cpf.slice(0, pos) + String((Number(cpf[pos]) + delta) % 10) + cpf.slice(pos + 1);
        // A changed check digit is always caught; a changed base digit unless in the blind spot.
        const undetectable = pos < 9 && blindSpot(cpf, mutated, 9, CPF_W1, CPF_W2) && !repeated(mutated);
        expect(validateCpf(mutated).ok).toBe(undetectable);
      }),
      { numRuns: 2000 },
    );
  });

  it("CNPJ: base [0-9A-Z]{12} + computed DVs is valid; a one-character change is invalid outside the blind spot", () => {
    fc.assert(
      fc.property(base12, fc.nat(13), alnum, digit, (base, pos, newBaseChar, newDvChar) => {
        const cnpj = base + cnpjCheckDigits(base);
        expect(validateCnpj(cnpj).ok).toBe(!repeated(cnpj));
        const replacement = pos < 12 ? newBaseChar : newDvChar;
        fc.pre(replacement !== cnpj[pos]);
        const mutated = cnpj.slice(0, pos) + replacement + cnpj.slice(pos + 1);
        const undetectable = pos < 12 && blindSpot(cnpj, mutated, 12, CNPJ_W1, CNPJ_W2) && !repeated(mutated);
        expect(validateCnpj(mutated).ok).toBe(undetectable);
      }),
      { numRuns: 2000 },
    );
  });

  it("the blind spot exists: documents one substitution apart, both valid", () => {
    // The blind spot, concretely: both documents of each pair are valid.
    expect(validateCpf("51174837403").ok).toBe(true);
    expect(validateCpf("61174837403").ok).toBe(true);
    expect(validateCnpj("EFHDXUTPOM1R22").ok).toBe(true);
    expect(validateCnpj("PFHDXUTPOM1R22").ok).toBe(true); // 'E' = 21, 'P' = 32: 11 apart
  });

  it("reject malformed bases", () => {
    expect(() => cpfCheckDigits("12345678")).toThrow();
    expect(() => cnpjCheckDigits("12abc34501de")).toThrow();
  });
});
