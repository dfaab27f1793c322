import { experiment } from "prosper/define";

/** pyrosper's own example: three greetings, split 33/33/34 as its weighted algorithm does. */
export const greeting = experiment({
  name: "greeting_experiment",
  description: "Which greeting keeps users around?",
  algorithm: { kind: "weighted", weights: { control: 33, friendly: 33, casual: 34 } },
  variants: {
    control: { greeting: "Hello!" },
    friendly: { greeting: "Hi there!" },
    casual: { greeting: "Hey!" },
  },
});
