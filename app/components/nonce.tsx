import { createContext, useContext } from 'react'

const NonceContext = createContext<string | undefined>(undefined)
export const NonceProvider = NonceContext.Provider
/** The per-request CSP nonce on the server; in the browser, inline scripts are already running. */
export const useNonce = () => useContext(NonceContext)
