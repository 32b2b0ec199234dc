// Runs before every test file (vitest setupFiles): no process may outlive its test.
// A test that starts processes stops them itself; whatever is still running a few seconds
// after it ended is killed here and fails the test, naming each process.
import { afterEach } from "vitest";
import { markedProcesses, markThisWorker, waitUntil } from "./processes.js";

markThisWorker();

afterEach(async () => {
  const left = await waitUntil(() => (markedProcesses().length === 0 ? [] : false), 5_000);
  if (left) return;
  const survivors = markedProcesses();
  for (const p of survivors) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {}
  }
  throw new Error(
    `processes outlived their test (now killed): ${survivors.map((p) => `${p.pid} ${p.command}`).join("; ")}`,
  );
});
