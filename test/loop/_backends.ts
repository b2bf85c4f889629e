/**
 * The backends the loop conformance suite runs against. Every test file wraps its cases in
 * `for (const backend of BACKENDS) describe(backend, ...)`, so one rule is checked once per
 * backend: the backends must be interchangeable (STYLE.md, rule 3).
 */
export const BACKENDS = ["epoll", "poll", "select"] as const;

export type BackendName = (typeof BACKENDS)[number];
