import { ButtonStyle, ComponentType } from "discord.js";
import { describe, expect, it } from "vitest";
import {
  button,
  type ComponentKey,
  decodeKey,
  encodeKey,
  resultRows,
  rows,
  shownButtons,
} from "../../src/discord/components.js";
import type { TaskButton } from "../../src/mj/task.js";
import { fixtureTask } from "../support/fixtures.js";

const H = "8b1d4e77-2c3a-4f90-b5e6-91a0c3d4e5f6";
const LONG_TASK_ID = "1234567890123456789"; // 19 digits, a Discord snowflake's size
const OWNER = "12345678901234567890"; // 20 digits: the longest a snowflake gets
const tb = (customId: string, label = "", emoji = ""): TaskButton => ({
  customId,
  label,
  emoji,
  style: 2,
  type: 2,
});

describe("custom_id codec", () => {
  const keys: ComponentKey[] = [
    { type: "proxy", taskId: "1754300112345678", index: 0 },
    { type: "proxy", taskId: LONG_TASK_ID, index: 24, ownerId: OWNER },
    { type: "form", taskId: "1754300175512904", index: 4, ownerId: "1302244873065467906" },
    { type: "form", taskId: LONG_TASK_ID, index: 24, ownerId: OWNER },
    { type: "modal-task", jobId: "m1abc2def3gh" },
    { type: "retry", jobId: "m1abc2def3gh" },
    { type: "open-form", jobId: "m1abc2def3gh" },
  ];

  it.each(keys)("round-trips $type", (key) => {
    expect(decodeKey(encodeKey(key))).toEqual(key);
  });

  it("gives every key type a distinct custom_id for the same id", () => {
    const ids = keys.map(encodeKey);
    expect(new Set(ids).size).toBe(ids.length);
    const proxy = encodeKey({ type: "proxy", taskId: "42", index: 1 });
    const form = encodeKey({ type: "form", taskId: "42", index: 1 });
    expect(proxy).not.toBe(form);
    expect(decodeKey(proxy)?.type).toBe("proxy");
    expect(decodeKey(form)?.type).toBe("form");
  });

  it("stays within Discord's 100 characters with a 19-digit task id and index 24", () => {
    for (const key of keys) expect(encodeKey(key).length).toBeLessThanOrEqual(100);
    // Job ids and task ids of 40 characters (the largest the decoder accepts) fit too.
    const forty = "a".repeat(40);
    for (const key of [
      { type: "proxy", taskId: forty, index: 99, ownerId: OWNER },
      { type: "form", taskId: forty, index: 99, ownerId: OWNER },
      { type: "retry", jobId: forty },
    ] satisfies ComponentKey[]) {
      const id = encodeKey(key);
      expect(id.length).toBeLessThanOrEqual(100);
      expect(decodeKey(id)).toEqual(key);
    }
  });

  it.each([
    "",
    ":",
    "garbage",
    `MJ::JOB::upsample::1::${H}`, // an upstream customId is never a key
    "mj",
    "mj:",
    "mj:123", // proxy key without an index
    "mj::1", // no task id
    "mj:123:1:extra",
    "rt:job1:extra",
    "rt:job1:1", // bot buttons carry no index
    "mm:job1:0",
    "of:job1:",
    "mj:123:-1",
    "mj:123:1.5",
    "mj:123:abc",
    "mj:123:100",
    "mj:123:NaN",
    "mj:123:Infinity",
    "mf:123:-3",
    "xx:123:1",
    "MJ:123:1", // prefixes are case-sensitive
    "retry:job1",
    "rt:job with spaces",
    "rt:job/../1",
    `rt:${"a".repeat(41)}`,
  ])("rejects %j", (customId) => {
    expect(decodeKey(customId)).toBeNull();
  });

  it("rejects an empty index", () => {
    expect(decodeKey("mj:123:")).toBeNull();
  });

  it("names the owner of a spending button, and still reads keys made before owners were", () => {
    expect(decodeKey(`mj:1754300112345678:3:${OWNER}`)).toEqual({
      type: "proxy",
      taskId: "1754300112345678",
      index: 3,
      ownerId: OWNER,
    });
    // An older bot's key: no owner in it; the store (or nothing) says whose it is.
    expect(decodeKey("mj:1754300112345678:3")).toEqual({
      type: "proxy",
      taskId: "1754300112345678",
      index: 3,
    });
    expect(decodeKey("mf:1754300112345678:3")).toEqual({
      type: "form",
      taskId: "1754300112345678",
      index: 3,
    });
  });

  it.each([
    "mj:123:1:abc",
    "mj:123:1:",
    `mj:123:1:${OWNER}1`, // 21 digits
    `mj:123:1:${OWNER}:x`,
    "mf:123:1:-5",
    "st:mode:admin", // a settings choice outside the panel's own
    "st:mode:none",
    "st:remix:maybe",
    "st:mode:fast:x",
  ])("rejects %j", (customId) => {
    expect(decodeKey(customId)).toBeNull();
  });

  it("reads the settings panel's own choices", () => {
    for (const [name, value] of [
      ["mode", "fast"],
      ["mode", "relax"],
      ["remix", "on"],
      ["remix", "off"],
    ] as const) {
      const key: ComponentKey = { type: "setting", name, value };
      expect(decodeKey(encodeKey(key))).toEqual(key);
    }
  });
});

describe("shownButtons", () => {
  it("hides the ❤️ bookmark and keeps indexes into the original list", () => {
    const buttons = [
      tb(`MJ::BOOKMARK::${H}`, "", "❤️"),
      tb(`MJ::JOB::upsample::1::${H}`, "U1"),
      tb(`MJ::BOOKMARK::${H}`, "", "❤️"),
      tb(`MJ::JOB::variation::2::${H}`, "V2"),
    ];
    const shown = shownButtons(buttons);
    expect(shown.map((s) => s.index)).toEqual([1, 3]);
    expect(shown.map((s) => s.info.label)).toEqual(["U1", "V2"]);
    for (const s of shown) expect(buttons[s.index]?.customId).toBe(s.info.customId);
  });

  it("keeps the proxy's order and unknown buttons", () => {
    const buttons = [
      tb("MJ::JOB::brand_new_action::1::x", ""),
      tb(`MJ::JOB::upsample::2::${H}`, "U2"),
    ];
    const shown = shownButtons(buttons);
    expect(shown.map((s) => s.info.customId)).toEqual(buttons.map((b) => b.customId));
    expect(shown[0]?.info.label).not.toBe("");
  });

  it("shows nothing for an empty list", () => {
    expect(shownButtons([])).toEqual([]);
  });
});

describe("rows", () => {
  const many = (n: number) => Array.from({ length: n }, (_, i) => button(`id${i}`, `B${i}`));

  it.each([0, 1, 5, 6, 12, 25])("packs %i buttons into rows of at most 5", (n) => {
    const out = rows(many(n));
    expect(out).toHaveLength(Math.ceil(n / 5));
    for (const row of out) {
      expect(row.type).toBe(ComponentType.ActionRow);
      expect(row.components.length).toBeGreaterThan(0);
      expect(row.components.length).toBeLessThanOrEqual(5);
    }
    expect(out.flatMap((r) => r.components.map((c) => c.custom_id))).toEqual(
      many(n).map((b) => b.custom_id),
    );
  });

  it.each([26, 30, 64])("keeps only the first 25 of %i buttons, in 5 rows", (n) => {
    const out = rows(many(n));
    expect(out).toHaveLength(5);
    const ids = out.flatMap((r) => r.components.map((c) => c.custom_id));
    expect(ids).toEqual(many(25).map((b) => b.custom_id));
  });

  it("builds a Discord button with an optional emoji and a style", () => {
    expect(button("a", "Go")).toEqual({
      type: ComponentType.Button,
      custom_id: "a",
      label: "Go",
      style: ButtonStyle.Secondary,
    });
    expect(button("b", "Retry", "🔄", ButtonStyle.Primary)).toMatchObject({
      emoji: { name: "🔄" },
      style: ButtonStyle.Primary,
    });
  });
});

describe("resultRows for real proxy tasks", () => {
  const labelOf = (c: { label?: string; emoji?: { name?: string } }) =>
    c.emoji?.name && (c.label === "Reroll" || !c.label) ? c.emoji.name : c.label;

  it("imagine grid: [U1 U2 U3 U4 🔄] [V1 V2 V3 V4]", () => {
    const task = fixtureTask("task-imagine-success.json");
    const out = resultRows(task.id, OWNER, task.buttons);
    expect(out.map((r) => r.components.map(labelOf))).toEqual([
      ["U1", "U2", "U3", "U4", "🔄"],
      ["V1", "V2", "V3", "V4"],
    ]);
    // The reroll button still has readable text beside its emoji.
    const reroll = out[0]?.components[4];
    expect(reroll?.label).toBe("Reroll");
    expect(reroll?.emoji).toEqual({ name: "🔄" });
    // Each button names its task and its position in the task's own list.
    const keys = out.flatMap((r) => r.components.map((c) => decodeKey(c.custom_id)));
    expect(keys).toEqual(
      task.buttons.map((_, index) => ({ type: "proxy", taskId: task.id, index, ownerId: OWNER })),
    );
  });

  it("v7 upscale: no ❤️, readable labels, no custom-emoji names, unique ids", () => {
    const task = fixtureTask("task-upscale-success-v7.json");
    const out = resultRows(task.id, OWNER, task.buttons);
    const all = out.flatMap((r) => r.components);
    const bookmark = task.buttons.findIndex((b) => b.customId.startsWith("MJ::BOOKMARK::"));
    expect(bookmark).toBeGreaterThanOrEqual(0);

    expect(all).toHaveLength(task.buttons.length - 1);
    expect(out.length).toBeLessThanOrEqual(5);
    for (const row of out) expect(row.components.length).toBeLessThanOrEqual(5);
    expect(all.some((c) => c.emoji?.name === "❤️")).toBe(false);
    expect(all.map((c) => decodeKey(c.custom_id))).not.toContainEqual({
      type: "proxy",
      taskId: task.id,
      index: bookmark,
      ownerId: OWNER,
    });

    for (const c of all) {
      expect(c.label?.trim().length ?? 0).toBeGreaterThan(0);
      expect(c.label?.length ?? 0).toBeLessThanOrEqual(80);
      expect(c.custom_id.length).toBeLessThanOrEqual(100);
      expect(c.emoji?.name).not.toBe("upscale_1");
      // An emoji name sent to Discord without an id must be a Unicode glyph.
      if (c.emoji?.name) expect(c.emoji.name).toMatch(/\p{Extended_Pictographic}/u);
    }
    const subtle = all.find((c) => c.label === "Upscale (Subtle)");
    expect(subtle).toBeDefined();
    expect(subtle?.emoji).toBeUndefined();
    expect(all.find((c) => c.label === "Vary (Region)")?.emoji).toEqual({ name: "🖌️" });

    const ids = all.map((c) => c.custom_id);
    expect(new Set(ids).size).toBe(ids.length);
    // Pressing a shown button leads back to exactly the upstream button it came from.
    for (const c of all) {
      const key = decodeKey(c.custom_id);
      expect(key?.type).toBe("proxy");
      if (key?.type !== "proxy") continue;
      expect(key.taskId).toBe(task.id);
      // The owner travels with every button, so no store is needed to know who may spend.
      expect(key.ownerId).toBe(OWNER);
      expect(task.buttons[key.index]?.customId).not.toMatch(/^MJ::BOOKMARK/);
    }
  });

  it("pan buttons without a proxy label get one", () => {
    const task = fixtureTask("task-upscale-success-v7.json");
    const all = resultRows(task.id, OWNER, task.buttons).flatMap((r) => r.components);
    const pans = all.filter((c) => /^Pan /.test(c.label ?? ""));
    expect(pans.map((c) => c.label)).toEqual(["Pan Left", "Pan Right", "Pan Up", "Pan Down"]);
  });

  it("a task without buttons has no rows", () => {
    expect(resultRows("123", OWNER, [])).toEqual([]);
    expect(resultRows("123", OWNER, [tb(`MJ::BOOKMARK::${H}`, "", "❤️")])).toEqual([]);
  });
});
