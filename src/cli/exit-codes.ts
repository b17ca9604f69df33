// The exit codes every command uses, as the README documents them. 75 is sysexits' EX_TEMPFAIL: try again later.
export const exitCodes = { ok: 0, failure: 1, usage: 2, locked: 75 } as const;
