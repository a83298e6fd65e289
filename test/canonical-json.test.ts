// canonicalJson's output is stored: idempotency fingerprints (D1 claims, KV
// records) and the case event hash chain are computed from it, and screening
// record hashes and approval evidence too. These vectors were computed with the
// implementation in place when they were written; any change to them means
// existing replays would answer 409 and existing case chains would read as
// tampered. They also show the output is RFC 8785 (JCS) for I-JSON input.
import { describe, expect, it } from "vitest";
import { eventHashInput, GENESIS_HASH } from "../src/domain/cases";
import { canonicalJson, keyedHash, sha256Hex } from "../src/lib/crypto";

const f64 = (hex: string): number => new DataView(new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16))).buffer).getFloat64(0);

describe("canonicalJson: stored output does not change", () => {
  it("sorts keys at every level, arrays keep their order, null and booleans as JSON", () => {
    expect(canonicalJson({ b: [3, { d: null, c: [true, false] }], a: { z: {}, y: [] } })).toBe(
      '{"a":{"y":[],"z":{}},"b":[3,{"c":[true,false],"d":null}]}',
    );
    expect(canonicalJson([null, [], {}, [[]], "x"])).toBe('[null,[],{},[[]],"x"]');
  });

  it("orders keys by UTF-16 code units (the RFC 8785 §3.2.3 example, plus ASCII case and the empty key)", () => {
    const v = {
      "\u20ac": "Euro Sign",
      "\r": "Carriage Return",
      "\ufb33": "Hebrew Letter Dalet With Dagesh",
      "1": "One",
      "\ud83d\ude00": "Emoji: Grinning Face",
      "\u0080": "Control",
      "\u00f6": "Latin Small Letter O With Diaeresis",
      a: "a",
      B: "B",
      "": "empty",
    };
    expect(canonicalJson(v)).toBe(
      '{"":"empty","\\r":"Carriage Return","1":"One","B":"B","a":"a","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it("writes numbers as ECMAScript does (RFC 8785 Appendix B), -0 as 0", () => {
    expect(canonicalJson([1e21, -0, 0.1 + 0.2, 1e-7, -1.5, 100])).toBe("[1e+21,0,0.30000000000000004,1e-7,-1.5,100]");
    const appendixB: [string, string][] = [
      ["0000000000000000", "0"],
      ["8000000000000000", "0"],
      ["0000000000000001", "5e-324"],
      ["8000000000000001", "-5e-324"],
      ["7fefffffffffffff", "1.7976931348623157e+308"],
      ["ffefffffffffffff", "-1.7976931348623157e+308"],
      ["4340000000000000", "9007199254740992"],
      ["c340000000000000", "-9007199254740992"],
      ["4430000000000000", "295147905179352830000"],
      ["44b52d02c7e14af5", "9.999999999999997e+22"],
      ["44b52d02c7e14af6", "1e+23"],
      ["44b52d02c7e14af7", "1.0000000000000001e+23"],
      ["444b1ae4d6e2ef4e", "999999999999999700000"],
      ["444b1ae4d6e2ef4f", "999999999999999900000"],
      ["444b1ae4d6e2ef50", "1e+21"],
      ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
      ["3eb0c6f7a0b5ed8d", "0.000001"],
      ["41b3de4355555553", "333333333.3333332"],
      ["41b3de4355555554", "333333333.33333325"],
      ["41b3de4355555555", "333333333.3333333"],
      ["41b3de4355555556", "333333333.3333334"],
      ["41b3de4355555557", "333333333.33333343"],
      ["becbf647612f3696", "-0.0000033333333333333333"],
      ["43143ff3c1cb0959", "1424953923781206.2"],
    ];
    for (const [hex, text] of appendixB) expect(canonicalJson(f64(hex)), hex).toBe(text);
  });

  it("escapes strings as JSON.stringify does: quotes, controls, and lone surrogates as \\u escapes", () => {
    expect(canonicalJson(['a"b\\c\n\t\u0001\u001f\u007f\u2028', "\ud83d\ude00"])).toBe('["a\\"b\\\\c\\n\\t\\u0001\\u001f\u007f\u2028","\ud83d\ude00"]');
    // JSON.parse turns the escape "\ud800" into a lone surrogate, so a valid
    // request body can carry one: it must hash, not throw (RFC 8785 would refuse it).
    expect(canonicalJson({ k: "\ud800", "\udc00": 1 })).toBe('{"k":"\\ud800","\\udc00":1}');
  });

  it("the idempotency fingerprint of a create-run body", async () => {
    const body = {
      template_id: "tpl_pf_padrao",
      parametros: { cpf: "529.982.247-25", ñome: "José", z: [3, 1.5, -0, 1e21], a: { y: null, x: true } },
      subject: { type: "pf", doc: "52998224725" },
      external_id: "idem-vetor",
      metadata: { pedido: "Nº 42", "€": "\u2028" },
    };
    const canonical =
      '{"external_id":"idem-vetor","metadata":{"pedido":"Nº 42","€":"\u2028"},' +
      '"parametros":{"a":{"x":true,"y":null},"cpf":"529.982.247-25","z":[3,1.5,0,1e+21],"ñome":"José"},' +
      '"subject":{"doc":"52998224725","type":"pf"},"template_id":"tpl_pf_padrao"}';
    expect(canonicalJson(body)).toBe(canonical);
    expect(await keyedHash("test-server-secret-0123456789abcdef", "idempotency-fingerprint", canonical)).toBe(
      "3ff158a9c838de347fbaea533c2f75648d888bed84144778293b912cab1b6e72",
    );
  });

  it("a case event's hash", async () => {
    const event = {
      id: "evt_01JD0000000000000000000000",
      type: "resolved",
      actor: "ana@cliente.com.br",
      at: "2026-11-30T08:00:00.000Z",
      data: { outcome: "approved", reason_code: "documents_verified", note: "Conferido — ok ✓", previous: { z: 1, a: [0.1 + 0.2, null] } },
      prev_hash: GENESIS_HASH,
    };
    expect(eventHashInput(event)).toBe(
      GENESIS_HASH +
        '{"actor":"ana@cliente.com.br","at":"2026-11-30T08:00:00.000Z",' +
        '"data":{"note":"Conferido — ok ✓","outcome":"approved","previous":{"a":[0.30000000000000004,null],"z":1},"reason_code":"documents_verified"},' +
        `"id":"evt_01JD0000000000000000000000","prev_hash":"${GENESIS_HASH}","type":"resolved"}`,
    );
    expect(await sha256Hex(eventHashInput(event))).toBe("83fb224bcd1640aa859fd5cfaa0b526cc15b02c72b90d5bf6d1e0ef30678876a");
  });
});
