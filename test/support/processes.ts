import { execFileSync } from "node:child_process";

interface ProcessRow {
  readonly pid: number;
  readonly ppid: number;
  /** ps's state letters: "Z" first for a zombie (ended, not yet reaped). */
  readonly state: string;
  readonly command: string;
}

/** Every process, as `ps` lists them (Linux and macOS alike). */
function processes(): ProcessRow[] {
  const listing = execFileSync("ps", ["-eo", "pid=,ppid=,stat=,args="], { encoding: "utf8" });
  return listing.split("\n").flatMap((line) => {
    const match = /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    return match ? [{ pid: Number(match[1]), ppid: Number(match[2]), state: match[3]!, command: match[4]! }] : [];
  });
}

/** The running processes whose parent is `parent` and whose command line contains `marker`. */
export function childProcesses(parent: number, marker: string): number[] {
  return processes()
    .filter((row) => row.ppid === parent && !row.state.startsWith("Z") && row.command.includes(marker))
    .map((row) => row.pid);
}

/** Whether a process is running (a zombie, ended but not yet reaped, is not). */
export function isRunning(pid: number): boolean {
  const row = processes().find((each) => each.pid === pid);
  return row !== undefined && !row.state.startsWith("Z");
}

/** Waits until `done()` holds, or throws after `limitMs`. */
export async function eventually(done: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > limitMs) throw new Error(`not within ${limitMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
