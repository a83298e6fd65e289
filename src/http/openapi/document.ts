// The document the Worker serves, built from a fresh app's routes: for the
// tests and for scripts/openapi.ts (which writes it to a file for the linter
// and the typed client, without a running server).
import { createApp } from "../../app";
import { generateDocument, type DocumentOptions, type Json } from "./generate";

export type { DocumentOptions, Json };

export const buildOpenApiDocument = (opts: DocumentOptions = {}): Json => generateDocument(createApp(), opts);
