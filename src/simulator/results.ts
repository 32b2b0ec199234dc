/** What a task shows while running (previews) and at SUCCESS (files, buttons, properties). */
import {
  describeButtons,
  editButtons,
  gridButtons,
  shortenButtons,
  upscaleButtons,
  upscaleHdButtons,
  videoGridButtons,
  videoUpscaleButtons,
} from "./buttons.js";
import { snowflake } from "./ids.js";
import type { Cell } from "./images.js";
import type { MediaStore } from "./media.js";
import { dimensions, slug, upscaleFamily } from "./prompt.js";
import type { SimTask } from "./task.js";
import { withKeycaps } from "./texts.js";

const USER = "<@1302244873065467906>";

function dims(task: SimTask): { width: number; height: number } {
  return dimensions(task.aspect, task.size);
}

function gridLike(task: SimTask): boolean {
  return task.kind === "grid" || task.kind === "video" || task.kind === "edit";
}

/** A blurry, smaller preview for a progress step (a different PNG per step). */
export function previewUrl(task: SimTask, pct: number, media: MediaStore): string | null {
  if (task.kind === "swap" || task.kind === "describe" || task.kind === "shorten") return null;
  const { width, height } = dims(task);
  const w = Math.max(8, Math.round(width / 2));
  const h = Math.max(8, Math.round(height / 2));
  const done = pct / 100;
  const spec = {
    width: w,
    height: h,
    cells: gridLike(task) ? task.cells : task.cells.slice(0, 1),
    block: Math.max(1, Math.round((Math.min(w, h) / 6) * (1 - done))),
    fade: 0.7 * (1 - done),
  };
  return media.png(`/sim/attachments/${task.wire.id}/${task.hash}_grid_${pct}.png`, spec);
}

function single(cell: Cell | undefined, fallback: Cell[]): Cell[] {
  return [cell ?? (fallback[0] as Cell)];
}

/** Sets the fields Midjourney's progress messages bring (finalPrompt, messageHash). */
export function markStarted(task: SimTask): void {
  const p = task.wire.properties;
  if (task.kind === "swap" || task.kind === "describe" || task.kind === "shorten") return;
  if (task.kind === "details") return;
  p.finalPrompt = task.finalPrompt;
  p.messageHash = task.hash;
}

/** Fills in the SUCCESS state: files, size, buttons and properties, per result kind. */
export function finish(task: SimTask, media: MediaStore): void {
  const w = task.wire;
  const p = w.properties;
  const id = w.id;
  const base = `/sim/attachments/${id}`;
  const { width, height } = dims(task);
  const file = `sim_${slug(task.finalPrompt)}_${task.hash}.png`;
  const family = upscaleFamily(task.finalPrompt);
  const square = task.aspect[0] === task.aspect[1];
  const mode = (w.mode ?? "fast").toLowerCase();

  switch (task.kind) {
    case "grid":
      w.imageUrl = media.png(`${base}/${file}`, { width, height, cells: task.cells });
      w.buttons = gridButtons(task.hash);
      break;
    case "upscale":
      w.imageUrl = media.png(`${base}/${file}`, { width, height, cells: task.cells.slice(0, 1) });
      w.buttons = task.bareUpscale ? [] : upscaleButtons(task.hash, family, square);
      break;
    case "upscale_hd":
      w.imageUrl = media.png(`${base}/${file}`, { width, height, cells: task.cells.slice(0, 1) });
      w.buttons = upscaleHdButtons(task.hash, family);
      break;
    case "edit": {
      const links = task.cells.map((cell, i) => ({
        url: media.png(`/sim/cdn/${task.hash}/0_${i}.png`, { width, height, cells: [cell] }),
        thumbnail: media.png(`/sim/cdn/${task.hash}/0_${i}_640_N.png`, {
          width: Math.max(8, Math.round(width / 2)),
          height: Math.max(8, Math.round(height / 2)),
          cells: [cell],
        }),
      }));
      w.imageUrls = links;
      w.imageUrl = links[0]?.url ?? null;
      w.buttons = task.bareUpscale ? [] : editButtons(task.hash);
      break;
    }
    case "video": {
      const count = task.videoCount ?? 4;
      const grid = media.png(`${base}/sim_${slug(task.finalPrompt)}_${task.hash}.png`, {
        width,
        height,
        cells: task.cells,
      });
      const links = Array.from({ length: count }, (_, i) => ({
        url: media.mp4(`/sim/video/${task.hash}/0_${i}.mp4`, `${task.hash}/${i}`),
        thumbnail: media.png(`/sim/cdn/${task.hash}/0_${i}_640_N.png`, {
          width,
          height,
          cells: single(task.cells[i], task.cells),
        }),
      }));
      w.imageUrl = grid;
      w.videoUrl = grid;
      w.contentType = "image/png";
      w.imageUrls = links;
      w.videoUrls = structuredClone(links);
      w.buttons = videoGridButtons(task.hash, count);
      break;
    }
    case "video_upscale": {
      const source = task.sourceHash ?? task.hash;
      const i = (task.index ?? 1) - 1;
      const link = {
        url: media.mp4(`/sim/video/${source}/0_${i}.mp4`, `${source}/${i}`),
        thumbnail: media.png(`/sim/cdn/${source}/0_${i}_640_N.png`, {
          width,
          height,
          cells: task.cells.slice(0, 1),
        }),
      };
      w.imageUrl = link.thumbnail;
      w.videoUrl = link.url;
      w.contentType = "video/mp4";
      w.videoUrls = [link];
      w.buttons = videoUpscaleButtons(source, task.index ?? 1);
      break;
    }
    case "swap":
      w.imageUrl = media.png(`/sim/replicate/${id}/output.png`, {
        width,
        height,
        cells: task.cells.slice(0, 1),
      });
      break;
    case "describe": {
      const text = withKeycaps(task.describe?.prompts ?? []);
      w.imageUrl = task.describe?.imageUrl ?? w.imageUrl;
      w.promptEn = text;
      w.buttons = describeButtons();
      p.mj_proxy_handled = true;
      p.finalPrompt = text;
      p.messageHash = null;
      break;
    }
    case "shorten":
    case "details": {
      const text = task.kind === "shorten" ? (task.shorten?.text ?? "") : task.finalPrompt;
      // trueai puts the analysis in `description`; Show Details keeps `/up <id> Show Details`.
      if (task.kind === "shorten") w.description = text;
      w.buttons = task.kind === "shorten" ? shortenButtons() : [];
      p.finalPrompt = text;
      break;
    }
  }

  const hasImage = task.kind !== "describe" && task.kind !== "shorten" && task.kind !== "details";
  if (hasImage) {
    w.imageWidth = width;
    w.imageHeight = height;
  }
  w.status = "SUCCESS";
  w.progress = "100%";
  w.finishTime = Date.now();
  if (task.kind !== "swap") {
    if (hasImage) markStarted(task);
    p.messageId = snowflake();
    p.flags = 0;
    if (hasImage) {
      const tail =
        task.kind === "upscale" ? `Image #${task.index ?? 1} ${USER}` : `${USER} (${mode})`;
      p.messageContent = `**${task.finalPrompt}** - ${tail}`;
    }
  }
}
