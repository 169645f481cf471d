import { PermissionCriteria } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { DeployServiceQuery } from '../../permissions/resources';

/** The columns a service condition's keys stand for in a query. */
export interface ServiceColumns {
  ownerRef: string;
  service: string;
}

/**
 * Narrows a query to the services a permission condition allows, so lists
 * are filtered (and paged) by the database rather than after reading.
 */
export function whereReadable(
  builder: Knex.QueryBuilder,
  criteria: PermissionCriteria<DeployServiceQuery>,
  columns: ServiceColumns,
): void {
  if ('allOf' in criteria) {
    builder.where(b => {
      for (const c of criteria.allOf) {
        b.andWhere(inner => whereReadable(inner, c, columns));
      }
    });
  } else if ('anyOf' in criteria) {
    builder.where(b => {
      for (const c of criteria.anyOf) {
        b.orWhere(inner => whereReadable(inner, c, columns));
      }
    });
  } else if ('not' in criteria) {
    builder.whereNot(inner => whereReadable(inner, criteria.not, columns));
  } else if (criteria.values.length === 0) {
    builder.whereRaw('1 = 0');
  } else {
    builder.whereIn(columns[criteria.key], criteria.values);
  }
}
