import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cnpjCheckDigits, cpfCheckDigits } from "./documents";
import { redactCpfText, redactCpfs, redactForLog } from "./redaction";

// Valid CPFs of people other than the subject (check digits hold).
const OTHER_A = "11144477735"; // 111.444.777-35
const OTHER_B = "39053344705"; // 390.533.447-05
const OTHER_C = "22233366638"; // 222.333.666-38

describe("redactCpfs", () => {
  it("masks bare and formatted CPFs anywhere in nested data and raw strings", () => {
    const data = {
      ni: "52998224725",
      raw: '{"cpf":"529.982.247-25","outro":"11144477735"}',
      list: [{ documento: "52998224725" }],
      n: 3,
      ok: true,
      none: null,
    };
    expect(redactCpfs(data, ["52998224725"])).toEqual({
      ni: "***.982.247-**",
      raw: '{"cpf":"***.982.247-**","outro":"***.444.777-**"}',
      list: [{ documento: "***.982.247-**" }],
      n: 3,
      ok: true,
      none: null,
    });
  });

  it("masks other people's CPFs in every common format, with no known list, deep in objects, arrays and raw text", () => {
    const payload = {
      processos: [
        { numero: "0001234-56.2024.8.26.0100", partes: [{ nome: "Maria", cpf: "111.444.777-35" }, { nome: "João", cpf: "390 533 447 05" }] },
        { reu: { documento: "222333666-38" } },
      ],
      parentes: ["CPF 11144477735 (irmão)", "cpf:390.533.447-05;", "222-333-666-38"],
      numero_cpf: 39053344705,
      [OTHER_A]: { chave: "documento usado como chave" },
      raw: `{"socios":[{"cpf":"111.444.777-35"},{"cpf":"39053344705"}],"obs":"doador 222 333 666 38, e 390.533.447-05."}`,
    };
    const out = redactCpfs(payload, []);
    expect(out).toEqual({
      processos: [
        { numero: "0001234-56.2024.8.26.0100", partes: [{ nome: "Maria", cpf: "***.444.777-**" }, { nome: "João", cpf: "***.533.447-**" }] },
        { reu: { documento: "***.333.666-**" } },
      ],
      parentes: ["CPF ***.444.777-** (irmão)", "cpf:***.533.447-**;", "***.333.666-**"],
      numero_cpf: "***.533.447-**",
      "***.444.777-**": { chave: "documento usado como chave" },
      raw: `{"socios":[{"cpf":"***.444.777-**"},{"cpf":"***.533.447-**"}],"obs":"doador ***.333.666-**, e ***.533.447-**."}`,
    });
    const json = JSON.stringify(out);
    for (const cpf of [OTHER_A, OTHER_B, OTHER_C]) {
      expect(json.replace(/\D/g, " ")).not.toContain(cpf);
      expect(json).not.toContain(`${cpf.slice(0, 3)}.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-${cpf.slice(9)}`);
    }
  });

  it("a list of spaced or slashed CPFs is read one by one", () => {
    expect(redactCpfText("111.444.777-35 390.533.447-05/22233366638")).toBe("***.444.777-** ***.533.447-**/***.333.666-**");
  });

  it("known CPFs are masked even without a valid check digit (sandbox test documents), in any format", () => {
    const data = { a: "000.000.001-91", b: "00000000281", c: "000 000 002 81", d: "x00000000281y" };
    expect(redactCpfs(data, ["00000000191", "00000000281"])).toEqual({
      a: "***.000.001-**",
      b: "***.000.002-**",
      c: "***.000.002-**",
      d: "x***.000.002-**y",
    });
  });

  it.each([
    ["a formatted CNPJ", "CNPJ 11.222.333/0001-81"],
    ["a bare CNPJ", "11222333000181"],
    ["a 14-digit number starting with a valid CPF", `${OTHER_A}123`],
    ["a 12-digit number ending with a valid CPF", `9${OTHER_A}`],
    ["a phone number", "+55 (11) 98765-4321"],
    ["a protocol number holding a valid CPF in a dotted run", `1.${OTHER_A.slice(0, 3)}.${OTHER_A.slice(3, 6)}.${OTHER_A.slice(6, 9)}-${OTHER_A.slice(9)}`],
    ["a valid CPF followed by a dashed suffix", `${OTHER_A}-7`],
    ["an 11-digit number with invalid check digits", "52998224724"],
    ["a dotted CPF shape with invalid check digits", "529.982.247-26"],
    ["repeated digits", "111.111.111-11"],
    ["a CNJ lawsuit number", "0001234-56.2024.8.26.0100"],
    ["a 10-digit number", "5299822472"],
  ])("leaves %s untouched", (_label, text) => {
    expect(redactCpfs({ text, list: [text], raw: `{"v":"${text}"}` }, [])).toEqual({ text, list: [text], raw: `{"v":"${text}"}` });
  });

  it("leaves non-CPF numbers alone: 14-digit and invalid 11-digit integers, small numbers", () => {
    const data = { cnpj: 11222333000181, invalido: 52998224724, valor: 1234.5, n: 191 };
    expect(redactCpfs(data, ["00000000191"])).toEqual(data);
  });

  it("never mutates the input", () => {
    const data = { a: "52998224725", b: [OTHER_A] };
    const out = redactCpfs(data, ["52998224725"]);
    expect(data).toEqual({ a: "52998224725", b: [OTHER_A] });
    expect(out).toEqual({ a: "***.982.247-**", b: ["***.444.777-**"] });
  });

  it("no listed CPF survives in the JSON of the result (property)", () => {
    const cpf = fc.stringMatching(/^\d{9}$/).map((b) => b + cpfCheckDigits(b));
    fc.assert(
      fc.property(cpf, fc.array(fc.string()), fc.jsonValue(), (doc, noise, extra) => {
        const input = { noise, extra, embedded: `x${doc}y`, formatted: `${doc.slice(0, 3)}.${doc.slice(3, 6)}.${doc.slice(6, 9)}-${doc.slice(9)}` };
        const out = JSON.stringify(redactCpfs(input, [doc]));
        expect(out.includes(doc)).toBe(false);
      }),
    );
  });

  it("any valid CPF in any common format, between arbitrary non-digit text, is masked without a known list (property)", () => {
    const base = fc.stringMatching(/^\d{9}$/).filter((b) => !/^(\d)\1{8}$/.test(b));
    const sep = fc.constantFrom("", ".", "-", " ");
    const around = fc.string().map((s) => s.replace(/[\d.\-\s]/g, ""));
    fc.assert(
      fc.property(base, fc.tuple(sep, sep, sep), around, around, (b, [s1, s2, s3], before, after) => {
        const doc = b + cpfCheckDigits(b);
        const shown = `${doc.slice(0, 3)}${s1}${doc.slice(3, 6)}${s2}${doc.slice(6, 9)}${s3}${doc.slice(9)}`;
        const out = redactCpfs({ v: `${before}${shown}${after}`, a: [shown] }, []);
        expect(out).toEqual({ v: `${before}***.${doc.slice(3, 6)}.${doc.slice(6, 9)}-**${after}`, a: [`***.${doc.slice(3, 6)}.${doc.slice(6, 9)}-**`] });
      }),
    );
  });

  it("CNPJs, bare or formatted, are never altered (property)", () => {
    const base = fc.stringMatching(/^\d{12}$/);
    fc.assert(
      fc.property(base, fc.boolean(), (b, formatted) => {
        const n = b + cnpjCheckDigits(b);
        const text = formatted ? `${n.slice(0, 2)}.${n.slice(2, 5)}.${n.slice(5, 8)}/${n.slice(8, 12)}-${n.slice(12)}` : n;
        expect(redactCpfText(`CNPJ ${text}.`)).toBe(`CNPJ ${text}.`);
      }),
    );
  });
});

describe("redactForLog", () => {
  it("leaves no document in a log line: spaced, dotted and bare CPFs, CNPJs", () => {
    const line = redactForLog("falha para 529 982 247 25, 111.444.777-35, 52998224725 e 11.222.333/0001-81");
    expect(line).not.toMatch(/529|111\.444|11\.222|0001/);
    expect(line).toContain("***.982.247-**");
  });
});
