/**
 * Every /api/v1 operation, from the files that define each area's schemas. The OpenAPI document,
 * the /api reference page and the test that keeps routes and document in step all read this list.
 */
import { CORE_OPERATIONS } from './api'
import { type ApiOperation } from './api-common'

export const API_OPERATIONS: ApiOperation[] = [...CORE_OPERATIONS]
