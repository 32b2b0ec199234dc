// Members' image attachments -> data URIs for the proxy. Only attachments from Discord's
// own interaction payload are downloaded; the type comes from the bytes, not the name.
import type { Attachment } from "discord.js";
import { downloadMedia, type MediaType, mimeOf } from "../mj/media.js";

const IMAGE_TYPES: readonly MediaType[] = ["png", "jpeg", "webp", "gif"];

export type ImageInput =
  | { ok: true; dataUri: string; bytes: Buffer; type: MediaType }
  | { ok: false; message: string };

/** Checks what Discord says about the file before anything is downloaded. */
export function precheckImage(
  attachment: Attachment,
  optionName: string,
  maxMb: number,
): string | null {
  if (attachment.size > maxMb * 1024 * 1024) {
    return `\`${optionName}\` is ${(attachment.size / 1024 / 1024).toFixed(1)} MB; the limit is ${maxMb} MB.`;
  }
  if (attachment.contentType && !attachment.contentType.startsWith("image/")) {
    return `\`${optionName}\` is not an image (PNG, JPEG, WebP or GIF).`;
  }
  return null;
}

/** Downloads an attachment and checks it really is a supported image. */
export async function readImage(
  attachment: Attachment,
  optionName: string,
  maxMb: number,
): Promise<ImageInput> {
  const download = await downloadMedia(attachment.url, {
    maxBytes: maxMb * 1024 * 1024,
    timeoutMs: 20_000,
  });
  if (!download.ok) {
    return {
      ok: false,
      message:
        download.reason === "too-large"
          ? `\`${optionName}\` is larger than ${maxMb} MB.`
          : `\`${optionName}\` could not be downloaded from Discord. Try attaching it again.`,
    };
  }
  if (!download.type || !IMAGE_TYPES.includes(download.type)) {
    return { ok: false, message: `\`${optionName}\` is not a PNG, JPEG, WebP or GIF image.` };
  }
  return {
    ok: true,
    bytes: download.bytes,
    type: download.type,
    dataUri: `data:${mimeOf(download.type)};base64,${download.bytes.toString("base64")}`,
  };
}
