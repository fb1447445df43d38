/** /logout: ends the session (POST only). */
import { type ActionFunctionArgs, redirect } from '@remix-run/node'
import { endSession } from '~/lib/auth.server'
import { readForm } from '~/lib/forms.server'

// Logging out changes state, so it is a POST (a GET could be triggered by any other site).
export async function loader() {
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  await readForm(request)
  const cookie = await endSession(request)
  return redirect('/', { headers: { 'Set-Cookie': cookie } })
}
