// The `route` label of the API's own request metrics: bounded cardinality
// whatever clients send. A matched route is labelled by its template (the
// `:org` of /v1/orgs/:org/... stays `:org`), with any literal UUID or number
// segment folded to `:id`; every unmatched path shares one label value.
export const UNMATCHED_ROUTE = '__unmatched__';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NUMBER = /^\d+$/;

export function routeLabel(template: string | undefined): string {
  if (template === undefined || template === '') return UNMATCHED_ROUTE;
  return template
    .split('/')
    .map((segment) => (UUID.test(segment) || NUMBER.test(segment) ? ':id' : segment))
    .join('/');
}
