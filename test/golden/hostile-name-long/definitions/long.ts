import { feature, sessionRandom } from "prosper/define";

export const longName = feature({
  name: "checkout-redesign-with-one-page-flow-and-saved-cards-for-returning-customers-in-every-market-except-the-ones-where-legal-has-not-signed-off-yet-which-is-most-of-them-so-this-name-keeps-growing-every-time-someone-adds-a-country-and-nobody-ever-shortens-it-because-it-is-also-the-name-of-the-ticket-in-",
  buckets: [{ name: "half", classifier: sessionRandom().lt(0.5), value: true }],
  default: false,
});
