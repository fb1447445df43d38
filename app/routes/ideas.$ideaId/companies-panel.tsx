/**
 * The staff panel of the companies behind an idea's votes: name, plan, monthly revenue and how many
 * of its members voted, by revenue. The loader sends this data only to `view:companies` viewers,
 * so it never reaches a member's or a moderator's page.
 */
import { Link } from '@remix-run/react'
import { formatRevenue } from '~/components/revenue'
import { type IdeaPageData } from './fields'

export function CompaniesPanel({ companies }: { companies: NonNullable<IdeaPageData['companies']> }) {
  const { items, companyCount, revenue, voters } = companies
  return (
    <section className="card" aria-labelledby="idea-companies-title" id="companies">
      <h2 id="idea-companies-title">
        Companies behind the votes <span className="badge team-badge">Team</span>
      </h2>
      {companyCount ? (
        <>
          <p>
            {companyCount} {companyCount === 1 ? 'company' : 'companies'}, {formatRevenue(revenue)} a month together (each counted once);{' '}
            {voters} of the votes came from their members.
          </p>
          <div className="table-scroll" role="region" aria-labelledby="idea-companies-caption" tabIndex={0}>
            <table className="admin-table">
              <caption id="idea-companies-caption">
                Companies whose members voted, by monthly revenue
                {companyCount > items.length ? ` (the first ${items.length} of ${companyCount})` : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Company</th>
                  <th scope="col">Plan</th>
                  <th scope="col">Monthly revenue</th>
                  <th scope="col">Members who voted</th>
                </tr>
              </thead>
              <tbody>
                {items.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">
                      <Link to={`/admin/companies/${c.id}`}>{c.name}</Link>
                    </th>
                    <td>{c.plan ?? '—'}</td>
                    <td>{formatRevenue(c.monthlyRevenue)}</td>
                    <td>{c.voters}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : (
        <p className="muted">No member of a company has voted for this idea yet.</p>
      )}
    </section>
  )
}
