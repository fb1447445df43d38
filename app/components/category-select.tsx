/** The category picker of the idea and roadmap filters (a plain GET form field). */
export function CategorySelect({
  id,
  categories,
  selected,
}: {
  id: string
  categories: ReadonlyArray<{ id: number; slug: string; name: string }>
  selected: string
}) {
  return (
    <div className="field-inline">
      <label htmlFor={id}>Category</label>
      <select id={id} name="category" defaultValue={selected}>
        <option value="">All categories</option>
        {categories.map((c) => (
          <option key={c.id} value={c.slug}>
            {c.name}
          </option>
        ))}
      </select>
    </div>
  )
}
