// The words around ❌ Cancel, as members read them.

export const CANCEL_WORDS = {
  ended: "This job has already ended, so there is nothing to cancel.",
  notYours: (ownerId: string) => `Only <@${ownerId}> or a server admin can cancel this job.`,
  notConfirmed:
    "This job cannot be cancelled yet: the proxy has not confirmed it. Try again in a moment.",
  busy: "This job is being cancelled already.",
  cannot: "This server's Midjourney proxy cannot cancel jobs, so this one goes on.",
  failed: (why: string) => `The job could not be cancelled, so it goes on. ${why}`,
} as const;
