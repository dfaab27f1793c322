export const owners: Record<string, string> = {};
throw new Error("owners.json is missing: run `npm run owners` first");
