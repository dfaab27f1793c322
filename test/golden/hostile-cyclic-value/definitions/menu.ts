import { experiment } from "prosper/define";

interface MenuItem {
  label: string;
  parent?: MenuItem;
  children: MenuItem[];
}

const shop: MenuItem = { label: "Shop", children: [] };
shop.children.push({ label: "Sale", parent: shop, children: [] });

export const menu = experiment({
  name: "menu",
  // MenuItem is an interface, so TypeScript will not call it JSON: hence the cast.
  variants: { control: { menu: shop as never }, none: { menu: null } },
});
