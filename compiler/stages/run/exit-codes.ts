/** The exit code child.ts uses for a failure of its own: prosper's bug, not the definitions'. */
export const runnerFailed = 70;
