import { contextString, experiment, feature, sessionRandom } from "prosper/define";
import { brand, countries } from "../support/constants.js";
import sizes from "./sizes.json" with { type: "json" };

const rollout = (p: number) => sessionRandom("layout").lt(p);
const environment: string = "production";

enum Theme {
  Light = "light",
  Dark = "dark",
}

const shared = { greeting: "hello", theme: Theme.Light };
const alias = shared;
alias.greeting = "x";

const variants: Record<string, { greeting: string; theme: Theme; pageSize: number }> = {
  control: { ...shared, pageSize: sizes.small },
};
for (let i = 1; i <= 2; i++) variants[`large-${i}`] = { ...shared, theme: Theme.Dark, pageSize: sizes.large * i };

export const layout = experiment({ name: "layout", variants });

export const welcome = feature({
  name: "welcome",
  buckets: [
    ...countries.map((country) => ({
      name: `in-${country.toLowerCase()}`,
      classifier: contextString("country").eq(country),
      value: `${brand} ${country}`,
    })),
    { name: "rollout", classifier: rollout(environment === "production" ? 0.1 : 1), value: `${brand} beta` },
  ],
  default: shared.greeting,
});
