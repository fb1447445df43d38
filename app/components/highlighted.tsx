/**
 * Renders search text whose matches are wrapped in \u0002…\u0003 as <mark> elements. The text is
 * rendered as text by React, so nothing the user wrote is ever interpreted as HTML.
 */
export function Highlighted({ text }: { text: string }) {
  const parts = text.split(/(\u0002[^\u0003]*\u0003)/g)
  return (
    <>
      {parts.map((part, i) =>
        part.startsWith('\u0002') ? <mark key={i}>{part.slice(1, -1)}</mark> : <span key={i}>{part.replace(/[\u0002\u0003]/g, '')}</span>,
      )}
    </>
  )
}
