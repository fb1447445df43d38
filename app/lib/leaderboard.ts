/** The leaderboard's periods and limits, shared by its model and its page. */
export const LEADERBOARD_PERIODS = ['week', 'month', 'year', 'all'] as const
export type LeaderboardPeriod = (typeof LEADERBOARD_PERIODS)[number]
export const LEADERBOARD_PAGE_SIZE = 50
/** Period rankings page by offset; past this page the sort would be deep work for nobody. */
export const MAX_PERIOD_PAGES = 20
export const MAX_SEARCH_LENGTH = 50
