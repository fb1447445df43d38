/** Any path no route matches: a 404 page (and 404 for a POST there). */
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { notFound } from '~/lib/http.server'

// Any unknown URL answers with the styled 404 page, for GET and POST alike.
export async function loader() {
  notFound('page')
}

export async function action() {
  notFound('page')
}

export default function NotFound() {
  return null
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary messages={{ 404: 'We could not find the page you asked for. It may have moved, or it never existed.' }} />
}
