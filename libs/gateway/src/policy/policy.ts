// Policy decisions: the first rule whose every condition matches decides;
// no match falls back to the configured default. Rules are compiled once.
import type { Obligations, PolicyEffect, PolicyRuleConfig } from '../config/gateway-config.ts';
import { compileAny, type Matcher } from './glob.ts';

export interface PolicySubject {
  readonly server: string;
  readonly tool: string;
  readonly actor: string;
  readonly workspace: string;
}

export type DecisionKind = 'permit' | 'deny' | 'permit_with_obligations';

export interface Decision {
  readonly kind: DecisionKind;
  /** null when the default decided. */
  readonly ruleId: string | null;
  readonly obligations: Obligations | null;
  readonly reason: string;
}

export type Policy = (subject: PolicySubject) => Decision;

interface CompiledRule {
  readonly config: PolicyRuleConfig;
  readonly tool: Matcher;
  readonly server: Matcher;
  readonly actor: Matcher;
  readonly workspace: Matcher;
  readonly decision: Decision;
}

export function compilePolicy(defaultEffect: PolicyEffect, rules: readonly PolicyRuleConfig[]): Policy {
  const compiled: CompiledRule[] = rules.map((config) => ({
    config,
    tool: compileAny(config.tools),
    server: compileAny(config.servers),
    actor: compileAny(config.actors),
    workspace: compileAny(config.workspaces),
    decision: decisionOf(config),
  }));
  const fallback: Decision = {
    kind: defaultEffect,
    ruleId: null,
    obligations: null,
    reason: defaultEffect === 'deny' ? 'no policy rule permits this call' : '',
  };
  return (s) => {
    const name = `${s.server}__${s.tool}`;
    for (const rule of compiled) {
      if (rule.tool(name) && rule.server(s.server) && rule.actor(s.actor) && rule.workspace(s.workspace)) return rule.decision;
    }
    return fallback;
  };
}

function decisionOf(rule: PolicyRuleConfig): Decision {
  if (rule.effect === 'deny') {
    return { kind: 'deny', ruleId: rule.id, obligations: null, reason: rule.reason || `denied by policy rule ${rule.id}` };
  }
  const o = rule.obligations;
  const binding = o !== null && (o.redactResponse || o.maxResponseBytes > 0);
  return { kind: binding ? 'permit_with_obligations' : 'permit', ruleId: rule.id, obligations: binding ? o : null, reason: rule.reason };
}
