// List fixtures imported as base64 data URLs (vitest.config.ts assetsInclude): `import x from "…/ceis.zip?inline"`.
declare module "*?inline" {
  const dataUrl: string;
  export default dataUrl;
}
