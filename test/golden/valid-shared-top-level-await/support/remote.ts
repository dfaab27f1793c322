// Both definition files import this module: it runs once, and each sees what its await set.
export let loads = 0;
async function fetchDefaults(): Promise<{ pageSize: number; banner: string }> {
  loads++;
  return { pageSize: 25, banner: "spring" };
}
export const defaults = await fetchDefaults();
