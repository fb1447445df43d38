/**
 * Every /api/v1 operation, from the files that define each area's schemas. The OpenAPI document,
 * the /api reference page and the test that keeps routes and document in step all read this list.
 */
import { CORE_OPERATIONS } from './api'
import { ADMIN_OPERATIONS } from './api-admin'
import { type ApiOperation } from './api-common'
import { IDEA_EDIT_OPERATIONS } from './api-idea-edit'
import { LINK_OPERATIONS } from './api-links'

export const API_OPERATIONS: ApiOperation[] = [...CORE_OPERATIONS, ...IDEA_EDIT_OPERATIONS, ...LINK_OPERATIONS, ...ADMIN_OPERATIONS]
