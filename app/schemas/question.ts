/** Form fields of questions, answers and their comments, shared by the ask, edit and question pages. */
import { z } from 'zod'

export const QUESTION_TITLE_LENGTH = { min: 15, max: 150 } as const
export const QUESTION_BODY_LENGTH = { min: 30, max: 10_000 } as const
export const ANSWER_BODY_LENGTH = { min: 20, max: 10_000 } as const
export const QA_COMMENT_LENGTH = { min: 2, max: 600 } as const
export const EDIT_REASON_MAX_LENGTH = 200

const text = (what: string, { min, max }: { min: number; max: number }) =>
  z
    .string({ error: `Write ${what}.` })
    .trim()
    .min(min, `Write at least ${min} characters.`)
    .max(max, `Use at most ${max.toLocaleString('en')} characters.`)

export const QuestionTitle = text('a title', QUESTION_TITLE_LENGTH).regex(/^[^\u0000-\u001f]*$/, 'Use one line of text.')
export const QuestionBody = text('your question', QUESTION_BODY_LENGTH)
export const AnswerBody = text('your answer', ANSWER_BODY_LENGTH)
export const QaCommentBody = text('a comment', QA_COMMENT_LENGTH)
export const EditReason = z
  .string()
  .trim()
  .max(EDIT_REASON_MAX_LENGTH, `Use at most ${EDIT_REASON_MAX_LENGTH} characters.`)
  .optional()
  .default('')

/** A numeric id sent in a form field; anything else fails validation (a 400, never a 500). */
export const FormId = z
  .string({ error: 'Missing id.' })
  .regex(/^[1-9]\d{0,15}$/, 'Not a valid id.')
  .transform(Number)
  .refine(Number.isSafeInteger, 'Not a valid id.')

/** "123", "#123" or an address containing /questions/123: the question's id, else null. */
export function parseQuestionRef(value: string) {
  const text = value.trim()
  const match = /^#?(\d{1,15})$/.exec(text) ?? /\/questions\/(\d{1,15})(?:[/?#-]|$)/.exec(text)
  const id = match ? Number(match[1]) : NaN
  return Number.isSafeInteger(id) && id > 0 ? id : null
}

export const CLOSE_NOTE_MAX_LENGTH = 500
export const CloseNote = z
  .string()
  .trim()
  .max(CLOSE_NOTE_MAX_LENGTH, `Use at most ${CLOSE_NOTE_MAX_LENGTH} characters.`)
  .optional()
  .default('')
