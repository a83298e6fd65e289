import { describe, expect, it } from "vitest";
import { latin1ToString } from "../screening/parsers/stream";
import { csvCell, decoderFor, MAX_RECORD_BYTES, readCsvChunk, sniffDelimiter } from "./csv";

const bytes = (s: string) => new TextEncoder().encode(s);
const utf8 = decoderFor("utf-8");
const read = (s: string | Uint8Array, final = true, line = 1) =>
  readCsvChunk(typeof s === "string" ? bytes(s) : s, { delimiter: 0x2c, line, final, decode: utf8 });

describe("import CSV reader", () => {
  it("records with their starting line: quoted fields (delimiters, doubled quotes, line breaks), CRLF, blank lines skipped", () => {
    const out = read('a,b\r\n"x, y","say ""hi"""\n\n"multi\nline",z\nlast,row');
    expect(out.records).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["x, y", 'say "hi"'] },
      { line: 4, fields: ["multi\nline", "z"] },
      { line: 6, fields: ["last", "row"] },
    ]);
    expect(out.count).toBe(4);
    expect(out.nextLine).toBe(6);
  });

  it("a record cut off by the end of a chunk is left for the next one: consumed stops at the last complete record", () => {
    const text = 'a,b\n"open,\nstill open",c\nnext,1\n';
    for (let cut = 1; cut < text.length; cut++) {
      const first = read(text.slice(0, cut), false);
      const rest = bytes(text).slice(first.consumed);
      const second = read(rest, true, first.nextLine);
      expect([...first.records, ...second.records], `cut at ${cut}`).toEqual(read(text).records);
    }
  });

  it("a CR at the very end of a chunk waits for the next byte (CRLF split across chunks)", () => {
    const first = read("a,b\r", false);
    expect(first.records).toEqual([]);
    expect(first.consumed).toBe(0);
    const whole = read("a,b\r\nc,d\r\n");
    expect(whole.records.map((r) => r.line)).toEqual([1, 2]);
  });

  it("a record longer than 64 KiB is skipped to the next line break and reported by its line", () => {
    const long = "x".repeat(MAX_RECORD_BYTES + 10);
    const out = read(`a,b\n${long},"never closed\n${long}\nc,d\n`);
    expect(out.oversized).toEqual([2, 3]);
    expect(out.records.map((r) => [r.line, r.fields[0]])).toEqual([
      [1, "a"],
      [4, "c"],
    ]);
  });

  it("counting only keeps nothing; ISO-8859-1 fields decode one byte a character", () => {
    const counted = readCsvChunk(bytes("a\nb\n\nc\n"), { delimiter: 0x2c, line: 1, final: true, decode: null });
    expect([counted.count, counted.records]).toEqual([3, []]);
    const latin = Uint8Array.from([0x4a, 0x6f, 0x73, 0xe9, 0x3b, 0x43, 0x6f, 0x6e, 0x63, 0x65, 0x69, 0xe7, 0xe3, 0x6f, 0x0a]);
    const out = readCsvChunk(latin, { delimiter: 0x3b, line: 1, final: true, decode: latin1ToString });
    expect(out.records[0].fields).toEqual(["José", "Conceição"]);
  });

  it("the header's delimiter: `;` when it splits more than `,` (outside quotes)", () => {
    expect(sniffDelimiter(bytes("document;name;birth_date"))).toBe(0x3b);
    expect(sniffDelimiter(bytes("document,name"))).toBe(0x2c);
    expect(sniffDelimiter(bytes('"doc;ument",name'))).toBe(0x2c);
  });

  it("an errors-file cell is quoted when it must be", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell('a, "b"')).toBe('"a, ""b"""');
  });
});
