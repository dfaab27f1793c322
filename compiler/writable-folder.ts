import { accessSync, constants, mkdirSync } from "node:fs";

/** Whether `folder` is, or could be made, a folder this process can write in (not in a read-only install). */
export function canWriteIn(folder: string): boolean {
  try {
    mkdirSync(folder, { recursive: true });
    accessSync(folder, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
