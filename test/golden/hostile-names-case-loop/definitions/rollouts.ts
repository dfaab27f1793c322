import { feature, sessionRandom } from "prosper/define";

// One rollout per team; the list was pasted together from two sources.
const teams = ["Checkout", "search", "checkout"];

export const [checkoutRollout, searchRollout, checkoutRolloutAgain] = teams.map((team) =>
  feature({
    name: `${team}-rollout`,
    buckets: [{ name: "half", classifier: sessionRandom(team).lt(0.5), value: true }],
    default: false,
  }),
);
