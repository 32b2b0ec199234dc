// The mask a Vary (Region) form sends: the member's upload, fitted to the picture, or the
// regions they chose, drawn at the picture's pixel size (the drawing itself is mask.ts).
// What the form alone shows is judged first, at no cost; the picture's size and the upload's
// bytes are read only after the form was acknowledged.
import type { ModalSubmitInteraction } from "discord.js";
import { downloadMedia, fetchImageSize } from "../mj/media.js";
import type { BotContext } from "./context.js";
import type { Texts } from "./lang/index.js";
import {
  drawRegionMask,
  type FittedMask,
  fitMask,
  pictureProblem,
  unknownRegions,
  uploadProblem,
} from "./mask.js";
import { FIELD } from "./modals.js";
import type { PressedResult } from "./pressed.js";

/** The picture the mask is for, as the store or the proxy knows it. */
type Picture = Pick<PressedResult, "imageUrl" | "imageWidth" | "imageHeight">;

/** Midjourney's usual side, for a picture whose size cannot be read. */
const FALLBACK_SIZE = 1024;

const maskUpload = (interaction: ModalSubmitInteraction) =>
  interaction.fields.getUploadedFiles(FIELD.mask)?.first();

const regionsOf = (interaction: ModalSubmitInteraction) =>
  interaction.fields.getStringSelectValues(FIELD.region) ?? [];

/** What is wrong with the form's regions or upload, judged from the form alone. */
export function regionFormProblem(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
  t: Texts,
): string | null {
  const upload = maskUpload(interaction);
  const regions = regionsOf(interaction);
  if (unknownRegions(regions).length > 0) return t.forms.unknownRegion;
  if (!upload && regions.length === 0) return t.forms.chooseRegion;
  return upload ? uploadProblem(upload, ctx.config.maxImageMb * 1024 * 1024, t) : null;
}

/** The Vary (Region) mask: the member's upload if any, else the chosen regions, drawn at the image's size. */
export async function regionMask(
  interaction: ModalSubmitInteraction,
  ctx: BotContext,
  picture: Picture,
  t: Texts,
): Promise<FittedMask> {
  const size = await pictureSize(picture);
  const tooLarge = pictureProblem(size.width, size.height, t);
  if (tooLarge) return { ok: false, message: tooLarge };
  const upload = maskUpload(interaction);
  if (!upload) {
    return {
      ok: true,
      dataUri: await drawRegionMask(size.width, size.height, regionsOf(interaction)),
    };
  }
  const maxBytes = ctx.config.maxImageMb * 1024 * 1024;
  const download = await downloadMedia(upload.url, { maxBytes, timeoutMs: 20_000 });
  if (!download.ok) {
    return {
      ok: false,
      message:
        download.reason === "too-large"
          ? t.forms.maskTooLarge(ctx.config.maxImageMb)
          : t.forms.maskNotDownloaded,
    };
  }
  return fitMask(download.bytes, size.width, size.height, t);
}

const isSide = (n: number | null | undefined): n is number => Number.isInteger(n) && (n ?? 0) > 0;

/**
 * The picture's pixel size: as the proxy reported it (kept with the job), else read from the
 * first bytes of the image, else Midjourney's usual 1024.
 */
async function pictureSize(picture: Picture): Promise<{ width: number; height: number }> {
  if (isSide(picture.imageWidth) && isSide(picture.imageHeight))
    return { width: picture.imageWidth, height: picture.imageHeight };
  const read = picture.imageUrl
    ? await fetchImageSize(picture.imageUrl, { timeoutMs: 10_000 })
    : null;
  if (read && isSide(read.width) && isSide(read.height)) return read;
  return { width: FALLBACK_SIZE, height: FALLBACK_SIZE };
}
