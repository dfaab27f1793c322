import { contextNumber, experiment, feature, sessionRandom, staticNumber } from "prosper/define";

export const numbers = experiment({
  name: "numbers",
  variants: {
    control: {
      exponent: [1e-7, 2.5e3, 1E21],
      tiny: [0.0000001, 5e-324],
      huge: [1e21, 1.7976931348623157e308, 2 ** 53 + 1],
      radix: [0xff, 0b101, 0o17],
      separated: [1_000_000, 0.000_001],
      negativeZero: -0,
      keyed: { 1e3: "a", 0x10: "b" },
    },
    plain: {
      exponent: [1, 2, 3],
      tiny: [0.5, 0.25],
      huge: [1, 2, 3],
      radix: [1, 2, 3],
      separated: [1, 2],
      negativeZero: 0,
      keyed: { 1000: "c", 16: "d" },
    },
  },
});

export const canary = feature({
  name: "numbers-canary",
  buckets: [
    { name: "canary", classifier: sessionRandom().lt(1e-7), value: 1e21 },
    { name: "huge", classifier: contextNumber("bytes").gte(1.7976931348623157e308), value: 0xff },
    { name: "zero", classifier: contextNumber("bytes").lte(-0), value: 5e-324 },
    { name: "exact", classifier: staticNumber(2 ** 53 + 1).eq(9007199254740992), value: 2.5e3 },
    { name: "radix", classifier: contextNumber("mask").oneOf([0b101, 0o17, 0x10]), value: 1_000_000 },
    { name: "tiny", classifier: contextNumber("ratio").gt(0.000_001).and(contextNumber("ratio").lt(5e-324)), value: 1E21 },
  ],
  default: 0.0000001,
});
