export * from "./tenants";
export * from "./templates";
export * from "./runs";
export * from "./webhooks";
export * from "./screening";
export * from "./cases";
export * from "./users";
export * from "./registry";
