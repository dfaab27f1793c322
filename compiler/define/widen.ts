/** The type a literal belongs to: `"Hi"` becomes `string`, `{ a: 1 }` becomes `{ readonly a: number }`. */
export type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends null
        ? null
        : T extends readonly (infer E)[]
          ? readonly Widen<E>[]
          : { readonly [K in keyof T]: Widen<T[K]> };
