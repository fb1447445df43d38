/**
 * The /api/v1 contract: Tracker links and inbound status calls.
 */
import { type ApiOperation } from './api-common'

export const LINK_OPERATIONS: ApiOperation[] = []
