// A CommonJS definition file: import = require and export =, as TypeScript spells them.
import define = require("prosper/define");

const ctsFlag = define.feature({
  name: "cts-flag",
  buckets: [{ name: "half", classifier: define.sessionRandom().lt(0.5), value: true }],
  default: false,
});

export = { ctsFlag };
