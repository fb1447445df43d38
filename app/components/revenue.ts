/** Monthly revenue (whole currency units) as staff pages show it, grouped alike on the server and in the browser. */
const wholeUnits = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

export function formatRevenue(amount: number) {
  return wholeUnits.format(amount)
}
