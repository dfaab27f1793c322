export const brand = "Acme";
export const countries = ["NL", "BE", "DE"];
