export * from './setting.ts';
export * from './load-config.ts';
export * from './settings.ts';
export * from './retention-plans.ts';
