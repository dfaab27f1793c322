import { all, feature, hostname, lt, regexMatch, sessionRandom } from "prosper/define";

/**
 * PyOF's own example, as in the file PyOF writes (`ofs/test.json`): on hosts named `len...`,
 * 10% of sessions are held out and the next 10% are the control. PyOF's third bucket (named "",
 * comparing the static number 3 with 0.9, so never matching) is left out: bucket names must be
 * non-empty here, and a bucket that can never match only hides mistakes.
 */
export const holdout = feature({
  name: "holdout",
  description: "Hold out 10% of sessions on len* hosts, with a 10% control.",
  buckets: [
    {
      name: "holdout",
      classifier: all(lt(sessionRandom(), 0.1), regexMatch(hostname(), "^len.+")),
      value: true,
    },
    {
      name: "control",
      classifier: sessionRandom().lt(0.2).and(hostname().matches("^len.+")),
      value: false,
    },
  ],
  default: false,
});
