/** The part of autocannon's API that scripts/bench.ts uses (the package ships no types). */
declare module 'autocannon' {
  namespace autocannon {
    type Request = {
      method?: 'GET' | 'POST'
      path?: string
      headers?: Record<string, string>
      body?: string
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request
    }
    type Histogram = { average: number; mean: number; total: number; p50: number; p90: number; p99: number; max: number }
    type Result = {
      requests: Histogram
      latency: Histogram
      throughput: Histogram
      errors: number
      timeouts: number
      non2xx: number
      statusCodeStats?: Record<string, { count: number }>
    }
    type Options = { url: string; connections?: number; duration?: number; timeout?: number; requests?: Request[] }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>
  export default autocannon
}
