// API versions (contract §10): `X-Kycert-Api-Version: YYYY-MM-DD`.
//
// How a version changes a response shape without forking handlers (the
// Stripe model): handlers always build the response of the NEWEST version.
// Each version lists the transforms that turn a response of that version into
// the shape of the version before it. A request pinned to an older version gets
// the handler's body passed down through every newer version's transforms,
// newest first — one function, `shapeForVersion`, called by one middleware.
//
// To ship a breaking change: change the handler/view to the new shape, then add
// `{ version: "<date>", changes: "…", transforms: { bureau_run: (b) => <old shape> } }`
// at the end of API_VERSIONS. Clients without a header move to the new version;
// clients that send an older date keep the old shape.

/** The resources a transform can target: the `object` of a JSON body, plus the error envelope. */
export type ResourceKind =
  | "bureau_run"
  | "bureau_run_analysis"
  | "bureau_run_detail"
  | "bureau_report"
  | "event"
  | "list"
  | "error";

export type Json = Record<string, unknown>;
/**
 * Turns one resource of version N into its shape in version N−1. It receives
 * every representation of that object (for `bureau_run`: the full run, a list
 * item, the 202 pending body, the 202 accepted body), so it must check the
 * fields it touches. It must not mutate its argument.
 */
export type Transform = (body: Json) => Json;

export interface ApiVersion {
  /** YYYY-MM-DD. */
  version: string;
  /** What changed in this version, for the changelog and the API reference. */
  changes: string;
  transforms: Partial<Record<ResourceKind, Transform>>;
}

export const API_VERSION_HEADER = "X-Kycert-Api-Version";

/** Oldest first; the last one is the current version. */
const API_VERSIONS: ApiVersion[] = [
  { version: "2026-11-01", changes: "Primeira versão pública da API de execuções do bureau.", transforms: {} },
];

const DATE_VERSION = /^\d{4}-\d{2}-\d{2}$/;

export const currentApiVersion = (): string => API_VERSIONS[API_VERSIONS.length - 1].version;
export const supportedApiVersions = (): readonly ApiVersion[] => API_VERSIONS;

/** The version a request asked for: missing → current; unknown or malformed → null. */
export function resolveApiVersion(header: string | null | undefined): string | null {
  if (header === null || header === undefined) return currentApiVersion();
  const v = header.trim();
  if (!DATE_VERSION.test(v)) return null;
  return API_VERSIONS.some((x) => x.version === v) ? v : null;
}

/** True when a response for `version` differs from the handler's (newest) shape. */
export const needsTransform = (version: string): boolean =>
  API_VERSIONS.some((x) => x.version > version && Object.keys(x.transforms).length > 0);

/** The handler's body (newest shape) as `version` shows it. */
export function shapeForVersion(body: unknown, version: string): unknown {
  let out = body;
  for (let i = API_VERSIONS.length - 1; i >= 0 && API_VERSIONS[i].version > version; i--) {
    out = applyTransforms(out, API_VERSIONS[i].transforms);
  }
  return out;
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function applyTransforms(body: unknown, transforms: ApiVersion["transforms"]): unknown {
  if (!isObject(body)) return body;
  if (isObject(body.error) && !("object" in body)) return transforms.error ? transforms.error(body) : body;
  let out = body;
  // A list's items are resources of their own; an event carries its resource in data.object.
  if (body.object === "list" && Array.isArray(body.data)) out = { ...out, data: body.data.map((item) => applyTransforms(item, transforms)) };
  if (body.object === "event" && isObject(body.data) && isObject(body.data.object)) {
    out = { ...out, data: { ...body.data, object: applyTransforms(body.data.object, transforms) } };
  }
  const kind = typeof body.object === "string" ? (body.object as ResourceKind) : null;
  const transform = kind ? transforms[kind] : undefined;
  return transform ? transform(out) : out;
}

/**
 * Test seam: registers a version (it becomes the newest when its date is the
 * latest) and returns a function that removes it again.
 */
export function registerApiVersionForTest(v: ApiVersion): () => void {
  if (!DATE_VERSION.test(v.version) || API_VERSIONS.some((x) => x.version === v.version)) throw new Error(`bad version ${v.version}`);
  API_VERSIONS.push(v);
  API_VERSIONS.sort((a, b) => (a.version < b.version ? -1 : 1));
  return () => {
    const i = API_VERSIONS.indexOf(v);
    if (i >= 0) API_VERSIONS.splice(i, 1);
  };
}
