// List fixtures imported as base64 data URLs (vitest.config.ts assetsInclude): `import x from "…/ceis.zip?inline"`.
declare module "*?inline" {
  const dataUrl: string;
  export default dataUrl;
}

// Vite's import.meta.glob (test/helpers/registry.ts reads the registry fixture month's ZIPs with it).
interface ImportMeta {
  glob(pattern: string, options: { query: string; import: string; eager: true }): Record<string, unknown>;
}
