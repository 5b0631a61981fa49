// The shapes of server-side printing: meta.k8s.io/v1 TableColumnDefinition and a
// printer per kind (its columns and how one object becomes one row of cells).

import type { JsonObject } from '../../api/validation/json.js';

export interface ColumnDefinition {
  name: string;
  /** 'string', 'integer', 'number', 'boolean' or 'date'. */
  type: string;
  /** 'name' for the column holding the object's name, else ''. */
  format: string;
  description: string;
  /** 0: always shown; 1: only with -o wide. */
  priority: number;
}

export interface Printer {
  columns: ColumnDefinition[];
  row(o: JsonObject, now: Date): unknown[];
}

export function col(name: string, type: string, description: string, priority = 0, format = ''): ColumnDefinition {
  return { name, type, format, description, priority };
}

export const nameCol = col('Name', 'string', 'Name of the object, unique within its namespace.', 0, 'name');
export const ageCol = col('Age', 'string', 'Time since the object was created.');
export const containersCol = col('Containers', 'string', 'Names of each container in the template.', 1);
export const imagesCol = col('Images', 'string', 'Images referenced by each container in the template.', 1);
export const selectorCol = (description = 'Label selector of the pods this object manages.'): ColumnDefinition => col('Selector', 'string', description, 1);
