// Which stored reports a location has seen (issue 11): a report is written once
// to R2 and never deleted (src/reports/service.ts), so once R2 said a report
// exists, the location can sign its download URL without asking R2 again — R2,
// like the D1 primary, lives in one region. Only presence is kept: a report not
// generated yet is asked about every time, so it is found as soon as it exists.
import { locationCache } from "./location-cache";

const NS = "report-v1";
const TTL_S = 24 * 60 * 60;

/** `key`: the report's R2 object key (tenant, run, mode and variant). */
export const knownReport = async (env: Env, key: string): Promise<boolean> => (await locationCache(env).get<true>(NS, key)) === true;

export const rememberReport = (env: Env, key: string) => locationCache(env).put(NS, key, true, TTL_S);
