// Pure: a result with several pictures or videos as a Components V2 message. With the flag
// IS_COMPONENTS_V2 the words are a Text Display (`content` and `embeds` are not allowed), the
// media a Media Gallery whose items name the uploaded files as `attachment://<name>` (a
// V2 message shows its attachments only through components), and the buttons the same
// action rows as a plain message's. Discord's limits: 40 components in all, 1–10 items in a
// gallery; the text, the gallery and at most 5 rows of 5 buttons make at most 32.
import {
  type APIMediaGalleryComponent,
  type APIMediaGalleryItem,
  type APITextDisplayComponent,
  ComponentType,
  MessageFlags,
} from "discord.js";
import type { Row } from "./components.js";
import type { Texts } from "./lang/index.js";
import type { MessageView, ResultMedia } from "./render.js";

/** What a view's `components` may hold: action rows, and in a V2 view its text and gallery. */
export type ViewComponent = Row | APITextDisplayComponent | APIMediaGalleryComponent;

export const IS_COMPONENTS_V2 = MessageFlags.IsComponentsV2;

/** Items a Media Gallery holds at most. */
const GALLERY_ITEMS = 10;
/** The longest URL an unfurled media item takes (the OpenAPI document's maxLength). */
const MEDIA_URL_LIMIT = 2048;

/**
 * Whether a result is shown as a gallery: it has two pictures or videos or more, uploaded or
 * linked. Counting the links too keeps the choice a function of the result alone, not of
 * which downloads worked: the flag cannot be removed from a message once set, so a result
 * shown again (after a restart, with a download that failed this time) must not turn plain.
 */
export function showsAsGallery(media: ResultMedia | undefined): media is ResultMedia {
  return media !== undefined && media.files.length + media.links.length >= 2;
}

const isVideo = (name: string) => /\.(mp4|webm|mov)$/i.test(name.split("?")[0] ?? name);

/** A link the gallery can show: an absolute http(s) URL within Discord's length. */
function showable(link: string): boolean {
  if (link.length > MEDIA_URL_LIMIT || !URL.canParse(link)) return false;
  const { protocol } = new URL(link);
  return protocol === "https:" || protocol === "http:";
}

/**
 * The gallery's items: the uploaded files (as `attachment://` references), then the links of
 * what was too large to upload (Discord shows those from their URL, as a plain message's
 * link preview does), at most 10. Each has alt text saying which it is.
 */
export function galleryItems(media: ResultMedia, t: Texts): APIMediaGalleryItem[] {
  const urls = [
    ...media.files.map((f) => ({ url: `attachment://${f.name}`, video: isVideo(f.name) })),
    ...media.links.filter(showable).map((l) => ({ url: l, video: isVideo(new URL(l).pathname) })),
  ].slice(0, GALLERY_ITEMS);
  return urls.map(({ url, video }, n) => ({
    media: { url },
    description: video
      ? t.job.galleryVideo(n + 1, urls.length)
      : t.job.galleryPicture(n + 1, urls.length),
  }));
}

/** A V2 message's components: the words, the gallery (when it has items), the buttons. */
export function galleryComponents(
  text: string,
  media: ResultMedia,
  rows: readonly Row[],
  t: Texts,
): ViewComponent[] {
  const items = galleryItems(media, t);
  return [
    { type: ComponentType.TextDisplay, content: text },
    ...(items.length > 0 ? [{ type: ComponentType.MediaGallery as const, items }] : []),
    ...rows,
  ];
}

/** The words a view shows: its content, or a V2 view's Text Displays. */
export function viewText(view: Pick<MessageView, "content" | "components">): string {
  if (view.content !== "") return view.content;
  return view.components
    .flatMap((c) => (c.type === ComponentType.TextDisplay ? [c.content] : []))
    .join("\n");
}

/** The action rows of a view, whatever its kind. */
export function viewRows(view: Pick<MessageView, "components">): Row[] {
  return view.components.filter((c): c is Row => c.type === ComponentType.ActionRow);
}
