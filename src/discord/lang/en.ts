// Every word a member reads, in English. zh-CN.ts has the same keys (its type is this
// table's, so a key missing there fails the typecheck). Texts with numbers or names are
// functions; numbers, mentions, timestamps and markdown come in already formatted where
// the caller formats them.
import type { ProxyFeature } from "../../config.js";
import type { EntryState } from "../../policy/ledger.js";

const NOTHING = "Nothing was submitted or charged.";

const FEATURES: Record<ProxyFeature, string> = {
  blend: "blend pictures (/blend)",
  describe: "describe pictures (/describe)",
  shorten: "shorten prompts (/shorten)",
  video: "make videos (/video)",
  edits: "edit pictures (/edit)",
  swapface: "swap faces (/swapface)",
  seed: "show seeds (🌱)",
  cancel: "cancel jobs",
};

const STATES: Record<EntryState, string> = {
  running: "⏳ running",
  succeeded: "✅ done",
  failed: "❌ failed",
  refused: "⛔ refused by the proxy",
  cancelled: "🚫 cancelled",
};

const NO_LIMIT = "no limit";
const creditWord = (one: boolean) => (one ? "credit" : "credits");
const jobWord = (n: number) => `${n} ${n === 1 ? "job" : "jobs"}`;

export const en = {
  /** Appended to a refusal of bad input: nothing reached the proxy. */
  nothingSubmitted: (problem: string) => `${problem} Nothing was submitted.`,

  /** A job's message, in every phase. */
  job: {
    waiting: "⏳ Waiting to start…",
    queued: "🕒 Queued",
    queuedAhead: (ahead: number) => `🕒 Queued: ${ahead} ahead`,
    starting: "🎨 Starting…",
    needsForm: "✏️ Midjourney is waiting for you to confirm the prompt.",
    cancelledBy: (userId: string) => `🚫 Cancelled by <@${userId}>.`,
    failed: "The job failed.",
    pressedBy: (origin: string, who: string) => `${origin} by ${who}`,
    defaultMode: "default",
    /** A speed mode as the headline names it. */
    mode: (mode: string) => mode,
    noPrompt: "(no prompt)",
    cancel: "Cancel",
    retry: "Retry",
    confirmPrompt: "Confirm prompt",
    seed: "Seed",
    blendPrompt: (count: number, shape: string | null) =>
      `Blend of ${count} images${shape ? `, ${shape}` : ""}`,
    describePrompt: (name: string) => `Describe ${name}`,
    swapfacePrompt: "Face swap",
    // Components V2 galleries (results with several pictures or videos): each item's alt text.
    galleryPicture: (n: number, total: number) => `Picture ${n} of ${total}`,
    galleryVideo: (n: number, total: number) => `Video ${n} of ${total}`,
  },

  /** Why a job ended without a result (beyond what the proxy said). */
  failure: {
    storeDown:
      "The bot cannot save jobs right now, so nothing was sent to Midjourney and nothing was charged. Please try again later, and tell the server's admins if it keeps happening.",
    mayBeRunning:
      "The Midjourney proxy's answer got lost, so this job may still be running. If it is, it will show up here within a few minutes: there is no need to start it again.",
    formSkipped: "Your edited prompt was not used: the proxy's Midjourney account has Remix off.",
    couldNotMake: "Midjourney could not make this job.",
    unknownToProxy:
      "The proxy no longer knows this job, so it cannot be finished. Please start it again.",
    neverFound:
      "The proxy never confirmed this job, and it did not turn up among the proxy's jobs, so it most likely never started. Start it again if you still want it.",
    cannotSearch:
      "The proxy never confirmed this job, and this proxy's jobs cannot be looked up. It may have been made all the same, but the bot cannot show it.",
    timedOut: (minutes: number) =>
      `No result after ${minutes} ${minutes === 1 ? "minute" : "minutes"}. Midjourney may still finish it: if it does, it will show up here.`,
    imagesGone:
      "The pictures of this job are no longer kept, so it cannot be retried. Run the command again with them.",
  },

  /** What the proxy's refusals and failures mean (see lang/proxy.ts for which applies). */
  proxy: {
    mayStillRun: "The job may still run; if nothing shows up in a few minutes, try again.",
    problemCode: (code: number | undefined) => `The Midjourney proxy had a problem (code ${code}).`,
    problemHttp: (status: number | undefined) =>
      `The Midjourney proxy had a problem (HTTP ${status}).`,
    bannedWord: (word: string) =>
      `Midjourney's word filter flagged "${word}" in this prompt. Rephrase it and try again.`,
    bannedPrompt: "Midjourney's word filter flagged this prompt. Rephrase it and try again.",
    queueFull: "The Midjourney queue is full right now. Try again in a minute.",
    busy: "The Midjourney proxy is busy. Try again in a minute.",
    refusedCode: (code: number | undefined) => `The proxy refused the request (code ${code}).`,
    keyRefused:
      "The bot's Midjourney proxy key was refused. Ask the server admin to check MJ_API_KEY.",
    noRoute: "This server's Midjourney proxy does not offer this.",
    httpTryAgain: (status: number | undefined) =>
      `The Midjourney proxy had a problem (HTTP ${status}). Try again in a moment.`,
    noAnswer: "The Midjourney proxy did not answer in time.",
    unreachable: "The Midjourney proxy could not be reached. Try again in a moment.",
    unexpected: "The Midjourney proxy gave an answer the bot does not understand. Try again later.",
    /** A text of the proxy's that has no translation: shown as it is, in a code span. */
    untranslated: (text: string) => `The Midjourney proxy said: \`${text}\``,
  },

  /** A finished job Discord would not let the bot show. */
  notShown: {
    result: (prompt: string, where: string, why: string) =>
      `Your result for **${prompt}** is ready, but I cannot post it in ${where}: ${why}`,
    failed: (prompt: string, failure: string, where: string, why: string) =>
      `Your job **${prompt}** did not finish: ${failure}\nI cannot post this in ${where}: ${why}`,
    lacks: (names: readonly string[]) =>
      `I lack the ${names.join(" and ")} ${names.length > 1 ? "permissions" : "permission"} there. A server admin can grant ${names.length > 1 ? "them" : "it"} in the channel's settings.`,
    channelGone: "that channel no longer exists.",
    refused: (code: number) => `Discord refused the message (error ${code}).`,
  },

  cancel: {
    ended: "This job has already ended, so there is nothing to cancel.",
    notYours: (ownerId: string) => `Only <@${ownerId}> or a server admin can cancel this job.`,
    notConfirmed:
      "This job cannot be cancelled yet: the proxy has not confirmed it. Try again in a moment.",
    busy: "This job is being cancelled already.",
    cannot: "This server's Midjourney proxy cannot cancel jobs, so this one goes on.",
    failed: (why: string) => `The job could not be cancelled, so it goes on. ${why}`,
  },

  capabilities: {
    /** A command refused because the proxy cannot do it: nothing is sent or charged. */
    cannot: (feature: ProxyFeature) =>
      `This server's Midjourney proxy cannot ${FEATURES[feature]}, so nothing was submitted or charged.`,
    /** For /info: what the proxy cannot do. */
    cannotList: (features: readonly ProxyFeature[]) =>
      `The proxy cannot: ${features.map((f) => FEATURES[f]).join(", ")}.`,
  },

  /** The spending policy's refusals. */
  spending: {
    credits: (shown: string, one: boolean) => `${shown} ${creditWord(one)}`,
    blocked: `One of your roles may not start jobs in this server. ${NOTHING} Ask the server's admins if you think this is a mistake.`,
    channel: (channels: string) =>
      `Jobs cannot be started in this channel. Use ${channels}. ${NOTHING}`,
    noCommands: `You may not start jobs in this server. ${NOTHING}`,
    command: (command: string, allowed: string) =>
      `You may not use /${command}. You may use ${allowed}. ${NOTHING}`,
    noModes: `No speed mode is open to you, so you cannot start jobs. ${NOTHING}`,
    mode: (mode: string, allowed: string) =>
      `The \`${mode}\` mode is not open to you. You may use ${allowed}. ${NOTHING}`,
    cooldown: (seconds: number, next: string) =>
      `One job every ${seconds} ${seconds === 1 ? "second" : "seconds"}: you can start the next one ${next}. ${NOTHING}`,
    tooMany: (needed: number, limit: number) =>
      `This starts ${needed} jobs at once, more than the ${limit} you may have running. Pick one of them instead. ${NOTHING}`,
    running: (used: number, limit: number, needed: number, left: number) => {
      const running = `You have ${used} ${used === 1 ? "job" : "jobs"} running, and ${limit} at once is your limit`;
      const more = needed > 1 ? `; this starts ${needed}, and ${left} more can start now` : "";
      return `${running}${more}. Start it again when one of them ends. ${NOTHING}`;
    },
    member: (
      period: "daily" | "monthly",
      needed: string,
      left: string,
      limit: string,
      renews: string,
    ) =>
      `This needs ${needed}, and you have ${left} left of your ${limit} ${period}. They renew ${renews}. ${NOTHING}`,
    server: (
      period: "today" | "month",
      needed: string,
      left: string,
      limit: string,
      renews: string,
    ) =>
      `The server has ${left} left of its ${limit} for ${period === "today" ? "today" : "this month"}, and this needs ${needed}. The budget renews ${renews}. ${NOTHING}`,
    bannedWord: (word: string) =>
      `Your prompt contains "${word}", which this server does not allow. ${NOTHING}`,
  },

  /** /info, /history, /usage. */
  views: {
    credits: (n: string, one: boolean) => `${n} ${creditWord(one)}`,
    jobs: jobWord,
    infoTitle: (who: string | null) =>
      who === null ? "**Your mjcord credits**" : `**mjcord credits of ${who}**`,
    periodUsed: (period: "day" | "month", used: string) =>
      `${period === "day" ? "Today" : "This month"}: **${used}** used, ${NO_LIMIT}`,
    periodLeft: (
      period: "day" | "month",
      used: string,
      left: string,
      limit: string,
      resets: string,
    ) =>
      `${period === "day" ? "Today" : "This month"}: **${used}** used, **${left}** left of ${limit} (resets ${resets})`,
    serverLine: (period: "day" | "month", used: string, limit: string, left: string) =>
      `The whole server ${period === "day" ? "today" : "this month"}: ${used} used, ${left} left of ${limit}`,
    inFlight: (count: number, limit: number | undefined) =>
      limit === undefined
        ? `Jobs in flight: **${count}** (${NO_LIMIT} at once)`
        : `Jobs in flight: **${count}** of ${limit} at once`,
    noCooldown: "Cooldown: none",
    cooldown: (seconds: number, endsAt: string | null) => {
      const between = `Cooldown: ${seconds} s between two starts`;
      return endsAt === null ? `${between}, ready now` : `${between}, next start ${endsAt}`;
    },
    modes: (modes: readonly string[]) =>
      modes.length === 0 ? "Speed modes: none" : `Speed modes: ${modes.join(", ")}`,
    commands: (commands: readonly string[]) =>
      commands.length === 0
        ? "Commands that spend: none"
        : `Commands that spend: ${commands.map((c) => `/${c}`).join(", ")}`,
    blocked: "⛔ A role of this member may not start jobs at all.",
    onlyAdminsOthers:
      "Only the server's admins (Manage Server, or a role the bot's policy names) can look at another member's credits. Use /info without `member` to see your own.",
    historyTitle: (count: number) => (count === 1 ? "Your last job" : `Your last ${count} jobs`),
    noHistory: "You have no jobs in this server yet.",
    state: (state: EntryState) => STATES[state],
    refunded: (charged: string) => `refunded ${charged}`,
    messageLink: "message",
    noMessage: "no message",
    onlyAdminsUsage:
      "Only the server's admins (Manage Server, or a role the bot's policy names) can see the server's usage.",
    onlyInServer: "This works only in a server.",
    usageTitle: (period: "today" | "month", since: string) =>
      period === "today"
        ? `**Usage today** (since ${since})`
        : `**Usage this month** (since ${since})`,
    total: (credits: string, jobCount: number) => `Total: **${credits}**, ${jobWord(jobCount)}`,
    byMember: "**By member**",
    byKind: "**By job kind**",
    noUsage: (period: "today" | "month"): string =>
      period === "today" ? "No jobs today." : "No jobs this month.",
    moreMembers: (count: number) =>
      `…and ${count} more ${count === 1 ? "member" : "members"} (every entry is in the CSV)`,
    csvAttached: "Every entry is in the attached CSV file.",
    csvTooLarge: (limitMb: string) =>
      `The CSV file would be larger than this channel's upload limit (${limitMb} MB), so it is not attached.`,
  },

  /** Presses of buttons and their answers. */
  presses: {
    notMine: "This button is not one of mine.",
    resultUnknown: "This result is no longer known to the proxy, so its buttons cannot be used.",
    proxyUnreachable:
      "The Midjourney proxy is not answering, so this result's buttons cannot be used right now. Try again in a minute.",
    ownerUnknown:
      "The owner of this result is no longer known, so its buttons cannot be used. Start your own with /imagine.",
    onlyOwner: (ownerId: string) =>
      `Only <@${ownerId}> can use the buttons on this result. Start your own with /imagine.`,
    alreadyPressed: "Already on it: that button was just pressed.",
    seed: (seed: string) =>
      `🌱 Seed: \`${seed}\`. Add \`--seed ${seed}\` to a prompt to start from it.`,
    seedNotFound: "The seed could not be found.",
    offerExpired: "This offer has expired. Run the command again.",
    onlyConfirm: (userId: string) => `Only <@${userId}> can confirm this.`,
    alreadyConfirmed: "Already confirmed: the job is on its way.",
    cannotRetry: "This job cannot be retried any more. Start a new one.",
    onlyRetry: (userId: string) => `Only <@${userId}> can retry this job.`,
    alreadyRetried: "This job was already retried.",
    formNotWaiting: "This form is no longer waiting.",
    onlyConfirmPrompt: (userId: string) => `Only <@${userId}> can confirm this prompt.`,
    pickTitle: (index: number | undefined) => `Imagine prompt ${index ?? ""}`.trim(),
    confirmTitle: "Confirm the prompt",
  },

  /** Forms (modals) and their answers. */
  forms: {
    notMine: "This form is not one of mine.",
    alreadySent: "Already on it: that form was just sent.",
    alreadyConfirmed: "This prompt was already confirmed.",
    maySent:
      "The prompt may have been sent but could not be recorded. If it runs, it will show up here.",
    prompt: "Prompt",
    zoomHint: "Keep --zoom with a value above 1 and up to 2 (e.g. --zoom 1.5).",
    regionHint: "What should appear in the chosen region?",
    regionLabel: "Region to repaint",
    regionPick: "Pick one or more, or upload a mask below.",
    maskLabel: "Mask (optional)",
    maskHint: (side: number) =>
      `A PNG up to ${side}×${side} px: white = repaint, black = keep. Overrides the regions.`,
    pickHint: "Edit it before it is imagined.",
    remixHint: "Change the prompt if you like.",
    regions: {
      left: "Left half",
      right: "Right half",
      top: "Top half",
      bottom: "Bottom half",
      centre: "Centre",
      "top-left": "Top-left quarter",
      "top-right": "Top-right quarter",
      "bottom-left": "Bottom-left quarter",
      "bottom-right": "Bottom-right quarter",
      background: "Outer border (keep the centre)",
    } as Record<string, string>,
    unknownRegion: "The form sent a region that is not one of its choices.",
    chooseRegion: "Choose a region to repaint, or upload a mask.",
    maskTooLarge: (mb: number) => `The mask is larger than ${mb} MB.`,
    maskNotDownloaded: "The mask could not be downloaded from Discord. Try uploading it again.",
    maskSides: (width: number, height: number, max: number) =>
      `The mask is ${width}×${height} pixels; the largest it can be is ${max}×${max}.`,
    maskMegabytes: (size: string, limit: string) =>
      `The mask is ${size} MB; the limit is ${limit} MB.`,
    pictureTooLarge: (width: number, height: number, max: number) =>
      `This picture is ${width}×${height} pixels; Vary (Region) can draw masks for pictures up to ${max}×${max}.`,
    maskNotPng: "The mask must be a PNG image.",
    maskUnreadable: "The mask could not be read as a PNG image.",
    zoomOnce: "Use `--zoom` only once.",
    zoomMissing:
      "Custom Zoom needs `--zoom` followed by a value above 1 and up to 2, e.g. `--zoom 1.5`.",
    zoomValue: (typed: string) =>
      `The zoom must be a plain number above 1 and at most 2, e.g. \`--zoom 1.5\` (you wrote \`--zoom ${typed}\`).`,
  },

  /** Prompts, pictures and links as members give them. */
  inputs: {
    promptEmpty: "The prompt cannot be empty.",
    promptInvisible:
      "The prompt has no visible text (only invisible or control characters). Write what you want to see.",
    tooLong: (option: string, length: number, limit: number) =>
      `\`${option}\` is ${length} characters long; the limit is ${limit}. Shorten it and try again.`,
    fileTooLarge: (option: string, size: string, maxMb: number) =>
      `\`${option}\` is ${size} MB; the limit is ${maxMb} MB.`,
    notAnImage: (option: string) => `\`${option}\` is not an image (PNG, JPEG, WebP or GIF).`,
    largerThan: (option: string, maxMb: number) => `\`${option}\` is larger than ${maxMb} MB.`,
    notDownloaded: (option: string) =>
      `\`${option}\` could not be downloaded from Discord. Try attaching it again.`,
    notSupported: (option: string) => `\`${option}\` is not a PNG, JPEG, WebP or GIF image.`,
    noSize: (option: string) =>
      `\`${option}\` could not be read: its size is missing or zero. Save it again and retry.`,
    tooManyPixels: (
      option: string,
      width: number,
      height: number,
      side: number,
      megapixels: number,
    ) =>
      `\`${option}\` is ${width}×${height} px; the limit is ${side} px a side and ${megapixels} megapixels. Make it smaller and try again.`,
    privateAddress: (option: string, leads: boolean, address: string, kind: string) => {
      const what = kind === "private" || kind === "loopback" ? "a private or local" : `a ${kind}`;
      return `\`${option}\` ${leads ? "leads to" : "points to"} ${what} address (${address}), which is not handed to the proxy. Use a public link, or attach the picture.`;
    },
    notHttp: (option: string) => `\`${option}\` must be an http(s) link to an image.`,
    credentials: (option: string) =>
      `\`${option}\` must not contain a user name or password. Use a link anyone can open, or attach the picture.`,
    lookupSlow: (option: string, host: string) =>
      `\`${option}\`'s host ${host} could not be looked up in time. Try again in a moment, or attach the picture.`,
    lookupFailed: (option: string, host: string) =>
      `\`${option}\`'s host ${host} could not be found. Check the link, or attach the picture.`,
    notAnOption: (option: string, command: string) =>
      `\`${option}\` is not an option of /${command}.`,
    notAChoice: (option: string, choices: readonly string[]) =>
      `\`${option}\` must be one of: ${choices.join(", ")}.`,
    oneImage:
      "Give exactly one of `image` (an attachment) or `image_url` (a link). Nothing was submitted.",
    blendTwo: "Blend needs at least two images. Nothing was submitted.",
    sameFace: "The face and the target are the same picture. Nothing was submitted.",
  },

  /** /settings. */
  settings: {
    title: "**Your mjcord settings**",
    speed: (mode: string, own: boolean) =>
      `Speed: **${mode}**${own ? "" : " (the server's default)"}. A command's own \`mode\` option still wins.`,
    remix: (on: boolean) =>
      `Remix: **${on ? "on" : "off"}**. With remix on, Vary, Reroll, Pan and Animate let you edit the prompt first.`,
    fast: "Fast",
    relax: "Relax",
    turbo: "Turbo",
    remixOn: "Remix on",
    remixOff: "Remix off",
    notYourPanel: "Settings change only on your own /settings panel. Run /settings to choose.",
  },

  /** /video's offer. */
  video: {
    offer: (quality: string, motion: string, price: string, credits: string) =>
      `🎬 A ${quality} video (${motion} motion) costs **${price}** an image: ${credits}. Make it?`,
    motion: { low: "low", high: "high" } as Record<string, string>,
    make: (price: string) => `Make the video (${price})`,
  },

  /** What Discord shows in the command picker: command and option descriptions, choice names. */
  commands: {
    imagine: "Create four images from a prompt",
    imaginePrompt: "What to imagine, with any --parameters",
    imagineImage: "A reference image",
    imagineImage2: "A second reference image",
    imagineImage3: "A third reference image",
    blend: "Blend two to five images",
    blendImage1: "First image",
    blendImage2: "Second image",
    blendImage3: "Third image",
    blendImage4: "Fourth image",
    blendImage5: "Fifth image",
    blendDimensions: "Shape of the result",
    portrait: "portrait (2:3)",
    square: "square (1:1)",
    landscape: "landscape (3:2)",
    describe: "Get four prompts that describe an image",
    describeImage: "The image to describe",
    shorten: "Find a prompt's important words and shorter versions",
    shortenPrompt: "The prompt to shorten",
    video: "Animate a picture into short videos",
    videoPrompt: "What should happen",
    videoImage: "The start frame",
    videoImageUrl: "Or a link to the start frame",
    videoMotion: "How much movement",
    motionLow: "low",
    motionHigh: "high",
    videoQuality: "480p costs 7.5× an image, 720p 26×",
    quality480: "480p (7.5× an image)",
    quality720: "720p (26× an image)",
    swapface: "Put the face from one picture into another",
    swapfaceFace: "The picture with the face",
    swapfaceTarget: "The picture the face goes into",
    edit: "Edit a picture with a prompt",
    editPrompt: "What to change",
    editImage: "The picture to edit",
    editImageUrl: "Or a link to the picture",
    settings: "Your defaults: speed mode and remix",
    info: "Your credits: used and left today and this month, jobs in flight, what you may use",
    infoMember: "Admins: look at another member",
    history: "Your last jobs: what, state, credits, when, and a link to each",
    usage: "Admins: credits by member and by job kind, with the entries as a CSV file",
    usagePeriod: "Which period",
    today: "today",
    month: "this month",
    mode: "Speed mode for this job",
    fast: "fast",
    relax: "relax",
    turbo: "turbo",
    bot: "Midjourney (default) or Niji, its anime model",
    midjourney: "midjourney",
    niji: "niji",
  },

  /** Answers of the interaction router. */
  bot: {
    restarting: "mjcord is restarting. Please try again in a minute.",
    wentWrong: "Something went wrong. Please try again.",
    serversOnly: "mjcord works in servers only.",
    unknownCommand: "This command is not available any more.",
  },
};

/** The shape every language's table has. */
export type Texts = typeof en;
