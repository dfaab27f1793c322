import { experiment } from "prosper/define";

const trap = (): never => {
  throw new Error("trapped");
};
const settings = new Proxy({}, {
  get: trap, set: trap, has: trap, deleteProperty: trap, ownKeys: trap,
  getOwnPropertyDescriptor: trap, defineProperty: trap, getPrototypeOf: trap,
  setPrototypeOf: trap, isExtensible: trap, preventExtensions: trap,
});

export const proxied = experiment({
  name: "proxied",
  variants: { control: { settings }, plain: { settings: {} } },
});
