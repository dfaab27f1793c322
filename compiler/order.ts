/** Orders by UTF-16 code units: the same on every machine, whatever its locale. */
export const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
