// Members' image attachments -> data URIs for the proxy. Only attachments from Discord's
// own interaction payload are downloaded; the type comes from the bytes, not the name, and
// the size from the header (a few bytes can claim a picture no one can decode).
import type { Attachment, ChatInputCommandInteraction } from "discord.js";
import { downloadMedia, imageSize, type MediaType, mimeOf } from "../mj/media.js";
import { en, type Texts } from "./lang/en.js";

const IMAGE_TYPES: readonly MediaType[] = ["png", "jpeg", "webp", "gif"];
/** The largest picture handed on: per side, and in all (a header is easy to make claim more). */
const MAX_SIDE = 16_384;
const MAX_MEGAPIXELS = 100;

export type ImageInput =
  | { ok: true; dataUri: string; bytes: Buffer; type: MediaType }
  | { ok: false; message: string };

/** Checks what Discord says about the file before anything is downloaded. */
function precheckImage(
  attachment: Attachment,
  optionName: string,
  maxMb: number,
  t: Texts = en,
): string | null {
  if (attachment.size > maxMb * 1024 * 1024) {
    return t.inputs.fileTooLarge(optionName, (attachment.size / 1024 / 1024).toFixed(1), maxMb);
  }
  if (attachment.contentType && !attachment.contentType.startsWith("image/")) {
    return t.inputs.notAnImage(optionName);
  }
  return null;
}

/** Downloads an attachment and checks it really is a supported image. */
async function readImage(
  attachment: Attachment,
  optionName: string,
  maxMb: number,
  t: Texts = en,
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
          ? t.inputs.largerThan(optionName, maxMb)
          : t.inputs.notDownloaded(optionName),
    };
  }
  if (!download.type || !IMAGE_TYPES.includes(download.type)) {
    return { ok: false, message: t.inputs.notSupported(optionName) };
  }
  const problem = dimensionProblem(download.bytes, optionName, t);
  if (problem) return { ok: false, message: problem };
  return {
    ok: true,
    bytes: download.bytes,
    type: download.type,
    dataUri: `data:${mimeOf(download.type)};base64,${download.bytes.toString("base64")}`,
  };
}

/** A picture's size as its header gives it, refused when missing, zero or too large. */
export function dimensionProblem(bytes: Buffer, optionName: string, t: Texts = en): string | null {
  const size = imageSize(bytes);
  if (!size || size.width < 1 || size.height < 1) return t.inputs.noSize(optionName);
  const { width, height } = size;
  if (width > MAX_SIDE || height > MAX_SIDE || width * height > MAX_MEGAPIXELS * 1_000_000) {
    return t.inputs.tooManyPixels(optionName, width, height, MAX_SIDE, MAX_MEGAPIXELS);
  }
  return null;
}

/** The attachment options of a command that were given, by option name. */
function givenAttachments(interaction: ChatInputCommandInteraction, names: readonly string[]) {
  return names.flatMap((name) => {
    const attachment = interaction.options.getAttachment(name);
    return attachment ? [{ name, attachment }] : [];
  });
}

/**
 * Reads a command's image attachments into data URIs. Problems Discord's payload already
 * shows are answered privately before anything else; the download happens after a public
 * acknowledgement (`defer`), which is withdrawn if an image turns out bad. Null: refused,
 * and the member was told why; nothing reached the proxy.
 */
export async function readCommandImages(
  interaction: ChatInputCommandInteraction,
  names: readonly string[],
  maxMb: number,
  defer: () => Promise<unknown>,
  refuse: (message: string) => Promise<void>,
  t: Texts = en,
): Promise<string[] | null> {
  const given = givenAttachments(interaction, names);
  for (const { name, attachment } of given) {
    const problem = precheckImage(attachment, name, maxMb, t);
    if (problem) {
      await interaction.reply({
        content: t.nothingSubmitted(problem),
        flags: "Ephemeral",
        allowedMentions: { parse: [] },
      });
      return null;
    }
  }
  if (given.length > 0) await defer();
  const uris: string[] = [];
  for (const { name, attachment } of given) {
    const image = await readImage(attachment, name, maxMb, t);
    if (!image.ok) {
      await refuse(t.nothingSubmitted(image.message));
      return null;
    }
    uris.push(image.dataUri);
  }
  return uris;
}
