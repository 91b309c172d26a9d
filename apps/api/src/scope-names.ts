import { In, type EntityManager } from 'typeorm';
import { IdcEntity, ServiceEntity } from '@libs/persistence';

/**
 * The scope's names that the current config does not have, as field errors
 * (`services[1]: unknown service "x"`). A misspelt name would cover nothing while the operator
 * believes it is covered, so freezes and maintenance windows refuse it.
 */
export async function unknownScopeNames(
  m: EntityManager,
  scope: { services?: string[]; idcs?: string[] },
): Promise<Array<{ path: string; message: string }>> {
  const services = scope.services ?? [];
  const idcs = scope.idcs ?? [];
  // One after the other: `m` is usually a transaction's, on one connection.
  const knownServices = await names(
    m.getRepository(ServiceEntity).find({ select: { name: true }, where: { name: In(services) } }),
  );
  const knownIdcs = await names(
    m.getRepository(IdcEntity).find({ select: { name: true }, where: { name: In(idcs) } }),
  );
  return [
    ...services.flatMap((name, i) =>
      knownServices.has(name) ? [] : [{ path: `services[${i}]`, message: `unknown service "${name}"` }],
    ),
    ...idcs.flatMap((name, i) =>
      knownIdcs.has(name) ? [] : [{ path: `idcs[${i}]`, message: `unknown IDC "${name}"` }],
    ),
  ];
}

async function names(rows: Promise<Array<{ name: string }>>): Promise<Set<string>> {
  return new Set((await rows).map((r) => r.name));
}
