// Proxy texts (often Chinese, sometimes gateway keywords) -> plain words for members.
// Never branch on these texts for logic: they differ per server and version (§0); they are
// only for display. Unknown texts are shown as they are.
// § numbers refer to docs/proxy-behaviour.md.

interface Rule {
  match: RegExp;
  say: string | ((m: RegExpMatchArray) => string);
}

const RULES: Rule[] = [
  // Submit-time rejections (§4)
  {
    match: /可能包含敏感词/,
    say: "Midjourney's word filter flagged this prompt. Rephrase it and try again.",
  },
  {
    match: /队列已满|queue full/i,
    say: "The Midjourney queue is full right now. Try again in a minute.",
  },
  {
    match: /队列数已达上限/,
    say: "Too many jobs are waiting already. Try again when some have finished.",
  },
  {
    match: /并发数已达上限/,
    say: "Too many jobs are running at once. Try again when one has finished.",
  },
  {
    match: /无可用的账号实例|账号不可用|实例不可用/,
    say: "No Midjourney account is available on the proxy right now. Try again later.",
  },
  {
    match: /关联任务不存在或已失效|task_no_found/i,
    say: "The proxy no longer knows that job (it may have expired). Start a new one.",
  },
  {
    match: /关联任务状态错误/,
    say: "That job has not finished yet, so its buttons cannot be used.",
  },
  { match: /未知的 ?Action ?类型|unknown_action/i, say: "The proxy does not support this button." },
  { match: /目标任务不存在/, say: "That form has expired. Press the button again." },
  { match: /prompt不能为空/i, say: "The prompt cannot be empty." },
  {
    match: /base64格式错误/,
    say: "An image could not be read. Use a PNG, JPEG, WebP or GIF file.",
  },
  { match: /禁止上传/, say: "The proxy does not accept uploaded images." },
  { match: /参数错误/, say: "The request to the proxy was incomplete." },
  { match: /该任务不支持重新生成/, say: "This result cannot be rerolled." },
  { match: /无效的 ?PicReader ?索引/, say: "That prompt choice is not valid." },
  {
    match: /当前账号不支持 ?remix/i,
    say: "The proxy's Midjourney account has Remix switched off.",
  },
  {
    match: /未开启 ?REMIX/i,
    say: "Video needs Remix switched on for the proxy's Midjourney account.",
  },
  { match: /视频功能未启用/, say: "Video is not enabled on this proxy." },
  { match: /当前账号不支持编辑/, say: "The proxy's Midjourney account cannot edit images." },
  {
    match: /访客今日绘图次数已达上限|用户今日绘图次数已达上限/,
    say: "Today's image limit on the proxy has been reached. Try again tomorrow.",
  },
  { match: /总绘图次数已达上限/, say: "The proxy account's image limit has been reached." },
  { match: /账号已被临时封锁/, say: "The proxy account is temporarily blocked for banned words." },
  { match: /State参数过长|NotifyHook参数过长/i, say: "The request to the proxy was too long." },
  { match: /负载已饱和|overloaded/i, say: "The Midjourney proxy is busy. Try again in a minute." },
  { match: /服务暂不可用|服务异常/, say: "The proxy is having trouble. Try again later." },
  { match: /quota_not_enough|余额不足/i, say: "The proxy account has run out of credit." },
  { match: /请配置私聊频道/, say: "This proxy cannot look up seeds." },
  { match: /未找到 ?seed/i, say: "The seed could not be found in time. Try again later." },
  { match: /未找到 ?Shortened prompts/i, say: "The shortened prompts could not be found." },
  {
    match: /提交失败，系统异常/,
    say: "The proxy could not submit the job because of an internal error. Try again.",
  },
  // Task failure reasons (§7.4)
  {
    match: /执行超时\s*(\d+)\s*分钟/,
    say: (m) => `Midjourney took too long and the job timed out after ${m[1]} minutes.`,
  },
  { match: /上游任务超时/, say: "The job did not finish within an hour and was stopped." },
  { match: /任务提交超时/, say: "The job waited in the queue too long and was dropped." },
  {
    match: /任务超时，自动取消/,
    say: "The job was cancelled because the Midjourney account stopped answering.",
  },
  { match: /超时，未找到消息/, say: "Midjourney did not answer in time." },
  { match: /任务超时/, say: "The job timed out." },
  { match: /未找到父级任务/, say: "The image this job was based on is gone." },
  { match: /取消任务/, say: "The job was cancelled." },
  { match: /任务失败，请重试/, say: "The job failed. Please try again." },
  { match: /执行失败/, say: "The job failed on the proxy." },
  { match: /^提交失败/, say: "The proxy could not submit the job. Try again." },
];

/** Plain English for a proxy description or failure reason; unknown text is returned trimmed. */
export function plainWords(text: string | null | undefined): string {
  const raw = (text ?? "").trim();
  if (raw === "") return "";
  for (const rule of RULES) {
    const m = raw.match(rule.match);
    if (m) return typeof rule.say === "string" ? rule.say : rule.say(m);
  }
  // Midjourney embeds arrive as "[Title] description" (java) or "Title, description".
  return raw;
}
