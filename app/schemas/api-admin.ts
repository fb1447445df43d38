/**
 * The /api/v1 contract: Members and companies, for admins.
 */
import { type ApiOperation } from './api-common'

export const ADMIN_OPERATIONS: ApiOperation[] = []
