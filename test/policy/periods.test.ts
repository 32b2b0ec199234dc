import { describe, expect, it } from "vitest";
import { dayOf, localDate, monthOf } from "../../src/policy/periods.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("periods", () => {
  it("UTC: midnight to midnight, the first of the month to the next", () => {
    const now = at("2026-12-02T16:15:00Z");
    expect(iso(dayOf(now, "UTC").start)).toBe("2026-12-02T00:00:00.000Z");
    expect(iso(dayOf(now, "UTC").end)).toBe("2026-12-03T00:00:00.000Z");
    expect(iso(monthOf(now, "UTC").start)).toBe("2026-12-01T00:00:00.000Z");
    expect(iso(monthOf(now, "UTC").end)).toBe("2027-01-01T00:00:00.000Z");
  });

  it("another zone: the day there, not in UTC", () => {
    // 16:15 UTC is already 01:15 the next day in Tokyo (UTC+9).
    const now = at("2026-12-02T16:15:00Z");
    expect(iso(dayOf(now, "Asia/Tokyo").start)).toBe("2026-12-02T15:00:00.000Z");
    expect(iso(dayOf(now, "Asia/Tokyo").end)).toBe("2026-12-03T15:00:00.000Z");
    // And 2026-12-31T20:00Z is already January in Tokyo, still December in Los Angeles.
    const eve = at("2026-12-31T20:00:00Z");
    expect(iso(monthOf(eve, "Asia/Tokyo").start)).toBe("2026-12-31T15:00:00.000Z");
    expect(iso(monthOf(eve, "America/Los_Angeles").start)).toBe("2026-12-01T08:00:00.000Z");
    expect(iso(monthOf(eve, "America/Los_Angeles").end)).toBe("2027-01-01T08:00:00.000Z");
    // Half-hour zones.
    expect(iso(dayOf(at("2026-06-01T12:00:00Z"), "Asia/Kolkata").start)).toBe(
      "2026-05-31T18:30:00.000Z",
    );
  });

  it("a spring-forward day lasts 23 hours, a fall-back day 25", () => {
    // US: clocks go 02:00 -> 03:00 on 2026-03-08, 02:00 -> 01:00 on 2026-11-01.
    const spring = dayOf(at("2026-03-08T18:00:00Z"), "America/New_York");
    expect(iso(spring.start)).toBe("2026-03-08T05:00:00.000Z");
    expect(iso(spring.end)).toBe("2026-03-09T04:00:00.000Z");
    expect(spring.end - spring.start).toBe(23 * 3_600_000);
    const fall = dayOf(at("2026-11-01T12:00:00Z"), "America/New_York");
    expect(fall.end - fall.start).toBe(25 * 3_600_000);
    // The month holding the change: the start in EST's offset, the end in the other.
    const march = monthOf(at("2026-03-20T12:00:00Z"), "America/New_York");
    expect(iso(march.start)).toBe("2026-03-01T05:00:00.000Z");
    expect(iso(march.end)).toBe("2026-04-01T04:00:00.000Z");
    // Europe: 2026-10-25 03:00 CEST -> 02:00 CET.
    const paris = dayOf(at("2026-10-25T20:00:00Z"), "Europe/Paris");
    expect(iso(paris.start)).toBe("2026-10-24T22:00:00.000Z");
    expect(iso(paris.end)).toBe("2026-10-25T23:00:00.000Z");
  });

  it("a day whose midnight does not exist begins at its first instant", () => {
    // Chile: on 2026-09-06 clocks go from 00:00 straight to 01:00 (UTC-4 -> UTC-3).
    const day = dayOf(at("2026-09-06T15:00:00Z"), "America/Santiago");
    expect(localDate(day.start, "America/Santiago")).toEqual({ year: 2026, month: 9, day: 6 });
    expect(localDate(day.start - 1000, "America/Santiago")).toEqual({
      year: 2026,
      month: 9,
      day: 5,
    });
    expect(iso(day.start)).toBe("2026-09-06T04:00:00.000Z");
    expect(day.end - day.start).toBe(23 * 3_600_000);
  });

  it("the period of the very first and last instants of a day", () => {
    const start = at("2026-12-02T00:00:00Z");
    expect(dayOf(start, "UTC").start).toBe(start);
    expect(dayOf(start - 1, "UTC").end).toBe(start);
    expect(dayOf(start - 1, "UTC").start).toBe(at("2026-12-01T00:00:00Z"));
  });

  it("asked again and again, across the edges of a day and a month, forwards and back", () => {
    const zone = "Europe/Berlin"; // UTC+1 in winter
    const lastInstant = at("2026-12-31T22:59:59.999Z"); // 23:59:59.999 on the 31st there
    expect(iso(dayOf(lastInstant, zone).start)).toBe("2026-12-30T23:00:00.000Z");
    expect(iso(monthOf(lastInstant, zone).end)).toBe("2026-12-31T23:00:00.000Z");
    const next = lastInstant + 1; // midnight: a new day and a new month
    expect(iso(dayOf(next, zone).start)).toBe("2026-12-31T23:00:00.000Z");
    expect(iso(monthOf(next, zone).start)).toBe("2026-12-31T23:00:00.000Z");
    expect(iso(monthOf(next, zone).end)).toBe("2027-01-31T23:00:00.000Z");
    // Back to the old day, and the same answers as the first time.
    expect(iso(dayOf(lastInstant, zone).end)).toBe("2026-12-31T23:00:00.000Z");
    expect(iso(monthOf(lastInstant, zone).start)).toBe("2026-11-30T23:00:00.000Z");
    // One zone's answer is never another's.
    expect(iso(dayOf(next, "UTC").start)).toBe("2026-12-31T00:00:00.000Z");
    // A caller may change what it is given without changing the next answer.
    const day = dayOf(next, zone);
    day.end = 0;
    expect(iso(dayOf(next, zone).end)).toBe("2027-01-01T23:00:00.000Z");
  });
});
