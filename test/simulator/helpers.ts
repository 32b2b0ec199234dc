/** Shared helpers for the simulator's own tests: real HTTP against a started simulator. */
import { PNG } from "pngjs";
import {
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from "../../src/simulator/index.js";

export const KEY = "test-key";

// biome-ignore lint/suspicious/noExplicitAny: JSON from the wire, checked field by field
export type Json = any;

export function start(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ stepMs: 10, imageSize: 64, apiKey: KEY, ...options });
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Json;
}

export async function call(
  sim: Simulator,
  path: string,
  body?: unknown,
  headers: Record<string, string> = { authorization: `Bearer ${KEY}` },
): Promise<Answer> {
  const res = await fetch(`${sim.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const post = (sim: Simulator, path: string, body: unknown) => call(sim, path, body);
export async function fetchTask(sim: Simulator, id: string): Promise<Json> {
  const answer = await call(sim, `/mj/task/${id}/fetch`);
  return answer.json;
}

/** Polls fetch until the task reaches one of `statuses`. */
export async function waitFor(
  sim: Simulator,
  id: string,
  statuses: string | string[] = ["SUCCESS", "FAILURE"],
  timeoutMs = 15_000,
): Promise<Json> {
  const wanted = Array.isArray(statuses) ? statuses : [statuses];
  const deadline = Date.now() + timeoutMs;
  let last: { status?: string } | undefined;
  while (Date.now() < deadline) {
    last = await fetchTask(sim, id);
    if (last?.status && wanted.includes(last.status)) return last;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`task ${id} did not reach ${wanted.join("/")}; last: ${JSON.stringify(last)}`);
}

/** Submits an imagine and waits for SUCCESS. */
export async function imagined(sim: Simulator, prompt = "a red fox --v 7"): Promise<Json> {
  const answer = await post(sim, "/mj/submit/imagine", { prompt });
  if (answer.json?.code !== 1) throw new Error(`imagine failed: ${answer.text}`);
  return waitFor(sim, answer.json.result, "SUCCESS");
}

/** Presses a button (by customId prefix) and waits for the result. */
export async function press(sim: Simulator, task: Json, prefix: string): Promise<Json> {
  const button = task.buttons.find((b: { customId: string }) => b.customId.startsWith(prefix));
  if (!button) throw new Error(`no button ${prefix} on ${task.id}`);
  const answer = await post(sim, "/mj/submit/action", {
    taskId: task.id,
    customId: button.customId,
  });
  if (answer.json?.code !== 1) throw new Error(`action failed: ${answer.text}`);
  return waitFor(sim, answer.json.result, ["SUCCESS", "FAILURE"]);
}

export async function download(url: string): Promise<{ type: string | null; bytes: Buffer }> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return { type: res.headers.get("content-type"), bytes: Buffer.from(await res.arrayBuffer()) };
}

export function decodePng(bytes: Buffer): PNG {
  return PNG.sync.read(bytes);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG of the given size; `white` says which pixels are white (the rest black). */
export function makePng(
  width: number,
  height: number,
  white: (x: number, y: number) => boolean = () => false,
): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const v = white(x, y) ? 255 : 0;
      png.data[i] = v;
      png.data[i + 1] = v;
      png.data[i + 2] = v;
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

export function dataUri(bytes: Buffer, mime = "image/png"): string {
  return `data:${mime};base64,${bytes.toString("base64")}`;
}
