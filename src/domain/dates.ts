// Dates as Brazilian users write and read them (contract §19): a day means that
// day in America/Sao_Paulo, times are printed in São Paulo time with the
// offset, and Brazilian date fields may come as DD/MM/AAAA. Pure: instants
// are passed in (Intl only converts them).

const BRAZIL_TIME_ZONE = "America/Sao_Paulo";

const pad2 = (n: number) => String(n).padStart(2, "0");

/** A real calendar day (no 31/02): the year, month and day as given. */
const isCalendarDay = (y: number, m: number, d: number): boolean =>
  m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();

/** "31/12/1990" → "1990-12-31"; null for anything else (including an impossible day). */
export function brazilianDateToIso(value: string): string | null {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isCalendarDay(y, mo, d) ? `${m[3]}-${m[2]}-${m[1]}` : null;
}

/** "AAAA-MM-DD" that is a real calendar day. */
export function isIsoDay(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return m !== null && isCalendarDay(Number(m[1]), Number(m[2]), Number(m[3]));
}

const offsetFormat = new Intl.DateTimeFormat("en-US", { timeZone: BRAZIL_TIME_ZONE, timeZoneName: "longOffset" });

/** São Paulo's offset from UTC at an instant, in minutes (−180 today; −120 in the summer time Brazil kept until 2019). */
function saoPauloOffsetMinutes(ms: number): number {
  const name = offsetFormat.formatToParts(new Date(ms)).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The first instant of a São Paulo day "AAAA-MM-DD", in UTC milliseconds. */
function saoPauloDayStartMs(day: string): number {
  const [y, m, d] = day.split("-").map(Number);
  const midnightAsUtc = Date.UTC(y, m - 1, d);
  // The offset at local midnight; read again at the result in case a change of
  // offset lies between the guess and the answer.
  let start = midnightAsUtc - saoPauloOffsetMinutes(midnightAsUtc + 3 * 3_600_000) * 60_000;
  start = midnightAsUtc - saoPauloOffsetMinutes(start) * 60_000;
  // Summer time used to begin at midnight: that day's 00:00 did not exist and the day began at 01:00.
  if (saoPauloDay(start) !== day) start += 3_600_000;
  return start;
}

/** The São Paulo day ("AAAA-MM-DD") of an instant. */
export function saoPauloDay(ms: number): string {
  const local = new Date(ms + saoPauloOffsetMinutes(ms) * 60_000);
  return `${local.getUTCFullYear()}-${pad2(local.getUTCMonth() + 1)}-${pad2(local.getUTCDate())}`;
}

/**
 * The whole of a São Paulo day as UTC instants: `start` its first millisecond,
 * `end` its last. "2026-12-07" → 2026-12-07T03:00:00.000Z … 2026-12-08T02:59:59.999Z.
 */
export function saoPauloDayBounds(day: string): { start: string; end: string } {
  const start = saoPauloDayStartMs(day);
  const [y, m, d] = day.split("-").map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  const nextDay = `${next.getUTCFullYear()}-${pad2(next.getUTCMonth() + 1)}-${pad2(next.getUTCDate())}`;
  return { start: new Date(start).toISOString(), end: new Date(saoPauloDayStartMs(nextDay) - 1).toISOString() };
}

/** "+00:00" style offset of a number of minutes. */
const offsetText = (minutes: number) => `${minutes < 0 ? "-" : "+"}${pad2(Math.floor(Math.abs(minutes) / 60))}:${pad2(Math.abs(minutes) % 60)}`;

/**
 * An instant in São Paulo time, with its offset: "2026-11-26T20:44:12.000Z" →
 * "26/11/2026 17:44:12 (UTC-03:00)". `seconds: false` leaves the seconds out.
 */
export function formatSaoPaulo(ms: number, opts: { seconds?: boolean } = {}): string {
  const offset = saoPauloOffsetMinutes(ms);
  const l = new Date(ms + offset * 60_000);
  const time = `${pad2(l.getUTCHours())}:${pad2(l.getUTCMinutes())}${opts.seconds === false ? "" : `:${pad2(l.getUTCSeconds())}`}`;
  return `${pad2(l.getUTCDate())}/${pad2(l.getUTCMonth() + 1)}/${l.getUTCFullYear()} ${time} (UTC${offsetText(offset)})`;
}

/**
 * A template's parametros with every DD/MM/AAAA value of a top-level
 * `format: "date"` field written AAAA-MM-DD, the form the schema checks and the
 * sources read. Anything else is left as given (the schema judges it).
 */
export function isoDatesIn(schema: unknown, values: Record<string, unknown>): Record<string, unknown> {
  const properties = (schema as { properties?: Record<string, { format?: unknown }> } | null)?.properties;
  if (!properties || typeof properties !== "object") return values;
  let out: Record<string, unknown> | null = null;
  for (const [field, value] of Object.entries(values)) {
    if (typeof value !== "string" || properties[field]?.format !== "date") continue;
    const iso = brazilianDateToIso(value);
    if (iso) (out ??= { ...values })[field] = iso;
  }
  return out ?? values;
}
