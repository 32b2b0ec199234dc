// A press on a result the store no longer holds: the proxy is asked, and the member is told
// which of two things went wrong: the proxy does not know the result, or it does not answer.
import { Routes } from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import { en } from "../../src/discord/lang/en.js";
import { zhCN } from "../../src/discord/lang/zh-CN.js";
import type { FakeMessage } from "../fakes/index.js";
import { answerTo, imagineGrid, loseTheStore, press, proxyCalls } from "./helpers.js";
import { startWorld, type World } from "./world.js";

let world: World;
afterEach(async () => {
  await world?.close();
});

/** A result message the bot posted, with one U1 button for `taskId`, owned by `ownerId`. */
async function postedResult(w: World, taskId: string, ownerId: string): Promise<FakeMessage> {
  const posted = (await w.app.client.rest.post(Routes.channelMessages(w.fake.channelId), {
    body: {
      content: "**a red fox**",
      components: [
        {
          type: 1,
          components: [{ type: 2, style: 2, label: "U1", custom_id: `mj:${taskId}:0:${ownerId}` }],
        },
      ],
      allowed_mentions: { parse: [] },
    },
  })) as { id: string };
  const message = w.fake.message(posted.id);
  if (!message) throw new Error("the result was not posted");
  return message;
}

describe("a pressed result the store lost", () => {
  it("the proxy not answering is told apart from a result it does not know, in the member's language", async () => {
    world = await startWorld();
    world.fake.addMember("li", { locale: "zh-CN" });
    const { grid } = await imagineGrid(world, "a red fox", "alice");
    await loseTheStore(world);

    // The proxy answers, but does not know the task.
    const unknown = await postedResult(world, "no-such-task", world.fake.users.li?.id ?? "");
    const answer = await answerTo(world, await press(world, unknown, "U1", "li"));
    expect(answer.ephemeral).toBe(true);
    expect(answer.content).toBe(zhCN.presses.resultUnknown);

    // The proxy does not answer its task fetches.
    world.sim.injectFault({ match: "/fetch", status: 503, times: 1000 });
    const unreachable = await answerTo(world, await press(world, grid, "U1", "alice"));
    expect(unreachable.ephemeral).toBe(true);
    expect(unreachable.content).toBe(en.presses.proxyUnreachable);
    expect(proxyCalls(world, "/submit/action")).toHaveLength(0);
    expect(world.fake.violations).toEqual([]);
  });
});
