// A job as the bot would record it, for tests and benchmarks that need one without Discord.
import { type Job, newJob } from "../../src/jobs/job.js";

export const TEST_USER = "1302244873065467906";

export function testJob(overrides: Partial<Job> = {}): Job {
  const prompt = overrides.prompt ?? "a red fox in a snowy forest";
  return {
    ...newJob({
      id: "m1abc2def3gh",
      taskId: "1754300112345678",
      kind: "imagine",
      userId: TEST_USER,
      prompt,
      mode: "fast",
      origin: null,
      parentTaskId: null,
      request: { type: "imagine", prompt, base64Array: [] },
      message: {
        channelId: "1372845222307958867",
        guildId: "1372845222307958000",
        applicationId: "1190000000000000001",
        interactionToken: "token",
        tokenIssuedAt: 0,
        messageId: null,
        attachmentSizeLimit: 10 * 1024 * 1024,
      },
      deadlineMs: 30 * 60_000,
      now: 0,
    }),
    ...overrides,
  };
}
