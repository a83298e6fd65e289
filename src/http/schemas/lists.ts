// Screening lists on the admin plane (contract §14): the response components
// the OpenAPI document shows and test/openapi.test.ts checks real responses against.
import { z } from "zod";
import { LIST_IDS, type ListId } from "../../screening/types";
import { component } from "./responses";

const timestamp = z.iso.datetime();

export const ScreeningList = component(
  "ScreeningList",
  z.strictObject({
    id: z.enum(LIST_IDS as [ListId, ...ListId[]]),
    name: z.string(),
    status: z.enum(["empty", "loading", "ready", "error"]).meta({
      description:
        "`ready` whenever a version serves, even while a refresh of it runs (then `loading_since` is set); `loading`: the first load is running; `error`: no version and the last refresh failed; `empty`: never loaded.",
    }),
    source_url: z.string().meta({
      description: "Where the next refresh fetches from: the `LIST_URL_<ID>` override, else the official URL (OFAC: a base URL the official file names are appended to).",
    }),
    version: z
      .strictObject({
        sha256: z.string().meta({ description: "sha256 of the file (OFAC: of the file names and their sha256s); same bytes, same version." }),
        fetched_at: timestamp,
        entities: z.number().int(),
        names: z.number().int().meta({ description: "Names indexed: primary names and aliases." }),
      })
      .nullable()
      .meta({ description: "The version serving; null before the first successful load." }),
    loading_since: timestamp.nullable().meta({ description: "Set while a refresh runs." }),
    last_error: z
      .strictObject({ at: timestamp, message: z.string() })
      .nullable()
      .meta({ description: "The latest refresh's failure (the previous version kept serving); null once a refresh succeeds (a new version, or the same bytes)." }),
  }),
  "One official list the service keeps its own copy of.",
);

export const ScreeningListCollection = component(
  "ScreeningListCollection",
  z.strictObject({ object: z.literal("list"), data: z.array(ScreeningList) }),
  "Every screening list, in a fixed order.",
);

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const ScreeningListVersion = component(
  "ScreeningListVersion",
  z.strictObject({
    sha256: sha256.meta({ description: "The version's identity: sha256 of its file (OFAC: of the file names and their sha256s). Pin it in a search (`versions`) to replay what was screened then." }),
    fetched_at: timestamp.meta({ description: "When its file was fetched (the last time, for a version that became current again)." }),
    published_at: z.string().nullable().meta({ description: "When the file says it was generated (UN `dateGenerated`, EU `generationDate`), as written; null when the list or the file gives none." }),
    became_current_at: timestamp,
    superseded_at: timestamp.nullable().meta({ description: "When a later version replaced it; null while it serves." }),
    current: z.boolean().meta({ description: "true for the version serving." }),
    entities: z.number().int(),
    names: z.number().int().meta({ description: "Names indexed: primary names and aliases." }),
    previous_sha256: sha256.nullable().meta({ description: "The version it replaced, which its delta is against; null for the list's first version (every entity added)." }),
    added: z.number().int().meta({ description: "Entities (by the list's own id) it has and the previous version did not." }),
    modified: z.number().int().meta({ description: "Entities whose listed record changed (another record hash)." }),
    removed: z.number().int().meta({ description: "Entities of the previous version it no longer has." }),
  }),
  "A version of a list kept for replays: its counts and its delta against the version it replaced.",
);

export const ScreeningListVersionCollection = component(
  "ScreeningListVersionCollection",
  z.strictObject({ object: z.literal("list"), list: z.enum(LIST_IDS as [ListId, ...ListId[]]), data: z.array(ScreeningListVersion) }),
  "The versions of a list kept (at least the last 30, and every version that served in the last 90 days), newest first.",
);
