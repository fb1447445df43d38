/** Limits of the idea form, for the zod schemas in idea.ts and for the labels of the page's fields. */
export const IDEA_TITLE_MIN = 10
export const IDEA_TITLE_MAX = 140
export const IDEA_BODY_MAX = 10_000
export const IDEA_TAGS_MAX = 5
export const IDEA_TAG_NAME_MAX = 35

/** Similar ideas are looked up once the title has this many characters. */
export const SIMILAR_IDEAS_MIN_CHARS = 3
