export type { Environment, ResolvedEnvironment } from "./environment-facts.js";
