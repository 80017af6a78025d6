/**
 * Whether text can be stored as it was sent: PostgreSQL refuses a NUL character in `text` (the insert
 * fails, which would be a 500), and an unpaired surrogate has no UTF-8 form (it would be stored as
 * U+FFFD, not as sent). Every free text a client sends for storing is checked with this first.
 */
export const isStorableText = (value: string) => !/[\0\p{Cs}]/u.test(value);

export const STORABLE_TEXT_MESSAGE = "must not contain NUL characters or unpaired surrogates";
