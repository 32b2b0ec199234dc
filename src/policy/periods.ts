// "Today" and "this month" in the policy's time zone: when they began and when they end.
// Intl only; DST-safe: a day is found as the first instant whose local date is that day,
// so days of 23 or 25 hours, and midnights that do not exist, come out right.

export interface Period {
  /** Epoch ms of the period's first instant. */
  start: number;
  /** Epoch ms of the next period's first instant (when the limit resets). */
  end: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** The calendar date at `ms` in `timeZone`. */
export function localDate(ms: number, timeZone: string): LocalDate {
  const parts = formatter(timeZone).formatToParts(ms);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day") };
}

const order = (d: LocalDate) => d.year * 10_000 + d.month * 100 + d.day;

/** The date `days` after `d` (a calendar date, no zone). */
function addDays(d: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The first instant in [lo, hi] whose local date is on or after `target`, to the second
 * (zone changes happen on whole seconds). The local date never goes back as time goes on.
 */
function firstInstant(target: LocalDate, lo: number, hi: number, timeZone: string): number {
  const want = order(target);
  let a = Math.floor(lo / 1000);
  let b = Math.ceil(hi / 1000);
  while (a < b) {
    const mid = Math.floor((a + b) / 2);
    if (order(localDate(mid * 1000, timeZone)) >= want) b = mid;
    else a = mid + 1;
  }
  return a * 1000;
}

/**
 * The last day and month found per zone: a period holds every instant in [start, end), so one
 * that holds `now` is the answer without another search (each search formats a date some 40
 * times, and every reservation, commit and refund asks for both periods).
 */
const lastPeriods = new Map<string, Period>();

function remembered(kind: "day" | "month", now: number, timeZone: string, find: () => Period) {
  const key = `${kind} ${timeZone}`;
  const last = lastPeriods.get(key);
  if (last && last.start <= now && now < last.end) return { ...last };
  const found = find();
  lastPeriods.set(key, found);
  return { ...found };
}

/** Today in `timeZone`, at `now`. */
export function dayOf(now: number, timeZone: string): Period {
  return remembered("day", now, timeZone, () => findDay(now, timeZone));
}

function findDay(now: number, timeZone: string): Period {
  const today = localDate(now, timeZone);
  const start = firstInstant(today, now - 2 * DAY, now, timeZone);
  const end = firstInstant(addDays(today, 1), now, now + 2 * DAY, timeZone);
  return { start, end };
}

/** This month in `timeZone`, at `now`. */
export function monthOf(now: number, timeZone: string): Period {
  return remembered("month", now, timeZone, () => findMonth(now, timeZone));
}

function findMonth(now: number, timeZone: string): Period {
  const today = localDate(now, timeZone);
  const first = { year: today.year, month: today.month, day: 1 };
  const next =
    today.month === 12
      ? { year: today.year + 1, month: 1, day: 1 }
      : { year: today.year, month: today.month + 1, day: 1 };
  const start = firstInstant(first, now - 33 * DAY, now, timeZone);
  const end = firstInstant(next, now, now + 33 * DAY, timeZone);
  return { start, end };
}
