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
