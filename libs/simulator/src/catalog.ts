// The MCP servers and tools a simulated fleet uses, with the behaviour that
// makes dashboards look like production: each tool has its own latency
// distribution, error rate and token profile.

export interface ToolProfile {
  readonly plugin: string;
  readonly tool: string;
  /** Median latency in milliseconds, and lognormal shape. */
  readonly medianMs: number;
  readonly sigma: number;
  /**
   * Probability a call fails (error or timeout). A healthy fleet stays at or
   * under 2.5%, well below the 5% of the MCPGToolErrorRate alert; incidents
   * are injected with faults (faults.ts).
   */
  readonly errorRate: number;
  readonly tokensIn: number;
  readonly tokensOut: number;
  /** Relative popularity. */
  readonly weight: number;
  readonly errors: readonly { code: string; message: string }[];
}

const httpErrors = [
  { code: 'UPSTREAM_5XX', message: 'upstream returned 502 Bad Gateway' },
  { code: 'RATE_LIMITED', message: 'rate limit exceeded, retry after 30s' },
];

export const TOOL_CATALOG: readonly ToolProfile[] = [
  { plugin: 'github', tool: 'search_code', medianMs: 420, sigma: 0.6, errorRate: 0.02, tokensIn: 60, tokensOut: 2400, weight: 9, errors: httpErrors },
  { plugin: 'github', tool: 'get_pull_request', medianMs: 210, sigma: 0.5, errorRate: 0.01, tokensIn: 40, tokensOut: 3100, weight: 7, errors: httpErrors },
  { plugin: 'github', tool: 'create_issue', medianMs: 380, sigma: 0.4, errorRate: 0.025, tokensIn: 350, tokensOut: 120, weight: 2, errors: httpErrors },
  { plugin: 'slack', tool: 'post_message', medianMs: 160, sigma: 0.4, errorRate: 0.015, tokensIn: 180, tokensOut: 40, weight: 5, errors: httpErrors },
  { plugin: 'slack', tool: 'search_messages', medianMs: 540, sigma: 0.7, errorRate: 0.02, tokensIn: 30, tokensOut: 1800, weight: 4, errors: httpErrors },
  {
    plugin: 'postgres',
    tool: 'query',
    medianMs: 45,
    sigma: 1.1,
    errorRate: 0.025,
    tokensIn: 90,
    tokensOut: 900,
    weight: 10,
    errors: [
      { code: 'SQL_ERROR', message: 'syntax error at or near "SELEC"' },
      { code: 'STATEMENT_TIMEOUT', message: 'canceling statement due to statement timeout' },
    ],
  },
  { plugin: 'postgres', tool: 'list_tables', medianMs: 12, sigma: 0.5, errorRate: 0.002, tokensIn: 10, tokensOut: 300, weight: 3, errors: httpErrors },
  {
    plugin: 'filesystem',
    tool: 'read_file',
    medianMs: 3,
    sigma: 0.8,
    errorRate: 0.02,
    tokensIn: 25,
    tokensOut: 1500,
    weight: 12,
    errors: [{ code: 'ENOENT', message: 'no such file or directory' }],
  },
  { plugin: 'filesystem', tool: 'write_file', medianMs: 6, sigma: 0.7, errorRate: 0.01, tokensIn: 900, tokensOut: 15, weight: 4, errors: [{ code: 'EACCES', message: 'permission denied' }] },
  { plugin: 'jira', tool: 'search_issues', medianMs: 650, sigma: 0.6, errorRate: 0.025, tokensIn: 50, tokensOut: 2000, weight: 3, errors: httpErrors },
  { plugin: 'browser', tool: 'fetch_page', medianMs: 1200, sigma: 0.9, errorRate: 0.025, tokensIn: 30, tokensOut: 5200, weight: 5, errors: httpErrors },
  { plugin: 'search', tool: 'web_search', medianMs: 800, sigma: 0.5, errorRate: 0.02, tokensIn: 20, tokensOut: 1300, weight: 6, errors: httpErrors },
];

export const WORKSPACES = ['prod', 'staging', 'dev'] as const;
export const WORKSPACE_WEIGHTS = [6, 3, 1] as const;
