/**
 * The /api/v1 contract: Editing and merging ideas.
 */
import { type ApiOperation } from './api-common'

export const IDEA_EDIT_OPERATIONS: ApiOperation[] = []
