import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cpfCheckDigits } from "./documents";
import { redactCpfs } from "./redaction";

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
      raw: '{"cpf":"***.982.247-**","outro":"11144477735"}',
      list: [{ documento: "***.982.247-**" }],
      n: 3,
      ok: true,
      none: null,
    });
  });

  it("leaves values untouched when there is nothing to redact, and never mutates the input", () => {
    const data = { a: "52998224725" };
    expect(redactCpfs(data, [])).toBe(data);
    redactCpfs(data, ["52998224725"]);
    expect(data.a).toBe("52998224725");
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
});
