// A CommonJS definition file that exports an array: its definitions are `default[0]`, `default[1]`.
import define = require("prosper/define");

export = [
  define.feature({ name: "cts-good", buckets: [], default: 1 }),
  define.feature({ name: "cts-bad", buckets: [], default: Number.NaN }),
];
