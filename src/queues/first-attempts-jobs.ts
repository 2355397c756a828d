/** A shared first-attempts deliver job is named after the first message it carries. */
export const firstAttemptsJobId = (ids: string[]): string => `f-${ids[0]}`;
