/** Calendar arithmetic on ISO dates (UTC), pure so workflow code can use it. */
const DAY = 86_400_000;

export function addMonths(isoDate: string, months: number): string {
  const d = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return d.toISOString().slice(0, 10);
}

export function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate.slice(0, 10)}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

export const toMs = (isoDate: string) => Date.parse(isoDate.length === 10 ? `${isoDate}T00:00:00Z` : isoDate);
export const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
export const days = (n: number) => n * DAY;
