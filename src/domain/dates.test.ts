import { describe, expect, it } from "vitest";
import { brazilianDateToIso, formatSaoPaulo, isIsoDay, saoPauloDay, saoPauloDayBounds } from "./dates";

describe("São Paulo days", () => {
  it("a day today is 03:00 UTC to 02:59:59.999 UTC the next day", () => {
    expect(saoPauloDayBounds("2026-12-07")).toEqual({ start: "2026-12-07T03:00:00.000Z", end: "2026-12-08T02:59:59.999Z" });
  });

  it("month and year ends roll over", () => {
    expect(saoPauloDayBounds("2026-12-31")).toEqual({ start: "2026-12-31T03:00:00.000Z", end: "2027-01-01T02:59:59.999Z" });
  });

  it("the old summer time: a day at UTC-02:00, and the day whose midnight did not exist", () => {
    // 2018-11-04: clocks went from 00:00 to 01:00 (UTC-02:00 until 2019-02-17).
    expect(saoPauloDayBounds("2018-12-10")).toEqual({ start: "2018-12-10T02:00:00.000Z", end: "2018-12-11T01:59:59.999Z" });
    expect(saoPauloDayBounds("2018-11-04")).toEqual({ start: "2018-11-04T03:00:00.000Z", end: "2018-11-05T01:59:59.999Z" });
  });

  it("the day of an instant around São Paulo's midnight", () => {
    expect(saoPauloDay(Date.parse("2026-12-08T02:59:59.999Z"))).toBe("2026-12-07");
    expect(saoPauloDay(Date.parse("2026-12-08T03:00:00.000Z"))).toBe("2026-12-08");
  });
});

describe("formatSaoPaulo", () => {
  it("prints São Paulo time with the offset", () => {
    expect(formatSaoPaulo(Date.parse("2026-11-26T20:44:12.000Z"))).toBe("26/11/2026 17:44:12 (UTC-03:00)");
    expect(formatSaoPaulo(Date.parse("2026-11-27T01:05:00.000Z"), { seconds: false })).toBe("26/11/2026 22:05 (UTC-03:00)");
    expect(formatSaoPaulo(Date.parse("2018-12-10T12:00:00.000Z"))).toBe("10/12/2018 10:00:00 (UTC-02:00)");
  });
});

describe("Brazilian dates", () => {
  it("DD/MM/AAAA becomes AAAA-MM-DD; impossible days and other shapes do not", () => {
    expect(brazilianDateToIso("31/12/1990")).toBe("1990-12-31");
    expect(brazilianDateToIso("29/02/2024")).toBe("2024-02-29");
    expect(brazilianDateToIso("29/02/2023")).toBeNull();
    expect(brazilianDateToIso("12/31/1990")).toBeNull();
    expect(brazilianDateToIso("1/1/1990")).toBeNull();
    expect(brazilianDateToIso("1990-12-31")).toBeNull();
  });

  it("isIsoDay checks the calendar", () => {
    expect(isIsoDay("2026-02-28")).toBe(true);
    expect(isIsoDay("2026-02-30")).toBe(false);
    expect(isIsoDay("2026-2-3")).toBe(false);
  });
});
