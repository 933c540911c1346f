import { formatPrice } from "./format";

export function checkoutLabel(total: number): string {
  return `Pay ${formatPrice(total)}`;
}
