// 成员看到的每一句话，简体中文。键与 en.ts 一一对应（类型取自英文表，缺一个键就无法通过类型检查）。
// Terms as the Chinese Midjourney community uses them: 生成, 放大, 变化, 局部重绘, 快速/慢速/极速, 积分.
import type { ProxyFeature } from "../../config.js";
import type { EntryState } from "../../policy/ledger.js";
import type { Texts } from "./en.js";

const NOTHING = "未提交任何任务，也未扣除积分。";

const FEATURES: Record<ProxyFeature, string> = {
  blend: "混合图片（/blend）",
  describe: "以图生文（/describe）",
  shorten: "精简提示词（/shorten）",
  video: "生成视频（/video）",
  edits: "编辑图片（/edit）",
  swapface: "换脸（/swapface）",
  seed: "查看种子（🌱）",
  cancel: "取消任务",
};

const STATES: Record<EntryState, string> = {
  running: "⏳ 进行中",
  succeeded: "✅ 已完成",
  failed: "❌ 失败",
  refused: "⛔ 被代理拒绝",
  cancelled: "🚫 已取消",
};

const NO_LIMIT = "不限";
const MODES: Record<string, string> = { fast: "快速", relax: "慢速", turbo: "极速" };
const modeName = (mode: string) => MODES[mode] ?? mode;

export const zhCN: Texts = {
  nothingSubmitted: (problem) => `${problem}未提交任何任务。`,

  job: {
    waiting: "⏳ 等待开始…",
    queued: "🕒 排队中",
    queuedAhead: (ahead) => `🕒 排队中：前面还有 ${ahead} 个`,
    starting: "🎨 正在开始…",
    needsForm: "✏️ Midjourney 正在等你确认提示词。",
    cancelledBy: (userId) => `🚫 已被 <@${userId}> 取消。`,
    failed: "任务失败。",
    pressedBy: (origin, who) => `${who} 点击了 ${origin}`,
    defaultMode: "默认",
    mode: modeName,
    noPrompt: "（无提示词）",
    cancel: "取消",
    retry: "重试",
    confirmPrompt: "确认提示词",
    seed: "种子",
    blendPrompt: (count, shape) =>
      `混合 ${count} 张图片${shape ? `，${({ portrait: "竖版", square: "方形", landscape: "横版" } as Record<string, string>)[shape] ?? shape}` : ""}`,
    describePrompt: (name) => `以图生文：${name}`,
    swapfacePrompt: "换脸",
    // Components V2 画廊（多张图片或多个视频的结果）：每一项的替代文字。
    galleryPicture: (n, total) => `第 ${n} 张图片，共 ${total} 项`,
    galleryVideo: (n, total) => `第 ${n} 个视频，共 ${total} 项`,
  },

  failure: {
    storeDown:
      "机器人暂时无法保存任务，因此没有向 Midjourney 提交任何内容，也没有扣除积分。请稍后再试；如果一直这样，请告诉服务器管理员。",
    mayBeRunning:
      "没有收到 Midjourney 代理的答复，这个任务可能仍在运行。如果是这样，几分钟内结果会出现在这里，无需重新提交。",
    formSkipped: "你修改的提示词没有生效：代理的 Midjourney 账号未开启 Remix。",
    couldNotMake: "Midjourney 无法完成这个任务。",
    unknownToProxy: "代理已找不到这个任务，无法继续。请重新提交。",
    neverFound:
      "代理始终没有确认这个任务，在代理的任务列表里也没有找到，它很可能没有开始。如果仍然需要，请重新提交。",
    cannotSearch:
      "代理始终没有确认这个任务，而且这个代理不支持查询任务。它可能已经生成了，但机器人无法显示。",
    timedOut: (minutes) =>
      `${minutes} 分钟后仍没有结果。Midjourney 可能还会完成它：如果完成了，结果会出现在这里。`,
    imagesGone: "这个任务的图片已不再保留，无法重试。请带上图片重新运行命令。",
  },

  proxy: {
    mayStillRun: "任务可能仍在运行；如果几分钟内没有结果，请再试一次。",
    problemCode: (code) => `Midjourney 代理出现问题（代码 ${code}）。`,
    problemHttp: (status) => `Midjourney 代理出现问题（HTTP ${status}）。`,
    bannedWord: (word) => `Midjourney 的敏感词过滤拦截了提示词中的“${word}”。请修改后重试。`,
    bannedPrompt: "Midjourney 的敏感词过滤拦截了这条提示词。请修改后重试。",
    queueFull: "Midjourney 队列已满，请过一分钟再试。",
    busy: "Midjourney 代理正忙，请过一分钟再试。",
    refusedCode: (code) => `代理拒绝了请求（代码 ${code}）。`,
    keyRefused: "机器人的 Midjourney 代理密钥被拒绝。请让服务器管理员检查 MJ_API_KEY。",
    noRoute: "此服务器的 Midjourney 代理不提供这项功能。",
    httpTryAgain: (status) => `Midjourney 代理出现问题（HTTP ${status}）。请稍后再试。`,
    noAnswer: "Midjourney 代理没有及时答复。",
    unreachable: "无法连接 Midjourney 代理，请稍后再试。",
    unexpected: "Midjourney 代理返回了机器人无法理解的答复，请稍后再试。",
    untranslated: (text) => `Midjourney 代理返回：\`${text}\``,
  },

  notShown: {
    result: (prompt, where, why) => `你的 **${prompt}** 已生成，但我无法在 ${where} 发布：${why}`,
    failed: (prompt, failure, where, why) =>
      `你的任务 **${prompt}** 没有完成：${failure}\n我无法在 ${where} 发布这条消息：${why}`,
    lacks: (names) =>
      `我在那里缺少 ${names.join("、")} 权限。服务器管理员可以在该频道的设置中授予。`,
    channelGone: "该频道已不存在。",
    refused: (code) => `Discord 拒绝了这条消息（错误 ${code}）。`,
  },

  cancel: {
    ended: "这个任务已经结束，无需取消。",
    notYours: (ownerId) => `只有 <@${ownerId}> 或服务器管理员可以取消这个任务。`,
    notConfirmed: "这个任务暂时无法取消：代理还没有确认它。请稍后再试。",
    busy: "这个任务正在取消中。",
    cannot: "此服务器的 Midjourney 代理不支持取消任务，这个任务会继续进行。",
    failed: (why) => `无法取消这个任务，它会继续进行。${why}`,
  },

  capabilities: {
    cannot: (feature) => `此服务器的 Midjourney 代理无法${FEATURES[feature]}，${NOTHING}`,
    cannotList: (features) => `代理不支持：${features.map((f) => FEATURES[f]).join("、")}。`,
  },

  spending: {
    credits: (shown) => `${shown} 积分`,
    blocked: `你的某个身份组不能在此服务器提交任务。${NOTHING}如果你认为这是误会，请联系服务器管理员。`,
    channel: (channels) => `不能在此频道提交任务，请到 ${channels}。${NOTHING}`,
    noCommands: `你不能在此服务器提交任务。${NOTHING}`,
    command: (command, allowed) => `你不能使用 /${command}。你可以使用 ${allowed}。${NOTHING}`,
    noModes: `你没有可用的速度模式，因此无法提交任务。${NOTHING}`,
    mode: (mode, allowed) =>
      `你不能使用 \`${mode}\`（${modeName(mode)}）模式。你可以使用 ${allowed}。${NOTHING}`,
    cooldown: (seconds, next) =>
      `每 ${seconds} 秒只能提交一个任务：你可以在 ${next}提交下一个。${NOTHING}`,
    tooMany: (needed, limit) =>
      `这会同时开始 ${needed} 个任务，超过了你最多可同时运行的 ${limit} 个。请只选其中一个。${NOTHING}`,
    running: (used, limit, needed, left) => {
      const more = needed > 1 ? `；这会开始 ${needed} 个，现在还能再开始 ${left} 个` : "";
      return `你有 ${used} 个任务正在运行，同时最多 ${limit} 个${more}。请等其中一个结束后再提交。${NOTHING}`;
    },
    member: (period, needed, left, limit, renews) =>
      `这需要 ${needed}，你的${period === "daily" ? "每日" : "每月"}额度 ${limit} 还剩 ${left}。额度将在 ${renews}恢复。${NOTHING}`,
    server: (period, needed, left, limit, renews) =>
      `服务器${period === "today" ? "今天" : "本月"}的额度 ${limit} 还剩 ${left}，而这需要 ${needed}。额度将在 ${renews}恢复。${NOTHING}`,
    bannedWord: (word) => `你的提示词包含此服务器不允许的“${word}”。${NOTHING}`,
  },

  views: {
    credits: (n) => `${n} 积分`,
    jobs: (n) => `${n} 个任务`,
    infoTitle: (who) => (who === null ? "**你的 mjcord 积分**" : `**${who} 的 mjcord 积分**`),
    periodUsed: (period, used) =>
      `${period === "day" ? "今天" : "本月"}：已用 **${used}**，${NO_LIMIT}`,
    periodLeft: (period, used, left, limit, resets) =>
      `${period === "day" ? "今天" : "本月"}：已用 **${used}**，额度 ${limit} 还剩 **${left}**（${resets}重置）`,
    serverLine: (period, used, limit, left) =>
      `整个服务器${period === "day" ? "今天" : "本月"}：已用 ${used}，额度 ${limit} 还剩 ${left}`,
    inFlight: (count, limit) =>
      limit === undefined
        ? `进行中的任务：**${count}**（同时运行${NO_LIMIT}）`
        : `进行中的任务：**${count}**，同时最多 ${limit} 个`,
    noCooldown: "冷却时间：无",
    cooldown: (seconds, endsAt) => {
      const between = `冷却时间：两次提交之间 ${seconds} 秒`;
      return endsAt === null ? `${between}，现在即可提交` : `${between}，下次可在 ${endsAt}提交`;
    },
    modes: (modes) =>
      modes.length === 0
        ? "速度模式：无"
        : `速度模式：${modes.map((m) => `${m}（${modeName(m)}）`).join("、")}`,
    commands: (commands) =>
      commands.length === 0
        ? "消耗积分的命令：无"
        : `消耗积分的命令：${commands.map((c) => `/${c}`).join("、")}`,
    blocked: "⛔ 该成员的某个身份组完全不能提交任务。",
    onlyAdminsOthers:
      "只有服务器管理员（拥有“管理服务器”权限，或机器人策略指定的身份组）才能查看其他成员的积分。不带 `member` 使用 /info 可以查看你自己的。",
    historyTitle: (count) => (count === 1 ? "你最近的任务" : `你最近的 ${count} 个任务`),
    noHistory: "你在此服务器还没有任务。",
    state: (state) => STATES[state],
    refunded: (charged) => `已退还 ${charged}`,
    messageLink: "消息",
    noMessage: "无消息",
    onlyAdminsUsage:
      "只有服务器管理员（拥有“管理服务器”权限，或机器人策略指定的身份组）才能查看服务器的用量。",
    onlyInServer: "此命令只能在服务器中使用。",
    usageTitle: (period, since) =>
      period === "today" ? `**今天的用量**（自 ${since} 起）` : `**本月的用量**（自 ${since} 起）`,
    total: (credits, jobCount) => `合计：**${credits}**，${jobCount} 个任务`,
    byMember: "**按成员**",
    byKind: "**按任务类型**",
    noUsage: (period) => (period === "today" ? "今天没有任务。" : "本月没有任务。"),
    moreMembers: (count) => `…还有 ${count} 位成员（所有记录都在 CSV 文件中）`,
    csvAttached: "所有记录都在附带的 CSV 文件中。",
    csvTooLarge: (limitMb) => `CSV 文件会超过此频道的上传上限（${limitMb} MB），因此没有附上。`,
  },

  presses: {
    notMine: "这个按钮不是我发出的。",
    resultUnknown: "代理已找不到这个结果，它的按钮无法使用。",
    proxyUnreachable: "Midjourney 代理暂时没有响应，这个结果的按钮现在无法使用。请过一分钟再试。",
    ownerUnknown: "已无法确定这个结果的主人，它的按钮无法使用。请用 /imagine 生成你自己的图片。",
    onlyOwner: (ownerId) =>
      `只有 <@${ownerId}> 可以使用这个结果上的按钮。请用 /imagine 生成你自己的图片。`,
    alreadyPressed: "正在处理：这个按钮刚刚已被点击。",
    seed: (seed) => `🌱 种子：\`${seed}\`。在提示词中加上 \`--seed ${seed}\` 即可以它为起点。`,
    seedNotFound: "找不到种子。",
    offerExpired: "此报价已过期，请重新运行命令。",
    onlyConfirm: (userId) => `只有 <@${userId}> 可以确认。`,
    alreadyConfirmed: "已确认：任务正在路上。",
    cannotRetry: "这个任务已无法重试，请提交一个新任务。",
    onlyRetry: (userId) => `只有 <@${userId}> 可以重试这个任务。`,
    alreadyRetried: "这个任务已经重试过了。",
    formNotWaiting: "这个表单已不再等待提交。",
    onlyConfirmPrompt: (userId) => `只有 <@${userId}> 可以确认这条提示词。`,
    pickTitle: (index) => `生成提示词 ${index ?? ""}`.trim(),
    confirmTitle: "确认提示词",
  },

  forms: {
    notMine: "这个表单不是我发出的。",
    alreadySent: "正在处理：这个表单刚刚已提交。",
    alreadyConfirmed: "这条提示词已经确认过了。",
    maySent: "提示词可能已经发送，但未能记录。如果任务开始运行，结果会出现在这里。",
    prompt: "提示词",
    zoomHint: "保留 --zoom，数值大于 1 且不超过 2（例如 --zoom 1.5）。",
    regionHint: "选中的区域里应该出现什么？",
    regionLabel: "重绘区域",
    regionPick: "选择一个或多个区域，或在下方上传蒙版。",
    maskLabel: "蒙版（可选）",
    maskHint: (side) =>
      `PNG，最大 ${side}×${side} 像素：白色 = 重绘，黑色 = 保留。会覆盖所选区域。`,
    pickHint: "生成前可以先修改。",
    remixHint: "如有需要，可以修改提示词。",
    regions: {
      left: "左半边",
      right: "右半边",
      top: "上半部分",
      bottom: "下半部分",
      centre: "中间",
      "top-left": "左上四分之一",
      "top-right": "右上四分之一",
      "bottom-left": "左下四分之一",
      "bottom-right": "右下四分之一",
      background: "外围边框（保留中间）",
    },
    unknownRegion: "表单发送了一个不在选项中的区域。",
    chooseRegion: "请选择要重绘的区域，或上传蒙版。",
    maskTooLarge: (mb) => `蒙版超过了 ${mb} MB。`,
    maskNotDownloaded: "无法从 Discord 下载蒙版，请重新上传。",
    maskSides: (width, height, max) => `蒙版为 ${width}×${height} 像素，最大只能是 ${max}×${max}。`,
    maskMegabytes: (size, limit) => `蒙版为 ${size} MB，上限是 ${limit} MB。`,
    pictureTooLarge: (width, height, max) =>
      `这张图片为 ${width}×${height} 像素；局部重绘只能为不超过 ${max}×${max} 的图片绘制蒙版。`,
    maskNotPng: "蒙版必须是 PNG 图片。",
    maskUnreadable: "无法把蒙版读取为 PNG 图片。",
    zoomOnce: "`--zoom` 只能用一次。",
    zoomMissing: "自定义缩放需要 `--zoom` 加上大于 1 且不超过 2 的数值，例如 `--zoom 1.5`。",
    zoomValue: (typed) =>
      `缩放值必须是大于 1 且不超过 2 的普通数字，例如 \`--zoom 1.5\`（你写的是 \`--zoom ${typed}\`）。`,
  },

  inputs: {
    promptEmpty: "提示词不能为空。",
    promptInvisible: "提示词没有可见的文字（只有不可见字符或控制字符）。请写下你想看到的画面。",
    tooLong: (option, length, limit) =>
      `\`${option}\` 有 ${length} 个字符，上限是 ${limit}。请缩短后重试。`,
    fileTooLarge: (option, size, maxMb) => `\`${option}\` 为 ${size} MB，上限是 ${maxMb} MB。`,
    notAnImage: (option) => `\`${option}\` 不是图片（PNG、JPEG、WebP 或 GIF）。`,
    largerThan: (option, maxMb) => `\`${option}\` 超过了 ${maxMb} MB。`,
    notDownloaded: (option) => `无法从 Discord 下载 \`${option}\`，请重新添加附件。`,
    notSupported: (option) => `\`${option}\` 不是 PNG、JPEG、WebP 或 GIF 图片。`,
    noSize: (option) => `无法读取 \`${option}\`：尺寸缺失或为零。请重新保存后再试。`,
    tooManyPixels: (option, width, height, side, megapixels) =>
      `\`${option}\` 为 ${width}×${height} 像素；上限是每边 ${side} 像素、共 ${megapixels} 百万像素。请缩小后重试。`,
    privateAddress: (option, leads, address, kind) => {
      const what = kind === "private" || kind === "loopback" ? "私有或本地" : `特殊（${kind}）`;
      return `\`${option}\` ${leads ? "解析到" : "指向"}${what}地址（${address}），不会交给代理。请使用公开链接，或直接上传图片。`;
    },
    notHttp: (option) => `\`${option}\` 必须是指向图片的 http(s) 链接。`,
    credentials: (option) =>
      `\`${option}\` 不能包含用户名或密码。请使用任何人都能打开的链接，或直接上传图片。`,
    lookupSlow: (option, host) =>
      `\`${option}\` 的主机 ${host} 未能及时解析。请稍后再试，或直接上传图片。`,
    lookupFailed: (option, host) =>
      `找不到 \`${option}\` 的主机 ${host}。请检查链接，或直接上传图片。`,
    notAnOption: (option, command) => `\`${option}\` 不是 /${command} 的选项。`,
    notAChoice: (option, choices) => `\`${option}\` 必须是以下之一：${choices.join("、")}。`,
    oneImage: "请在 `image`（附件）和 `image_url`（链接）中只提供一个。未提交任何任务。",
    blendTwo: "混合至少需要两张图片。未提交任何任务。",
    sameFace: "人脸图和目标图是同一张图片。未提交任何任务。",
  },

  settings: {
    title: "**你的 mjcord 设置**",
    speed: (mode, own) =>
      `速度：**${modeName(mode)}**${own ? "" : "（服务器默认）"}。命令自带的 \`mode\` 选项仍然优先。`,
    remix: (on) =>
      `Remix：**${on ? "开" : "关"}**。开启 Remix 后，变化、重新生成、平移和动画会先让你修改提示词。`,
    fast: "快速",
    relax: "慢速",
    turbo: "极速",
    remixOn: "开启 Remix",
    remixOff: "关闭 Remix",
    notYourPanel: "只能在你自己的 /settings 面板上修改设置。请运行 /settings 进行选择。",
  },

  video: {
    offer: (quality, motion, price, credits) =>
      `🎬 一段 ${quality} 视频（${motion}）的价格是图片的 **${price}**：${credits}。要生成吗？`,
    motion: { low: "低动态", high: "高动态" },
    make: (price) => `生成视频（${price}）`,
  },

  commands: {
    imagine: "根据提示词生成四张图片",
    imaginePrompt: "想要生成的画面，可带 --参数",
    imagineImage: "参考图",
    imagineImage2: "第二张参考图",
    imagineImage3: "第三张参考图",
    blend: "混合两到五张图片",
    blendImage1: "第一张图片",
    blendImage2: "第二张图片",
    blendImage3: "第三张图片",
    blendImage4: "第四张图片",
    blendImage5: "第五张图片",
    blendDimensions: "结果的画幅",
    portrait: "竖版（2:3）",
    square: "方形（1:1）",
    landscape: "横版（3:2）",
    describe: "以图生文：得到描述图片的四条提示词",
    describeImage: "要描述的图片",
    shorten: "找出提示词中的关键词，并给出更短的版本",
    shortenPrompt: "要精简的提示词",
    video: "把图片做成短视频",
    videoPrompt: "画面中应该发生什么",
    videoImage: "起始帧",
    videoImageUrl: "或起始帧的链接",
    videoMotion: "动态幅度",
    motionLow: "低",
    motionHigh: "高",
    videoQuality: "480p 价格为图片的 7.5 倍，720p 为 26 倍",
    quality480: "480p（图片的 7.5 倍）",
    quality720: "720p（图片的 26 倍）",
    swapface: "把一张图片中的人脸换到另一张图片上",
    swapfaceFace: "带人脸的图片",
    swapfaceTarget: "要换上人脸的图片",
    edit: "用提示词编辑图片",
    editPrompt: "要修改的内容",
    editImage: "要编辑的图片",
    editImageUrl: "或图片的链接",
    settings: "你的默认设置：速度模式和 Remix",
    info: "你的积分：今天和本月已用与剩余、进行中的任务、你可以使用的功能",
    infoMember: "管理员：查看其他成员",
    history: "你最近的任务：内容、状态、积分、时间，以及各自的链接",
    usage: "管理员：按成员和任务类型统计积分，并附上 CSV 明细",
    usagePeriod: "统计时段",
    today: "今天",
    month: "本月",
    mode: "本次任务的速度模式",
    fast: "快速",
    relax: "慢速",
    turbo: "极速",
    bot: "Midjourney（默认）或 Niji（其动漫模型）",
    midjourney: "Midjourney",
    niji: "Niji",
  },

  bot: {
    restarting: "mjcord 正在重启，请过一分钟再试。",
    wentWrong: "出了点问题，请再试一次。",
    serversOnly: "mjcord 只能在服务器中使用。",
    unknownCommand: "这个命令已不可用。",
  },
};
