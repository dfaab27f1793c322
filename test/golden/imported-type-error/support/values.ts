export const pageSize: number = "ten" as unknown as string;
